/** The bill being built at the till: pure functions over its lines, money in integer fen. */
import type { BillItem, Catalogue, PriceItem, ServiceType, Setting } from './types.ts';

/** One line of the bill: a price-list item with the quantity and the cashier's choices for this visit. */
export interface BillLine {
  key: string;
  item: PriceItem;
  quantity: number;
  serviceType: ServiceType;
  catalogue: Catalogue;
}

let lineCounter = 0;

/** A new line for `item`, with the price list's service type and catalogue. */
function lineOf(item: PriceItem, quantity = 1): BillLine {
  lineCounter += 1;
  return {
    key: `${item.id}-${lineCounter}`,
    item,
    quantity,
    serviceType: item.serviceType,
    catalogue: item.catalogue,
  };
}

/** Adds `quantity` of `item`: to its line when the bill already has one with the same choices, else a new line. */
export function addItem(lines: readonly BillLine[], item: PriceItem, quantity: number): BillLine[] {
  const same = lines.find(
    (l) => l.item.id === item.id && l.serviceType === item.serviceType && l.catalogue === item.catalogue,
  );
  if (same) return lines.map((l) => (l === same ? { ...l, quantity: l.quantity + quantity } : l));
  return [...lines, lineOf(item, quantity)];
}

export const lineAmount = (l: BillLine): number => l.item.unitPrice * l.quantity;

export const billTotal = (lines: readonly BillLine[]): number =>
  lines.reduce((sum, l) => sum + lineAmount(l), 0);

/** The bill as the settlement API takes it. A Class A/B category only goes with an in-catalogue line. */
export function billOf(
  setting: Setting,
  lines: readonly BillLine[],
): { setting: Setting; items: BillItem[] } {
  return {
    setting,
    items: lines.map((l) => ({
      code: l.item.code,
      name: l.item.name,
      quantity: l.quantity,
      unitPrice: l.item.unitPrice,
      catalogue: l.catalogue,
      serviceType: l.serviceType,
      ...(l.catalogue === 'in' && l.item.category ? { category: l.item.category } : {}),
    })),
  };
}

/** A quantity typed at the till: a whole number from 1 to 100,000, else null. */
export function parseQuantity(text: string): number | null {
  if (!/^\s*\d{1,6}\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 100_000 ? n : null;
}
