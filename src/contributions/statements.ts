import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { text, type Text } from '../i18n/index.ts';
import type { Lang } from '../i18n/index.ts';
import { renderRightsRecordPdf, validateRightsRecord, type RightsRecordInput } from './statement-pdf.ts';
import { businessDate, businessYear } from '../platform/business-date.ts';

/** People per transaction: a batch's figures, statements and inbox messages commit together. */
const STATEMENT_BATCH = 500;

type Figures = Omit<RightsRecordInput, 'person' | 'region' | 'issueDate' | 'idNumberDisplay' | 'issuer'>;

export interface Job {
  id: string;
  regionCode: string;
  year: number;
  status: 'running' | 'done';
  total: number;
  processed: number;
  /** How far it is, for the person watching: `statementJob.running` / `statementJob.done`, rendered per reader. */
  progress: Text;
  startedAt: string;
  finishedAt: string | null;
}

const toJob = (r: {
  id: string;
  region_code: string;
  year: number;
  status: 'running' | 'done';
  total: number;
  processed: number;
  started_at: Date;
  finished_at: Date | null;
}): Job => ({
  id: r.id,
  regionCode: r.region_code,
  year: r.year,
  status: r.status,
  total: r.total,
  processed: r.processed,
  progress:
    r.status === 'done'
      ? text('statementJob.done', { total: r.total })
      : text('statementJob.running', { processed: r.processed, total: r.total }),
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
});

export async function getJob(q: Queryable, id: string): Promise<Job> {
  const { rows } = await q.query<Parameters<typeof toJob>[0]>('select * from statement_jobs where id = $1', [
    id,
  ]);
  if (!rows[0]) throw notFound('job_not_found', 'No such statement job');
  return toJob(rows[0]);
}

/** Creates the job of a region and year (once: a second start returns 409 with the running job). */
export async function startStatementJob(
  q: Queryable,
  regionCode: string,
  year: number,
  now: Date,
): Promise<Job> {
  if (year > businessYear(now)) throw unprocessable('year_in_future', `${year} has not begun`);
  const { rows: region } = await q.query('select 1 from regions where code = $1', [regionCode]);
  if (!region.length) throw unprocessable('unknown_region', `Unknown region code ${regionCode}`);
  const { rows } = await q.query<{ n: number }>(
    'select count(*)::int8 as n from persons where region_code = $1',
    [regionCode],
  );
  const id = randomUUID();
  const inserted = await q.query(
    `insert into statement_jobs (id, region_code, year, status, total, started_at, updated_at)
     values ($1, $2, $3, 'running', $4, $5, $5) on conflict (region_code, year) do nothing`,
    [id, regionCode, year, rows[0]!.n, now],
  );
  if (!inserted.rowCount) {
    const { rows: existing } = await q.query<{ id: string }>(
      'select id from statement_jobs where region_code = $1 and year = $2',
      [regionCode, year],
    );
    throw conflict('job_exists', `The statements of ${year} for this region were already started`, {
      jobId: existing[0]!.id,
    });
  }
  return getJob(q, id);
}

/**
 * Computes the figures of a batch of people for a year with a few set-based queries: contributions by month,
 * individual-account movements (credits, own payments, family mutual aid out and in) and settlements net of
 * refunds.
 */
