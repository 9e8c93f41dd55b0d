import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { machineBusySeconds, postgresCpuSeconds } from './proc.ts';

export interface PgbenchResult {
  tps: number;
  latencyMsAvg: number;
  clients: number;
  seconds: number;
  scale: number;
  transactions: number;
  /** CPU milliseconds per transaction: the PostgreSQL backends, pgbench itself, the whole machine. */
  cpuMsPerTransaction: { postgres: number; pgbench: number; machine: number };
}

/** CPU seconds of this process's finished children (pgbench, once spawnSync has reaped it). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** The server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** (Re)creates an empty database on the server. */
export async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  return withDatabase(serverUrl, name);
}

function pgArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return { args: [...args, u.pathname.slice(1)], env };
}

/**
 * Standard pgbench TPC-B (the built-in script) on the same server, as the baseline every settlement figure is
 * divided by: `pgbench -i -s scale`, then `pgbench -c clients -j min(clients, 2) -T seconds -M prepared`.
 */
export async function runPgbench(
  serverUrl: string,
  opts: { clients: number; seconds: number; scale: number },
): Promise<PgbenchResult> {
  const url = await recreateDatabase(serverUrl, 'yibao_bench_pgbench');
  const { args, env } = pgArgs(url);
  const db = args.pop()!;
  execFileSync('pgbench', ['-i', '-q', '-s', String(opts.scale), ...args, db], { env, stdio: 'ignore' });
  const c0 = childrenCpuSeconds();
  const p0 = postgresCpuSeconds();
  const m0 = machineBusySeconds();
  const run = spawnSync(
    'pgbench',
    [
      '-c',
      String(opts.clients),
      '-j',
      String(Math.min(opts.clients, 2)),
      '-T',
      String(opts.seconds),
      '-M',
      'prepared',
      ...args,
      db,
    ],
    { env, encoding: 'utf8' },
  );
  const cpu = {
    pgbench: childrenCpuSeconds() - c0,
    postgres: postgresCpuSeconds() - p0,
    machine: machineBusySeconds() - m0,
  };
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
  const tps =
    /tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout) ??
    /tps = ([\d.]+)/.exec(run.stdout);
  const lat = /latency average = ([\d.]+) ms/.exec(run.stdout);
  const tx = /number of transactions actually processed: (\d+)/.exec(run.stdout);
  if (!tps) throw new Error(`could not read pgbench output:\n${run.stdout}`);
  return {
    tps: Number(tps[1]),
    latencyMsAvg: lat ? Number(lat[1]) : NaN,
    clients: opts.clients,
    seconds: opts.seconds,
    scale: opts.scale,
    transactions: tx ? Number(tx[1]) : 0,
    cpuMsPerTransaction: Object.fromEntries(
      Object.entries(cpu).map(([k, v]) => [k, (1000 * v) / Math.max(1, tx ? Number(tx[1]) : 0)]),
    ) as PgbenchResult['cpuMsPerTransaction'],
  };
}
