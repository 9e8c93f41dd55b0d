import { randomUUID } from 'node:crypto';
import type { Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { requestHash } from '../platform/idempotency.ts';
import { lockPerson } from '../platform/locks.ts';
import { assertRegion, findPersonByIdNumber, parseIdNumber } from '../people/store.ts';
import { individualAccount, pooledFund, post, premiumIncome } from '../ledger/ledger.ts';
import { calculatePremium, type BaseAdjustment } from './premium-calculator.ts';
import { DEMO_PREMIUM_RULES, premiumRulesProblems, type PremiumRules } from './premium-rules.ts';
import { assertPublishable } from '../platform/rules-check.ts';
import { businessMonth } from '../platform/business-date.ts';

/** `YYYY-MM`. */
export type Month = string;

// ---------------------------------------------------------------------------------------------------
// Premium rules, versioned per region like settlement policies.

export interface PremiumVersion {
  id: string;
  regionCode: string;
  version: string;
  effectiveFrom: string;
  rules: PremiumRules;
}

export async function publishPremiumRules(
  q: Queryable,
  input: { regionCode: string; effectiveFrom: string; rules: unknown },
  now: Date,
): Promise<PremiumVersion> {
  assertPublishable({
    code: 'invalid_premium_rules',
    what: 'premium rules',
    problems: premiumRulesProblems(input.rules),
    rules: input.rules,
    regionCode: input.regionCode,
    effectiveFrom: input.effectiveFrom,
    now,
  });
  const rules = input.rules as PremiumRules;
  await assertRegion(q, input.regionCode);
  const id = randomUUID();
  try {
    await q.query(
      `insert into premium_rule_versions (id, region_code, version, effective_from, rules, published_at) values ($1, $2, $3, $4, $5, $6)`,
      [id, input.regionCode, rules.version, input.effectiveFrom, JSON.stringify(rules), now],
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('premium_version_exists', 'This region already has a version with this name or date');
    throw err;
  }
  return {
    id,
    regionCode: input.regionCode,
    version: rules.version,
    effectiveFrom: input.effectiveFrom,
    rules,
  };
}

/** The premium rules in force in a region on the first day of `month`. */
async function premiumRulesInForce(q: Queryable, regionCode: string, month: Month): Promise<PremiumVersion> {
  const { rows } = await q.query<{
    id: string;
    version: string;
    effective_from: string;
    rules: PremiumRules;
  }>(
    `select id, version, effective_from, rules from premium_rule_versions
      where region_code = $1 and effective_from <= $2 order by effective_from desc limit 1`,
    [regionCode, `${month}-01`],
  );
  const r = rows[0];
  if (!r)
    throw unprocessable('no_premium_rules', `Region ${regionCode} has no premium rules in force in ${month}`);
  return { id: r.id, regionCode, version: r.version, effectiveFrom: r.effective_from, rules: r.rules };
}

/** The demo premium rules for region `demo`, in force from 2020 (idempotent). */
export async function installDemoPremiumRules(q: Queryable, now: Date): Promise<void> {
  await q.query(
    `insert into premium_rule_versions (id, region_code, version, effective_from, rules, published_at)
     values ($1, 'demo', $2, '2020-01-01', $3, $4) on conflict do nothing`,
    [randomUUID(), DEMO_PREMIUM_RULES.version, JSON.stringify(DEMO_PREMIUM_RULES), now],
  );
}

// ---------------------------------------------------------------------------------------------------
// Contribution runs

interface ContributionLine {
  personId: string;
  idNumber: string;
  name: string;
  month: Month;
  declaredBase: number;
  base: number;
  baseAdjustment: BaseAdjustment;
  employerPremium: number;
  employeePremium: number;
  toPooledFund: number;
  toIndividualAccount: number;
}

export interface ContributionRun {
  id: string;
  month: Month;
  status: 'due' | 'paid';
  premiumVersion: string;
  employerPremium: number;
  employeePremium: number;
  toPooledFund: number;
  toIndividualAccounts: number;
  createdAt: string;
  paidAt: string | null;
  lines: ContributionLine[];
}

export type DeclarationResult =
  | { row: number; status: 'accepted'; personId: string }
  | { row: number; status: 'error'; code: string; message: string };

interface PersonForPremium {
  personId: string;
  retired: boolean;
  declaredBase: number;
}

/** A month from the past or the current one: premiums are not declared ahead. */
function assertMonth(month: Month, now: Date): void {
  if (month > businessMonth(now)) throw unprocessable('month_in_future', `${month} has not begun yet`);
}

/**
 * Posts a run: premium income → pooled fund (employer premiums and the uncredited own part) and → each person's
 * individual account (the credited part), one balanced posting referencing the run.
 */
async function postRun(tx: Queryable, runId: string, regionCode: string, now: Date): Promise<string> {
  const { rows } = await tx.query<{
    person_id: string;
    to_pooled_fund: number;
    to_individual_account: number;
  }>(
    'select person_id, to_pooled_fund, to_individual_account from contributions where run_id = $1 order by person_id',
    [runId],
  );
  const pooled = rows.reduce((s, r) => s + r.to_pooled_fund, 0);
  const credited = rows.filter((r) => r.to_individual_account > 0);
  const entries = [
    {
      accountId: await premiumIncome(tx, regionCode),
      amount: -(pooled + credited.reduce((s, r) => s + r.to_individual_account, 0)),
    },
    ...(pooled > 0 ? [{ accountId: await pooledFund(tx, regionCode), amount: pooled }] : []),
  ];
  for (const r of credited)
    entries.push({ accountId: await individualAccount(tx, r.person_id), amount: r.to_individual_account });
  const posting = await post(tx, {
    kind: 'contribution',
    reference: { type: 'contribution_run', id: runId },
    regionCode,
    entries,
    at: now,
  });
  return posting.postingId;
}

async function writeRun(
  tx: Queryable,
  ctx: Ctx,
  run: {
    employerId: string | null;
    personId: string | null;
    regionCode: string;
    month: Month;
    hash: string;
    paid: boolean;
  },
  people: PersonForPremium[],
  insuranceType: 'employee' | 'flexible',
): Promise<string> {
  const version = await premiumRulesInForce(tx, run.regionCode, run.month);
  const lines = people.map((p) => ({
    ...p,
    premium: calculatePremium(version.rules, {
      insuranceType,
      retired: p.retired,
      declaredBase: p.declaredBase,
    }),
  }));
  const sum = (k: 'employerPremium' | 'employeePremium' | 'toPooledFund' | 'toIndividualAccount') =>
    lines.reduce((s, l) => s + l.premium[k], 0);
  const id = randomUUID();
  try {
    await tx.query(
      `insert into contribution_runs (id, employer_id, person_id, region_code, month, premium_version_id, request_hash, status,
         employer_premium, employee_premium, to_pooled_fund, to_individual_accounts, created_at, paid_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        id,
        run.employerId,
        run.personId,
        run.regionCode,
        run.month,
        version.id,
        run.hash,
        run.paid ? 'paid' : 'due',
        sum('employerPremium'),
        sum('employeePremium'),
        sum('toPooledFund'),
        sum('toIndividualAccount'),
        ctx.now,
        run.paid ? ctx.now : null,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('run_exists', `The contributions of ${run.month} were already declared`);
    throw err;
  }
  for (const l of lines) {
    await tx.query(
      `insert into contributions (run_id, person_id, month, employer_id, declared_base, base, base_adjustment, employer_premium,
         employee_premium, to_pooled_fund, to_individual_account)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        l.personId,
        run.month,
        run.employerId,
        l.declaredBase,
        l.premium.base,
        l.premium.baseAdjustment,
        l.premium.employerPremium,
        l.premium.employeePremium,
        l.premium.toPooledFund,
        l.premium.toIndividualAccount,
      ],
    );
  }
  if (run.paid && sum('employerPremium') + sum('employeePremium') > 0) {
    const postingId = await postRun(tx, id, run.regionCode, ctx.now);
    await tx.query('update contribution_runs set posting_id = $2 where id = $1', [id, postingId]);
  }
  return id;
}

/**
 * An employer's monthly run: each declared base is checked row by row (a current employee of this employer,
 * a valid ID number); the valid rows make the run, computed under the premium rules in force that month.
 * `paid: true` posts it at once; otherwise it is arrears until paid. One run per employer and month: the same
 * declaration again returns the first run and posts nothing; a different one is refused.
 */
export async function runEmployerMonth(
  ctx: Ctx,
  employerId: string,
  month: Month,
  input: { declarations: Array<{ idNumber: string; declaredBase: number }>; paid: boolean },
): Promise<{ run: ContributionRun; rows: DeclarationResult[]; replayed: boolean }> {
  assertMonth(month, ctx.now);
  const hash = requestHash(input);
  return ctx.db.transaction(async (tx) => {
    const { rows: emp } = await tx.query<{ region_code: string }>(
      'select region_code from employers where id = $1 for update',
      [employerId],
    );
    const regionCode = emp[0]!.region_code;
    const existing = await tx.query<{ id: string; request_hash: string }>(
      'select id, request_hash from contribution_runs where employer_id = $1 and month = $2',
      [employerId, month],
    );
    if (existing.rows[0]) {
      if (existing.rows[0].request_hash !== hash) {
        throw conflict(
          'run_exists',
          `The contributions of ${month} were already declared with other figures; pay or query that run`,
        );
      }
      return { run: await getRun(tx, existing.rows[0].id), rows: [], replayed: true };
    }
    const results: DeclarationResult[] = [];
    const people: PersonForPremium[] = [];
    const seen = new Set<string>();
    for (const [i, d] of input.declarations.entries()) {
      const row = i + 1;
      try {
        const id = parseIdNumber(d.idNumber, ctx.now);
        const person = await findPersonByIdNumber(tx, id.idNumber);
        const employed = person
          ? await tx.query(
              'select 1 from employments where employer_id = $1 and person_id = $2 and ended_on is null and hire_date <= $3',
              [employerId, person.id, `${month}-28`],
            )
          : { rows: [] };
        if (!person || !employed.rows.length)
          throw unprocessable('not_an_employee', 'This person is not an employee of yours in that month');
        if (seen.has(person.id)) throw conflict('duplicate_row', 'This employee is declared twice');
        seen.add(person.id);
        people.push({ personId: person.id, retired: person.retired, declaredBase: d.declaredBase });
        results.push({ row, status: 'accepted', personId: person.id });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ row, status: 'error', code: err.code, message: err.message });
      }
    }
    if (!people.length)
      throw unprocessable('no_valid_rows', 'No declaration row is valid', { rows: results });
    const runId = await writeRun(
      tx,
      ctx,
      { employerId, personId: null, regionCode, month, hash, paid: input.paid },
      people,
      'employee',
    );
    return { run: await getRun(tx, runId), rows: results, replayed: false };
  });
}

