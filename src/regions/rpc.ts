import type { NatsConnection, Subscription } from 'nats';
import { AppError } from '../platform/errors.ts';
import type { ErrorCode } from '../platform/error-codes.ts';
import { json } from './nats.ts';

/** A refusal carried across the federation: the AppError's status, code, English message and details. */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

type Reply<T> = ({ ok: true } & T) | { ok: false; error: Refusal };

export const refusalOf = (err: AppError): Refusal => ({
  status: err.status,
  code: err.code,
  message: err.message,
  ...(err.details ? { details: err.details } : {}),
});

export const appErrorOf = (r: Refusal) => new AppError(r.status, r.code, r.message, r.details);

/** The till's refusal when another region (or the hub, or NATS) does not answer: nothing was written. */
export const regionUnavailable = (region: string, why: string) =>
  new AppError(503, 'region_unavailable', `Region ${region} does not answer (${why}); try again shortly`, {
    region,
  });

/**
 * Answers core NATS requests on `subject` (in a queue group, so several processes of one party share them)
 * with `handler`'s result; an AppError becomes a refusal, anything else is logged and refused as 500.
 */
export function serveRequests<Q, A extends object>(
  nc: NatsConnection,
  subject: string,
  handler: (req: Q) => Promise<A>,
  onError: (err: unknown) => void,
): Subscription {
  return nc.subscribe(subject, {
    queue: subject,
    callback: (err, msg) => {
      if (err) return onError(err);
      void (async () => {
        let reply: Reply<A>;
        try {
          reply = { ok: true, ...(await handler(json.decode(msg.data) as Q)) };
        } catch (e) {
          if (!(e instanceof AppError)) onError(e);
          reply = {
            ok: false,
            error:
              e instanceof AppError
                ? refusalOf(e)
                : { status: 500, code: 'internal_error', message: 'The answering party failed' },
          };
        }
        msg.respond(json.encode(reply));
      })();
    },
  });
}

/** Asks `party` on `subject` and returns its answer; no answer is `region_unavailable`, a refusal its AppError. */
export async function ask<A>(
  nc: NatsConnection,
  party: string,
  subject: string,
  body: unknown,
  timeoutMs: number,
): Promise<A> {
  let data: Uint8Array;
  try {
    data = (await nc.request(subject, json.encode(body), { timeout: timeoutMs })).data;
  } catch (err) {
    throw regionUnavailable(party, (err as Error).message);
  }
  const reply = json.decode(data) as Reply<A>;
  if (!reply.ok) throw appErrorOf(reply.error);
  return reply;
}
