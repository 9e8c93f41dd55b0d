/**
 * Institution item mapping (目录对照): an institution maps its own item codes to the region's catalogue codes;
 * the agency approves or rejects each request; only approved mappings count. An own code with no approved
 * mapping settles as out of catalogue.
 */
import { randomUUID } from 'node:crypto';
import { readCsv } from '../platform/csv.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { businessDate } from '../platform/business-date.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { entriesInForce } from './store.ts';
import { CODE, type RowError } from './rows.ts';

type MappingStatus = 'pending' | 'approved' | 'rejected' | 'replaced';

export interface Mapping {
  id: string;
  institutionId: string;
  institutionCode: string;
  institutionName: string;
  itemCode: string;
  catalogueCode: string;
  /** The catalogue entry's name in force today, null when the code is no longer in force. */
  catalogueName: string | null;
  status: MappingStatus;
  /** The reviewer's words, as written. */
  reason: string | null;
  requestedAt: string;
  reviewedAt: string | null;
}

interface Row {
  id: string;
  institution_id: string;
  institution_code: string;
  institution_name: string;
  region_code: string;
  item_code: string;
  catalogue_code: string;
  status: MappingStatus;
  reason: string | null;
  requested_at: Date;
  reviewed_at: Date | null;
}

const SELECT = `select m.id, m.institution_id, i.code as institution_code, i.name as institution_name, i.region_code,
  m.item_code, m.catalogue_code, m.status, m.reason, m.requested_at, m.reviewed_at
  from catalogue_mappings m join institutions i on i.id = m.institution_id`;

/** The rows with the catalogue's names in force today, by region. */
async function withNames(q: Queryable, rows: Row[], now: Date): Promise<Mapping[]> {
  const names = new Map<string, string>();
  for (const region of new Set(rows.map((r) => r.region_code))) {
    const entries = await entriesInForce(
      q,
      region,
      businessDate(now),
      rows.filter((r) => r.region_code === region).map((r) => r.catalogue_code),
    );
    for (const [code, e] of entries) names.set(`${region}\u0000${code}`, e.name);
  }
  return rows.map((r) => ({
    id: r.id,
    institutionId: r.institution_id,
    institutionCode: r.institution_code,
    institutionName: r.institution_name,
    itemCode: r.item_code,
    catalogueCode: r.catalogue_code,
    catalogueName: names.get(`${r.region_code}\u0000${r.catalogue_code}`) ?? null,
    status: r.status,
    reason: r.reason,
    requestedAt: r.requested_at.toISOString(),
    reviewedAt: r.reviewed_at?.toISOString() ?? null,
  }));
}

/** Catalogue codes of `codes` that are not in force today (or not in the catalogue at all) in the region. */
async function unknownCodes(q: Queryable, region: string, codes: string[], now: Date): Promise<string[]> {
  const known = await entriesInForce(q, region, businessDate(now), codes);
  return codes.filter((c) => !known.has(c));
}

async function regionOf(q: Queryable, institutionId: string): Promise<string> {
  const { rows } = await q.query<{ region_code: string }>(
    'select region_code from institutions where id = $1',
    [institutionId],
  );
  if (!rows[0]) throw notFound('institution_not_found', 'No such institution');
  return rows[0].region_code;
}

/** Writes pending requests, each replacing a pending request for the same own code. */
async function insertRequests(
  q: Queryable,
  institutionId: string,
  pairs: Array<{ itemCode: string; catalogueCode: string }>,
  by: string,
  now: Date,
): Promise<string[]> {
  const ids = pairs.map(() => randomUUID());
  await q.query(
    `update catalogue_mappings set status = 'replaced'
      where institution_id = $1 and status = 'pending' and item_code = any($2::text[])`,
    [institutionId, pairs.map((p) => p.itemCode)],
  );
  await q.query(
    `insert into catalogue_mappings (id, institution_id, item_code, catalogue_code, status, requested_by, requested_at)
     select t.id, $1, t.item, t.cat, 'pending', $2, $3 from unnest($4::uuid[], $5::text[], $6::text[]) as t(id, item, cat)`,
    [institutionId, by, now, ids, pairs.map((p) => p.itemCode), pairs.map((p) => p.catalogueCode)],
  );
  return ids;
}

/** An institution asks for one of its items to be mapped to a catalogue code; the agency reviews it. */
export async function requestMapping(
  db: Db,
  institutionId: string,
  pair: { itemCode: string; catalogueCode: string },
  by: string,
  now: Date,
): Promise<Mapping> {
  return db.transaction(async (tx) => {
    const region = await regionOf(tx, institutionId);
    if ((await unknownCodes(tx, region, [pair.catalogueCode], now)).length)
      throw unprocessable(
        'catalogue_code_unknown',
        `${pair.catalogueCode} is not in the region's catalogue in force`,
        {
          field: 'catalogueCode',
          code: pair.catalogueCode,
        },
      );
    const [id] = await insertRequests(tx, institutionId, [pair], by, now);
    return (await getMappings(tx, { ids: [id!] }, now))[0]!;
  });
}

/**
 * Mapping requests from CSV (`item_code,catalogue_code`): all or nothing; every bad row is reported by line
 * (`invalid_mapping_file`) and nothing is written.
 */
