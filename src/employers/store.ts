import { randomUUID } from 'node:crypto';
import type { Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { AppError, conflict, unprocessable } from '../platform/errors.ts';
import { createUser } from '../accounts/store.ts';
import { assertRegion, findPersonByIdNumber, insertPerson, parseIdNumber } from '../people/store.ts';
import { checkCreditCode } from './credit-code.ts';
import { businessDate } from '../platform/business-date.ts';

/** Social Insurance Law art. 58: an employer registers a new employee within 30 days of hiring. */
const REGISTRATION_DEADLINE_DAYS = 30;

/** Days from `from` to `to` (both YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86_400_000);
}

export function isRegistrationOverdue(hireDate: string, registeredOn: string): boolean {
  return daysBetween(hireDate, registeredOn) > REGISTRATION_DEADLINE_DAYS;
}

export interface EmployerSignup {
  creditCode: string;
  name: string;
  regionCode: string;
  login: string;
  password: string;
}

/** Registers an employer and its portal account in one transaction. */
export async function registerEmployer(
  ctx: Ctx,
  s: EmployerSignup,
): Promise<{ employerId: string; userId: string }> {
  const check = checkCreditCode(s.creditCode);
  if (!check.ok) {
    throw unprocessable('invalid_credit_code', `Invalid unified social credit code: ${check.message}`, {
      field: 'creditCode',
      problem: check.problem,
    });
  }
  return ctx.db.transaction(async (tx) => {
    await assertRegion(tx, s.regionCode);
    const employerId = randomUUID();
    try {
      await tx.query('insert into employers (id, credit_code, name, region_code) values ($1, $2, $3, $4)', [
        employerId,
        check.creditCode,
        s.name,
        s.regionCode,
      ]);
    } catch (err) {
      if (isUniqueViolation(err))
        throw conflict('employer_exists', 'An employer with this credit code is already registered');
      throw err;
    }
    const userId = await createUser(tx, {
      role: 'employer',
      login: s.login,
      password: s.password,
      displayName: s.name,
      employerId,
    });
    return { employerId, userId };
  });
}

export interface EmployeeInput {
  idNumber: string;
  name: string;
  hireDate: string;
  retired?: boolean;
}

export type EmployeeRowResult =
  | { row: number; status: 'registered'; personId: string; overdue: boolean; daysAfterHire: number }
  | { row: number; status: 'error'; code: string; message: string };

async function registerOneEmployee(
  tx: Queryable,
  ctx: Ctx,
  employer: { id: string; regionCode: string },
  e: EmployeeInput,
) {
  const id = parseIdNumber(e.idNumber, ctx.now);
  const today = businessDate(ctx.now);
  const days = daysBetween(e.hireDate, today);
  if (days < 0)
    throw unprocessable('hire_date_in_future', 'The hire date is in the future', { field: 'hireDate' });
  let person = await findPersonByIdNumber(tx, id.idNumber, true);
  if (person && person.name !== e.name.trim()) {
    throw unprocessable(
      'name_mismatch',
      'The name differs from the insured person registered with this ID number',
      { field: 'name' },
    );
  }
  if (person) {
    await tx.query(
      `update persons set insurance_type = 'employee', employer_id = $2, retired = $3 where id = $1`,
      [person.id, employer.id, e.retired ?? person.retired],
    );
  } else {
    person = await insertPerson(tx, {
      id,
      name: e.name.trim(),
      regionCode: employer.regionCode,
      insuranceType: 'employee',
      retired: e.retired ?? false,
      employerId: employer.id,
    });
  }
  const overdue = isRegistrationOverdue(e.hireDate, today);
  try {
    await tx.query(
      `insert into employments (id, employer_id, person_id, hire_date, registered_on, overdue) values ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), employer.id, person.id, e.hireDate, today, overdue],
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('already_employed', 'This employee is already registered with this hire date');
    throw err;
  }
  return { personId: person.id, overdue, daysAfterHire: days };
}

/**
 * Registers employees row by row: each row is its own transaction, so a bad row is reported and
 * the good ones go through. Rows registered more than 30 days after hiring are flagged overdue.
 */
export async function registerEmployees(
  ctx: Ctx,
  employerId: string,
  rows: EmployeeInput[],
): Promise<EmployeeRowResult[]> {
  const { rows: emp } = await ctx.db.query<{ region_code: string }>(
    'select region_code from employers where id = $1',
    [employerId],
  );
  const employer = { id: employerId, regionCode: emp[0]!.region_code };
  const results: EmployeeRowResult[] = [];
  for (const [i, e] of rows.entries()) {
    try {
      const r = await ctx.db.transaction((tx) => registerOneEmployee(tx, ctx, employer, e));
      results.push({ row: i + 1, status: 'registered', ...r });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ row: i + 1, status: 'error', code: err.code, message: err.message });
    }
  }
  return results;
}

export interface EmployeeView {
  personId: string;
  idNumber: string;
  name: string;
  hireDate: string;
  registeredOn: string;
  overdue: boolean;
  retired: boolean;
  status: string;
}

export async function listEmployees(q: Queryable, employerId: string): Promise<EmployeeView[]> {
  const { rows } = await q.query<{
    person_id: string;
    id_number: string;
    name: string;
    hire_date: string;
    registered_on: string;
    overdue: boolean;
    retired: boolean;
    status: string;
  }>(
    `select e.person_id, p.id_number, p.name, e.hire_date, e.registered_on, e.overdue, p.retired, p.status
       from employments e join persons p on p.id = e.person_id
      where e.employer_id = $1 and e.ended_on is null order by e.hire_date, p.id_number`,
    [employerId],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    idNumber: r.id_number,
    name: r.name,
    hireDate: r.hire_date,
    registeredOn: r.registered_on,
    overdue: r.overdue,
    retired: r.retired,
    status: r.status,
  }));
}
