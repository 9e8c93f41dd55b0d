import {
  AckPolicy,
  DeliverPolicy,
  JSONCodec,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
  type NatsConnection,
} from 'nats';

/**
 * The federation's subjects and streams over NATS JetStream (docs/REGIONS.md "Messages and subjects"):
 *
 * - `yibao.req.<insured region>.settle|refund`: a treatment region's request to the insured region, in the
 *   stream `YIBAO_REQUESTS` (work queue: each request is consumed once by the insured region's durable
 *   consumer `insured_<region>`), its `Nats-Msg-Id` the settlement's Idempotency-Key (see `requestMsgId`);
 * - `yibao.ans.<treatment region>`: the insured region's answer, in the stream `YIBAO_ANSWERS`, consumed by
 *   the treatment region's durable consumer `answers_<region>`, which records it;
 * - core request/reply (no stream): `yibao.hub.*` (the hub: keys, directory, clearing) and
 *   `yibao.region.<region>.reconcile|eligibility|estimate` (asked of the insured region: the daily
 *   inter-region reconciliation, the till's scan, an estimate; nothing is written by any of them).
 *
 * Both streams keep message ids for `DUPLICATE_WINDOW_HOURS`, not less than the 48 hours an Idempotency-Key is
 * kept (src/platform/idempotency.ts), so a request published again with its key is dropped by the stream.
 */
export const REQUEST_STREAM = 'YIBAO_REQUESTS';
export const ANSWER_STREAM = 'YIBAO_ANSWERS';
export const DUPLICATE_WINDOW_HOURS = 48;
const MAX_AGE_DAYS = 7;

export type RequestKind = 'settle' | 'refund';

export const subjects = {
  request: (insured: string, kind: RequestKind) => `yibao.req.${insured}.${kind}`,
  requestsOf: (insured: string) => `yibao.req.${insured}.>`,
  answer: (treatment: string) => `yibao.ans.${treatment}`,
  reconcile: (insured: string) => `yibao.region.${insured}.reconcile`,
  eligibility: (insured: string) => `yibao.region.${insured}.eligibility`,
  estimate: (insured: string) => `yibao.region.${insured}.estimate`,
  hubKeys: 'yibao.hub.keys',
  hubDirectory: 'yibao.hub.directory',
  hubClearingReport: 'yibao.hub.clearing.report',
  hubClearingConfirm: 'yibao.hub.clearing.confirm',
} as const;

export const durables = {
  insured: (region: string) => `insured_${region}`,
  answers: (region: string) => `answers_${region}`,
};

/** A region code must be one subject token: letters, digits, `_` and `-`. */
export const REGION_CODE = /^[A-Za-z0-9_-]{1,32}$/;

export const json = JSONCodec<unknown>();

/** The JetStream message id of a request: the Idempotency-Key in its scope, and the attempt after a refusal. */
export function requestMsgId(treatment: string, scope: string, key: string, attempt: number): string {
  return `${treatment}:${scope}:${key}${attempt ? `#${attempt}` : ''}`;
}

export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 2_000,
  });
}

/** Creates the two streams when missing (every region and the hub call it at start; it is idempotent). */
export async function ensureStreams(nc: NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const [name, subject] of [
    [REQUEST_STREAM, 'yibao.req.>'],
    [ANSWER_STREAM, 'yibao.ans.>'],
  ] as const) {
    const config = {
      name,
      subjects: [subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_HOURS * 3600_000),
      max_age: nanos(MAX_AGE_DAYS * 24 * 3600_000),
    };
    try {
      await jsm.streams.info(name);
    } catch {
      try {
        await jsm.streams.add(config);
      } catch (err) {
        // Another process created it in between.
        await jsm.streams.info(name).catch(() => {
          throw err;
        });
      }
    }
  }
}

/** A durable pull consumer of one stream, filtered to one subject (created or updated). */
export async function ensureConsumer(
  nc: NatsConnection,
  stream: string,
  durable: string,
  filter: string,
  ackWaitMs: number,
): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filter,
    ack_wait: nanos(ackWaitMs),
    max_deliver: -1,
  };
  try {
    await jsm.consumers.info(stream, durable);
    await jsm.consumers.update(stream, durable, { ack_wait: config.ack_wait });
  } catch {
    await jsm.consumers.add(stream, config);
  }
}

/** Removes a region's durable consumers (tests, and a region leaving the federation). */
export async function removeConsumers(nc: NatsConnection, region: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.delete(REQUEST_STREAM, durables.insured(region)).catch(() => false);
  await jsm.consumers.delete(ANSWER_STREAM, durables.answers(region)).catch(() => false);
}
