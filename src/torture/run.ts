/**
 * One torture run: a fresh database on the PostgreSQL server, the world, the real server in its own
 * process, the seeded clients and timeline, then the checker and the report. The database is dropped at
 * the end unless `keep`.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { openPostgres } from '../platform/db.ts';
import { checkTorture, type Anomaly } from './checker.ts';
import type { ClientLog, Sender } from './client.ts';
import { runTimeline } from './faults.ts';
import { formatReport, statsOf, type TortureStats } from './report.ts';
import { scheduleFingerprint, timeline, type TortureShape } from './schedule.ts';
import { ServerProcess } from './server-process.ts';
import { runClient } from './workload.ts';
import { buildWorld, createDatabase, dropDatabase } from './world.ts';

/**
 * After the deadline, and after the last restart when that is later, requests in flight get this long to be
 * answered (retries included): Jepsen's final recovery period, faults healed, before the checker judges.
 */
const GRACE_MS = 10_000;

export interface TortureOptions extends TortureShape {
  /** The PostgreSQL server (any database on it; the run creates its own). */
  serverUrl: string;
  keep?: boolean;
}

export interface TortureResult {
  database: string;
  stats: TortureStats;
  anomalies: Anomaly[];
  log: ClientLog;
  report: string;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function runTorture(o: TortureOptions): Promise<TortureResult> {
  const shape: TortureShape = {
    seed: o.seed,
    seconds: o.seconds,
    clients: o.clients,
    faults: o.faults,
    ...(o.killEverySeconds !== undefined ? { killEverySeconds: o.killEverySeconds } : {}),
    ...(o.terminateEverySeconds !== undefined ? { terminateEverySeconds: o.terminateEverySeconds } : {}),
  };
  const database = `yibao_torture_${o.seed}_${randomBytes(3).toString('hex')}`;
  const url = await createDatabase(o.serverUrl, database);
  const secretKey = randomBytes(32);
  let server: ServerProcess | undefined;
  try {
    const setup = await openPostgres(url, 2);
    const world = await buildWorld(setup, o.seed, o.clients, secretKey).finally(() => setup.close());
    server = new ServerProcess({
      databaseUrl: url,
      port: await freePort(),
      secretKeyHex: secretKey.toString('hex'),
      poolSize: o.clients + 6,
    });
    await server.start();

    const log: ClientLog = { requests: [] };
    const t0 = performance.now();
    const deadline = t0 + o.seconds * 1000;
    const sender: Sender = { server, log, t0, hardDeadline: deadline + GRACE_MS };
    const [faults] = await Promise.all([
      runTimeline(sender, world, timeline(shape), {
        databaseUrl: url,
        databaseName: database,
        stopAt: deadline,
        graceMs: GRACE_MS,
      }),
      ...world.tills.map((_, c) => runClient(sender, shape, world, c, deadline)),
    ]);
    await server.stop();

    const db = await openPostgres(url, 2);
    let anomalies: Anomaly[];
    let rows: TortureStats['rows'];
    try {
      anomalies = await checkTorture(db, log);
      const r = await db.query<{ s: number; r: number }>(
        'select (select count(*) from settlements)::int8 as s, (select count(*) from refunds)::int8 as r',
      );
      rows = { settlements: r.rows[0]!.s, refunds: r.rows[0]!.r };
    } finally {
      await db.close();
    }
    for (const c of server.crashes)
      anomalies.push({ check: 'the server stays up', detail: `it died without being killed: ${c}` });
    for (const r of log.requests.filter((x) => x.final === null))
      anomalies.push({
        check: 'every request is answered in the end',
        request: `${r.id}${r.key ? ` (key ${r.key})` : ''}`,
        detail: `no final answer after ${r.attempts.length} attempts: ${r.attempts
          .slice(-3)
          .map((a) => a.error ?? `${a.status} ${a.code ?? ''}`)
          .join(', ')}`,
      });
    const stats = statsOf(log, faults, server.startMs.slice(1), rows);
    const report = formatReport({
      ...shape,
      fingerprint: scheduleFingerprint(shape),
      database,
      kept: !!o.keep,
      stats,
      anomalies,
    });
    return { database, stats, anomalies, log, report };
  } finally {
    await server?.stop();
    if (!o.keep) await dropDatabase(o.serverUrl, database);
  }
}
