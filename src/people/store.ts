import { text, type Params, type StoredText } from '../i18n/index.ts';
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { lockPerson as lockPersonRow, lockPersonByIdNumber } from '../platform/locks.ts';
import { checkIdNumber, type IdNumberInfo } from './id-number.ts';

type InsuranceType = 'employee' | 'resident' | 'flexible';
type PersonStatus = 'active' | 'suspended' | 'ended';
export type IdentityStatus = 'unverified' | 'pending_review' | 'verified' | 'rejected';

export interface Person {
  id: string;
  idNumber: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  regionCode: string;
  insuranceType: InsuranceType;
  retired: boolean;
  status: PersonStatus;
  employerId: string | null;
  identityStatus: IdentityStatus;
  /** Why the identity is not verified: the server's reason as a Text, or what the reviewing staff wrote. */
  identityReason: StoredText | null;
}

interface PersonRow {
  id: string;
  id_number: string;
  name: string;
  gender: 'male' | 'female';
  birth_date: string;
  region_code: string;
  insurance_type: InsuranceType;
  retired: boolean;
  status: PersonStatus;
  employer_id: string | null;
  identity_status: IdentityStatus;
  identity_reason: string | null;
  identity_reason_code: string | null;
  identity_reason_params: Params | null;
}

const COLUMNS = `id, id_number, name, gender, birth_date, region_code, insurance_type, retired, status, employer_id,
  identity_status, identity_reason, identity_reason_code, identity_reason_params`;

function toPerson(r: PersonRow): Person {
  return {
    id: r.id,
    idNumber: r.id_number,
    name: r.name,
    gender: r.gender,
    birthDate: r.birth_date,
    regionCode: r.region_code,
    insuranceType: r.insurance_type,
    retired: r.retired,
    status: r.status,
    employerId: r.employer_id,
    identityStatus: r.identity_status,
    identityReason: r.identity_reason_code
      ? text(r.identity_reason_code, r.identity_reason_params ?? undefined)
      : r.identity_reason,
  };
}

/** The checked ID number, or a 422 `invalid_id_number` naming what is wrong. */
export function parseIdNumber(raw: string, today: Date, field = 'idNumber'): IdNumberInfo {
  const check = checkIdNumber(raw, today);
  if (!check.ok) {
    throw unprocessable('invalid_id_number', `Invalid ID number: ${check.message}`, {
      field,
      problem: check.problem,
    });
  }
  return check.info;
}

/** 422 `unknown_region` unless the region exists. */
export async function assertRegion(q: Queryable, code: string, field = 'regionCode'): Promise<void> {
  const { rows } = await q.query('select 1 from regions where code = $1', [code]);
  if (!rows.length) throw unprocessable('unknown_region', `Unknown region code ${code}`, { field });
}

export async function getPerson(q: Queryable, id: string): Promise<Person> {
  const { rows } = await q.query<PersonRow>(`select ${COLUMNS} from persons where id = $1`, [id]);
  if (!rows[0]) throw notFound('person_not_found', 'No such person');
  return toPerson(rows[0]);
}

/**
 * Locks the person's row (the first lock of every money path and of every change a person waits on) and
 * returns the record, in one statement.
 */
export async function lockPerson(q: Queryable, id: string): Promise<Person> {
  const row = await lockPersonRow<PersonRow>(q, id, COLUMNS);
  if (!row) throw notFound('person_not_found', 'No such person');
  return toPerson(row);
}

export async function findPersonByIdNumber(
  q: Queryable,
  idNumber: string,
  lock = false,
): Promise<Person | undefined> {
  const row = lock
    ? await lockPersonByIdNumber<PersonRow>(q, idNumber, COLUMNS)
    : (await q.query<PersonRow>(`select ${COLUMNS} from persons where id_number = $1`, [idNumber])).rows[0];
  return row ? toPerson(row) : undefined;
}

export interface NewPerson {
  id: IdNumberInfo;
  name: string;
  regionCode: string;
  insuranceType: InsuranceType;
  retired?: boolean;
  employerId?: string | null;
}

/** Creates the insured person record; gender and birth date come from the ID number. */
export async function insertPerson(q: Queryable, p: NewPerson): Promise<Person> {
  const id = randomUUID();
  try {
    await q.query(
      `insert into persons (id, id_number, name, gender, birth_date, region_code, insurance_type, retired, employer_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        p.id.idNumber,
        p.name,
        p.id.gender,
        p.id.birthDate,
        p.regionCode,
        p.insuranceType,
        p.retired ?? false,
        p.employerId ?? null,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('person_exists', 'An insured person with this ID number already exists');
    throw err;
  }
  return getPerson(q, id);
}

/** A person that a staff member (their own region) or an admin (any) may look at; others get a 404. */
export async function personForStaff(
  q: Queryable,
  staff: { role: string; regionCode: string | null },
  personId: string,
): Promise<Person> {
  const person = await getPerson(q, personId);
  if (staff.role !== 'admin' && person.regionCode !== staff.regionCode) {
    throw notFound('person_not_found', 'No such person in your region');
  }
  return person;
}
