/**
 * The timeline: at each seeded moment, a fault (SIGKILL of the server, then a restart; a PostgreSQL backend
 * of the harness's own database terminated in the middle of its transaction) or a business event (a monthly
 * contribution run, the agency paying the day). Business events run beside the tills; faults one at a time.
 */
import pg from 'pg';
import type { Sender } from './client.ts';
import type { TimelineEvent } from './schedule.ts';
import type { TortureWorld } from './world.ts';
import { contributionRun, payDay } from './workload.ts';

export interface FaultCounts {
  kills: number;
  restarts: number;
  /** termination attempts, and backends actually terminated inside a transaction */
  terminateAttempts: number;
  terminated: number;
}

/** TORTURE_TRACE=1 prints each timeline event as it happens, with its time into the run. */
function trace(s: Sender, what: string): void {
  if (process.env.TORTURE_TRACE)
    console.error(`  [${((performance.now() - s.t0) / 1000).toFixed(2)} s] ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Terminates one backend of database `name` that is inside a transaction (the `pick`-th of them by pid),
 * waiting up to ~0.5 s for one to be; returns how many were terminated (0 or 1).
 */
async function terminateBackend(c: pg.Client, name: string, pick: number): Promise<number> {
  for (let tries = 0; tries < 25; tries++) {
    const { rows } = await c.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where datname = $1 and pid <> pg_backend_pid() and xact_start is not null and backend_type = 'client backend'
        order by pid`,
      [name],
    );
    if (rows.length) {
      const pid = rows[Math.floor(pick * rows.length)]!.pid;
      const r = await c.query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid() and pid = $2`,
        [name, pid],
      );
      if (r.rows[0]?.ok) return 1;
    }
    await sleep(20);
  }
  return 0;
}

export async function runTimeline(
  s: Sender,
  world: TortureWorld,
  events: TimelineEvent[],
  o: { databaseUrl: string; databaseName: string; stopAt: number; graceMs: number },
): Promise<FaultCounts> {
  const counts: FaultCounts = { kills: 0, restarts: 0, terminateAttempts: 0, terminated: 0 };
  const business: Promise<void>[] = [];
  const pgc = new pg.Client({ connectionString: o.databaseUrl });
  await pgc.connect();
  // The business events keep their own time: a slow restart on a loaded machine must not push them past the
  // end of the run (the faults wait for each other, the agency's work does not wait for them).
  const at = async (ev: TimelineEvent): Promise<boolean> => {
    const wait = s.t0 + ev.atMs - performance.now();
    if (wait > 0) await sleep(wait);
    if (performance.now() >= o.stopAt) return false;
    trace(s, `${ev.kind} ${ev.arg}`);
    return true;
  };
  for (const ev of events) {
    if (ev.kind === 'contribution')
      business.push(at(ev).then((go) => (go ? contributionRun(s, world, ev.arg) : undefined)));
    if (ev.kind === 'pay_day') business.push(at(ev).then((go) => (go ? payDay(s, world) : undefined)));
  }
  try {
    for (const ev of events) {
      if (ev.kind === 'contribution' || ev.kind === 'pay_day') continue;
      if (!(await at(ev))) break;
      switch (ev.kind) {
        case 'kill':
          trace(s, `killing pid ${s.server.pid}`);
          await s.server.kill();
          counts.kills++;
          trace(s, 'server killed');
          await s.server.start();
          counts.restarts++;
          s.hardDeadline = Math.max(s.hardDeadline, performance.now() + o.graceMs);
          trace(s, 'server up again');
          break;
        case 'terminate':
          counts.terminateAttempts++;
          counts.terminated += await terminateBackend(pgc, o.databaseName, ev.arg);
          break;
      }
    }
    await Promise.all(business);
  } finally {
    await pgc.end();
  }
  return counts;
}
