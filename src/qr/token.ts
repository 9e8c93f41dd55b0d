/**
 * The dynamic QR token: a 99-byte binary record signed with Ed25519, written as `YB1:` + Base45.
 * Layout and reasoning: docs/QR-TOKEN.md. Pure: no database, no clock unless none is passed.
 */
import { randomBytes, sign } from 'node:crypto';
import { Base45Error, base45Decode, base45Encode, base45Length } from './base45.ts';
import { QrTokenMalformed } from './errors.ts';
import type { KeyRing } from './keyring.ts';

/**
 * The key sets that sign QR tokens, each with the text prefix its tokens carry: the e-voucher's (the medical
 * insurance platform's keys) and the electronic social security card's (the national social security card
 * platform's keys). The prefix tells a scanner (and a human) what this is and which format version follows; it
 * is not signed, so it only routes: a token checked against another set's keys fails (unknown key).
 */
const KEY_SETS = { ecard: 'YB1:', essc: 'SS1:' } as const;
export type KeySet = keyof typeof KEY_SETS;
/** The e-voucher's prefix, the default. */
export const TOKEN_PREFIX = KEY_SETS.ecard;
/** Format version, byte 0 of the binary token (covered by the signature, unlike the prefix). */
const TOKEN_VERSION = 1;

/** Field offsets and sizes in bytes. Multi-byte integers are big-endian, unsigned. */
export const TOKEN_LAYOUT = {
  version: { offset: 0, size: 1 },
  kid: { offset: 1, size: 4 },
  ecardId: { offset: 5, size: 16 },
  issuedAt: { offset: 21, size: 4 },
  ttl: { offset: 25, size: 2 },
  nonce: { offset: 27, size: 8 },
  signature: { offset: 35, size: 64 },
} as const;

/** Bytes covered by the signature: everything before it. */
export const SIGNED_LENGTH = TOKEN_LAYOUT.signature.offset;
/** Whole binary token. Odd on purpose: Base45's last group is then 2 characters ending in 0-5, never a space. */
export const TOKEN_BYTES = SIGNED_LENGTH + TOKEN_LAYOUT.signature.size;
/** Length of the token text in characters. */
export const TOKEN_LENGTH = TOKEN_PREFIX.length + base45Length(TOKEN_BYTES);

export const DEFAULT_TTL_SECONDS = 60;
/** Longest lifetime a token may claim; the verifier refuses longer ones as malformed. */
export const MAX_TTL_SECONDS = 600;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a token says, once decoded. Times are whole seconds. */
export interface TokenClaims {
  version: number;
  /** 8 lower-case hex characters. */
  kid: string;
  /** The electronic card's UUID, lower case: the e-voucher's, or the e-SSC's for the `essc` key set. */
  ecardId: string;
  issuedAt: Date;
  expiresAt: Date;
  ttlSeconds: number;
  /** 16 lower-case hex characters (8 random bytes); the server's replay key with `ecardId`. */
  nonce: string;
}

/** A decoded but not yet verified token. */
export interface DecodedToken extends TokenClaims {
  /** Bytes 0..34, the exact input of the signature. */
  signedBytes: Buffer;
  signature: Buffer;
}

export interface IssueOptions {
  ecardId: string;
  /** Which set signs it (the ring passed must be that set's): the prefix of the text. Default `ecard`. */
  keySet?: KeySet;
  now?: Date;
  ttlSeconds?: number;
}

export interface IssuedToken {
  token: string;
  issuedAt: Date;
  expiresAt: Date;
  nonce: string;
  kid: string;
}

function uuidToBytes(uuid: string, out: Buffer, offset: number): void {
  if (!UUID_PATTERN.test(uuid)) throw new TypeError('ecardId must be a UUID');
  out.write(uuid.replace(/-/g, ''), offset, 16, 'hex');
}

function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Issues a token for an e-card, signed by the ring's current signing key.
 * `issuedAt` is `now` rounded down to the second; `expiresAt` = issuedAt + ttlSeconds.
 * Throws TypeError/RangeError on a bad ecardId or ttl, Error when the ring has no active key.
 */
