/**
 * `npm run bench`: the benchmarks, each beside a baseline measured in the same run on the same machine.
 *
 *   npm run bench -- [--people 100000[,10000000]] [--seconds 20] [--clients 8] [--lite-people 100000]
 *                    [--server postgres://…] [--only qr|postgres|pglite]
 *
 * Prints a table and writes bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runPgbench, withDatabase, type PgbenchResult } from './pgbench.ts';
import { runSettlementBench, type SettlementBenchResult } from './settlement.ts';
import { runEmbeddedBench } from './embedded.ts';
import { formatQrBench, runQrBench } from './qr.ts';
import { runStatementBench, type StatementBenchResult } from './statements.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    'lite-people': { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '8' },
    server: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    only: { type: 'string' },
  },
});
const populations = values.people.split(',').map((p) => Number(p.replace(/_/g, '')));
const litePeople = Number(values['lite-people']);
const seconds = Number(values.seconds);
const clients = Number(values.clients);
if ([...populations, litePeople, seconds, clients].some((n) => !Number.isInteger(n) || n <= 0)) {
  throw new Error('--people, --lite-people, --seconds and --clients take positive whole numbers');
}
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

interface PostgresRun {
  people: number;
  settlement: SettlementBenchResult;
  statements: StatementBenchResult | null;
  pgbench: PgbenchResult;
  ratio: number;
}
const postgres: PostgresRun[] = [];
if (wants('postgres')) {
  for (const people of populations) {
    console.log(
      `\n== Settlement through the HTTP API on PostgreSQL: ${fmt(people)} people, ${clients} clients, ${seconds} s`,
    );
    const settlement = await runSettlementBench({ serverUrl: values.server, people, clients, seconds });
    console.log(
      `  population loaded with COPY in ${settlement.load.seconds.toFixed(1)} s (${fmt(settlement.load.rows)} rows, ${fmt(settlement.load.rowsPerSec)} rows/s)`,
    );
    console.log(
      `  ${settlement.settlementsPerSec.toFixed(1)} settlements/s, p50 ${settlement.p50Ms.toFixed(1)} ms, p99 ${settlement.p99Ms.toFixed(1)} ms`,
    );
    let statements: StatementBenchResult | null = null;
    if (people <= STATEMENTS_UP_TO) {
      console.log(
        `\n== Yearly statements for the same ${fmt(people)} people (figures + inbox, batches of 500)`,
      );
      statements = await runStatementBench(withDatabase(values.server, 'yibao_bench'));
      console.log(
        `  ${fmt(statements.people)} people in ${statements.seconds.toFixed(1)} s: ${fmt(statements.peoplePerSec)} people/s`,
      );
    }
    console.log(`\n== pgbench TPC-B on the same server: ${clients} clients, ${seconds} s`);
    const pgbench = await runPgbench(values.server, { clients, seconds, scale: 10 });
    console.log(`  ${pgbench.tps.toFixed(1)} tps`);
    postgres.push({
      people,
      settlement,
      statements,
      pgbench,
      ratio: settlement.settlementsPerSec / pgbench.tps,
    });
  }
}

let pglite: Awaited<ReturnType<typeof runEmbeddedBench>> | null = null;
if (wants('pglite')) {
  console.log(
    `\n== Settlement through the app on PGlite (in process): ${fmt(litePeople)} people, ${clients} clients, ${seconds} s`,
  );
  pglite = await runEmbeddedBench({ people: litePeople, clients, seconds });
  console.log(
    `  population loaded in ${pglite.load.seconds.toFixed(1)} s (${fmt(pglite.load.rowsPerSec)} rows/s, insert … select)`,
  );
}

/** Rows of the table; a row whose first cell starts with '#' is a section header. */
const rows: Array<[string, ...string[]]> = [];
if (postgres.length) {
  rows.push(['# PostgreSQL server', ...postgres.map((r) => `${fmt(r.people)} people`)]);
  const col = (f: (r: PostgresRun) => string) => postgres.map(f);
  rows.push(
    ['population load (COPY), rows/s', ...col((r) => fmt(r.settlement.load.rowsPerSec))],
    ['settlements/s', ...col((r) => r.settlement.settlementsPerSec.toFixed(1))],
    ['all requests/s (incl. estimates, refunds)', ...col((r) => r.settlement.requestsPerSec.toFixed(1))],
    [
      'p50 / p99 latency, ms',
      ...col((r) => `${r.settlement.p50Ms.toFixed(1)} / ${r.settlement.p99Ms.toFixed(1)}`),
    ],
    ['errors', ...col((r) => String(r.settlement.errors))],
    ['server RSS (max), MiB', ...col((r) => r.settlement.serverRssMb.toFixed(0))],
    [
      'CPU ms/settlement: server/postgres/client/machine',
      ...col((r) => {
        const c = r.settlement.cpuMsPerSettlement;
        return [c.server, c.postgres, c.client, c.machine].map((x) => x.toFixed(1)).join(' / ');
      }),
    ],
    ['yearly statements, people/s', ...col((r) => (r.statements ? fmt(r.statements.peoplePerSec) : '-'))],
    ['pgbench TPC-B tps (same clients)', ...col((r) => r.pgbench.tps.toFixed(1))],
    [
      'pgbench CPU ms/tx: postgres/pgbench/machine',
      ...col((r) => {
        const c = r.pgbench.cpuMsPerTransaction;
        return [c.postgres, c.pgbench, c.machine].map((x) => x.toFixed(2)).join(' / ');
      }),
    ],
    ['settlements/s ÷ pgbench tps', ...col((r) => r.ratio.toFixed(3))],
  );
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
      options: { populations, litePeople, seconds, clients },
      qr,
      postgres,
      pglite,
    },
    null,
    2,
  ) + '\n',
);
console.log('\nwritten to bench/results.json');
