import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { PostgresCpuSampler, childrenCpuSeconds, loadAverage, machineBusySeconds } from './proc.ts';

export interface PgbenchResult {
  tps: number;
  latencyMsAvg: number;
  clients: number;
  seconds: number;
  transactions: number;
  /**
   * CPU milliseconds per transaction: the backends of the database pgbench ran on, PostgreSQL's shared
   * writer processes, pgbench itself, and the whole machine.
   */
  cpuMsPerTransaction: { postgres: number; postgresShared: number; pgbench: number; machine: number };
  /** The 1-minute load average when it started (the machine is shared). */
  loadAverage: number;
}

export interface TpcbResult extends PgbenchResult {
  scale: number;
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
 * Runs pgbench on `url`'s database for `seconds` with `clients` connections (`-j min(clients, 2)`,
 * `-M prepared`) and the given script arguments (none: the built-in TPC-B), measuring the CPU of that
 * database's backends only.
 */
export async function runPgbenchOn(
  url: string,
  opts: { clients: number; seconds: number; extraArgs?: string[] },
): Promise<PgbenchResult> {
  const { args, env } = pgArgs(url);
  const db = args.pop()!;
  const loadAvg = loadAverage();
  const sampler = new PostgresCpuSampler(withDatabase(url, 'postgres'), db);
  await sampler.start();
  const c0 = childrenCpuSeconds();
  const m0 = machineBusySeconds();
  const child = spawn(
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
      ...(opts.extraArgs ?? []),
      ...args,
      db,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [status] = (await once(child, 'exit')) as [number | null];
  const cpuPg = await sampler.stop();
  const pgbenchCpu = childrenCpuSeconds() - c0;
  const machine = machineBusySeconds() - m0;
  if (status !== 0) throw new Error(`pgbench failed: ${stderr}`);
  const tps =
    /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
  const lat = /latency average = ([\d.]+) ms/.exec(stdout);
  const tx = /number of transactions actually processed: (\d+)/.exec(stdout);
  if (!tps) throw new Error(`could not read pgbench output:\n${stdout}`);
  const per = (v: number) => (1000 * v) / Math.max(1, tx ? Number(tx[1]) : 0);
  return {
    tps: Number(tps[1]),
    latencyMsAvg: lat ? Number(lat[1]) : NaN,
    clients: opts.clients,
    seconds: opts.seconds,
    transactions: tx ? Number(tx[1]) : 0,
    cpuMsPerTransaction: {
      postgres: per(cpuPg.backends),
      postgresShared: per(cpuPg.shared),
      pgbench: per(pgbenchCpu),
      machine: per(machine),
    },
    loadAverage: loadAvg,
  };
}

/**
 * Standard pgbench TPC-B (the built-in script) on the same server, as the baseline every settlement figure is
 * divided by: `pgbench -i -s scale` into its own database, then `runPgbenchOn` it.
 */
export async function runPgbench(
  serverUrl: string,
  opts: { clients: number; seconds: number; scale: number },
): Promise<TpcbResult> {
  const url = await recreateDatabase(serverUrl, 'yibao_bench_pgbench');
  const { args, env } = pgArgs(url);
  const db = args.pop()!;
  execFileSync('pgbench', ['-i', '-q', '-s', String(opts.scale), ...args, db], { env, stdio: 'ignore' });
  return { ...(await runPgbenchOn(url, opts)), scale: opts.scale };
}
