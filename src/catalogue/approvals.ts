/**
 * A person's approvals and filings, registered by agency staff: a special outpatient disease, a
 * large-equipment exam, a special material with its domestic or imported reference price, each valid for a
 * period and, where given, at one institution. Settlement looks them up for the person, the day, the
 * institution and the item; staff revoke them; the person reads their own.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable, Statement } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { businessDate } from '../platform/business-date.ts';
import { isCalendarDate } from './rows.ts';
import { entriesInForce } from './store.ts';

export const APPROVAL_KINDS = ['special_outpatient', 'large_equipment', 'special_material'] as const;
type ApprovalKind = (typeof APPROVAL_KINDS)[number];

/** Diseases of approved special outpatient care (DOMAIN.md), by code. */
export const SPECIAL_OUTPATIENT_DISEASES = [
  'dialysis',
  'anti_rejection',
  'chemotherapy',
  'radiotherapy',
  'interventional',
  'nuclide',
] as const;

/** A person's approval in force at the institution on the day. */
export interface ApprovalInForce {
  id: string;
  kind: 'special_outpatient' | 'large_equipment' | 'special_material';
  /** The disease, or the catalogue code of the exam or material. */
  subject: string;
  domesticReferencePrice: number | null;
  importedReferencePrice: number | null;
}

export interface Approval {
  id: string;
  personId: string;
  kind: ApprovalKind;
  /** The disease (special outpatient) or the catalogue code of the exam or material. */
  subject: string;
  institutionId: string | null;
  institutionName: string | null;
  domesticReferencePrice: number | null;
  importedReferencePrice: number | null;
  validFrom: string;
  validTo: string;
  status: 'active' | 'revoked';
  revokeReason: string | null;
  createdAt: string;
}

export interface NewApproval {
  kind: ApprovalKind;
  subject: string;
  institutionCode?: string;
  domesticReferencePrice?: number;
  importedReferencePrice?: number;
  validFrom: string;
  validTo: string;
}

interface Row {
  id: string;
  person_id: string;
  kind: ApprovalKind;
  subject: string;
  institution_id: string | null;
  institution_name: string | null;
  domestic_reference_price: number | null;
  imported_reference_price: number | null;
  valid_from: string;
  valid_to: string;
  status: 'active' | 'revoked';
  revoke_reason: string | null;
  created_at: Date;
}

const SELECT = `select a.id, a.person_id, a.kind, a.subject, a.institution_id, i.name as institution_name,
  a.domestic_reference_price, a.imported_reference_price, a.valid_from::text as valid_from,
  a.valid_to::text as valid_to, a.status, a.revoke_reason, a.created_at
  from person_approvals a left join institutions i on i.id = a.institution_id`;

const toApproval = (r: Row): Approval => ({
  id: r.id,
  personId: r.person_id,
  kind: r.kind,
  subject: r.subject,
  institutionId: r.institution_id,
  institutionName: r.institution_name,
  domesticReferencePrice: r.domestic_reference_price,
  importedReferencePrice: r.imported_reference_price,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  status: r.status,
  revokeReason: r.revoke_reason,
  createdAt: r.created_at.toISOString(),
});

const invalid = (field: string, message: string) => unprocessable('invalid_approval', message, { field });

