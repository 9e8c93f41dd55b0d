/**
 * Money at the national interface's boundary: yuan with at most two decimals on the wire, integer fen
 * inside. Conversions are done on the decimal text with integer arithmetic, never by multiplying floats.
 */

const YUAN = /^(-?)(\d{1,14})(?:\.(\d{1,2}))?$/;

/**
 * Yuan (a string like "12.30", or a JSON number) → integer fen; null when it is not a decimal amount with at
 * most two decimals (e.g. "1.005", "1e3", "abc", NaN) or is beyond the safe range.
 */
export function yuanToFen(value: unknown): number | null {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value))
    text = String(value); // the shortest text that reads back as this number: "12.3" for 12.30
  else return null;
  const m = YUAN.exec(text);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] && fen !== 0 ? -fen : fen;
}

/** Integer fen → yuan text with exactly two decimals: 1230 → "12.30", -5 → "-0.05". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be a safe integer, got ${String(fen)}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A count (`cnt`): a positive whole number, as a string or number; null otherwise. */
export function wholeCount(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^(\d{1,6})(?:\.0{1,4})?$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 ? n : null;
}

/** part / whole as a decimal with four places, half up, by integers: 9, 10 → "0.9000"; "0.0000" of nothing. */
export function ratio4(part: number, whole: number): string {
  if (whole <= 0) return '0.0000';
  const q = (BigInt(part) * 20000n + BigInt(whole)) / (2n * BigInt(whole));
  return `${q / 10000n}.${String(q % 10000n).padStart(4, '0')}`;
}
