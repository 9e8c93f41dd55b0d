/** Process and machine figures from /proc (Linux), for the benchmark table. */
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Resident set size of a process in MiB (NaN when unknown). */
export function rssMbOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine has been busy so far (all cores, everything but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - cpu[3]! - cpu[4]!) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, with its reaped children when asked. */
function cpuOf(pid: number, withChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(f[11]) + Number(f[12]);
    return (withChildren ? own + Number(f[13]) + Number(f[14]) : own) / 100;
  } catch {
    return NaN;
  }
}

/** PostgreSQL's shared processes, whose work every database's commits cause: reported on their own. */
const SHARED_BACKENDS = ['walwriter', 'checkpointer', 'background writer'];

/** What one database's PostgreSQL processes used while a phase ran (CPU seconds). */
export interface PostgresCpu {
  /** The database's own backends (client connections, autovacuum workers on it). */
  backends: number;
  /** The WAL writer, checkpointer and background writer (shared by every database on the server). */
  shared: number;
  /** How many backends of the database were seen. */
  backendsSeen: number;
}

/**
 * Samples, while a phase runs, the processes `pg_stat_activity` lists for one database (and the shared
 * writer processes) and adds up the CPU each used from its first to its last sighting: the CPU of this
 * database's work only, not of every `postgres` process on the machine (other people's databases, other
 * benchmarks). It reads `/proc/<pid>/stat`, so the server must run on this machine. The sampling connection
 * is made to the server URL's own database, so it is not one of the sampled backends.
 */
export class PostgresCpuSampler {
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  readonly #shared = new Set<number>();
  #timer: NodeJS.Timeout | null = null;
  #client: pg.Client;
  #busy: Promise<void> = Promise.resolve();

  constructor(
    serverUrl: string,
    private readonly database: string,
    private readonly intervalMs = 200,
  ) {
    this.#client = new pg.Client({ connectionString: serverUrl });
  }

  async #sample(): Promise<void> {
    const { rows } = await this.#client.query<{ pid: number; shared: boolean }>(
      `select pid, backend_type = any($2::text[]) as shared from pg_stat_activity
        where (datname = $1 or backend_type = any($2::text[])) and pid <> pg_backend_pid()`,
      [this.database, SHARED_BACKENDS],
    );
    for (const { pid, shared } of rows) {
      const cpu = cpuOf(pid);
      if (Number.isNaN(cpu)) continue;
      if (!this.#first.has(pid)) this.#first.set(pid, cpu);
      this.#last.set(pid, cpu);
      if (shared) this.#shared.add(pid);
    }
  }

  /** Takes the first sample (every backend already connected starts here), then one every interval. */
  async start(): Promise<void> {
    await this.#client.connect();
    await this.#sample();
    this.#timer = setInterval(() => {
      this.#busy = this.#busy.then(() => this.#sample()).catch(() => undefined);
    }, this.intervalMs);
  }

  /** The last sample; a backend that exited between two samples counts up to its last sighting. */
  async stop(): Promise<PostgresCpu> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#busy;
    await this.#sample();
    await this.#client.end();
    let backends = 0;
    let shared = 0;
    for (const [pid, first] of this.#first) {
      const used = (this.#last.get(pid) ?? first) - first;
      if (this.#shared.has(pid)) shared += used;
      else backends += used;
    }
    return { backends, shared, backendsSeen: this.#first.size - this.#shared.size };
  }
}

/** CPU used while `fn` runs: this process (the load generator), another process, one database, the machine. */
export async function withCpu<T>(
  o: { otherPid: number | null; serverUrl: string; database: string },
  fn: () => Promise<T>,
): Promise<{
  result: T;
  cpu: { self: number; other: number; postgres: PostgresCpu; machine: number; seconds: number };
}> {
  const sampler = new PostgresCpuSampler(o.serverUrl, o.database);
  await sampler.start();
  const u0 = process.cpuUsage();
  const o0 = o.otherPid ? cpuOf(o.otherPid) : 0;
  const m0 = machineBusySeconds();
  const t0 = performance.now();
  const result = await fn();
  const u = process.cpuUsage(u0);
  const other = o.otherPid ? cpuOf(o.otherPid) - o0 : 0;
  const machine = machineBusySeconds() - m0;
  const seconds = (performance.now() - t0) / 1000;
  return {
    result,
    cpu: { self: (u.user + u.system) / 1e6, other, postgres: await sampler.stop(), machine, seconds },
  };
}

/** CPU seconds of this process's reaped children (pgbench, once it has exited). */
export const childrenCpuSeconds = (): number => cpuOf(process.pid, true) - cpuOf(process.pid);

/** The 1-minute load average, for the record (the machine is shared). */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}
