import type { Ctx } from '../platform/context.ts';
import { unprocessable } from '../platform/errors.ts';
import type { TokenClaims } from './token.ts';
import type { KeyRingCache } from './store.ts';
import { createKeyRingVerifier } from './verifier.ts';

/**
 * Checks a scanned code at an institution: the institution must take the e-card, and the token's signature
 * and time must hold (offline-capable checks); returns its claims. The settlement reads the e-card itself,
 * after locking its person.
 */
export async function verifyScannedCode(
  ctx: Ctx,
  keys: KeyRingCache,
  institutionId: string,
  text: string,
): Promise<TokenClaims> {
  const { rows } = await ctx.db.query<{ accepts_ecard: boolean }>(
    'select accepts_ecard from institutions where id = $1',
    [institutionId],
  );
  if (!rows[0]?.accepts_ecard) {
    throw unprocessable(
      'ecard_not_accepted',
      'This institution does not accept the e-card; read the physical card instead',
    );
  }
  const ring = await keys.get(ctx.now);
  return createKeyRingVerifier(ring, { clockSkewSeconds: ctx.config.qrClockSkewSeconds }).verify(
    text,
    ctx.now,
  );
}
