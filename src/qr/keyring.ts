/**
 * Ed25519 signing keys for QR tokens, with rotation. Several keys verify at once: the newest active
 * key signs; a retired key keeps verifying for its grace period (so codes already on screens stay
 * good), then stops. Keys are plain serialisable records so the server can keep them in a table.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { Jwk, Jwks } from './verifier.ts';

/** A key id: 4 bytes written as 8 lower-case hex characters (it travels in every token). */
const KID_PATTERN = /^[0-9a-f]{8}$/;

/**
 * Default grace of a retired key: longer than the longest token lifetime (600 s) plus clock skew, so
 * every token signed just before a rotation still verifies. Use 0 for an emergency (leaked key).
 */
export const DEFAULT_GRACE_SECONDS = 900;

/** One signing key as stored. `privateKeyPem` is null on a verify-only copy. */
export interface SigningKeyRecord {
  kid: string;
  /** PKCS#8 PEM, or null for a key this process may only verify with. */
  privateKeyPem: string | null;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** When the key may start signing (a future date pre-publishes it in the JWKS). */
  createdAt: Date;
  /** When it stopped signing; null or absent while active. */
  retiredAt?: Date | null;
  /** How long after `retiredAt` it still verifies. */
  graceSeconds: number;
}

interface Entry {
  record: SigningKeyRecord;
  privateKey: KeyObject | null;
  publicKey: KeyObject;
  order: number;
}

function copyRecord(r: SigningKeyRecord): SigningKeyRecord {
  return {
    kid: r.kid,
    privateKeyPem: r.privateKeyPem,
    publicKeyPem: r.publicKeyPem,
    createdAt: new Date(r.createdAt.getTime()),
    retiredAt: r.retiredAt ? new Date(r.retiredAt.getTime()) : null,
    graceSeconds: r.graceSeconds,
  };
}

/** The default kid: the first 4 bytes of SHA-256 over the raw 32-byte public key. */
function thumbprintKid(publicKey: KeyObject): string {
  const x = publicKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new Error('not an Ed25519 public key');
  return createHash('sha256').update(Buffer.from(x, 'base64url')).digest('hex').slice(0, 8);
}

/**
 * Generates a fresh Ed25519 key record, active from `now`, with the default grace period.
 * @param kid 8 lower-case hex characters; by default derived from the public key.
 */
export function generateSigningKey(kid?: string, now: Date = new Date()): SigningKeyRecord {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const id = kid ?? thumbprintKid(publicKey);
  if (!KID_PATTERN.test(id)) throw new TypeError(`kid must be 8 lower-case hex characters, got ${id}`);
  return {
    kid: id,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    createdAt: new Date(now.getTime()),
    retiredAt: null,
    graceSeconds: DEFAULT_GRACE_SECONDS,
  };
}

/**
 * Reads a record back from JSON (dates as ISO strings), e.g. from a config file or a DB row
 * serialised by a driver. Throws TypeError on a missing or wrongly typed field.
 */
export function keyRecordFromJSON(value: unknown): SigningKeyRecord {
  if (typeof value !== 'object' || value === null) throw new TypeError('key record must be an object');
  const v = value as Record<string, unknown>;
  const date = (x: unknown, name: string): Date => {
    const d = x instanceof Date ? x : typeof x === 'string' ? new Date(x) : null;
    if (!d || Number.isNaN(d.getTime())) throw new TypeError(`key record: bad ${name}`);
    return d;
  };
  if (typeof v.kid !== 'string') throw new TypeError('key record: bad kid');
  if (v.privateKeyPem !== null && typeof v.privateKeyPem !== 'string')
    throw new TypeError('key record: bad privateKeyPem');
  if (typeof v.publicKeyPem !== 'string') throw new TypeError('key record: bad publicKeyPem');
  if (typeof v.graceSeconds !== 'number') throw new TypeError('key record: bad graceSeconds');
  return {
    kid: v.kid,
    privateKeyPem: v.privateKeyPem ?? null,
    publicKeyPem: v.publicKeyPem,
    createdAt: date(v.createdAt, 'createdAt'),
    retiredAt: v.retiredAt == null ? null : date(v.retiredAt, 'retiredAt'),
    graceSeconds: v.graceSeconds,
  };
}

/** A set of signing keys. Mutating methods change the ring in place and return what to persist. */
export class KeyRing {
  readonly #entries = new Map<string, Entry>();
  #order = 0;

  /** Builds a ring from stored records; throws on duplicate kids, non-Ed25519 or mismatched keys. */
  constructor(records: readonly SigningKeyRecord[] = []) {
    for (const r of records) this.add(r);
  }