async function yearFigures(q: Queryable, personIds: string[], year: number): Promise<Map<string, Figures>> {
  const from = `${year}-01-01`;
  const to = `${year + 1}-01-01`;
  const out = new Map<string, Figures>();
  for (const id of personIds) {
    out.set(id, {
      year,
      contributions: [],
      account: {
        openingBalance: 0,
        credits: 0,
        payments: 0,
        mutualAidOut: 0,
        mutualAidIn: 0,
        closingBalance: 0,
      },
      settlements: { count: 0, total: 0, fundPaid: 0, accountPaid: 0, familyAccountPaid: 0, cashPaid: 0 },
    });
  }
  const contributions = await q.query<{
    person_id: string;
    month: string;
    base: number;
    e: number;
    o: number;
    c: number;
  }>(
    `select c.person_id, c.month, c.base, c.employer_premium as e, c.employee_premium as o, c.to_individual_account as c
       from contributions c join contribution_runs r on r.id = c.run_id
      where c.person_id = any($1::uuid[]) and r.status = 'paid' and c.month like $2 order by c.month`,
    [personIds, `${year}-%`],
  );
  for (const r of contributions.rows) {
    out.get(r.person_id)!.contributions.push({
      month: Number(r.month.slice(5)),
      base: r.base,
      employerPart: r.e,
      ownPart: r.o,
      credited: r.c,
    });
  }
  // Every entry of each person's individual account, classified by the posting it belongs to: settlements and
  // refunds name the person they were for, so a payment for someone else is family mutual aid out.
  const movements = await q.query<{
    person_id: string;
    opening: number;
    credits: number;
    own: number;
    aid_out: number;
    closing: number;
  }>(
    `with e as (
       select a.person_id, l.amount, p.created_at, p.kind, p.beneficiary_person_id as beneficiary
         from ledger_accounts a
         join ledger_entries l on l.account_id = a.id
         join ledger_postings p on p.id = l.posting_id
        where a.kind = 'individual' and a.person_id = any($1::uuid[]) and p.created_at < $3)
     select person_id,
            coalesce(sum(amount) filter (where created_at < $2), 0)::int8 as opening,
            coalesce(sum(amount) filter (where created_at >= $2 and kind not in ('settlement', 'refund')), 0)::int8 as credits,
            coalesce(-sum(amount) filter (where created_at >= $2 and kind in ('settlement', 'refund') and beneficiary = person_id), 0)::int8 as own,
            coalesce(-sum(amount) filter (where created_at >= $2 and kind in ('settlement', 'refund') and beneficiary is distinct from person_id), 0)::int8 as aid_out,
            coalesce(sum(amount), 0)::int8 as closing
       from e group by person_id`,
    [personIds, from, to],
  );
  for (const r of movements.rows) {
    const a = out.get(r.person_id)!.account;
    // A refund in this year of last year's payment is money coming back: count it as a credit.
    const own = Math.max(0, r.own);
    const aidOut = Math.max(0, r.aid_out);
    Object.assign(a, {
      openingBalance: r.opening,
      credits: r.credits + (own - r.own) + (aidOut - r.aid_out),
      payments: own,
      mutualAidOut: aidOut,
      closingBalance: r.closing,
    });
  }
  const settled = await q.query<{
    person_id: string;
    n: number;
    total: number;
    fund: number;
    acct: number;
    family: number;
    cash: number;
  }>(
    `select s.person_id, count(distinct s.id)::int8 as n, coalesce(sum(l.amount), 0)::int8 as total, coalesce(sum(l.fund), 0)::int8 as fund,
            coalesce(sum(l.account_paid), 0)::int8 as acct, coalesce(sum(l.relative_account_paid), 0)::int8 as family,
            coalesce(sum(l.cash_paid), 0)::int8 as cash
       from settlements s join settlement_lines l on l.settlement_id = s.id
      where s.person_id = any($1::uuid[]) and s.created_at >= $2 and s.created_at < $3 and l.refund_id is null
      group by s.person_id`,
    [personIds, from, to],
  );
  for (const r of settled.rows) {
    const f = out.get(r.person_id)!;
    f.settlements = {
      count: r.n,
      total: r.total,
      fundPaid: r.fund,
      accountPaid: r.acct,
      familyAccountPaid: r.family,
      cashPaid: r.cash,
    };
    f.account.mutualAidIn = r.family;
  }
  return out;
}

/**
 * Runs (or resumes) a statement job: people of the region in id order, a batch per transaction. Each batch
 * writes the statements and the inbox messages together and moves the job's cursor, so a job stopped at any
 * point resumes after the last committed batch and nobody is sent their statement twice.
 */
