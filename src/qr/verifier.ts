/**
 * Verifies QR tokens without the database: from a JWKS a terminal fetched earlier (offline during a
 * network outage), or from the server's KeyRing. Checks, in order: format, key, signature, time.
 * Replay (consumed nonces) and card status are the server's job, online.
 */
import { createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import { QrTokenBadSignature, QrTokenExpired, QrTokenNotYetValid, QrTokenUnknownKey } from './errors.ts';
import type { KeyRing } from './keyring.ts';
import { decodeToken, type KeySet, type TokenClaims } from './token.ts';

/** One public key as JSON (RFC 8037 OKP). `exp`: unix seconds after which it no longer verifies. */
export interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  kid?: string;
  use?: string;
  alg?: string;
  exp?: number;
}

export interface Jwks {
  keys: Jwk[];
}

export interface VerifierOptions {
  /** The key set whose tokens this verifier takes (the JWKS or ring must be that set's). Default `ecard`. */
  keySet?: KeySet;
  /** Tolerated difference between the issuer's and the terminal's clocks. Default 30 s. */
  clockSkewSeconds?: number;
}

export interface Verifier {
  /** Returns the claims of a genuine, current token; throws a QrToken* error otherwise. */
  verify(text: string, now?: Date): TokenClaims;
  /** The key ids this verifier knows. */
  readonly kids: readonly string[];
}

const DEFAULT_CLOCK_SKEW_SECONDS = 30;

/** Resolves a kid to a public key that verifies at `now`, or null. */
type KeyResolver = (kid: string, now: Date) => KeyObject | null;

function skewOf(options: VerifierOptions): number {
  const s = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (!Number.isInteger(s) || s < 0) throw new TypeError('clockSkewSeconds must be a non-negative integer');
  return s;
}

/**
 * Verifies one token against a key resolver. A token is current when
 * `issuedAt - skew <= now < expiresAt + skew` (whole seconds): the skew helps the terminal at
 * both ends, and never by more than the configured tolerance.
 */
function verifyToken(
  text: string,
  resolveKey: KeyResolver,
  now: Date,
  clockSkewSeconds: number,
  keySet: KeySet,
): TokenClaims {
  const { signedBytes, signature, ...claims } = decodeToken(text, keySet);
  const key = resolveKey(claims.kid, now);
  if (!key) throw new QrTokenUnknownKey(undefined, { kid: claims.kid });
  if (!edVerify(null, signedBytes, key, signature))
    throw new QrTokenBadSignature(undefined, { kid: claims.kid });
  // Time is checked only on signed, hence trustworthy, claims.
  const nowSec = Math.floor(now.getTime() / 1000);
  const iat = claims.issuedAt.getTime() / 1000;
  const exp = claims.expiresAt.getTime() / 1000;
  if (iat > nowSec + clockSkewSeconds)
    throw new QrTokenNotYetValid(undefined, {
      issuedAt: claims.issuedAt.toISOString(),
      skewSeconds: clockSkewSeconds,
    });
  if (nowSec >= exp + clockSkewSeconds)
    throw new QrTokenExpired(undefined, {
      expiresAt: claims.expiresAt.toISOString(),
      skewSeconds: clockSkewSeconds,
    });
  return claims;
}

function parseJwks(input: Jwks | string): Map<string, { key: KeyObject; expMs: number }> {
  const jwks: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys))
    throw new TypeError('JWKS must be an object with a keys array');
  const out = new Map<string, { key: KeyObject; expMs: number }>();
  for (const raw of (jwks as { keys: unknown[] }).keys) {
    if (typeof raw !== 'object' || raw === null) throw new TypeError('JWKS entry must be an object');
    const jwk = raw as Record<string, unknown>;
    // Keys for other algorithms or uses may share the set; they are not ours to use.
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') continue;
    if (typeof jwk.kid !== 'string' || !/^[0-9a-f]{8}$/.test(jwk.kid))
      throw new TypeError('JWKS entry has a bad kid');
    if (typeof jwk.x !== 'string' || Buffer.from(jwk.x, 'base64url').length !== 32)
      throw new TypeError(`JWKS key ${jwk.kid} has a bad x`);
    if (jwk.exp !== undefined && typeof jwk.exp !== 'number')
      throw new TypeError(`JWKS key ${jwk.kid} has a bad exp`);
    if (out.has(jwk.kid)) throw new TypeError(`JWKS has kid ${jwk.kid} twice`);
    // Only the public members go in: a JWKS carrying "d" must not turn into a private key here.
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    out.set(jwk.kid, { key, expMs: typeof jwk.exp === 'number' ? jwk.exp * 1000 : Infinity });
  }
  return out;
}

/**
 * Builds an offline verifier from a JWKS (object or JSON text), e.g. the server's `/qr/jwks`
 * answer cached by a terminal. A key whose `exp` has passed stops verifying without a refresh.
 * Throws TypeError on a malformed JWKS.
 */
export function createVerifier(jwks: Jwks | string, options: VerifierOptions = {}): Verifier {
  const skew = skewOf(options);
  const keys = parseJwks(jwks);
  const resolve: KeyResolver = (kid, now) => {
    const k = keys.get(kid);
    return k && now.getTime() < k.expMs ? k.key : null;
  };
  return {
    verify: (text, now = new Date()) => verifyToken(text, resolve, now, skew, options.keySet ?? 'ecard'),
    kids: [...keys.keys()],
  };
}

/** The server-side verifier: reads keys from the live KeyRing, so rotations apply at once. */
export function createKeyRingVerifier(ring: KeyRing, options: VerifierOptions = {}): Verifier {
  const skew = skewOf(options);
  return {
    verify: (text, now = new Date()) =>
      verifyToken(text, (kid, at) => ring.verificationKey(kid, at), now, skew, options.keySet ?? 'ecard'),
    get kids() {
      return ring.records().map((r) => r.kid);
    },
  };
}
