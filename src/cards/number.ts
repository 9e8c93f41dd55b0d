import type { Queryable } from '../platform/db.ts';

/**
 * Card numbers are 9 characters: a 2-character region prefix (the first two characters of the card's
 * region code, upper-cased, e.g. `44` for 440300, `DE` for `demo`) followed by a 7-character base-36
 * serial (`0-9A-Z`) from the database sequence `card_number_seq`, e.g. `440000001`, `DE00000AZ`.
 * The sequence is shared by all regions, so a number is unique whatever the prefix, and 36^7 (78 billion)
 * serials are available.
 */
export const CARD_NUMBER = /^[0-9A-Z]{9}$/;

export function formatCardNumber(regionCode: string, serial: number): string {
  const prefix = regionCode
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .padEnd(2, '0')
    .slice(0, 2);
  const body = serial.toString(36).toUpperCase();
  if (body.length > 7) throw new RangeError(`Card serial ${serial} does not fit in 7 base-36 characters`);
  return prefix + body.padStart(7, '0');
}

export async function nextCardNumber(q: Queryable, regionCode: string): Promise<string> {
  const { rows } = await q.query<{ n: number }>(`select nextval('card_number_seq')::int8 as n`);
  return formatCardNumber(regionCode, rows[0]!.n);
}

/** `DE0000123` → `*****0123`: only the last 4 characters are shown. */
export function maskCardNumber(n: string): string {
  return '*'.repeat(Math.max(0, n.length - 4)) + n.slice(-4);
}
