import { newIdempotencyKey } from '../shared/api.ts';

/**
 * One Idempotency-Key per attempt: the same request retried (after a network error, or with the payment
 * PIN the server asked for) reuses its key, so it can never pay twice; a changed request gets a new key.
 * `fingerprint` is the request without what the server leaves out of its comparison (the payment PIN).
 */
export function attemptKeys(): { keyFor: (fingerprint: string) => string; reset: () => void } {
  let current: { fingerprint: string; key: string } | null = null;
  return {
    keyFor(fingerprint) {
      if (current?.fingerprint !== fingerprint) current = { fingerprint, key: newIdempotencyKey() };
      return current.key;
    },
    reset() {
      current = null;
    },
  };
}
