/**
 * `npm run bench`: the benchmarks, each beside a baseline measured in the same run on the same machine.
 *
 *   npm run bench -- [--people 100000[,10000000]] [--seconds 20] [--clients 8[,64]] [--lite-people 100000]
 *                    [--mixes realistic,pharmacy] [--server postgres://…] [--only qr|postgres|pglite]
 *                    [--cross-region on|off] [--keep] [--group-commit on|off|on,off]
 *
 * `--group-commit off` runs the server with a transaction per settlement (YIBAO_GROUP_COMMIT_MAX=1); `on,off`
 * measures both, each phase beside the same baselines.
 *
 * Each population lives in its own database, `yibao_bench_<people>`. With `--keep`, a run reuses it when it
 * holds a complete load of that many people and its pending migrations apply (they are applied), instead of
 * dropping and loading it again: a 10,000,000-people population is loaded once and measured again later on
 * newer code (the table says "reused" for its load).
 *
 * With PostgreSQL, the cross-region figure (bench/crossing.ts, docs/REGIONS.md) runs on the first population at
 * the first client count unless `--cross-region off`; it needs NATS with JetStream (a `nats-server` of its own
 * when installed, else YIBAO_NATS_URL) and says so when it is skipped.
 *
 * Prints a table and writes bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runPgbench, type PgbenchResult, type TpcbResult } from './pgbench.ts';
import { runSettlementBench, type SettlementPhase } from './settlement.ts';
import { runSameRows, setUpSameRows } from './same-rows.ts';
import type { MixName } from './mix.ts';
import type { LoadResult } from './population.ts';
import { openPostgres } from '../src/platform/db.ts';
import { loadAverage } from './proc.ts';
import { runEmbeddedBench } from './embedded.ts';
import { formatQrBench, runQrBench } from './qr.ts';
import { runStatementBench, type StatementBenchResult } from './statements.ts';
import { runCrossRegionBench, type CrossRegionResult } from './crossing.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    'lite-people': { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '8' },
    mixes: { type: 'string', default: 'realistic,pharmacy' },
    server: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    only: { type: 'string' },
    'cross-region': { type: 'string', default: 'on' },
    'group-commit': { type: 'string', default: 'on' },
    keep: { type: 'boolean', default: false },
  },
});
if (!['on', 'off'].includes(values['cross-region'])) throw new Error('--cross-region takes on or off');
const groupCommit = values['group-commit'].split(',') as Array<'on' | 'off'>;
if (!groupCommit.length || groupCommit.some((g) => g !== 'on' && g !== 'off'))
  throw new Error('--group-commit takes on, off or on,off');
const populations = values.people.split(',').map((p) => Number(p.replace(/_/g, '')));
const litePeople = Number(values['lite-people']);
const seconds = Number(values.seconds);
const clientCounts = values.clients.split(',').map(Number);
/** The first client count is the one PGlite and the headline figures use. */
const clients = clientCounts[0]!;
if ([...populations, litePeople, seconds, ...clientCounts].some((n) => !Number.isInteger(n) || n <= 0)) {
  throw new Error('--people, --lite-people, --seconds and --clients take positive whole numbers');
}
const mixes = values.mixes.split(',') as MixName[];
if (!mixes.length || mixes.some((m) => m !== 'realistic' && m !== 'pharmacy'))
  throw new Error('--mixes takes realistic and/or pharmacy');
const wants = (part: string) => !values.only || values.only === part;
/** The yearly statement job runs over populations up to this size (it takes about 1 min per million). */
const STATEMENTS_UP_TO = 1_000_000;

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `Yibao benchmarks on ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GiB, Node ${machine.node}`,
);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

console.log('\n== QR tokens (Ed25519), beside raw node:crypto');
const qr = runQrBench({ durationMs: 4000 });
console.log(formatQrBench(qr));

