/**
 * Catalogue downloads (the 13xx family) over what Yibao holds: each institution's price list
 * (src/institutions/price-list.ts) with its catalogue status, class A/B and service type. Served: 1312 the
 * insurance catalogue as the institution's list, 1317 the institution's codes matched to it (one and the
 * same code here), 1318 price ceilings (the listed price), 1306 medical consumables (special materials).
 * Answered as the query transactions page them (`page_num`, `page_size`); nothing is written.
 */
import type { Queryable } from '../platform/db.ts';
import { listPriceItems, type PriceItem } from '../institutions/price-list.ts';
import type { Call, Transaction } from './call.ts';
import { formatTime, refuse } from './envelope.ts';
import { fenToYuan } from './money.ts';

/** The page asked for: page_num from 1, page_size 1 to 1000 (default 100). */
function pageOf(input: unknown): { num: number; size: number; code: string | null } {
  const d = (input as { data?: unknown } | null)?.data;
  const o = d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
  const num = Number(o.page_num ?? 1);
  const size = Number(o.page_size ?? 100);
  if (!Number.isSafeInteger(num) || num < 1 || !Number.isSafeInteger(size) || size < 1 || size > 1000)
    refuse(
      'field_invalid',
      'page_num must be a whole number from 1, page_size from 1 to 1000',
      'page_num / page_size',
    );
  const code = typeof o.hilist_code === 'string' && o.hilist_code ? o.hilist_code : null;
  return { num, size, code };
}

/** One page of the institution's price list (read through src/institutions), the items `keep` keeps. */
async function page(
  c: Call,
  q: Queryable,
  keep: (i: PriceItem) => boolean,
  map: (i: PriceItem) => Record<string, unknown>,
) {
  const p = pageOf(c.input);
  const all = (await listPriceItems(q, c.institution.id)).filter(
    (i) => keep(i) && (!p.code || i.code === p.code),
  );
  const rows = all.slice((p.num - 1) * p.size, p.num * p.size);
  const pages = Math.ceil(all.length / p.size);
  return {
    data: rows.map(map),
    recordCounts: all.length,
    pageNum: p.num,
    pageSize: p.size,
    pages,
    size: rows.length,
    firstPage: p.num === 1,
    lastPage: p.num >= pages,
  };
}

/** 01 class A, 02 class B, 03 out of catalogue (self-paid). */
const chrgitmLv = (i: PriceItem) => (i.catalogue === 'out' ? '03' : i.category === 'B' ? '02' : '01');
const updated = (i: PriceItem) => formatTime(new Date(i.updatedAt));

const catalogueRow = (c: Call) => (i: PriceItem) => ({
  hilist_code: i.code,
  hilist_name: i.name,
  insu_admdvs: c.institution.regionCode,
  chrgitm_lv: chrgitmLv(i),
  list_type: i.serviceType,
  prcunt: i.unit,
  pric: fenToYuan(i.unitPrice),
  begndate: null,
  enddate: null,
  vali_flag: '1',
  updt_time: updated(i),
});

const download = (
  keep: (i: PriceItem) => boolean,
  row: (c: Call) => (i: PriceItem) => Record<string, unknown>,
): Transaction => ({
  local: false,
  run: (c, q) => page(c, q, keep, row(c)),
});

const every = () => true;

export const CATALOGUE: Record<string, Transaction> = {
  /** Medical consumables: the price list's special materials. */
  '1306': download((i) => i.serviceType === 'special_material', catalogueRow),
  /** The insurance catalogue as it applies here: every item of the institution's price list. */
  '1312': download(every, catalogueRow),
  /** The institution's catalogue codes matched to the insurance catalogue (Yibao's list uses one code for both). */
  '1317': download(every, (c) => (i) => ({
    fixmedins_code: c.institution.code,
    medins_list_codg: i.code,
    medins_list_name: i.name,
    med_list_codg: i.code,
    list_type: i.serviceType,
    chrgitm_lv: chrgitmLv(i),
    vali_flag: '1',
    updt_time: updated(i),
  })),
  /** Price ceilings: the listed price is the most a line may be priced at (2204 refuses any other price). */
  '1318': download(
    (i) => i.catalogue === 'in',
    () => (i) => ({
      hilist_code: i.code,
      hilist_lmtpric_type: '1',
      hilist_pric_uplmt_amt: fenToYuan(i.unitPrice),
      begndate: null,
      enddate: null,
      vali_flag: '1',
      updt_time: updated(i),
    }),
  ),
};
