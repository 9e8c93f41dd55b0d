/**
 * Running the review rules over a region's settlements of a day, and the review queue: the flagged
 * settlements (all, a reproducible random share, or those above a fund amount) with the staff's decisions.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../platform/db.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { text, type Text } from '../i18n/index.ts';
import { ageOn, checkIdNumber } from '../people/id-number.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { entriesInForce } from '../catalogue/store.ts';
import { flagLine, inSample, type Flag, type FlagReason } from './rules.ts';

interface LineRow {
  settlement_id: string;
  institution_id: string;
  person_id: string;
  id_number: string;
  setting: 'inpatient' | 'outpatient';
  line_index: number;
  code: string;
  quantity: number;
  unit_price: number;
  fund: number;
  catalogue_code: string | null;
}

/**
 * Flags the region's settled lines of `day` (refunded lines excluded) and records the flags; a second run
 * of the same day adds only what is new. Returns how many settlements were read and flags recorded.
 */
export async function runClaimsReview(
  db: Db,
  region: string,
  day: string,
  now: Date,
): Promise<{ settlements: number; flags: number }> {
  return db.transaction(async (tx) => {
    // Each line with the catalogue code its institution's approved mapping names, if any.
    const { rows } = await tx.query<LineRow>(
      `select s.id as settlement_id, s.institution_id, s.person_id, p.id_number, s.setting, l.line_index, l.code,
              l.quantity, l.unit_price, l.fund, m.catalogue_code
         from settlements s
         join persons p on p.id = s.person_id
         join settlement_lines l on l.settlement_id = s.id and l.refund_id is null
         left join catalogue_mappings m
           on m.institution_id = s.institution_id and m.item_code = l.code and m.status = 'approved'
        where s.region_code = $1 and s.business_date = $2
        order by s.id, l.line_index`,
      [region, day],
    );
    const entries = await entriesInForce(
      tx,
      region,
      day,
      rows.flatMap((r) => (r.catalogue_code ? [r.catalogue_code] : [])),
    );
    // What each person was settled for that day, per catalogue item: units, and at which institutions.
    const key = (r: LineRow) => `${r.person_id}\u0000${r.catalogue_code}`;
    const quantity = new Map<string, number>();
    const institutions = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!r.catalogue_code) continue;
      quantity.set(key(r), (quantity.get(key(r)) ?? 0) + r.quantity);
      const set = institutions.get(key(r)) ?? new Set<string>();
      set.add(r.institution_id);
      institutions.set(key(r), set);
    }
    const flags: Array<Flag & { settlementId: string }> = [];
    const dayEnd = new Date(`${day}T12:00:00+08:00`);
    for (const r of rows) {
      const id = checkIdNumber(r.id_number, dayEnd);
      if (!id.ok) continue;
      const entry = r.catalogue_code ? entries.get(r.catalogue_code) : undefined;
      for (const f of flagLine(
        {
          index: r.line_index,
          catalogueCode: r.catalogue_code,
          quantity: r.quantity,
          unitPrice: r.unit_price,
          fund: r.fund,
        },
        {
          entry: entry ?? null,
          dayQuantity: quantity.get(key(r)) ?? 0,
          dayInstitutions: institutions.get(key(r))?.size ?? 0,
        },
        { gender: id.info.gender, age: ageOn(id.info.birthDate, dayEnd) },
        r.setting,
      ))
        flags.push({ ...f, settlementId: r.settlement_id });
    }
    let recorded = 0;
    if (flags.length) {
      const { rowCount } = await tx.query(
        `insert into claim_flags (settlement_id, line_index, reason, params, region_code, business_date, created_at)
         select t.s, t.l, t.r, t.p, $1, $2, $3 from unnest($4::uuid[], $5::integer[], $6::text[], $7::jsonb[]) as t(s, l, r, p)
         on conflict do nothing`,
        [
          region,
          day,
          now,
          flags.map((f) => f.settlementId),
          flags.map((f) => f.line),
          flags.map((f) => f.reason),
          flags.map((f) => JSON.stringify(f.params)),
        ],
      );
      recorded = rowCount;
    }
    return { settlements: new Set(rows.map((r) => r.settlement_id)).size, flags: recorded };
  });
}

