/**
 * The catalogue in the store: importing a file as a new version, the entries in force on a day, and the
 * changes since a version that terminals download. Versions are immutable: a version's entries never change
 * once written, so anything keyed by a version may be cached for good.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable, Statement } from '../platform/db.ts';
import { businessDate } from '../platform/business-date.ts';
import { unprocessable } from '../platform/errors.ts';
import {
  parseCatalogueCsv,
  sameRow,
  type CatalogueClass,
  type CatalogueKind,
  type CatalogueRow,
  type Restrictions,
  type RowError,
} from './rows.ts';

export interface CatalogueEntry extends CatalogueRow {
  kind: CatalogueKind;
  /** The version that wrote this entry. */
  version: number;
}

interface EntryRow {
  version: number;
  code: string;
  kind: CatalogueKind;
  removed: boolean;
  name: string;
  class: CatalogueClass;
  dosage_form: string | null;
  specification: string | null;
  unit: string | null;
  price_limit: number | null;
  self_pay_first_bp: number | null;
  service_type: CatalogueRow['serviceType'];
  restrictions: Restrictions;
  valid_from: string | Date | null;
  valid_to: string | Date | null;
}

const ENTRY_COLUMNS = `version, code, kind, removed, name, class, dosage_form, specification, unit, price_limit,
  self_pay_first_bp, service_type, restrictions, valid_from::text as valid_from, valid_to::text as valid_to`;

const toEntry = (r: EntryRow): CatalogueEntry & { removed: boolean } => ({
  version: r.version,
  code: r.code,
  kind: r.kind,
  removed: r.removed,
  name: r.name,
  class: r.class,
  dosageForm: r.dosage_form,
  specification: r.specification,
  unit: r.unit,
  priceLimit: r.price_limit,
  selfPayFirstBp: r.self_pay_first_bp,
  serviceType: r.service_type,
  restrictions: r.restrictions,
  validFrom: r.valid_from === null ? null : String(r.valid_from),
  validTo: r.valid_to === null ? null : String(r.valid_to),
});

export interface ImportResult {
  version: number;
  kind: CatalogueKind;
  effectiveFrom: string;
  rowsInFile: number;
  added: number;
  changed: number;
  removed: number;
}

/** A per-region lock number for imports, so that two imports of one region number their versions in turn. */
const importLock = (region: string) =>
  createHash('sha256').update(`catalogue import\u0000${region}`).digest().readBigInt64BE(0).toString();

/** The newest entry of every code of a kind ever written in the region (removed ones included). */
async function latestEntries(q: Queryable, region: string, kind: CatalogueKind) {
  const { rows } = await q.query<EntryRow>(
    `select distinct on (code) ${ENTRY_COLUMNS} from catalogue_entries
      where region_code = $1 and kind = $2 order by code, version desc`,
    [region, kind],
  );
  return new Map(rows.map((r) => [r.code, toEntry(r)]));
}

/**
 * Loads a catalogue file of one kind as the region's next version, effective from `effectiveFrom` (a business
 * date, today or later, and not before the region's latest version). All or nothing: any bad row refuses the
 * whole file (`invalid_catalogue_file`, every bad row in `details.rows`) and nothing is written.
 */
export async function importCatalogue(
  db: Db,
  o: {
    region: string;
    kind: CatalogueKind;
    csv: string;
    effectiveFrom?: string;
    importedBy: string | null;
    now: Date;
  },
): Promise<ImportResult> {
  const parsed = parseCatalogueCsv(o.csv, o.kind);
  if (parsed.errors.length) throw refusedFile(parsed.errors);
  return db.transaction((tx) => loadCatalogue(tx, { ...o, rows: parsed.rows }));
}

