/**
 * The bill being built at the till: pure functions over its lines, money in integer fen. A line is a price-list
 * item and a quantity, nothing more: what the fund covers is the agency's to say (the item's mapping to the
 * catalogue, the catalogue entry in force, the person's approvals), and the server resolves it at settlement.
 */
import type { Bill, PriceItem, Setting, SpecialOutpatient } from './types.ts';

/** One line of the bill: a price-list item and how many. */
export interface BillLine {
  key: string;
  item: PriceItem;
  quantity: number;
}

/** The visit the bill is for: the care setting and, for approved special outpatient care, the disease. */
export interface Visit {
  setting: Setting;
  specialOutpatient: SpecialOutpatient | null;
}

let lineCounter = 0;

/** Adds `quantity` of `item`: to its line when the bill already has one, else a new line. */
export function addItem(lines: readonly BillLine[], item: PriceItem, quantity: number): BillLine[] {
  const same = lines.find((l) => l.item.id === item.id);
  if (same) return lines.map((l) => (l === same ? { ...l, quantity: l.quantity + quantity } : l));
  lineCounter += 1;
  return [...lines, { key: `${item.id}-${lineCounter}`, item, quantity }];
}

export const lineAmount = (l: BillLine): number => l.item.unitPrice * l.quantity;

export const billTotal = (lines: readonly BillLine[]): number =>
  lines.reduce((sum, l) => sum + lineAmount(l), 0);

/**
 * What the agency's data says of a price-list item today, as the till shows it (read-only):
 * - `class`: mapped and approved, the catalogue entry in force gives its class (甲/乙/丙) and price limit;
 * - `unmapped`: no mapping was ever asked for: out of catalogue;
 * - `pending`, `rejected`: the latest request waits for the agency's review or was refused: out of catalogue;
 * - `lapsed`: the approved catalogue code has no entry in force today: out of catalogue.
 */
export type Coverage =
  | { kind: 'class'; class: 'A' | 'B' | 'C'; priceLimit: number | null }
  | { kind: 'unmapped' | 'pending' | 'rejected' | 'lapsed' };

export function coverageOf(item: PriceItem): Coverage {
  const m = item.mapping;
  if (!m) return { kind: 'unmapped' };
  if (m.status !== 'approved') return { kind: m.status };
  if (!m.class) return { kind: 'lapsed' };
  return { kind: 'class', class: m.class, priceLimit: m.priceLimit };
}

/** Whether the fund may pay anything of the item: a class A or B entry in force. */
export const fundMayPay = (c: Coverage): boolean => c.kind === 'class' && c.class !== 'C';

/**
 * The part of a line above the catalogue's price limit (fen), the person's to pay (超限价自付): only a class A or
 * B item priced above its limit has one, as the settlement computes it.
 */
export function overLimitOf(line: BillLine): number {
  const c = coverageOf(line.item);
  if (c.kind !== 'class' || c.class === 'C' || c.priceLimit === null) return 0;
  return Math.max(0, line.item.unitPrice - c.priceLimit) * line.quantity;
}

/**
 * The bill as the settlement API takes it: the institution's own codes, names, quantities and unit prices,
 * the setting, and the special outpatient disease of an outpatient visit when one is chosen.
 */
export function billOf(visit: Visit, lines: readonly BillLine[]): Bill {
  return {
    setting: visit.setting,
    ...(visit.setting === 'outpatient' && visit.specialOutpatient
      ? { specialOutpatient: visit.specialOutpatient }
      : {}),
    items: lines.map((l) => ({
      code: l.item.code,
      name: l.item.name,
      quantity: l.quantity,
      unitPrice: l.item.unitPrice,
    })),
  };
}

/** A quantity typed at the till: a whole number from 1 to 100,000, else null. */
export function parseQuantity(text: string): number | null {
  if (!/^\s*\d{1,6}\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 100_000 ? n : null;
}
