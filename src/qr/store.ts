import { deleteInBatches, type Db, type Queryable, type Statement } from '../platform/db.ts';
import { seal, unseal } from '../platform/secrets.ts';
import { QrTokenReplayed } from './errors.ts';
import { KeyRing, type SigningKeyRecord } from './keyring.ts';
import type { KeySet, TokenClaims } from './token.ts';

interface KeyRow {
  kid: string;
  private_key_sealed: string | null;
  public_key_pem: string;
  created_at: Date;
  retired_at: Date | null;
  grace_seconds: number;
}

async function saveKey(q: Queryable, secretKey: Buffer, keySet: KeySet, r: SigningKeyRecord): Promise<void> {
  await q.query(
    `insert into qr_signing_keys (key_set, kid, private_key_sealed, public_key_pem, created_at, retired_at, grace_seconds)
     values ($7, $1, $2, $3, $4, $5, $6)
     on conflict (key_set, kid) do update set retired_at = excluded.retired_at, grace_seconds = excluded.grace_seconds`,
    [
      r.kid,
      r.privateKeyPem === null ? null : seal(secretKey, r.privateKeyPem),
      r.publicKeyPem,
      r.createdAt,
      r.retiredAt ?? null,
      r.graceSeconds,
      keySet,
    ],
  );
}

/** Reads every stored key of a key set into a ring, opening the sealed private keys. */
export async function loadKeyRing(
  q: Queryable,
  secretKey: Buffer,
  keySet: KeySet = 'ecard',
): Promise<KeyRing> {
  const { rows } = await q.query<KeyRow>(
    'select kid, private_key_sealed, public_key_pem, created_at, retired_at, grace_seconds from qr_signing_keys where key_set = $1 order by created_at, kid',
    [keySet],
  );
  return new KeyRing(
    rows.map((r) => ({
      kid: r.kid,
      privateKeyPem: r.private_key_sealed === null ? null : unseal(secretKey, r.private_key_sealed),
      publicKeyPem: r.public_key_pem,
      createdAt: r.created_at,
      retiredAt: r.retired_at,
      graceSeconds: r.grace_seconds,
    })),
  );
}

/**
 * Rotates a key set's signing keys: a new key signs from now on, the old ones verify until their grace ends.
 */
export async function rotateKeys(
  db: Db,
  secretKey: Buffer,
  now: Date,
  keySet: KeySet = 'ecard',
): Promise<{ added: string; retired: string[] }> {
  return db.transaction(async (tx) => {
    await tx.query('lock table qr_signing_keys in exclusive mode');
    const ring = await loadKeyRing(tx, secretKey, keySet);
    const { added, retired } = ring.rotate(now);
    await saveKey(tx, secretKey, keySet, added);
    for (const r of retired) await saveKey(tx, secretKey, keySet, r);
    return { added: added.kid, retired: retired.map((r) => r.kid) };
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The e-voucher's QR signing keys, cached (decorated in src/app.ts); the same as `qrKeySets.ecard`. */
    qrKeys: KeyRingCache;
    /** Every key set's signing keys: the e-voucher's and the e-SSC's (src/essc). */
    qrKeySets: QrKeySets;
  }
}

/** The cached keys of every key set, for the till, which takes a code of either. */
export type QrKeySets = Record<KeySet, KeyRingCache>;

/**
 * The server's view of one key set's keys, reloaded from the store at most every `maxAgeMs` (so every process of a
 * cluster picks up a rotation quickly) and at once after a local rotation. The first use creates a key
 * when the store has none.
 */
export class KeyRingCache {
  #ring: KeyRing | undefined;
  #loadedAt = 0;
  #loading: Promise<KeyRing> | undefined;

  constructor(
    private readonly db: Db,
    private readonly secretKey: Buffer,
    readonly keySet: KeySet = 'ecard',
    private readonly maxAgeMs = 10_000,
  ) {}

  async get(now: Date): Promise<KeyRing> {
    if (this.#ring && Date.now() - this.#loadedAt < this.maxAgeMs) return this.#ring;
    this.#loading ??= this.#load(now).finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  /** Rotates the stored keys and drops the cached ring so the new key signs at once. */
  async rotate(now: Date): Promise<{ added: string; retired: string[] }> {
    const result = await rotateKeys(this.db, this.secretKey, now, this.keySet);
    this.#ring = undefined;
    return result;
  }

  async #load(now: Date): Promise<KeyRing> {
    let ring = await loadKeyRing(this.db, this.secretKey, this.keySet);
    try {
      ring.signingKey(now);
    } catch {
      await rotateKeys(this.db, this.secretKey, now, this.keySet);
      ring = await loadKeyRing(this.db, this.secretKey, this.keySet);
    }
    this.#ring = ring;
    this.#loadedAt = Date.now();
    return ring;
  }
}

/**
 * Records that a token has been used, in the transaction that uses it. A token whose nonce is already
 * recorded is a replay, refused even if it has not expired.
 */
export async function consumeToken(
  tx: Queryable,
  claims: TokenClaims,
  institutionId: string | null,
  now: Date,
): Promise<void> {
  const write = consumeTokenWrite(claims, institutionId, now);
  const { rows } = await tx.query(write.sql, write.params);
  if (rows.length === 0) throw new QrTokenReplayed();
}

/**
 * `consumeToken` as a statement, for the settlement to combine with its other reads: it returns one row
 * when it recorded the nonce and none for a replay. With `claims` null it records nothing (an estimate).
 */
export function consumeTokenWrite(
  claims: TokenClaims | null,
  institutionId: string | null,
  now: Date,
): Statement {
  return {
    sql: `insert into qr_consumed_nonces (ecard_id, nonce, kid, expires_at, consumed_at, institution_id)
     select $1::uuid, $2::text, $3::text, $4::timestamptz, $5::timestamptz, $6::uuid where $1::uuid is not null
     on conflict do nothing returning 1`,
    params: [
      claims?.ecardId ?? null,
      claims?.nonce ?? null,
      claims?.kid ?? null,
      claims?.expiresAt ?? null,
      now,
      institutionId,
    ],
  };
}

/**
 * Gives back a token that `consumeTokenWrite` recorded in this transaction, for a settlement refused after
 * it in a group commit (src/settlement/group-commit.ts), where the transaction goes on without it.
 */
export function unconsumeTokenWrite(claims: TokenClaims): Statement {
  return {
    sql: 'delete from qr_consumed_nonces where ecard_id = $1 and nonce = $2',
    params: [claims.ecardId, claims.nonce],
  };
}

/** Whether a token has been used already (for scans, which do not consume). */
export async function isConsumed(q: Queryable, claims: TokenClaims): Promise<boolean> {
  const { rows } = await q.query('select 1 from qr_consumed_nonces where ecard_id = $1 and nonce = $2', [
    claims.ecardId,
    claims.nonce,
  ]);
  return rows.length > 0;
}

/**
 * Forgets the nonces of tokens that can no longer verify anyway: expired longer ago than the clock skew a
 * terminal tolerates. Deletes in short batches, like the idempotency purge.
 */
export async function purgeConsumedNonces(
  q: Queryable,
  now: Date,
  clockSkewSeconds: number,
  batchSize = 1000,
): Promise<number> {
  return deleteInBatches(
    q,
    `delete from qr_consumed_nonces where ctid = any(array(
       select ctid from qr_consumed_nonces where expires_at < $1 limit $2))`,
    [new Date(now.getTime() - clockSkewSeconds * 1000), batchSize],
    batchSize,
  );
}