/** Pays an employer's arrears of a month: posts the run to the ledger. */
export async function payArrears(ctx: Ctx, employerId: string, month: Month): Promise<ContributionRun> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; status: string; region_code: string }>(
      'select id, status, region_code from contribution_runs where employer_id = $1 and month = $2 for update',
      [employerId, month],
    );
    const run = rows[0];
    if (!run) throw notFound('run_not_found', `No contributions declared for ${month}`);
    if (run.status === 'paid')
      throw conflict('already_paid', `The contributions of ${month} are already paid`);
    const postingId = await postRun(tx, run.id, run.region_code, ctx.now);
    await tx.query(
      `update contribution_runs set status = 'paid', paid_at = $2, posting_id = $3 where id = $1`,
      [run.id, ctx.now, postingId],
    );
    return getRun(tx, run.id);
  });
}

/** A flexible worker pays their own premium for a month on the base they choose. */
export async function payFlexibleMonth(
  ctx: Ctx,
  personId: string,
  month: Month,
  declaredBase: number,
): Promise<ContributionRun> {
  assertMonth(month, ctx.now);
  return ctx.db.transaction(async (tx) => {
    const p = (await lockPerson<{ insurance_type: string; retired: boolean; region_code: string }>(
      tx,
      personId,
      'insurance_type, retired, region_code',
    ))!;
    if (p.insurance_type !== 'flexible')
      throw unprocessable(
        'not_flexible',
        'Only flexible workers pay their own premiums; your employer declares yours',
      );
    const hash = requestHash({ declaredBase });
    const runId = await writeRun(
      tx,
      ctx,
      { employerId: null, personId, regionCode: p.region_code, month, hash, paid: true },
      [{ personId, retired: p.retired, declaredBase }],
      'flexible',
    );
    return getRun(tx, runId);
  });
}

