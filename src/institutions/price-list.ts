import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { businessDate } from '../platform/business-date.ts';

/** What the agency's data says of a price-list item's code: its mapping and, once approved, its catalogue entry. */
interface ItemMapping {
  catalogueCode: string;
  /** `approved` decides settlement; `pending` and `rejected` are the latest request when none is approved. */
  status: 'approved' | 'pending' | 'rejected';
  /** Of the entry in force today, when approved and in force. */
  catalogueName: string | null;
  class: 'A' | 'B' | 'C' | null;
  /** Fen. */
  priceLimit: number | null;
}

/** One item of an institution's price list; `unitPrice` is integer fen. */
export interface PriceItem {
  id: string;
  code: string;
  name: string;
  unit: string;
  unitPrice: number;
  /** Null: the code is not mapped, and settles as out of catalogue. */
  mapping: ItemMapping | null;
  updatedAt: string;
}

export type NewPriceItem = Pick<PriceItem, 'code' | 'name' | 'unitPrice'> & { unit?: string };
export type PriceItemPatch = Partial<NewPriceItem>;

interface Row {
  id: string;
  code: string;
  name: string;
  unit: string;
  unit_price: number;
  updated_at: Date;
  catalogue_code: string | null;
  mapping_status: ItemMapping['status'] | null;
  catalogue_name: string | null;
  class: ItemMapping['class'];
  price_limit: number | null;
}

/**
 * The items with their mapping (the approved one, else the latest request) and the approved code's entry in
 * force today in the institution's region. `$1` is the institution, `$2` today.
 */
const SELECT = `select i.id, i.code, i.name, i.unit, i.unit_price, i.updated_at, m.catalogue_code,
    m.status as mapping_status, e.name as catalogue_name, e.class, e.price_limit
  from price_list_items i
  join institutions inst on inst.id = i.institution_id
  left join lateral (select catalogue_code, status from catalogue_mappings cm
      where cm.institution_id = i.institution_id and cm.item_code = i.code and cm.status <> 'replaced'
      order by (cm.status = 'approved') desc, cm.requested_at desc limit 1) m on true
  left join lateral (select ce.name, ce.class, ce.price_limit, ce.removed from catalogue_entries ce
      where m.status = 'approved' and ce.region_code = inst.region_code and ce.code = m.catalogue_code
        and ce.version <= (select coalesce(max(version), 0) from catalogue_versions cv
                            where cv.region_code = inst.region_code and cv.effective_from <= $2::date)
      order by ce.version desc limit 1) e on not e.removed`;

const toItem = (r: Row): PriceItem => ({
  id: r.id,
  code: r.code,
  name: r.name,
  unit: r.unit,
  unitPrice: r.unit_price,
  mapping:
    r.catalogue_code && r.mapping_status
      ? {
          catalogueCode: r.catalogue_code,
          status: r.mapping_status,
          catalogueName: r.catalogue_name,
          class: r.class,
          priceLimit: r.price_limit,
        }
      : null,
  updatedAt: r.updated_at.toISOString(),
});

const duplicate = (code: string) =>
  conflict('price_item_exists', `The price list already has an item with code ${code}`, { field: 'code' });

/** The institution's price list, by code. */
export async function listPriceItems(q: Queryable, institutionId: string, now: Date): Promise<PriceItem[]> {
  const { rows } = await q.query<Row>(`${SELECT} where i.institution_id = $1 order by i.code limit 5000`, [
    institutionId,
    businessDate(now),
  ]);
  return rows.map(toItem);
}

/** The institution's items with any of these codes, by code (for fee lines that name them). */
export async function priceItemsByCode(
  q: Queryable,
  institutionId: string,
  codes: readonly string[],
  now: Date,
): Promise<Map<string, PriceItem>> {
  const { rows } = await q.query<Row>(`${SELECT} where i.institution_id = $1 and i.code = any($3::text[])`, [
    institutionId,
    businessDate(now),
    [...new Set(codes)],
  ]);
  return new Map(rows.map((r) => [r.code, toItem(r)]));
}

/** One item of the institution's list; another institution's item is "not found", so existence does not leak. */
async function getPriceItem(q: Queryable, institutionId: string, id: string, now: Date): Promise<PriceItem> {
  const { rows } = await q.query<Row>(`${SELECT} where i.institution_id = $1 and i.id = $3`, [
    institutionId,
    businessDate(now),
    id,
  ]);
  if (!rows[0]) throw notFound('price_item_not_found', 'No such item in your price list');
  return toItem(rows[0]);
}

export async function addPriceItem(
  q: Queryable,
  now: Date,
  institutionId: string,
  item: NewPriceItem,
): Promise<PriceItem> {
  const id = randomUUID();
  try {
    await q.query(
      `insert into price_list_items (id, institution_id, code, name, unit, unit_price, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7)`,
      [id, institutionId, item.code, item.name, item.unit ?? '', item.unitPrice, now],
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(item.code);
    throw err;
  }
  return getPriceItem(q, institutionId, id, now);
}

export async function updatePriceItem(
  q: Queryable,
  now: Date,
  institutionId: string,
  id: string,
  patch: PriceItemPatch,
): Promise<PriceItem> {
  const current = await getPriceItem(q, institutionId, id, now);
  const next = { ...current, ...patch };
  try {
    await q.query(
      `update price_list_items set code = $3, name = $4, unit = $5, unit_price = $6, updated_at = $7
       where id = $1 and institution_id = $2`,
      [id, institutionId, next.code, next.name, next.unit, next.unitPrice, now],
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(next.code);
    throw err;
  }
  return getPriceItem(q, institutionId, id, now);
}

/** Removes an item. Settlements keep their own copy of each line, so nothing already settled changes. */
export async function removePriceItem(q: Queryable, institutionId: string, id: string): Promise<void> {
  const { rows } = await q.query<{ id: string }>(
    'delete from price_list_items where id = $1 and institution_id = $2 returning id',
    [id, institutionId],
  );
  if (!rows[0]) throw notFound('price_item_not_found', 'No such item in your price list');
}
