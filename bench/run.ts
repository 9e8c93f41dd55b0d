/**
 * `npm run bench`: the benchmarks, each beside a baseline measured in the same run on the same machine.
 *
 *   npm run bench -- [--people 100000] [--seconds 20] [--clients 8] [--server postgres://…] [--only qr]
 *
 * Prints a table and writes bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runPgbench } from './pgbench.ts';
import { runSettlementBench } from './settlement.ts';
import { formatQrBench, runQrBench } from './qr.ts';
import { runStatementBench } from './statements.ts';
import { withDatabase } from './pgbench.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '8' },
    server: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    only: { type: 'string' },
  },
});
const people = Number(values.people);
const seconds = Number(values.seconds);
const clients = Number(values.clients);

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `Yibao benchmarks on ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GiB, Node ${machine.node}`,
);

console.log('\n== QR tokens (Ed25519), beside raw node:crypto');
const qr = runQrBench({ durationMs: 4000 });
console.log(formatQrBench(qr));
if (values.only === 'qr') process.exit(0);

console.log(
  `\n== Settlement through the HTTP API on PostgreSQL: ${people.toLocaleString('en')} people, ${clients} clients, ${seconds} s`,
);
const settlement = await runSettlementBench({ serverUrl: values.server, people, clients, seconds });
console.log(
  `  population loaded in ${settlement.seedSeconds.toFixed(1)} s (${Math.round(settlement.seedRowsPerSec).toLocaleString('en')} rows/s)`,
);

console.log(
  `\n== Yearly statements for the same ${people.toLocaleString('en')} people (figures + inbox, batches of 500)`,
);
const statements = await runStatementBench(withDatabase(values.server, 'yibao_bench'));
console.log(
  `  ${statements.people.toLocaleString('en')} people in ${statements.seconds.toFixed(1)} s: ${Math.round(statements.peoplePerSec).toLocaleString('en')} people/s` +
    ` (a region of 1,000,000 in about ${Math.round(1_000_000 / statements.peoplePerSec / 60)} min at this rate)`,
);

console.log(`\n== pgbench TPC-B on the same server: ${clients} clients, ${seconds} s`);
const pgbench = await runPgbench(values.server, { clients, seconds, scale: 10 });

const ratio = settlement.settlementsPerSec / pgbench.tps;
const rows: Array<[string, string]> = [
  ['settlements/s', settlement.settlementsPerSec.toFixed(1)],
  ['all requests/s (incl. estimates, refunds)', settlement.requestsPerSec.toFixed(1)],
  ['p50 latency', `${settlement.p50Ms.toFixed(1)} ms`],
  ['p99 latency', `${settlement.p99Ms.toFixed(1)} ms`],
  ['errors', String(settlement.errors)],
  ['server RSS (max)', `${settlement.serverRssMb.toFixed(0)} MiB`],
  ['pgbench TPC-B tps', pgbench.tps.toFixed(1)],
  ['settlements/s ÷ pgbench tps', ratio.toFixed(3)],
];
console.log();
for (const [k, v] of rows) console.log(`  ${k.padEnd(44)} ${v}`);

writeFileSync(
  new URL('./results.json', import.meta.url),
  JSON.stringify(
    { at: new Date().toISOString(), machine, qr, settlement, statements, pgbench, ratio },
    null,
    2,
  ) + '\n',
);
console.log('\nwritten to bench/results.json');