export function issueToken(keyring: KeyRing, options: IssueOptions): IssuedToken {
  const now = options.now ?? new Date();
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
    throw new RangeError(`ttlSeconds must be an integer in 1..${MAX_TTL_SECONDS}`);
  const iat = Math.floor(now.getTime() / 1000);
  if (!(iat >= 0 && iat <= 0xffffffff)) throw new RangeError('now is outside the uint32 seconds range');
  const { kid, privateKey } = keyring.signingKey(now);

  const buf = Buffer.alloc(TOKEN_BYTES);
  const L = TOKEN_LAYOUT;
  buf[L.version.offset] = TOKEN_VERSION;
  buf.write(kid, L.kid.offset, L.kid.size, 'hex');
  uuidToBytes(options.ecardId, buf, L.ecardId.offset);
  buf.writeUInt32BE(iat, L.issuedAt.offset);
  buf.writeUInt16BE(ttl, L.ttl.offset);
  const nonce = randomBytes(L.nonce.size);
  nonce.copy(buf, L.nonce.offset);
  // Ed25519 takes no digest algorithm: null. It signs the 35 header bytes directly.
  sign(null, buf.subarray(0, SIGNED_LENGTH), privateKey).copy(buf, L.signature.offset);

  return {
    token: KEY_SETS[options.keySet ?? 'ecard'] + base45Encode(buf),
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date((iat + ttl) * 1000),
    nonce: nonce.toString('hex'),
    kid,
  };
}

/**
 * The key set a token text names by its prefix (`YB1:` e-voucher, `SS1:` e-SSC). Throws QrTokenMalformed
 * (reason `type` or `prefix`) for any other text.
 */
export function keySetOf(text: string): KeySet {
  if (typeof text !== 'string') throw new QrTokenMalformed('QR token must be text', { reason: 'type' });
  for (const [set, prefix] of Object.entries(KEY_SETS)) if (text.startsWith(prefix)) return set as KeySet;
  throw new QrTokenMalformed('QR token has an unknown prefix', { reason: 'prefix' });
}

/**
 * Parses token text of one key set (by default the e-voucher's) without checking the signature or the time.
 * Throws QrTokenMalformed (details.reason: type | length | prefix | base45 | version | ttl) on anything but a
 * v1 token of that set.
 */
export function decodeToken(text: string, keySet: KeySet = 'ecard'): DecodedToken {
  const prefix = KEY_SETS[keySet];
  if (typeof text !== 'string') throw new QrTokenMalformed('QR token must be text', { reason: 'type' });
  if (text.length !== TOKEN_LENGTH)
    throw new QrTokenMalformed('QR token has the wrong length', { reason: 'length', length: text.length });
  if (!text.startsWith(prefix))
    throw new QrTokenMalformed('QR token has an unknown prefix', { reason: 'prefix' });
  let bytes: Uint8Array;
  try {
    bytes = base45Decode(text.slice(prefix.length));
  } catch (err) {
    if (err instanceof Base45Error)
      throw new QrTokenMalformed('QR token is not valid Base45', { reason: 'base45' });
    throw err;
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const L = TOKEN_LAYOUT;
  const version = buf[L.version.offset];
  if (version !== TOKEN_VERSION)
    throw new QrTokenMalformed('QR token version is not supported', { reason: 'version', version });
  const ttl = buf.readUInt16BE(L.ttl.offset);
  if (ttl < 1 || ttl > MAX_TTL_SECONDS)
    throw new QrTokenMalformed('QR token lifetime is out of range', { reason: 'ttl' });
  const iat = buf.readUInt32BE(L.issuedAt.offset);
  return {
    version,
    kid: buf.toString('hex', L.kid.offset, L.kid.offset + L.kid.size),
    ecardId: bytesToUuid(buf.subarray(L.ecardId.offset, L.ecardId.offset + L.ecardId.size)),
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date((iat + ttl) * 1000),
    ttlSeconds: ttl,
    nonce: buf.toString('hex', L.nonce.offset, L.nonce.offset + L.nonce.size),
    signedBytes: buf.subarray(0, SIGNED_LENGTH),
    signature: buf.subarray(L.signature.offset, L.signature.offset + L.signature.size),
  };
}