/** `importCatalogue`'s work on rows already read, inside the caller's transaction (the demo seed's). */
export async function loadCatalogue(
  tx: Queryable,
  o: {
    region: string;
    kind: CatalogueKind;
    rows: CatalogueRow[];
    effectiveFrom?: string;
    importedBy: string | null;
    now: Date;
  },
): Promise<ImportResult> {
  const today = businessDate(o.now);
  const effectiveFrom = o.effectiveFrom ?? today;
  await tx.query('select pg_advisory_xact_lock($1::bigint)', [importLock(o.region)]);
  const { rows: region } = await tx.query('select 1 from regions where code = $1', [o.region]);
  if (!region.length) throw unprocessable('unknown_region', `No region ${o.region}`, { field: 'region' });
  const { rows: last } = await tx.query<{ version: number; effective_from: string }>(
    `select version, effective_from::text as effective_from from catalogue_versions
      where region_code = $1 order by version desc limit 1`,
    [o.region],
  );
  const latest = last[0];
  if (effectiveFrom < today || (latest && effectiveFrom < latest.effective_from))
    throw unprocessable(
      'catalogue_effective_date_invalid',
      `A new catalogue version takes effect today (${today}) or later, and not before the latest version (${latest?.effective_from ?? 'none'})`,
      { field: 'effectiveFrom', today, latest: latest?.effective_from ?? null },
    );
  // A code may belong to one kind only: a drug's code in the consumables file is a mistake, not a move.
  const { rows: clash } = await tx.query<{ code: string; kind: string }>(
    `select distinct code, kind from catalogue_entries
      where region_code = $1 and kind <> $2 and code = any($3::text[])`,
    [o.region, o.kind, o.rows.map((r) => r.code)],
  );
  if (clash.length) {
    const lineOf = new Map(o.rows.map((r, i) => [r.code, i + 2]));
    throw refusedFile(
      clash.map((c) => ({
        line: lineOf.get(c.code) ?? 0,
        code: 'catalogue_code_other_kind',
        params: { code: c.code, kind: c.kind },
      })),
    );
  }
  const before = await latestEntries(tx, o.region, o.kind);
  const version = (latest?.version ?? 0) + 1;
  const inFile = new Set(o.rows.map((r) => r.code));
  const writes: Array<{ row: CatalogueRow; removed: boolean }> = [];
  let added = 0;
  let changed = 0;
  for (const row of o.rows) {
    const old = before.get(row.code);
    if (!old || old.removed) added++;
    else if (!sameRow(old, row)) changed++;
    else continue;
    writes.push({ row, removed: false });
  }
  let removed = 0;
  for (const old of before.values())
    if (!old.removed && !inFile.has(old.code)) {
      removed++;
      writes.push({ row: old, removed: true });
    }
  await tx.query(
    `insert into catalogue_versions
       (region_code, version, kind, effective_from, rows_in_file, added, changed, removed, imported_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [o.region, version, o.kind, effectiveFrom, o.rows.length, added, changed, removed, o.importedBy, o.now],
  );
  for (let i = 0; i < writes.length; i += 1000)
    await insertEntries(tx, o.region, version, o.kind, writes.slice(i, i + 1000));
  return { version, kind: o.kind, effectiveFrom, rowsInFile: o.rows.length, added, changed, removed };
}

function refusedFile(rows: RowError[]) {
  return unprocessable(
    'invalid_catalogue_file',
    `The catalogue file has ${rows.length} bad rows; nothing was loaded`,
    {
      count: rows.length,
      rows,
    },
  );
}

async function insertEntries(
  q: Queryable,
  region: string,
  version: number,
  kind: CatalogueKind,
  writes: Array<{ row: CatalogueRow; removed: boolean }>,
): Promise<void> {
  const col = <K extends keyof CatalogueRow>(k: K) => writes.map((w) => w.row[k]);
  await q.query(
    `insert into catalogue_entries (region_code, version, kind, code, removed, name, class, dosage_form,
       specification, unit, price_limit, self_pay_first_bp, service_type, restrictions, valid_from, valid_to)
     select $1, $2, $3, t.* from unnest($4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::bigint[], $12::integer[], $13::text[], $14::jsonb[], $15::date[], $16::date[]) as t`,
    [
      region,
      version,
      kind,
      col('code'),
      writes.map((w) => w.removed),
      col('name'),
      col('class'),
      col('dosageForm'),
      col('specification'),
      col('unit'),
      col('priceLimit'),
      col('selfPayFirstBp'),
      col('serviceType'),
      writes.map((w) => JSON.stringify(w.row.restrictions)),
      col('validFrom'),
      col('validTo'),
    ],
  );
}

/** The region's latest version in force on `day` (0 when none is). */
async function versionInForce(q: Queryable, region: string, day: string): Promise<number> {
  const { rows } = await q.query<{ version: number | null }>(
    'select max(version) as version from catalogue_versions where region_code = $1 and effective_from <= $2',
    [region, day],
  );
  return rows[0]?.version ?? 0;
}

/** The entries of `codes` in force on `day` in the region (see `entriesAt`). */
export async function entriesInForce(
  q: Queryable,
  region: string,
  day: string,
  codes: readonly string[],
): Promise<Map<string, CatalogueEntry>> {
  return entriesAt(q, region, await versionInForce(q, region, day), codes);
}

/**
 * The entries of `codes` in force at `version`: for each code the newest entry up to that version, absent
 * when there is none or it was removed. By primary key, one statement.
 */
async function entriesAt(
  q: Queryable,
  region: string,
  version: number,
  codes: readonly string[],
): Promise<Map<string, CatalogueEntry>> {
  if (!codes.length || version === 0) return new Map();
  const { rows } = await q.query<EntryRow>(
    `select distinct on (code) ${ENTRY_COLUMNS} from catalogue_entries
      where region_code = $1 and code = any($2::text[]) and version <= $3
      order by code, version desc`,
    [region, [...new Set(codes)], version],
  );
  return new Map(rows.filter((r) => !r.removed).map((r) => [r.code, toEntry(r)]));
}

/** A catalogue entry as the settlement reads it, keyed by the institution's item code mapped to it. */
export type MappedEntry = Pick<
  CatalogueRow,
  | 'code'
  | 'name'
  | 'class'
  | 'priceLimit'
  | 'selfPayFirstBp'
  | 'serviceType'
  | 'restrictions'
  | 'validFrom'
  | 'validTo'
>;

/** What `billCoverageRead` returns: the version in force and the entries the institution's codes map to. */
export interface BillCoverage {
  /** The region's catalogue version in force on the day (0 when there is none). */
  catalogue_version: number;
  /** Per institution item code: the catalogue entry its approved mapping names, as in force at that version. */
  mapped: Record<string, MappedEntry>;
}

/**
 * For a bill's item codes: the region's catalogue version in force on `day` and, for each code the
 * institution has an approved mapping for, the entry of the mapped catalogue code at that version (absent when
 * removed). One row, by index and primary key, for the settlement to combine with its other reads.
 */
export function billCoverageRead(
  region: string,
  day: string,
  institutionId: string,
  itemCodes: readonly string[],
): Statement {
  return {
    sql: `select v.version as catalogue_version, coalesce((
        select jsonb_object_agg(m.item_code, jsonb_build_object('code', e.code, 'name', e.name, 'class', e.class,
          'priceLimit', e.price_limit, 'selfPayFirstBp', e.self_pay_first_bp, 'serviceType', e.service_type,
          'restrictions', e.restrictions, 'validFrom', e.valid_from, 'validTo', e.valid_to))
          from catalogue_mappings m
          cross join lateral (select * from catalogue_entries c where c.region_code = $1::text
            and c.code = m.catalogue_code and c.version <= v.version order by c.version desc limit 1) e
         where m.institution_id = $3::uuid and m.status = 'approved' and m.item_code = any($4::text[])
           and not e.removed), '{}'::jsonb) as mapped
      from (select coalesce(max(version), 0)::int as version from catalogue_versions
             where region_code = $1::text and effective_from <= $2::date) v`,
    params: [region, day, institutionId, [...new Set(itemCodes)]],
  };
}

export interface CatalogueChanges {
  /** The version the caller now holds once it has every page. */
  latestVersion: number;
  entries: Array<CatalogueEntry & { removed: boolean }>;
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

/**
 * What changed in the region's catalogue after version `since` (every version the terminal lacks, future ones
 * included, so a till is ready on their date), in (version, code) order, a page at a time.
 */
export async function catalogueChanges(
  q: Queryable,
  region: string,
  since: number,
  limit: number,
  after: { version: number; code: string } | null,
): Promise<CatalogueChanges> {
  const { rows: v } = await q.query<{ version: number | null }>(
    'select max(version) as version from catalogue_versions where region_code = $1',
    [region],
  );
  const latestVersion = v[0]?.version ?? 0;
  if (since > latestVersion)
    throw unprocessable(
      'unknown_catalogue_version',
      `No catalogue version ${since} in this region (latest ${latestVersion})`,
      {
        field: 'since',
        latest: latestVersion,
      },
    );
  const { rows } = await q.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from catalogue_entries
      where region_code = $1 and version > $2 and (version, code) > ($3, $4)
      order by version, code limit $5`,
    [region, since, after?.version ?? 0, after?.code ?? '', limit + 1],
  );
  const page = rows.slice(0, limit).map(toEntry);
  const last = page[page.length - 1];
  return {
    latestVersion,
    entries: page,
    next: rows.length > limit && last ? `${last.version}:${last.code}` : null,
  };
}

