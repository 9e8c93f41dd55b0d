import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import type { ServiceType } from './service-types.ts';

/** One item of an institution's price list; `unitPrice` is integer fen. */
export interface PriceItem {
  id: string;
  code: string;
  name: string;
  unit: string;
  unitPrice: number;
  catalogue: 'in' | 'out';
  category: 'A' | 'B' | null;
  serviceType: ServiceType;
  updatedAt: string;
}

export type NewPriceItem = Omit<PriceItem, 'id' | 'updatedAt' | 'unit' | 'category'> & {
  unit?: string;
  category?: 'A' | 'B' | null;
};
export type PriceItemPatch = Partial<NewPriceItem>;

interface Row {
  id: string;
  code: string;
  name: string;
  unit: string;
  unit_price: number;
  catalogue: 'in' | 'out';
  category: 'A' | 'B' | null;
  service_type: ServiceType;
  updated_at: Date;
}

const COLUMNS = 'id, code, name, unit, unit_price, catalogue, category, service_type, updated_at';
const toItem = (r: Row): PriceItem => ({
  id: r.id,
  code: r.code,
  name: r.name,
  unit: r.unit,
  unitPrice: r.unit_price,
  catalogue: r.catalogue,
  category: r.category,
  serviceType: r.service_type,
  updatedAt: r.updated_at.toISOString(),
});

/** A category (Class A / B drug) only makes sense for an item in the catalogue. */
function checkItem(i: { catalogue: 'in' | 'out'; category: 'A' | 'B' | null }): void {
  if (i.catalogue === 'out' && i.category)
    throw unprocessable(
      'category_not_allowed',
      'An out-of-catalogue item has no Class A/B category: the person pays it all',
      { field: 'category' },
    );
}

const duplicate = (code: string) =>
  conflict('price_item_exists', `The price list already has an item with code ${code}`, { field: 'code' });

/** The institution's price list, by code. */
export async function listPriceItems(q: Queryable, institutionId: string): Promise<PriceItem[]> {
  const { rows } = await q.query<Row>(
    `select ${COLUMNS} from price_list_items where institution_id = $1 order by code limit 5000`,
    [institutionId],
  );
  return rows.map(toItem);
}

/** The institution's items with any of these codes, by code (for fee lines that name them). */
export async function priceItemsByCode(
  q: Queryable,
  institutionId: string,
  codes: readonly string[],
): Promise<Map<string, PriceItem>> {
  const { rows } = await q.query<Row>(
    `select ${COLUMNS} from price_list_items where institution_id = $1 and code = any($2::text[])`,
    [institutionId, [...new Set(codes)]],
  );
  return new Map(rows.map((r) => [r.code, toItem(r)]));
}

/** One item of the institution's list; another institution's item is "not found", so existence does not leak. */
async function getPriceItem(q: Queryable, institutionId: string, id: string): Promise<PriceItem> {
  const { rows } = await q.query<Row>(
    `select ${COLUMNS} from price_list_items where id = $1 and institution_id = $2`,
    [id, institutionId],
  );
  if (!rows[0]) throw notFound('price_item_not_found', 'No such item in your price list');
  return toItem(rows[0]);
}

export async function addPriceItem(
  q: Queryable,
  now: Date,
  institutionId: string,
  item: NewPriceItem,
): Promise<PriceItem> {
  const category = item.category ?? null;
  checkItem({ catalogue: item.catalogue, category });
  const id = randomUUID();
  try {
    await q.query(
      `insert into price_list_items (id, institution_id, code, name, unit, unit_price, catalogue, category, service_type,
         created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        id,
        institutionId,
        item.code,
        item.name,
        item.unit ?? '',
        item.unitPrice,
        item.catalogue,
        category,
        item.serviceType,
        now,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(item.code);
    throw err;
  }
  return getPriceItem(q, institutionId, id);
}

export async function updatePriceItem(
  q: Queryable,
  now: Date,
  institutionId: string,
  id: string,
  patch: PriceItemPatch,
): Promise<PriceItem> {
  const current = await getPriceItem(q, institutionId, id);
  const next = { ...current, ...patch };
  // Moving an item out of the catalogue drops its category rather than refusing the change.
  const category = patch.catalogue === 'out' && patch.category === undefined ? null : (next.category ?? null);
  checkItem({ catalogue: next.catalogue, category });
  try {
    await q.query(
      `update price_list_items set code = $3, name = $4, unit = $5, unit_price = $6, catalogue = $7, category = $8,
         service_type = $9, updated_at = $10
       where id = $1 and institution_id = $2`,
      [
        id,
        institutionId,
        next.code,
        next.name,
        next.unit,
        next.unitPrice,
        next.catalogue,
        category,
        next.serviceType,
        now,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(next.code);
    throw err;
  }
  return getPriceItem(q, institutionId, id);
}

/** Removes an item. Settlements keep their own copy of each line, so nothing already settled changes. */
export async function removePriceItem(q: Queryable, institutionId: string, id: string): Promise<void> {
  const { rows } = await q.query<{ id: string }>(
    'delete from price_list_items where id = $1 and institution_id = $2 returning id',
    [id, institutionId],
  );
  if (!rows[0]) throw notFound('price_item_not_found', 'No such item in your price list');
}