/** One HTTP phase beside its baselines of the same run: TPC-B and the same-rows script at its client count. */
interface PhaseRun extends SettlementPhase {
  tpcb: TpcbResult;
  sameRows: PgbenchResult;
  /** settlements/s ÷ TPC-B tps, and ÷ the same-rows script's settlements/s (same mix, same clients). */
  ratio: number;
  ratioSameRows: number;
}
interface PostgresRun {
  people: number;
  load: LoadResult;
  phases: PhaseRun[];
  statements: StatementBenchResult | null;
  /** Settlements of people insured in another region beside the same loop at home (first population only). */
  crossRegion: CrossRegionResult | null;
}
const postgres: PostgresRun[] = [];
if (wants('postgres')) {
  for (const people of populations) {
    console.log(
      `\n== Settlement through the HTTP API on PostgreSQL: ${fmt(people)} people, ${mixes.join(' and ')} mix, ${clientCounts.join(' and ')} clients, ${seconds} s each (load average ${loadAverage()})`,
    );
    const bench = await runSettlementBench({
      serverUrl: values.server,
      people,
      clients: clientCounts,
      mixes,
      seconds,
      keep: values.keep,
      groupCommit,
    });
    let crossRegion: CrossRegionResult | null = null;
    if (people === populations[0]) {
      if (values['cross-region'] === 'off') crossRegion = { skipped: '--cross-region off' };
      else {
        console.log(
          `\n== Cross-region settlement (two regions on two databases of the same server, the hub, NATS JetStream): ${clients} clients, ${seconds} s each (load average ${loadAverage()})`,
        );
        crossRegion = await runCrossRegionBench({ serverUrl: values.server, bench, clients, seconds });
      }
      if ('skipped' in crossRegion) console.log(`  cross-region figure SKIPPED: ${crossRegion.skipped}`);
    }
    let statements: StatementBenchResult | null = null;
    if (people <= STATEMENTS_UP_TO) {
      console.log(
        `\n== Yearly statements for the same ${fmt(people)} people (figures + inbox, batches of 500)`,
      );
      statements = await runStatementBench(bench.url);
      console.log(
        `  ${fmt(statements.people)} people in ${statements.seconds.toFixed(1)} s: ${fmt(statements.peoplePerSec)} people/s`,
      );
    }
    console.log(`\n== The same rows as a pgbench script (bench/settlement.pgbench.sql) on the same database`);
    const db = await openPostgres(bench.url, 2);
    const sample = await setUpSameRows(db, bench);
    await db.close();
    const sameRows = new Map<string, PgbenchResult>();
    for (const mix of mixes)
      for (const c of clientCounts) {
        const r = await runSameRows(bench.url, { clients: c, seconds, mix, people: sample });
        console.log(
          `  ${mix} mix, ${c} clients: ${r.tps.toFixed(1)} settlements/s, CPU ms/settlement PostgreSQL ${r.cpuMsPerTransaction.postgres.toFixed(2)} (+${r.cpuMsPerTransaction.postgresShared.toFixed(2)} shared), pgbench ${r.cpuMsPerTransaction.pgbench.toFixed(2)} (load average ${r.loadAverage})`,
        );
        sameRows.set(`${mix}:${c}`, r);
      }
    console.log(`\n== pgbench TPC-B on the same server: ${clientCounts.join(' and ')} clients, ${seconds} s`);
    const tpcb = new Map<number, TpcbResult>();
    for (const c of clientCounts) {
      const r = await runPgbench(values.server, { clients: c, seconds, scale: 10 });
      console.log(
        `  ${c} clients: ${r.tps.toFixed(1)} tps, CPU ms/transaction PostgreSQL ${r.cpuMsPerTransaction.postgres.toFixed(2)} (+${r.cpuMsPerTransaction.postgresShared.toFixed(2)} shared), pgbench ${r.cpuMsPerTransaction.pgbench.toFixed(2)} (load average ${r.loadAverage})`,
      );
      tpcb.set(c, r);
    }
    postgres.push({
      people,
      load: bench.load,
      statements,
      crossRegion,
      phases: bench.phases.map((p) => {
        const t = tpcb.get(p.clients)!;
        const s = sameRows.get(`${p.mix}:${p.clients}`)!;
        return {
          ...p,
          tpcb: t,
          sameRows: s,
          ratio: p.settlementsPerSec / t.tps,
          ratioSameRows: p.settlementsPerSec / s.tps,
        };
      }),
    });
  }
}

let pglite: Awaited<ReturnType<typeof runEmbeddedBench>> | null = null;
if (wants('pglite')) {
  console.log(
    `\n== Settlement through the app on PGlite (in process): ${fmt(litePeople)} people, ${clients} clients, ${seconds} s`,
  );
  pglite = await runEmbeddedBench({
    people: litePeople,
    clients,
    seconds,
    groupCommit: groupCommit.includes('on'),
  });
  console.log(
    `  population loaded in ${pglite.load.seconds.toFixed(1)} s (${fmt(pglite.load.rowsPerSec)} rows/s, insert … select)`,
  );
}

