/**
 * The yearly personal rights record batch over the benchmark population (left by bench/settlement.ts with its
 * settlements and refunds): people per second through `runStatementJob`, batches of 500 per transaction. A
 * population kept from an earlier run (`--keep`) has that run's job, statements and inbox messages for the
 * year: they are removed first, so that every run computes and writes them all.
 */
import { openPostgres } from '../src/platform/db.ts';
import { runStatementJob, startStatementJob } from '../src/contributions/statements.ts';
import { businessYear } from '../src/platform/business-date.ts';

export interface StatementBenchResult {
  people: number;
  seconds: number;
  peoplePerSec: number;
}

export async function runStatementBench(databaseUrl: string): Promise<StatementBenchResult> {
  const db = await openPostgres(databaseUrl, 2);
  try {
    const now = new Date();
    const year = businessYear(now);
    await db.transaction(async (tx) => {
      await tx.query(
        `delete from notifications where kind = 'statement_ready' and (params->>'year')::int = $1`,
        [year],
      );
      await tx.query(`delete from statements where region_code = 'demo' and year = $1`, [year]);
      await tx.query(`delete from statement_jobs where region_code = 'demo' and year = $1`, [year]);
    });
    const job = await startStatementJob(db, 'demo', year, now);
    const t0 = performance.now();
    const done = await runStatementJob(db, job.id, () => new Date());
    const seconds = (performance.now() - t0) / 1000;
    return { people: done.processed, seconds, peoplePerSec: done.processed / seconds };
  } finally {
    await db.close();
  }
}
