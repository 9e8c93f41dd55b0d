/**
 * GB 32100-2015 unified social credit codes (统一社会信用代码): 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, S, V, Z). Position 1 is the registering authority,
 * 2 the organisation category, 3-8 the GB/T 2260 administrative region, 9-17 the organisation code,
 * and 18 a MOD 31 check character.
 */

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters (which must be from the alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export type CreditCodeCheck =
  | { ok: true; creditCode: string; regionCode: string }
  | { ok: false; problem: 'format' | 'region' | 'check_character'; message: string };

/** Validates a unified social credit code; lower case is accepted and normalised. */
export function checkCreditCode(raw: string): CreditCodeCheck {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18 || [...code].some((c) => !CREDIT_CODE_ALPHABET.includes(c))) {
    return {
      ok: false,
      problem: 'format',
      message: 'a credit code is 18 characters of 0-9 and A-Y without I, O, S, V, Z',
    };
  }
  const regionCode = code.slice(2, 8);
  if (!/^\d{6}$/.test(regionCode)) {
    return {
      ok: false,
      problem: 'region',
      message: 'characters 3-8 must be a 6-digit administrative region code',
    };
  }
  if (creditCodeCheckChar(code) !== code[17]) {
    return {
      ok: false,
      problem: 'check_character',
      message: 'the check character does not match (GB 32100)',
    };
  }
  return { ok: true, creditCode: code, regionCode };
}

/** Builds a valid code from its first 17 characters (demo data, tests). */
export function makeCreditCode(first17: string): string {
  return first17 + creditCodeCheckChar(first17);
}
