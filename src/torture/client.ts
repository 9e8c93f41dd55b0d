/**
 * How the harness's tills talk to the server, and the client's own log the checker reads. A request is
 * retried with the same Idempotency-Key and the same body, as a till would, while it has no answer: no
 * response (the server was killed, the connection dropped, the client timed out), a 5xx, or
 * `idempotency_key_in_use`. Every retry loop is bounded by attempts and by the run's hard deadline.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ServerProcess } from './server-process.ts';

type RequestKind = 'settle' | 'estimate' | 'refund' | 'contribution' | 'pay_day';

interface Attempt {
  /** ms since the run started */
  at: number;
  ms: number;
  status?: number;
  code?: string;
  /** no answer: 'timeout' (the client gave up), or the connection error */
  error?: string;
  replayed?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of several shapes
export type Json = any;

export interface LoggedRequest {
  /** `c<client>-<op>` plus a suffix for the requests of one op */
  id: string;
  op: string;
  kind: RequestKind;
  url: string;
  /** the idempotency scope the server stores the answer under, and the key */
  scope?: string;
  key?: string;
  /** requests that were sent together (same QR at two tills, a duplicate key, a family pair) */
  group?: string;
  body: Json;
  attempts: Attempt[];
  /** every 2xx body received, in order (the first answer and its replays) */
  answers: Json[];
  /** the answer the till took: a 2xx (acknowledged) or a 4xx refusal; null when it never got one */
  final: { status: number; body: Json } | null;
}

export interface ClientLog {
  requests: LoggedRequest[];
}

const MAX_ATTEMPTS = 40;
/** The timeout of every attempt that is not a deliberately short one. */
const ATTEMPT_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Sender {
  server: ServerProcess;
  log: ClientLog;
  t0: number;
  /**
   * No attempt starts after this (performance.now() ms). The timeline moves it later after each restart,
   * so that requests cut off by a late kill get the whole grace period once the server is back.
   */
  hardDeadline: number;
}

function retryable(status: number, code: string | undefined): boolean {
  return status >= 500 || status === 429 || code === 'idempotency_key_in_use';
}

/** Sends one logged request until it has a final answer, or the attempts or the deadline run out. */
export async function perform(
  s: Sender,
  r: Omit<LoggedRequest, 'attempts' | 'answers' | 'final'> & { token: string; firstTimeoutMs?: number },
): Promise<LoggedRequest> {
  const { token, firstTimeoutMs, ...rest } = r;
  const entry: LoggedRequest = { ...rest, attempts: [], answers: [], final: null };
  s.log.requests.push(entry);
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    if (!(await s.server.whenUp(() => s.hardDeadline))) break;
    if (performance.now() >= s.hardDeadline) break;
    const started = performance.now();
    const attempt: Attempt = { at: Math.round(started - s.t0), ms: 0 };
    entry.attempts.push(attempt);
    const timeout = n === 0 && firstTimeoutMs ? firstTimeoutMs : ATTEMPT_TIMEOUT_MS;
    try {
      const res = await fetch(s.server.base + r.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(r.key ? { 'idempotency-key': r.key } : {}),
        },
        body: JSON.stringify(r.body),
        signal: AbortSignal.timeout(timeout),
      });
      const body = (await res.json()) as Json;
      attempt.ms = Math.round(performance.now() - started);
      attempt.status = res.status;
      attempt.code = body?.error?.code;
      if (res.headers.get('idempotent-replayed') === 'true') attempt.replayed = true;
      if (res.status < 300) {
        entry.answers.push(body);
        entry.final = { status: res.status, body };
        return entry;
      }
      if (!retryable(res.status, attempt.code)) {
        entry.final = { status: res.status, body };
        return entry;
      }
    } catch (err) {
      attempt.ms = Math.round(performance.now() - started);
      const e = err as Error & { cause?: { code?: string } };
      attempt.error = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message);
    }
    await sleep(Math.min(500, 20 * 2 ** Math.min(n, 5)) * (0.5 + Math.random()));
  }
  return entry;
}

/**
 * Writes the log as JSON Lines, one request with its attempts per line: a long run's log is hundreds of
 * megabytes, more than one `JSON.stringify` string can hold.
 */
export function writeClientLog(path: string, log: ClientLog): void {
  const fd = openSync(path, 'w');
  try {
    for (const r of log.requests) writeSync(fd, `${JSON.stringify(r)}\n`);
  } finally {
    closeSync(fd);
  }
}
