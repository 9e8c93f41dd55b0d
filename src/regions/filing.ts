import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { businessDate } from '../platform/business-date.ts';
import type { PolicyRules } from '../settlement/policy.ts';

/**
 * 异地就医备案: a person files for treatment in another region; the insured region decides by its rules:
 * - `resident_elsewhere` (异地长期居住) and `temporary_work` (异地工作): approved on filing (the national
 *   "承诺制": the person's own declaration), valid up to `MAX_DAYS[kind]`;
 * - `referral` (转诊): waits for the agency's staff, who approve or reject it.
 * A cross-region settlement on a day inside an approved filing for that region follows the insured region's
 * policy as at home; without one, its fund ratios are cut by the policy's `crossRegion.unfiledFundRatioCutBp`.
 */
export const FILING_KINDS = ['resident_elsewhere', 'temporary_work', 'referral'] as const;
export type FilingKind = (typeof FILING_KINDS)[number];

const MAX_DAYS: Record<FilingKind, number> = {
  resident_elsewhere: 366 * 2,
  temporary_work: 366,
  referral: 180,
};
const AUTO_APPROVED: readonly FilingKind[] = ['resident_elsewhere', 'temporary_work'];

export interface FilingView {
  id: string;
  personId: string;
  regionCode: string;
  kind: FilingKind;
  targetRegion: string;
  validFrom: string;
  validTo: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
}

interface FilingRow {
  id: string;
  person_id: string;
  region_code: string;
  kind: FilingKind;
  target_region: string;
  valid_from: string;
  valid_to: string;
  reason: string;
  status: FilingView['status'];
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Date;
}

const COLUMNS = `id, person_id, region_code, kind, target_region, valid_from::text, valid_to::text, reason, status,
  decided_at, decision_note, created_at`;

const view = (r: FilingRow): FilingView => ({
  id: r.id,
  personId: r.person_id,
  regionCode: r.region_code,
  kind: r.kind,
  targetRegion: r.target_region,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  reason: r.reason,
  status: r.status,
  decidedAt: r.decided_at?.toISOString() ?? null,
  decisionNote: r.decision_note,
  createdAt: r.created_at.toISOString(),
});

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;

export async function fileForTreatment(
  q: Queryable,
  personId: string,
  req: { kind: FilingKind; targetRegion: string; validFrom: string; validTo: string; reason?: string },
  now: Date,
): Promise<FilingView> {
  const { rows: persons } = await q.query<{ region_code: string }>(
    'select region_code from persons where id = $1',
    [personId],
  );
  const region = persons[0]?.region_code;
  if (!region) throw notFound('person_not_found', 'No such person');
  if (req.targetRegion === region)
    throw unprocessable('filing_same_region', 'A filing names a region other than the insured region');
  const today = businessDate(now);
  const span = days(req.validFrom, req.validTo);
  if (req.validTo < req.validFrom || req.validTo < today || span > MAX_DAYS[req.kind]) {
    throw unprocessable(
      'filing_period_invalid',
      `A ${req.kind} filing is valid for 1 to ${MAX_DAYS[req.kind]} days, ending today or later`,
      { maxDays: MAX_DAYS[req.kind] },
    );
  }
  const approved = AUTO_APPROVED.includes(req.kind);
  const { rows } = await q.query<FilingRow>(
    `insert into region_filings (id, person_id, region_code, kind, target_region, valid_from, valid_to, reason, status,
       decided_at, decision_note, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning ${COLUMNS}`,
    [
      randomUUID(),
      personId,
      region,
      req.kind,
      req.targetRegion,
      req.validFrom,
      req.validTo,
      req.reason ?? '',
      approved ? 'approved' : 'pending',
      approved ? now : null,
      // Approved on filing (承诺制): decided then, by nobody, with no note (a note is a person's words).
      null,
      now,
    ],
  );
  return view(rows[0]!);
}