/** Registers an approval for a person after checking it against the disease list or the catalogue. */
export async function createApproval(
  db: Db,
  personId: string,
  a: NewApproval,
  by: string,
  now: Date,
): Promise<Approval> {
  if (!isCalendarDate(a.validFrom)) throw invalid('validFrom', 'validFrom is not a date');
  if (!isCalendarDate(a.validTo) || a.validTo < a.validFrom)
    throw invalid('validTo', 'validTo must be a date on or after validFrom');
  const material = a.kind === 'special_material';
  if (!material && (a.domesticReferencePrice !== undefined || a.importedReferencePrice !== undefined))
    throw invalid('domesticReferencePrice', 'Only a special material carries reference prices');
  if (material && a.domesticReferencePrice === undefined && a.importedReferencePrice === undefined)
    throw invalid(
      'domesticReferencePrice',
      'A special material needs its domestic or imported reference price',
    );
  if (
    a.kind === 'special_outpatient' &&
    !(SPECIAL_OUTPATIENT_DISEASES as readonly string[]).includes(a.subject)
  )
    throw invalid(
      'subject',
      `A special outpatient approval names one of ${SPECIAL_OUTPATIENT_DISEASES.join(', ')}`,
    );
  return db.transaction(async (tx) => {
    const { rows: people } = await tx.query<{ region_code: string }>(
      'select region_code from persons where id = $1',
      [personId],
    );
    const person = people[0];
    if (!person) throw notFound('person_not_found', 'No such person');
    if (a.kind !== 'special_outpatient') {
      // An exam or material is approved by its catalogue code, which must be in force in the person's region.
      const entry = (await entriesInForce(tx, person.region_code, businessDate(now), [a.subject])).get(
        a.subject,
      );
      const wanted = a.kind === 'large_equipment' ? 'large_equipment' : 'special_material';
      if (!entry || entry.serviceType !== wanted)
        throw unprocessable(
          'catalogue_code_unknown',
          `${a.subject} is not a ${wanted} item of the catalogue in force`,
          {
            field: 'subject',
            code: a.subject,
          },
        );
    }
    let institutionId: string | null = null;
    if (a.institutionCode) {
      const { rows } = await tx.query<{ id: string }>('select id from institutions where code = $1', [
        a.institutionCode,
      ]);
      if (!rows[0]) throw notFound('institution_not_found', `No institution ${a.institutionCode}`);
      institutionId = rows[0].id;
    }
    const id = randomUUID();
    await tx.query(
      `insert into person_approvals (id, person_id, kind, subject, institution_id, domestic_reference_price,
         imported_reference_price, valid_from, valid_to, status, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11)`,
      [
        id,
        personId,
        a.kind,
        a.subject,
        institutionId,
        a.domesticReferencePrice ?? null,
        a.importedReferencePrice ?? null,
        a.validFrom,
        a.validTo,
        by,
        now,
      ],
    );
    return (await listApprovals(tx, personId)).find((x) => x.id === id)!;
  });
}

export async function listApprovals(q: Queryable, personId: string): Promise<Approval[]> {
  const { rows } = await q.query<Row>(`${SELECT} where a.person_id = $1 order by a.created_at desc, a.id`, [
    personId,
  ]);
  return rows.map(toApproval);
}

export async function revokeApproval(
  db: Db,
  personId: string,
  id: string,
  reason: string,
  by: string,
  now: Date,
): Promise<Approval> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>(
      'select status from person_approvals where id = $1 and person_id = $2 for update',
      [id, personId],
    );
    if (!rows[0]) throw notFound('approval_not_found', 'No such approval for this person');
    if (rows[0].status !== 'active') throw conflict('approval_revoked', 'This approval is already revoked');
    await tx.query(
      `update person_approvals set status = 'revoked', revoked_by = $2, revoked_at = $3, revoke_reason = $4
        where id = $1`,
      [id, by, now, reason],
    );
    return (await listApprovals(tx, personId)).find((x) => x.id === id)!;
  });
}

/**
 * The person's approvals in force on `day` at an institution (those for any institution or for this one), as
 * one row holding a JSON array, for the settlement to combine with its other reads after the person's lock.
 */
export function approvalsInForceRead(personId: string, institutionId: string, day: string): Statement {
  return {
    sql: `select coalesce(jsonb_agg(jsonb_build_object('id', id, 'kind', kind, 'subject', subject,
        'domesticReferencePrice', domestic_reference_price, 'importedReferencePrice', imported_reference_price)
        order by created_at desc, id), '[]'::jsonb) as approvals
      from person_approvals where person_id = $1::uuid and status = 'active' and valid_from <= $3::date
        and valid_to >= $3::date and (institution_id is null or institution_id = $2::uuid)`,
    params: [personId, institutionId, day],
  };
}

/** The approvals of `approvalsInForceRead`, on their own. */
export async function approvalsInForce(
  q: Queryable,
  personId: string,
  institutionId: string,
  day: string,
): Promise<ApprovalInForce[]> {
  const read = approvalsInForceRead(personId, institutionId, day);
  const { rows } = await q.query<{ approvals: ApprovalInForce[] }>(read.sql, read.params);
  return rows[0]!.approvals;
}