export interface CatalogueVersion {
  version: number;
  kind: CatalogueKind;
  effectiveFrom: string;
  rowsInFile: number;
  added: number;
  changed: number;
  removed: number;
  createdAt: string;
}

export async function listVersions(q: Queryable, region: string): Promise<CatalogueVersion[]> {
  const { rows } = await q.query<{
    version: number;
    kind: CatalogueKind;
    effective_from: string;
    rows_in_file: number;
    added: number;
    changed: number;
    removed: number;
    created_at: Date;
  }>(
    `select version, kind, effective_from::text as effective_from, rows_in_file, added, changed, removed, created_at
       from catalogue_versions where region_code = $1 order by version desc`,
    [region],
  );
  return rows.map((r) => ({
    version: r.version,
    kind: r.kind,
    effectiveFrom: r.effective_from,
    rowsInFile: r.rows_in_file,
    added: r.added,
    changed: r.changed,
    removed: r.removed,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Entries in force on a day, searched by code prefix or name, for staff and the console. */
export async function searchCatalogue(
  q: Queryable,
  region: string,
  day: string,
  o: { query?: string; kind?: CatalogueKind; limit: number },
): Promise<{ version: number; entries: CatalogueEntry[] }> {
  const version = await versionInForce(q, region, day);
  const { rows } = await q.query<EntryRow>(
    `select * from (
       select distinct on (code) ${ENTRY_COLUMNS} from catalogue_entries
        where region_code = $1 and version <= $2 and ($3::text is null or kind = $3)
        order by code, version desc) e
      where not removed and ($4::text is null or code like $4 || '%' or position($4 in name) > 0)
      order by code limit $5`,
    [region, version, o.kind ?? null, o.query ?? null, o.limit],
  );
  return { version, entries: rows.map(toEntry) };
}
