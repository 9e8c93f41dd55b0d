import type { Db } from './platform/db.ts';
import { purgeIdempotencyKeys } from './platform/idempotency.ts';
import { purgeConsumedNonces } from './qr/store.ts';

export interface Housekeeping {
  /** One pass now (also what the timer runs); resolves with what it deleted. */
  runOnce(): Promise<{ idempotencyKeys: number; qrNonces: number }>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Purges what the money paths leave behind so those tables do not grow forever: idempotency keys past their
 * retention (at least the 24 hours DOMAIN.md promises) and consumed QR nonces past their token's lifetime plus
 * the clock skew. Passes never overlap; a failed pass is logged and the next one tries again.
 */
export function startHousekeeping(o: {
  db: Db;
  clock: () => Date;
  clockSkewSeconds: number;
  intervalMs: number;
  onError: (err: unknown) => void;
}): Housekeeping {
  let running: Promise<{ idempotencyKeys: number; qrNonces: number }> | undefined;
  const runOnce = () =>
    (running ??= (async () => {
      try {
        const now = o.clock();
        return {
          idempotencyKeys: await purgeIdempotencyKeys(o.db, now),
          qrNonces: await purgeConsumedNonces(o.db, now, o.clockSkewSeconds),
        };
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void runOnce().catch(o.onError), o.intervalMs);
  timer.unref(); // never what keeps the process alive
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
