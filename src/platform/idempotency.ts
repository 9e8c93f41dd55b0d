import { createHash } from 'node:crypto';
import { deleteInBatches, type Queryable, type Statement } from './db.ts';
import { conflict, unprocessable } from './errors.ts';

/** Keys are kept at least this long (DOMAIN.md: at least 24 hours). */
const IDEMPOTENCY_RETENTION_HOURS = 48;

export interface StoredAnswer<T> {
  status: number;
  body: T;
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

/** A stable hash of a request body: key order does not matter. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/** A 64-bit advisory-lock number for a (scope, key) pair, as a decimal string for PostgreSQL's bigint. */
function lockNumber(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\u0000${key}`).digest().readBigInt64BE(0).toString();
}

/**
 * The insert that stores an answer under the key being processed. `fn` may run it itself, combined with its
 * own writes into one statement (`combineStatements`), and then return `stored: true`.
 */
export type AnswerWrite<T> = (status: number, body: T) => Statement;

/**
 * How an answer is kept under its key. By default the whole body is stored; a caller whose answer can be
 * rebuilt from the rows its own transaction wrote stores a small reference instead (`store`), and `load`
 * rebuilds the identical first answer from it (a settlement's answer is tens of KB, all of it already in
 * the settlement's row: storing it twice doubled the bytes every settlement parses, compresses and writes).
 */
export interface AnswerCodec<T> {
  /** What is stored for `body` (JSON). */
  store(body: T): unknown;
  /** The first answer again, from what `store` kept, read with `q` (the stored form of an older release too). */
  load(q: Queryable, stored: unknown): Promise<T>;
}

/** A key claimed in a transaction: `ok` false when another transaction holds it; the answer stored under it. */
export interface KeyClaim {
  ok: boolean;
  request_hash: string | null;
  response_status: number | null;
  response_body: unknown;
}

/**
 * Claims idempotency keys in the caller's transaction, in one round trip: for each, takes its
 * transaction-scoped advisory lock without waiting, then reads what is stored under it after the lock
 * (migrations 014 and 103). One claim per key, in the same order.
 */
export async function claimKeys(
  tx: Queryable,
  keys: ReadonlyArray<{ scope: string; key: string }>,
): Promise<KeyClaim[]> {
  if (keys.length === 1) {
    const [{ scope, key }] = keys as [{ scope: string; key: string }];
    const { rows } = await tx.query<KeyClaim>(
      'select ok, request_hash, response_status, response_body from idempotency_claim($1::bigint, $2, $3)',
      [lockNumber(scope, key), scope, key],
    );
    return rows;
  }
  const { rows } = await tx.query<KeyClaim & { n: number }>(
    `select n, ok, request_hash, response_status, response_body
       from idempotency_claims($1::bigint[], $2::text[], $3::text[]) order by n`,
    [keys.map((k) => lockNumber(k.scope, k.key)), keys.map((k) => k.scope), keys.map((k) => k.key)],
  );
  return rows;
}

/**
 * Runs `fn` at most once per (scope, key), inside the caller's transaction `tx`:
 * - a request whose key is being processed by another transaction right now → 409 `idempotency_key_in_use`;
 * - a key already used with the same body → the stored answer, `fn` is not run, nothing moves;
 * - a key already used with another body → 422 `idempotency_key_mismatch`;
 * - otherwise `fn` runs and its answer is stored in the same transaction, so it exists iff the effects do.
 * A refusal thrown by `fn` rolls everything back and stores nothing: the client may retry with the same key.
 */
export async function idempotent<T>(
  tx: Queryable,
  scope: string,
  key: string,
  hash: string,
  fn: (answer: AnswerWrite<T>) => Promise<{ status: number; body: T; stored?: true }>,
  codec?: AnswerCodec<T>,
  /** The key's claim made already in `tx` (a group commit claims its members' keys at once: `claimKeys`). */
  claimed?: KeyClaim,
): Promise<StoredAnswer<T>> {
  const claim = claimed ?? (await claimKeys(tx, [{ scope, key }]))[0]!;
  if (!claim.ok) {
    throw conflict(
      'idempotency_key_in_use',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    );
  }
  if (claim.request_hash !== null) {
    return replayOf(
      tx,
      {
        request_hash: claim.request_hash,
        response_status: claim.response_status!,
        response_body: claim.response_body!,
      },
      hash,
      codec,
    );
  }
  const write: AnswerWrite<T> = (status, body) => ({
    sql: 'insert into idempotency_keys (scope, key, request_hash, response_status, response_body) values ($1, $2, $3, $4, $5)',
    params: [scope, key, hash, status, JSON.stringify(codec ? codec.store(body) : body)],
  });
  const answer = await fn(write);
  if (!answer.stored) {
    const insert = write(answer.status, answer.body);
    await tx.query(insert.sql, insert.params);
  }
  return { status: answer.status, body: answer.body, replayed: false };
}

/**
 * The answer already stored under (scope, key), read without claiming the key: for a retry whose request can
 * no longer pass the checks made before the claim (a QR code that has expired since the first attempt), so
 * that it still gets the first answer. A stored answer never changes once committed, so no lock is needed.
 * Another body under the key is refused as `idempotency_key_mismatch`; null when nothing is stored.
 */
export async function storedAnswer<T>(
  q: Queryable,
  scope: string,
  key: string,
  hash: string,
  codec?: AnswerCodec<T>,
): Promise<StoredAnswer<T> | null> {
  const { rows } = await q.query<{ request_hash: string; response_status: number; response_body: T }>(
    'select request_hash, response_status, response_body from idempotency_keys where scope = $1 and key = $2',
    [scope, key],
  );
  return rows[0] ? replayOf(q, rows[0], hash, codec) : null;
}

/** The first answer stored under a key, for a retry with the same body; another body is refused. */
async function replayOf<T>(
  q: Queryable,
  stored: { request_hash: string; response_status: number; response_body: unknown },
  hash: string,
  codec: AnswerCodec<T> | undefined,
): Promise<StoredAnswer<T>> {
  if (stored.request_hash !== hash) {
    throw unprocessable(
      'idempotency_key_mismatch',
      'This Idempotency-Key was already used with a different request body',
    );
  }
  const body = codec ? await codec.load(q, stored.response_body) : (stored.response_body as T);
  return { status: stored.response_status, body, replayed: true };
}

/**
 * Deletes keys older than the retention period; returns how many. It deletes in batches of `batchSize`, each
 * its own short statement, so a large backlog never holds locks that settlements wait on.
 */
export async function purgeIdempotencyKeys(q: Queryable, now: Date, batchSize = 1000): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3600_000);
  return deleteInBatches(
    q,
    `delete from idempotency_keys where ctid = any(array(
       select ctid from idempotency_keys where created_at < $1 limit $2))`,
    [cutoff, batchSize],
    batchSize,
  );
}
