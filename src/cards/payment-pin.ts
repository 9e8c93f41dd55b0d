import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifySecret } from '../platform/password.ts';

/**
 * The e-card payment PIN, stored as a keyed HMAC-SHA256 (`hmac-sha256$salt$mac`, base64url) under a key
 * derived from the server's sealed secret key (YIBAO_SECRET_KEY).
 *
 * Why not a slow hash: a PIN has six digits, 10^6 values. Whoever holds a stolen database can try them all
 * against a scrypt hash in about a day on one core, so slow hashing barely protects it offline, while it
 * costs the server tens of milliseconds of CPU on every payment, inside the settlement's transaction. The
 * HMAC cannot be searched at all without the server's key, which the database does not hold; online
 * guessing is stopped by the lockout (`MAX_PAYMENT_PIN_FAILURES` consecutive wrong PINs lock payments with
 * the PIN for `PAYMENT_PIN_LOCK_HOURS`). PINs stored as scrypt before this scheme still verify, and a right
 * PIN rewrites them as an HMAC (the settlement does it), so old hashes migrate as cards are used.
 */
export const MAX_PAYMENT_PIN_FAILURES = 5;
export const PAYMENT_PIN_LOCK_HOURS = 24;

const SCHEME = 'hmac-sha256';

/** The PIN key: HKDF-SHA256 of the server's secret key, for this one purpose. */
export function paymentPinKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'yibao e-card payment pin v1', 32));
}

function mac(key: Buffer, salt: Buffer, pin: string): Buffer {
  return createHmac('sha256', key).update(salt).update(pin, 'utf8').digest();
}

/** The stored form of a new PIN. */
export function hashPaymentPin(key: Buffer, pin: string): string {
  const salt = randomBytes(16);
  return [SCHEME, salt.toString('base64url'), mac(key, salt, pin).toString('base64url')].join('$');
}

/**
 * Whether `pin` matches `stored`. `rehash` is true when the stored form is the old scrypt one, so that the
 * caller replaces it with `hashPaymentPin` once the PIN has proved right.
 */
export async function checkPaymentPin(
  key: Buffer,
  pin: string,
  stored: string,
): Promise<{ ok: boolean; rehash: boolean }> {
  const [scheme, salt, expected] = stored.split('$');
  if (scheme === SCHEME && salt && expected) {
    const want = Buffer.from(expected, 'base64url');
    const got = mac(key, Buffer.from(salt, 'base64url'), pin);
    return { ok: got.length === want.length && timingSafeEqual(got, want), rehash: false };
  }
  return { ok: await verifySecret(pin, stored), rehash: true };
}
