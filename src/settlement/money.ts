/**
 * Money and ratio arithmetic for settlement.
 *
 * Money is always an integer number of fen (1 yuan = 100 fen), held in a JS number that must be a
 * safe integer. Ratios are integer basis points (10000 bp = 100%). Products are computed in BigInt so
 * that `amount × bp` never loses precision, whatever the size of the amount.
 */

const BASIS_POINTS_PER_UNIT = 10_000n;

/**
 * Asserts that `value` is a safe, non-negative integer number of fen.
 * @param value the value to check
 * @param what a name for the value, used in the error message
 * @throws RangeError when it is not
 */
export function assertFen(value: unknown, what = 'amount'): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer number of fen, got ${String(value)}`);
  }
}

/** True when `value` is a safe, non-negative integer (a valid fen amount or basis-point count). */
export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * `amountFen × basisPoints / 10000`, rounded half-up to the fen, computed exactly in integers.
 * Basis points may exceed 10000 (e.g. a ceiling of 4 × the average wage is 40000 bp).
 * @throws RangeError when an argument is not a non-negative safe integer or the result is not safe
 */
export function mulRatioHalfUp(amountFen: number, basisPoints: number): number {
  assertFen(amountFen, 'amountFen');
  assertFen(basisPoints, 'basisPoints');
  // Both factors are non-negative, so adding half the divisor before the floor division rounds half-up.
  const product = BigInt(amountFen) * BigInt(basisPoints);
  const rounded = (product + BASIS_POINTS_PER_UNIT / 2n) / BASIS_POINTS_PER_UNIT;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${amountFen} fen × ${basisPoints} bp is beyond the safe integer range`);
  }
  return Number(rounded);
}

/**
 * Formats fen as yuan with thousands separators and two decimals: 1200000 → "12,000.00".
 * Negative amounts get a leading minus sign (useful for refunds in messages).
 * @throws RangeError when `fen` is not a safe integer
 */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be a safe integer, got ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const yuan = Math.floor(absolute / 100);
  const cents = absolute % 100;
  const groupedYuan = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${groupedYuan}.${String(cents).padStart(2, '0')}`;
}

/** Formats basis points as a percentage without trailing zeros: 9000 → "90%", 9550 → "95.5%". */
export function formatPercent(basisPoints: number): string {
  assertFen(basisPoints, 'basisPoints');
  const whole = Math.floor(basisPoints / 100);
  const fraction = basisPoints % 100;
  if (fraction === 0) return `${whole}%`;
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
}