export async function runStatementJob(
  db: Db,
  jobId: string,
  now: () => Date,
  onProgress: (job: Job) => void = () => undefined,
  shouldStop: () => boolean = () => false,
  batchSize = STATEMENT_BATCH,
): Promise<Job> {
  for (;;) {
    // Stopping between batches is always safe: the next run resumes after the last committed one.
    if (shouldStop()) return getJob(db, jobId);
    const done = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{
        region_code: string;
        year: number;
        status: string;
        cursor: string | null;
      }>('select region_code, year, status, cursor from statement_jobs where id = $1 for update', [jobId]);
      const job = rows[0];
      if (!job) throw notFound('job_not_found', 'No such statement job');
      if (job.status === 'done') return true;
      const { rows: people } = await tx.query<{ id: string }>(
        `select id from persons where region_code = $1 and ($2::uuid is null or id > $2) order by id limit $3`,
        [job.region_code, job.cursor, batchSize],
      );
      if (!people.length) {
        await tx.query(
          `update statement_jobs set status = 'done', finished_at = $2, updated_at = $2 where id = $1`,
          [jobId, now()],
        );
        return true;
      }
      const ids = people.map((p) => p.id);
      const figures = await yearFigures(tx, ids, job.year);
      const created = await tx.query<{ person_id: string }>(
        `insert into statements (person_id, year, region_code, figures, created_at)
         select * from unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::timestamptz[])
         on conflict (person_id, year) do nothing returning person_id`,
        [
          ids,
          ids.map(() => job.year),
          ids.map(() => job.region_code),
          ids.map((id) => JSON.stringify(figures.get(id))),
          ids.map(() => now()),
        ],
      );
      const fresh = created.rows.map((r) => r.person_id);
      if (fresh.length) {
        await tx.query(
          `insert into notifications (id, person_id, kind, code, params, created_at)
           select gen_random_uuid(), p, 'statement_ready', 'notice.statement_ready', $2, $3 from unnest($1::uuid[]) as p`,
          [fresh, JSON.stringify({ year: job.year }), now()],
        );
      }
      await tx.query(
        'update statement_jobs set processed = processed + $2, cursor = $3, updated_at = $4 where id = $1',
        [jobId, ids.length, ids[ids.length - 1], now()],
      );
      return false;
    });
    const job = await getJob(db, jobId);
    onProgress(job);
    if (done) return job;
  }
}

/** The years a person has a statement for, newest first. */
export async function listStatements(
  q: Queryable,
  personId: string,
): Promise<Array<{ year: number; createdAt: string }>> {
  const { rows } = await q.query<{ year: number; created_at: Date }>(
    'select year, created_at from statements where person_id = $1 order by year desc',
    [personId],
  );
  return rows.map((r) => ({ year: r.year, createdAt: r.created_at.toISOString() }));
}

/** The person's statement of a year as a PDF, rendered from the stored figures. */
export async function statementPdf(
  q: Queryable,
  personId: string,
  year: number,
  lang: Lang,
): Promise<Buffer> {
  const { rows } = await q.query<{
    figures: Figures;
    created_at: Date;
    name: string;
    id_number: string;
    region_code: string;
    region_name: string;
  }>(
    `select s.figures, s.created_at, p.name, p.id_number, s.region_code, r.name as region_name
       from statements s join persons p on p.id = s.person_id join regions r on r.code = s.region_code
      where s.person_id = $1 and s.year = $2`,
    [personId, year],
  );
  const s = rows[0];
  if (!s) throw notFound('statement_not_found', `No statement for ${year} yet`);
  const input: RightsRecordInput = {
    ...s.figures,
    person: { name: s.name, idNumber: s.id_number },
    region: { code: s.region_code, name: s.region_name },
    issueDate: businessDate(s.created_at),
  };
  const problems = validateRightsRecord(input);
  if (problems.length) throw new Error(`statement figures do not add up: ${problems.join('; ')}`);
  return renderRightsRecordPdf(input, lang);
}