  /** Adds a key record (validated). A record with a future `createdAt` is published but does not sign yet. */
  add(record: SigningKeyRecord): void {
    if (!KID_PATTERN.test(record.kid))
      throw new TypeError(`kid must be 8 lower-case hex characters: ${record.kid}`);
    if (this.#entries.has(record.kid)) throw new Error(`duplicate kid ${record.kid}`);
    if (!Number.isInteger(record.graceSeconds) || record.graceSeconds < 0)
      throw new TypeError('graceSeconds must be a non-negative integer');
    const publicKey = createPublicKey(record.publicKeyPem);
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError(`key ${record.kid} is not Ed25519`);
    let privateKey: KeyObject | null = null;
    if (record.privateKeyPem !== null) {
      privateKey = createPrivateKey(record.privateKeyPem);
      const derived = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
      // A record whose halves disagree would sign tokens that nobody can verify.
      if (!derived.equals(publicKey.export({ format: 'der', type: 'spki' })))
        throw new Error(`key ${record.kid}: private key does not match public key`);
    }
    this.#entries.set(record.kid, {
      record: copyRecord(record),
      privateKey,
      publicKey,
      order: this.#order++,
    });
  }

  /** Copies of every record, in insertion order, for persisting. */
  records(): SigningKeyRecord[] {
    return [...this.#entries.values()].map((e) => copyRecord(e.record));
  }

  /** True while the key may verify tokens: not retired, or retired less than `graceSeconds` ago. */
  #verifies(e: Entry, now: Date): boolean {
    const r = e.record.retiredAt;
    return !r || now.getTime() < r.getTime() + e.record.graceSeconds * 1000;
  }

  /** The key that signs at `now`: the newest non-retired key with a private key and `createdAt <= now`. */
  signingKey(now: Date = new Date()): { kid: string; privateKey: KeyObject } {
    let best: Entry | undefined;
    for (const e of this.#entries.values()) {
      if (!e.privateKey || e.record.retiredAt || e.record.createdAt.getTime() > now.getTime()) continue;
      const t = e.record.createdAt.getTime();
      if (
        !best ||
        t > best.record.createdAt.getTime() ||
        (t === best.record.createdAt.getTime() && e.order > best.order)
      )
        best = e;
    }
    if (!best?.privateKey) throw new Error('no active signing key in the key ring');
    return { kid: best.record.kid, privateKey: best.privateKey };
  }

  /** The public key for `kid` if it verifies at `now`, else null (unknown, or past its grace). */
  verificationKey(kid: string, now: Date = new Date()): KeyObject | null {
    const e = this.#entries.get(kid);
    return e && this.#verifies(e, now) ? e.publicKey : null;
  }

  /**
   * Retires a key: it stops signing now and verifies for `graceSeconds` more (default: its own).
   * Pass 0 when the key leaked. Returns the updated record.
   */
  retire(kid: string, now: Date = new Date(), graceSeconds?: number): SigningKeyRecord {
    const e = this.#entries.get(kid);
    if (!e) throw new Error(`unknown kid ${kid}`);
    if (graceSeconds !== undefined) {
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0)
        throw new TypeError('graceSeconds must be a non-negative integer');
      e.record.graceSeconds = graceSeconds;
    }
    e.record.retiredAt ??= new Date(now.getTime());
    return copyRecord(e.record);
  }

  /**
   * Rotates: generates a new key active from `now` and retires every key that was still active.
   * Returns the new record and the retired ones, to persist in one transaction.
   */
  rotate(now: Date = new Date(), kid?: string): { added: SigningKeyRecord; retired: SigningKeyRecord[] } {
    let added = generateSigningKey(kid, now);
    // A thumbprint kid is 32 bits; on the rare collision with a stored key, draw another key.
    while (kid === undefined && this.#entries.has(added.kid)) added = generateSigningKey(undefined, now);
    const retired: SigningKeyRecord[] = [];
    for (const e of this.#entries.values())
      if (!e.record.retiredAt && e.record.createdAt.getTime() <= now.getTime())
        retired.push(this.retire(e.record.kid, now));
    this.add(added);
    return { added: copyRecord(added), retired };
  }

  /**
   * The public keys that still verify at `now`, as a JWKS for terminals. A retired key carries
   * `exp` (unix seconds, rounded down) = end of its grace, so an offline terminal drops it on time.
   */
  toJwks(now: Date = new Date()): Jwks {
    const keys: Jwk[] = [];
    for (const e of this.#entries.values()) {
      if (!this.#verifies(e, now)) continue;
      const { x } = e.publicKey.export({ format: 'jwk' });
      if (typeof x !== 'string') continue;
      const jwk: Jwk = { kty: 'OKP', crv: 'Ed25519', x, kid: e.record.kid, use: 'sig', alg: 'EdDSA' };
      const r = e.record.retiredAt;
      if (r) jwk.exp = Math.floor((r.getTime() + e.record.graceSeconds * 1000) / 1000);
      keys.push(jwk);
    }
    return { keys };
  }
}