/** Rows of the table; a row whose first cell starts with '#' is a section header. */
const rows: Array<[string, ...string[]]> = [];
for (const r of postgres) {
  const ph = r.phases;
  rows.push([
    `# PostgreSQL server, ${fmt(r.people)} people`,
    ...ph.map((p) => `${p.mix}, ${p.clients} cl.${p.groupCommit === 'off' ? ', no GC' : ''}`),
  ]);
  const col = (f: (p: PhaseRun) => string) => ph.map(f);
  const ms = (xs: number[], digits = 2) => xs.map((x) => x.toFixed(digits)).join(' / ');
  rows.push(
    ['population load (COPY), rows/s', ...col(() => (r.load.reused ? 'reused' : fmt(r.load.rowsPerSec)))],
    ['settlements/s (HTTP API)', ...col((p) => p.settlementsPerSec.toFixed(1))],
    ['  of which inpatient (20-100 lines)', ...col((p) => fmt(p.inpatientSettlements))],
    ['settlements per transaction (group commit)', ...col((p) => p.settlementsPerTransaction.toFixed(1))],
    ['all requests/s (incl. estimates, refunds)', ...col((p) => p.requestsPerSec.toFixed(1))],
    ['p50 / p99 latency, ms', ...col((p) => `${p.p50Ms.toFixed(1)} / ${p.p99Ms.toFixed(1)}`)],
    ['errors', ...col((p) => String(p.errors))],
    ['server RSS (max), MiB', ...col((p) => p.serverRssMb.toFixed(0))],
    [
      'CPU ms/settlement: server/PG db/PG shared/client',
      ...col((p) => {
        const c = p.cpuMsPerSettlement;
        return ms([c.server, c.postgres, c.postgresShared, c.client]);
      }),
    ],
    ['CPU ms/settlement, whole machine', ...col((p) => p.cpuMsPerSettlement.machine.toFixed(2))],
    ['load average at the start', ...col((p) => p.loadAverage.toFixed(2))],
    ['same-rows pgbench script, settlements/s', ...col((p) => p.sameRows.tps.toFixed(1))],
    [
      '  its CPU ms: PG db/PG shared/pgbench',
      ...col((p) => {
        const c = p.sameRows.cpuMsPerTransaction;
        return ms([c.postgres, c.postgresShared, c.pgbench]);
      }),
    ],
    ['pgbench TPC-B tps (same clients)', ...col((p) => p.tpcb.tps.toFixed(1))],
    [
      '  its CPU ms: PG db/PG shared/pgbench',
      ...col((p) => {
        const c = p.tpcb.cpuMsPerTransaction;
        return ms([c.postgres, c.postgresShared, c.pgbench]);
      }),
    ],
    ['settlements/s ÷ TPC-B tps', ...col((p) => p.ratio.toFixed(3))],
    ['settlements/s ÷ same-rows script', ...col((p) => p.ratioSameRows.toFixed(3))],
    ['same-rows script ÷ TPC-B tps', ...col((p) => (p.sameRows.tps / p.tpcb.tps).toFixed(3))],
    ['yearly statements, people/s', ...col(() => (r.statements ? fmt(r.statements.peoplePerSec) : '-'))],
  );
  const x = r.crossRegion;
  if (x && 'skipped' in x) rows.push([`# Cross-region settlement: SKIPPED (${x.skipped})`]);
  else if (x) {
    const figures = (l: typeof x.sameRegion) =>
      `${l.settlementsPerSec.toFixed(1)}/s, p99 ${l.p99Ms.toFixed(1)} ms${l.errors ? `, ${l.errors} errors` : ''}`;
    rows.push(
      [`# Cross-region settlement, ${x.clients} clients (pharmacy bills)`, 'settlements/s, p99'],
      ['same region (A’s tills, A’s people)', figures(x.sameRegion)],
      ['cross region (B’s tills, A’s people)', figures(x.crossRegion)],
      ['cross ÷ same', x.ratio.toFixed(3)],
    );
  }
}
if (pglite) {
  rows.push(
    ['# PGlite (embedded, in process)', `${fmt(pglite.people)} people`],
    ['population load (insert … select), rows/s', fmt(pglite.load.rowsPerSec)],
    ['settlements/s', pglite.settlementsPerSec.toFixed(1)],
    ['p50 / p99 latency, ms', `${pglite.p50Ms.toFixed(1)} / ${pglite.p99Ms.toFixed(1)}`],
    ['errors', String(pglite.errors)],
    ['process RSS (max), MiB', pglite.processRssMb.toFixed(0)],
    ['TPC-B-like loop on PGlite, tps', pglite.tpcb.tps.toFixed(1)],
    ['settlements/s ÷ TPC-B-like tps', pglite.ratio.toFixed(3)],
    ...(pglite.groupCommitOn
      ? ([
          [
            'with group commit: settlements/s, p50 / p99 ms',
            `${pglite.groupCommitOn.settlementsPerSec.toFixed(1)}, ${pglite.groupCommitOn.p50Ms.toFixed(1)} / ${pglite.groupCommitOn.p99Ms.toFixed(1)}`,
          ],
          ['with group commit ÷ TPC-B-like tps', pglite.groupCommitOn.ratio.toFixed(3)],
        ] as Array<[string, string]>)
      : []),
  );
}
rows.push(
  ['# QR tokens'],
  ['issue/s (raw Ed25519 sign/s)', `${fmt(qr.issuePerSec)} (${fmt(qr.rawSignPerSec)})`],
  ['verify/s (raw Ed25519 verify/s)', `${fmt(qr.verifyPerSec)} (${fmt(qr.rawVerifyPerSec)})`],
);
console.log();
for (const [k, ...v] of rows) {
  const label = k.startsWith('# ') ? k.slice(2).padEnd(50) : '  ' + k.padEnd(48);
  console.log(`  ${label} ${v.map((x) => x.padStart(22)).join(' ')}`);
}

writeFileSync(
  new URL('./results.json', import.meta.url),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine,
      options: {
        populations,
        litePeople,
        seconds,
        clients: clientCounts,
        mixes,
        keep: values.keep,
        groupCommit,
      },
      loadAverageAtEnd: loadAverage(),
      qr,
      postgres,
      pglite,
    },
    null,
    2,
  ) + '\n',
);
console.log('\nwritten to bench/results.json');
