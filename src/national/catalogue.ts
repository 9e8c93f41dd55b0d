/**
 * Catalogue downloads (the 13xx family) over what Yibao holds: each institution's price list
 * (src/institutions/price-list.ts) with its catalogue status, class A/B and service type. Served: 1312 the
 * insurance catalogue as the institution's list, 1317 the institution's codes matched to it (one and the
 * same code here), 1318 price ceilings (the listed price), 1306 medical consumables (special materials).
 * Answered as the query transactions page them (`page_num`, `page_size`); nothing is written.
 */
import type { Queryable } from '../platform/db.ts';
import type { Call, Transaction } from './call.ts';
import { formatTime, refuse } from './envelope.ts';
import { fenToYuan } from './money.ts';

interface ItemRow {
  code: string;
  name: string;
  unit: string;
  unit_price: number;
  catalogue: 'in' | 'out';
  category: 'A' | 'B' | null;
  service_type: string;
  updated_at: Date;
}

/** The page asked for: page_num from 1, page_size 1 to 1000 (default 100). */
function pageOf(input: unknown): { num: number; size: number; code: string | null } {
  const d = (input as { data?: unknown } | null)?.data;
  const o = d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
  const num = Number(o.page_num ?? 1);
  const size = Number(o.page_size ?? 100);
  if (!Number.isSafeInteger(num) || num < 1 || !Number.isSafeInteger(size) || size < 1 || size > 1000)
    refuse('field_invalid', 'page_num must be a whole number from 1, page_size from 1 to 1000');
  const code = typeof o.hilist_code === 'string' && o.hilist_code ? o.hilist_code : null;
  return { num, size, code };
}

async function page(c: Call, q: Queryable, where: string, map: (r: ItemRow) => Record<string, unknown>) {
  const p = pageOf(c.input);
  const params = [c.institution.id, p.code];
  const { rows: n } = await q.query<{ n: number }>(
    `select count(*)::int8 as n from price_list_items where institution_id = $1 and ($2::text is null or code = $2) ${where}`,
    params,
  );
  const { rows } = await q.query<ItemRow>(
    `select code, name, unit, unit_price, catalogue, category, service_type, updated_at from price_list_items
      where institution_id = $1 and ($2::text is null or code = $2) ${where}
      order by code limit $3 offset $4`,
    [...params, p.size, (p.num - 1) * p.size],
  );
  const total = n[0]!.n;
  const pages = Math.ceil(total / p.size);
  return {
    data: rows.map(map),
    recordCounts: total,
    pageNum: p.num,
    pageSize: p.size,
    pages,
    size: rows.length,
    firstPage: p.num === 1,
    lastPage: p.num >= pages,
  };
}

/** 01 class A, 02 class B, 03 out of catalogue (self-paid). */
const chrgitmLv = (r: ItemRow) => (r.catalogue === 'out' ? '03' : r.category === 'B' ? '02' : '01');

const catalogueRow = (c: Call) => (r: ItemRow) => ({
  hilist_code: r.code,
  hilist_name: r.name,
  insu_admdvs: c.institution.regionCode,
  chrgitm_lv: chrgitmLv(r),
  list_type: r.service_type,
  prcunt: r.unit,
  pric: fenToYuan(r.unit_price),
  begndate: null,
  enddate: null,
  vali_flag: '1',
  updt_time: formatTime(r.updated_at),
});

const download = (where: string, row: (c: Call) => (r: ItemRow) => Record<string, unknown>): Transaction => ({
  local: false,
  run: (c, q) => page(c, q, where, row(c)),
});

export const CATALOGUE: Record<string, Transaction> = {
  /** Medical consumables: the price list's special materials. */
  '1306': download(`and service_type = 'special_material'`, catalogueRow),
  /** The insurance catalogue as it applies here: every item of the institution's price list. */
  '1312': download('', catalogueRow),
  /** The institution's catalogue codes matched to the insurance catalogue (Yibao's list uses one code for both). */
  '1317': download('', (c) => (r) => ({
    fixmedins_code: c.institution.code,
    medins_list_codg: r.code,
    medins_list_name: r.name,
    med_list_codg: r.code,
    list_type: r.service_type,
    chrgitm_lv: chrgitmLv(r),
    vali_flag: '1',
    updt_time: formatTime(r.updated_at),
  })),
  /** Price ceilings: the listed price is the most a line may be priced at (2204 refuses any other price). */
  '1318': download(`and catalogue = 'in'`, () => (r) => ({
    hilist_code: r.code,
    hilist_lmtpric_type: '1',
    hilist_pric_uplmt_amt: fenToYuan(r.unit_price),
    begndate: null,
    enddate: null,
    vali_flag: '1',
    updt_time: formatTime(r.updated_at),
  })),
};