export interface FlaggedClaim {
  settlementId: string;
  institutionCode: string;
  institutionName: string;
  maskedName: string;
  maskedIdNumber: string;
  total: number;
  fund: number;
  flags: Array<{ line: number; reason: FlagReason; text: Text }>;
  review: { outcome: 'accepted' | 'recover' | 'refer'; note: string | null; reviewedAt: string } | null;
}

/** A reproducible 0-99 for a settlement on a day, for the random share of the sample. */
const hashPercent = (day: string) => (id: string) =>
  createHash('sha256').update(`${day}\u0000${id}`).digest().readUInt32BE(0) % 100;

/** The day's flagged settlements in the sample, largest fund share first, with their flags and decision. */
export async function flaggedClaims(
  q: Queryable,
  region: string,
  day: string,
  sample: { percent?: number; minFund?: number },
): Promise<FlaggedClaim[]> {
  const { rows } = await q.query<{
    settlement_id: string;
    institution_code: string;
    institution_name: string;
    name: string;
    id_number: string;
    total: number;
    fund: number;
    flags: Array<{ line: number; reason: FlagReason; params: Record<string, unknown> }>;
    outcome: 'accepted' | 'recover' | 'refer' | null;
    note: string | null;
    reviewed_at: Date | null;
  }>(
    `select s.id as settlement_id, i.code as institution_code, i.name as institution_name, p.name, p.id_number,
            s.total, s.fund, r.outcome, r.note, r.reviewed_at,
            (select json_agg(json_build_object('line', f.line_index, 'reason', f.reason, 'params', f.params)
                              order by f.line_index, f.reason)
               from claim_flags f where f.settlement_id = s.id) as flags
       from settlements s
       join institutions i on i.id = s.institution_id
       join persons p on p.id = s.person_id
       left join claim_reviews r on r.settlement_id = s.id
      where s.region_code = $1 and s.business_date = $2
        and exists (select 1 from claim_flags f where f.settlement_id = s.id)
      order by s.fund desc, s.id`,
    [region, day],
  );
  return rows
    .filter((r) => inSample({ id: r.settlement_id, fund: r.fund }, sample, hashPercent(day)))
    .map((r) => ({
      settlementId: r.settlement_id,
      institutionCode: r.institution_code,
      institutionName: r.institution_name,
      maskedName: maskName(r.name),
      maskedIdNumber: maskIdNumber(r.id_number),
      total: r.total,
      fund: r.fund,
      flags: r.flags.map((f) => ({
        line: f.line,
        reason: f.reason,
        text: text(`claim.${f.reason}`, f.params),
      })),
      review: r.outcome
        ? { outcome: r.outcome, note: r.note, reviewedAt: r.reviewed_at!.toISOString() }
        : null,
    }));
}

/** Records the staff's decision on a flagged settlement; a settlement is decided once. */
export async function decideClaim(
  db: Db,
  region: string,
  settlementId: string,
  d: { outcome: 'accepted' | 'recover' | 'refer'; note?: string },
  by: string,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `select 1 from settlements s where s.id = $1 and s.region_code = $2
          and exists (select 1 from claim_flags f where f.settlement_id = s.id)`,
      [settlementId, region],
    );
    if (!rows.length) throw notFound('claim_not_found', 'No flagged settlement with this id in your region');
    const { rowCount } = await tx.query(
      `insert into claim_reviews (settlement_id, outcome, note, reviewed_by, reviewed_at)
       values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [settlementId, d.outcome, d.note?.trim() || null, by, now],
    );
    if (!rowCount) throw conflict('claim_already_reviewed', 'This settlement has been reviewed already');
  });
}