interface RunRow {
  id: string;
  month: string;
  status: 'due' | 'paid';
  version: string;
  employer_premium: number;
  employee_premium: number;
  to_pooled_fund: number;
  to_individual_accounts: number;
  created_at: Date;
  paid_at: Date | null;
}

async function getRun(q: Queryable, id: string): Promise<ContributionRun> {
  const { rows } = await q.query<RunRow>(
    `select r.id, r.month, r.status, v.version, r.employer_premium, r.employee_premium, r.to_pooled_fund, r.to_individual_accounts,
            r.created_at, r.paid_at
       from contribution_runs r join premium_rule_versions v on v.id = r.premium_version_id where r.id = $1`,
    [id],
  );
  const r = rows[0]!;
  return { ...toRun(r), lines: await runLines(q, id) };
}

const toRun = (r: RunRow): Omit<ContributionRun, 'lines'> => ({
  id: r.id,
  month: r.month,
  status: r.status,
  premiumVersion: r.version,
  employerPremium: r.employer_premium,
  employeePremium: r.employee_premium,
  toPooledFund: r.to_pooled_fund,
  toIndividualAccounts: r.to_individual_accounts,
  createdAt: r.created_at.toISOString(),
  paidAt: r.paid_at?.toISOString() ?? null,
});

async function runLines(q: Queryable, runId: string): Promise<ContributionLine[]> {
  const { rows } = await q.query<{
    person_id: string;
    id_number: string;
    name: string;
    month: string;
    declared_base: number;
    base: number;
    base_adjustment: BaseAdjustment;
    employer_premium: number;
    employee_premium: number;
    to_pooled_fund: number;
    to_individual_account: number;
  }>(
    `select c.person_id, p.id_number, p.name, c.month, c.declared_base, c.base, c.base_adjustment, c.employer_premium, c.employee_premium,
            c.to_pooled_fund, c.to_individual_account
       from contributions c join persons p on p.id = c.person_id where c.run_id = $1 order by p.id_number`,
    [runId],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    idNumber: r.id_number,
    name: r.name,
    month: r.month,
    declaredBase: r.declared_base,
    base: r.base,
    baseAdjustment: r.base_adjustment,
    employerPremium: r.employer_premium,
    employeePremium: r.employee_premium,
    toPooledFund: r.to_pooled_fund,
    toIndividualAccount: r.to_individual_account,
  }));
}

