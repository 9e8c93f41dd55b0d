/** The run's figures from the client's log, and the one-page report. */
import type { Anomaly } from './checker.ts';
import type { ClientLog, LoggedRequest } from './client.ts';
import type { FaultCounts } from './faults.ts';

export interface TortureStats {
  requests: number;
  byKind: Record<string, number>;
  acknowledged: number;
  refused: Record<string, number>;
  unanswered: number;
  attempts: number;
  replayed: number;
  faults: FaultCounts & {
    restartMsAvg: number;
    /** attempts that got no answer because the server was gone (connection refused, reset, closed) */
    cutOff: number;
    /** attempts answered with a 5xx (a terminated backend) */
    serverErrors: number;
    /** attempts the client abandoned after its short timeout */
    timeouts: number;
    /** requests hit by each kind of failure that got a final answer later */
    recovered: { cutOff: number; serverErrors: number; timeouts: number };
  };
  rows: { settlements: number; refunds: number };
}

const isCutOff = (a: LoggedRequest['attempts'][number]) => a.error !== undefined && a.error !== 'timeout';

export function statsOf(
  log: ClientLog,
  faults: FaultCounts,
  restartMs: number[],
  rows: TortureStats['rows'],
): TortureStats {
  const rs = log.requests;
  const count = (f: (r: LoggedRequest) => boolean) => rs.filter(f).length;
  const attempts = rs.flatMap((r) => r.attempts);
  const byKind: Record<string, number> = {};
  const refused: Record<string, number> = {};
  for (const r of rs) {
    byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    if (r.final && r.final.status >= 400) {
      const code = r.final.body?.error?.code ?? String(r.final.status);
      refused[code] = (refused[code] ?? 0) + 1;
    }
  }
  const recovered = (f: (a: LoggedRequest['attempts'][number]) => boolean) =>
    count((r) => r.final !== null && r.attempts.some(f));
  return {
    requests: rs.length,
    byKind,
    acknowledged: count((r) => r.final !== null && r.final.status < 300),
    refused,
    unanswered: count((r) => r.final === null),
    attempts: attempts.length,
    replayed: attempts.filter((a) => a.replayed).length,
    faults: {
      ...faults,
      restartMsAvg: restartMs.length ? restartMs.reduce((a, b) => a + b, 0) / restartMs.length : 0,
      cutOff: attempts.filter(isCutOff).length,
      serverErrors: attempts.filter((a) => (a.status ?? 0) >= 500).length,
      timeouts: attempts.filter((a) => a.error === 'timeout').length,
      recovered: {
        cutOff: recovered(isCutOff),
        serverErrors: recovered((a) => (a.status ?? 0) >= 500),
        timeouts: recovered((a) => a.error === 'timeout'),
      },
    },
    rows,
  };
}

const n = (x: number) => x.toLocaleString('en');
const list = (o: Record<string, number>) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');

export function formatReport(o: {
  seed: number;
  seconds: number;
  clients: number;
  faults: boolean;
  killEverySeconds?: number;
  terminateEverySeconds?: number;
  fingerprint: string;
  database: string;
  kept: boolean;
  stats: TortureStats;
  anomalies: Anomaly[];
}): string {
  const s = o.stats;
  const f = s.faults;
  const rates = [
    o.killEverySeconds !== undefined ? ` --kill-every-seconds ${o.killEverySeconds}` : '',
    o.terminateEverySeconds !== undefined ? ` --terminate-every-seconds ${o.terminateEverySeconds}` : '',
  ].join('');
  const reproduce = `npx yibao torture --seed ${o.seed} --seconds ${o.seconds} --clients ${o.clients}${rates}${o.faults ? '' : ' --no-faults'}`;
  const every = (x: number) => (x ? ` (one per ${(o.seconds / x).toFixed(1)} s)` : '');
  const lines = [
    `yibao torture: seed ${o.seed}, ${o.seconds} s, ${o.clients} clients${rates ? `,${rates}` : ''}, schedule ${o.fingerprint}`,
    `  database ${o.database} (${o.kept ? 'kept' : 'dropped'})`,
    `requests    ${n(s.requests)} (${list(s.byKind)}), ${(s.requests / o.seconds).toFixed(1)}/s`,
    `  acknowledged ${n(s.acknowledged)}, refused ${n(Object.values(s.refused).reduce((a, b) => a + b, 0))}${
      Object.keys(s.refused).length ? ` (${list(s.refused)})` : ''
    }, never answered ${n(s.unanswered)}`,
    `  attempts ${n(s.attempts)}: ${n(s.attempts - s.requests)} retries, ${n(s.replayed)} answered as replays`,
    `faults      server kills ${n(f.kills)}${every(f.kills)} (restarted ${n(f.restarts)}, ${(f.restartMsAvg / 1000).toFixed(1)} s to /health on average)`,
    `            backends terminated mid-transaction ${n(f.terminated)} of ${n(f.terminateAttempts)} tries${every(f.terminated)}`,
    `            client timeouts ${n(f.timeouts)}`,
    `  recovered ${n(f.recovered.cutOff)} requests cut off by a kill (${n(f.cutOff)} attempts), ${n(
      f.recovered.serverErrors,
    )} failed with a 5xx (${n(f.serverErrors)} attempts), ${n(f.recovered.timeouts)} timed out: answered on a retry`,
    `store       ${n(s.rows.settlements)} settlements, ${n(s.rows.refunds)} refunds`,
    `anomalies   ${o.anomalies.length}${o.anomalies.length ? ` (reproduce: ${reproduce})` : ''}`,
  ];
  for (const a of o.anomalies.slice(0, 30))
    lines.push(`  - ${a.check}${a.request ? `: request ${a.request}` : ''}: ${a.detail}`);
  if (o.anomalies.length > 30) lines.push(`  … and ${o.anomalies.length - 30} more`);
  return lines.join('\n');
}
