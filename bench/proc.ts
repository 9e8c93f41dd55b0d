/** Process and machine figures from /proc (Linux), for the benchmark table. */
import { readFileSync, readdirSync } from 'node:fs';

/** Resident set size of a process in MiB (NaN when unknown). */
export function rssMbOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
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

/**
 * CPU seconds used so far by the local PostgreSQL server: every process named `postgres`, plus what their
 * finished children used (the postmaster's reaped backends, e.g. pgbench's connections once closed).
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Measures CPU use while `fn` runs: this process, another process, PostgreSQL, and the machine. */
export async function withCpu<T>(
  otherPid: number | null,
  fn: () => Promise<T>,
): Promise<{
  result: T;
  cpu: { self: number; other: number; postgres: number; machine: number; seconds: number };
}> {
  const u0 = process.cpuUsage();
  const p0 = postgresCpuSeconds();
  const o0 = otherPid ? cpuSecondsOf(otherPid) : 0;
  const m0 = machineBusySeconds();
  const t0 = performance.now();
  const result = await fn();
  const u = process.cpuUsage(u0);
  return {
    result,
    cpu: {
      self: (u.user + u.system) / 1e6,
      other: otherPid ? cpuSecondsOf(otherPid) - o0 : 0,
      postgres: postgresCpuSeconds() - p0,
      machine: machineBusySeconds() - m0,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}