/** The employer's runs, newest month first; `status: 'due'` lists the arrears. */
export async function listEmployerRuns(
  q: Queryable,
  employerId: string,
  status?: 'due' | 'paid',
): Promise<Array<Omit<ContributionRun, 'lines'>>> {
  const { rows } = await q.query<RunRow>(
    `select r.id, r.month, r.status, v.version, r.employer_premium, r.employee_premium, r.to_pooled_fund, r.to_individual_accounts,
            r.created_at, r.paid_at
       from contribution_runs r join premium_rule_versions v on v.id = r.premium_version_id
      where r.employer_id = $1 and ($2::text is null or r.status = $2) order by r.month desc`,
    [employerId, status ?? null],
  );
  return rows.map(toRun);
}

export interface PersonMonth {
  month: Month;
  employerPremium: number;
  ownPremium: number;
  credited: number;
  base: number;
  status: 'due' | 'paid';
  payer: 'employer' | 'self';
}

/** A person's contributions by month (employer's part, own part, credited), newest first. */
export async function personContributions(q: Queryable, personId: string): Promise<PersonMonth[]> {
  const { rows } = await q.query<{
    month: string;
    employer_premium: number;
    employee_premium: number;
    to_individual_account: number;
    base: number;
    status: 'due' | 'paid';
    employer_id: string | null;
  }>(
    `select c.month, c.employer_premium, c.employee_premium, c.to_individual_account, c.base, r.status, c.employer_id
       from contributions c join contribution_runs r on r.id = c.run_id where c.person_id = $1 order by c.month desc`,
    [personId],
  );
  return rows.map((r) => ({
    month: r.month,
    employerPremium: r.employer_premium,
    ownPremium: r.employee_premium,
    credited: r.to_individual_account,
    base: r.base,
    status: r.status,
    payer: r.employer_id ? 'employer' : 'self',
  }));
}