export async function requestMappingsCsv(
  db: Db,
  institutionId: string,
  csv: string,
  by: string,
  now: Date,
): Promise<{ requested: number }> {
  const file = readCsv(csv);
  if ('error' in file) throw unprocessable('malformed_csv', file.error);
  const { records } = file;
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const itemCol = header.indexOf('item_code');
  const catCol = header.indexOf('catalogue_code');
  if (itemCol < 0 || catCol < 0)
    throw unprocessable(
      'missing_header',
      'The first line must name the columns item_code and catalogue_code',
      {
        columns: 'item_code,catalogue_code',
      },
    );
  const errors: RowError[] = [];
  const pairs: Array<{ itemCode: string; catalogueCode: string; line: number }> = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((rec, i) => {
    const line = i + 2;
    const itemCode = rec[itemCol] ?? '';
    const catalogueCode = rec[catCol] ?? '';
    if (!CODE.test(itemCode))
      return errors.push({
        line,
        code: 'invalid_catalogue_row',
        params: { field: 'item_code', value: itemCode },
      });
    if (!CODE.test(catalogueCode))
      return errors.push({
        line,
        code: 'invalid_catalogue_row',
        params: { field: 'catalogue_code', value: catalogueCode },
      });
    const earlier = seen.get(itemCode);
    if (earlier)
      return errors.push({
        line,
        code: 'duplicate_catalogue_code',
        params: { code: itemCode, line: earlier },
      });
    seen.set(itemCode, line);
    pairs.push({ itemCode, catalogueCode, line });
  });
  return db.transaction(async (tx) => {
    const region = await regionOf(tx, institutionId);
    const unknown = new Set(
      await unknownCodes(tx, region, [...new Set(pairs.map((p) => p.catalogueCode))], now),
    );
    for (const p of pairs)
      if (unknown.has(p.catalogueCode))
        errors.push({ line: p.line, code: 'catalogue_code_unknown', params: { code: p.catalogueCode } });
    if (!pairs.length && !errors.length) errors.push({ line: 1, code: 'empty_catalogue', params: {} });
    if (errors.length)
      throw unprocessable(
        'invalid_mapping_file',
        `The mapping file has ${errors.length} bad rows; nothing was loaded`,
        {
          count: errors.length,
          rows: errors.sort((a, b) => a.line - b.line),
        },
      );
    await insertRequests(tx, institutionId, pairs, by, now);
    return { requested: pairs.length };
  });
}

export async function getMappings(
  q: Queryable,
  where: { ids?: string[]; institutionId?: string; status?: MappingStatus; limit?: number },
  now: Date,
): Promise<Mapping[]> {
  const { rows } = await q.query<Row>(
    `${SELECT} where ($1::uuid[] is null or m.id = any($1)) and ($2::uuid is null or m.institution_id = $2)
       and ($3::text is null or m.status = $3)
     order by m.requested_at, m.item_code limit $4`,
    [where.ids ?? null, where.institutionId ?? null, where.status ?? null, where.limit ?? 500],
  );
  return withNames(q, rows, now);
}

/** The agency approves or rejects a pending request; an approval replaces the item's earlier approved mapping. */
export async function decideMapping(
  db: Db,
  id: string,
  decision: { approve: boolean; reason?: string },
  by: string,
  now: Date,
): Promise<Mapping> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ institution_id: string; item_code: string; status: MappingStatus }>(
      'select institution_id, item_code, status from catalogue_mappings where id = $1 for update',
      [id],
    );
    const m = rows[0];
    if (!m) throw notFound('mapping_not_found', 'No such mapping request');
    if (m.status !== 'pending')
      throw conflict('mapping_not_pending', `This mapping request is ${m.status}, not pending`, {
        status: m.status,
      });
    if (!decision.approve && !decision.reason?.trim())
      throw unprocessable('rejection_reason_required', 'A rejection needs a reason', { field: 'reason' });
    if (decision.approve)
      await tx.query(
        `update catalogue_mappings set status = 'replaced'
          where institution_id = $1 and item_code = $2 and status = 'approved'`,
        [m.institution_id, m.item_code],
      );
    await tx.query(
      'update catalogue_mappings set status = $2, reason = $3, reviewed_by = $4, reviewed_at = $5 where id = $1',
      [id, decision.approve ? 'approved' : 'rejected', decision.reason?.trim() || null, by, now],
    );
    return (await getMappings(tx, { ids: [id] }, now))[0]!;
  });
}

/** Approved mappings written directly, for the demo seed (no review: the seed is the agency's own data). */
export async function insertApprovedMappings(
  q: Queryable,
  institutionId: string,
  pairs: Array<{ itemCode: string; catalogueCode: string }>,
  now: Date,
): Promise<void> {
  await q.query(
    `insert into catalogue_mappings (id, institution_id, item_code, catalogue_code, status, requested_at, reviewed_at)
     select gen_random_uuid(), $1, t.item, t.cat, 'approved', $2, $2 from unnest($3::text[], $4::text[]) as t(item, cat)`,
    [institutionId, now, pairs.map((p) => p.itemCode), pairs.map((p) => p.catalogueCode)],
  );
}