export async function listFilings(
  q: Queryable,
  who: { personId: string } | { regionCode: string; status?: FilingView['status'] },
): Promise<FilingView[]> {
  const { rows } =
    'personId' in who
      ? await q.query<FilingRow>(
          `select ${COLUMNS} from region_filings where person_id = $1 order by created_at desc limit 200`,
          [who.personId],
        )
      : await q.query<FilingRow>(
          `select ${COLUMNS} from region_filings where region_code = $1 and ($2::text is null or status = $2)
            order by created_at limit 200`,
          [who.regionCode, who.status ?? null],
        );
  return rows.map(view);
}

/** The person withdraws a filing of theirs that is pending or approved. */
export async function withdrawFiling(q: Queryable, personId: string, id: string): Promise<FilingView> {
  const { rows } = await q.query<FilingRow>(
    `update region_filings set status = 'withdrawn' where id = $1 and person_id = $2 and status in ('pending', 'approved')
     returning ${COLUMNS}`,
    [id, personId],
  );
  if (!rows[0]) await missingOrDecided(q, id, { personId });
  return view(rows[0]!);
}

/** The insured region's staff decide a pending filing of their region. */
export async function decideFiling(
  q: Queryable,
  staff: { userId: string; regionCode: string },
  id: string,
  decision: { approve: boolean; note?: string },
  now: Date,
): Promise<FilingView> {
  const { rows } = await q.query<FilingRow>(
    `update region_filings set status = $3, decided_by = $4, decided_at = $5, decision_note = $6
      where id = $1 and region_code = $2 and status = 'pending' returning ${COLUMNS}`,
    [
      id,
      staff.regionCode,
      decision.approve ? 'approved' : 'rejected',
      staff.userId,
      now,
      decision.note ?? null,
    ],
  );
  if (!rows[0]) await missingOrDecided(q, id, { regionCode: staff.regionCode });
  return view(rows[0]!);
}

async function missingOrDecided(
  q: Queryable,
  id: string,
  who: { personId: string } | { regionCode: string },
): Promise<never> {
  const { rows } = await q.query<{ status: string }>(
    `select status from region_filings where id = $1 and ${'personId' in who ? 'person_id' : 'region_code'} = $2`,
    [id, 'personId' in who ? who.personId : who.regionCode],
  );
  if (!rows[0]) throw notFound('filing_not_found', 'No such filing');
  throw conflict('filing_not_pending', `The filing is ${rows[0].status}`, { status: rows[0].status });
}

/** The approved filing of the person for treatment in `targetRegion` on `date`, if any. */
export async function validFiling(
  q: Queryable,
  personId: string,
  targetRegion: string,
  date: string,
): Promise<{ id: string; kind: FilingKind } | null> {
  const { rows } = await q.query<{ id: string; kind: FilingKind }>(
    `select id, kind from region_filings where person_id = $1 and target_region = $2 and status = 'approved'
        and valid_from <= $3::date and valid_to >= $3::date order by created_at limit 1`,
    [personId, targetRegion, date],
  );
  return rows[0] ?? null;
}

/**
 * The insured region's policy for a bill settled elsewhere without a valid filing: every fund ratio loses the
 * policy's `crossRegion.unfiledFundRatioCutBp` (never below zero). Pure; a filed bill uses the policy as it is.
 */
export function unfiledPolicy(rules: PolicyRules): PolicyRules {
  const cut = rules.crossRegion?.unfiledFundRatioCutBp ?? 0;
  if (!cut) return rules;
  const less = (bp: number) => Math.max(0, bp - cut);
  return {
    ...rules,
    inpatient: {
      ...rules.inpatient,
      fundRatioBp: {
        notRetired: less(rules.inpatient.fundRatioBp.notRetired),
        retired: less(rules.inpatient.fundRatioBp.retired),
      },
    },
    outpatient: { ...rules.outpatient, fundRatioBp: less(rules.outpatient.fundRatioBp) },
    largeEquipment: { fundRatioBp: less(rules.largeEquipment.fundRatioBp) },
    specialMaterial: {
      ...rules.specialMaterial,
      domesticFundRatioBp: less(rules.specialMaterial.domesticFundRatioBp),
      importedFundRatioBp: less(rules.specialMaterial.importedFundRatioBp),
    },
    specialOutpatient: { fundRatioBp: less(rules.specialOutpatient.fundRatioBp) },
  };
}
