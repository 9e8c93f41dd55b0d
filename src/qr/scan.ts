import type { Ctx } from '../platform/context.ts';
import { unprocessable } from '../platform/errors.ts';
import { keySetOf, type TokenClaims, type KeySet } from './token.ts';
import type { QrKeySets } from './store.ts';
import { createKeyRingVerifier } from './verifier.ts';

/** A scanned code's verified claims and the key set that signed it (which credential was shown). */
export interface ScannedCode {
  keySet: KeySet;
  claims: TokenClaims;
}

/**
 * Checks a scanned code at an institution: the institution must take electronic cards, and the token's
 * signature and time must hold against its own key set (the e-voucher's or the e-SSC's, by the prefix;
 * offline-capable checks). The settlement reads the card itself, after locking its person.
 */
export async function verifyScannedCode(
  ctx: Ctx,
  keys: QrKeySets,
  /** null: the institution is another region's, which checked it (a cross-region scan, src/regions). */
  institutionId: string | null,
  text: string,
): Promise<ScannedCode> {
  // null: another region's institution, which checked it. A terminal of this institution brought the answer
  // with its credential, read in this request.
  const caller = ctx.caller;
  const accepts =
    institutionId === null
      ? true
      : caller?.institutionId === institutionId && caller.acceptsEcard !== undefined
        ? caller.acceptsEcard
        : (
            await ctx.db.query<{ accepts_ecard: boolean }>(
              'select accepts_ecard from institutions where id = $1',
              [institutionId],
            )
          ).rows[0]?.accepts_ecard;
  if (!accepts) {
    throw unprocessable(
      'ecard_not_accepted',
      'This institution does not accept the e-card; read the physical card instead',
    );
  }
  const keySet = keySetOf(text);
  const ring = await keys[keySet].get(ctx.now);
  const claims = createKeyRingVerifier(ring, {
    clockSkewSeconds: ctx.config.qrClockSkewSeconds,
    keySet,
  }).verify(text, ctx.now);
  return { keySet, claims };
}
