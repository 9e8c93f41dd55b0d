/**
 * Catalogue downloads (the 13xx family) over the agency's data (src/catalogue/): the region's catalogue in force
 * today and the institution's approved item mappings. Served: 1312 the insurance catalogue, 1306 its medical
 * consumables, 1318 its price limits, 1317 the institution's codes mapped to it. Answered as the query
 * transactions page them (`page_num`, `page_size`); nothing is written.
 */
import type { Queryable } from '../platform/db.ts';
import { businessDate } from '../platform/business-date.ts';
import { searchCatalogue, type CatalogueEntry } from '../catalogue/store.ts';
import { listPriceItems, type PriceItem } from '../institutions/price-list.ts';
import type { Call, Transaction } from './call.ts';
import { refuse } from './envelope.ts';
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

/** One page of `all` (those `code` names when the message asks for one code). */
function page<T>(c: Call, all: T[], codeOf: (row: T) => string, map: (row: T) => Record<string, unknown>) {
  const p = pageOf(c.input);
  const kept = p.code ? all.filter((r) => codeOf(r) === p.code) : all;
  const rows = kept.slice((p.num - 1) * p.size, p.num * p.size);
  const pages = Math.ceil(kept.length / p.size);
  return {
    data: rows.map(map),
    recordCounts: kept.length,
    pageNum: p.num,
    pageSize: p.size,
    pages,
    size: rows.length,
    firstPage: p.num === 1,
    lastPage: p.num >= pages,
  };
}

/** The national charge level: 01 class A, 02 class B, 03 class C or out of catalogue (self-paid). */
export const chrgitmLv = (cls: 'A' | 'B' | 'C' | null | undefined) =>
  cls === 'A' ? '01' : cls === 'B' ? '02' : '03';

/** The national list type of an entry: 101 drugs, 201 service items, 301 consumables. */
const LIST_TYPE = { drug: '101', service: '201', material: '301' } as const;

/** The region's catalogue entries in force today (the whole catalogue is a few thousand rows). */
async function entries(c: Call, q: Queryable, keep: (e: CatalogueEntry) => boolean) {
  const { entries } = await searchCatalogue(q, c.institution.regionCode, businessDate(c.ctx.now), {
    limit: 100_000,
  });
  return entries.filter(keep);
}

const entryRow = (c: Call) => (e: CatalogueEntry) => ({
  hilist_code: e.code,
  hilist_name: e.name,
  insu_admdvs: c.institution.regionCode,
  chrgitm_lv: chrgitmLv(e.class),
  list_type: LIST_TYPE[e.kind],
  dosform: e.dosageForm,
  spec: e.specification,
  prcunt: e.unit,
  begndate: e.validFrom,
  enddate: e.validTo,
  vali_flag: '1',
  ver: String(e.version),
});

const download = (keep: (e: CatalogueEntry) => boolean): Transaction => ({
  local: false,
  run: async (c, q) => page(c, await entries(c, q, keep), (e) => e.code, entryRow(c)),
});

export const CATALOGUE: Record<string, Transaction> = {
  /** Medical consumables: the catalogue's consumables. */
  '1306': download((e) => e.kind === 'material'),
  /** The insurance catalogue in force today in the institution's region. */
  '1312': download(() => true),
  /** The institution's own codes with their approved mapping to the catalogue (目录对照). */
  '1317': {
    local: false,
    async run(c, q) {
      const mapped = (await listPriceItems(q, c.institution.id, c.ctx.now)).filter(
        (i): i is PriceItem & { mapping: NonNullable<PriceItem['mapping']> } =>
          i.mapping?.status === 'approved',
      );
      return page(
        c,
        mapped,
        (i) => i.mapping.catalogueCode,
        (i) => ({
          fixmedins_code: c.institution.code,
          medins_list_codg: i.code,
          medins_list_name: i.name,
          med_list_codg: i.mapping.catalogueCode,
          chrgitm_lv: chrgitmLv(i.mapping.class),
          vali_flag: i.mapping.class ? '1' : '0',
          updt_time: null,
        }),
      );
    },
  },
  /** Price limits: the catalogue's limit per unit; the part of a price above it is the person's own. */
  '1318': {
    local: false,
    run: async (c, q) =>
      page(
        c,
        await entries(c, q, (e) => e.priceLimit !== null),
        (e) => e.code,
        (e) => ({
          hilist_code: e.code,
          hilist_lmtpric_type: '1',
          hilist_pric_uplmt_amt: fenToYuan(e.priceLimit!),
          begndate: e.validFrom,
          enddate: e.validTo,
          vali_flag: '1',
        }),
      ),
  },
};
