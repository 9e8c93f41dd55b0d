import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './platform/config.ts';
import { migrate } from './platform/migrate.ts';
import { importRegistry } from './people/registry.ts';
import { seedDemo } from './demo/seed.ts';
import { ensureAdmin } from './accounts/admin.ts';
import { openConfiguredDb, serve } from './server.ts';
import { checkLedger } from './ledger/check.ts';
import { checkSettlements } from './settlement/check.ts';
import { runStatementJob, startStatementJob } from './contributions/statements.ts';
import { cliLang, render } from './i18n/index.ts';
import { AppError } from './platform/errors.ts';
import { errorMessage } from './platform/http.ts';

/** What a person reads from the CLI follows `--lang` or LANG (zh-CN by default); operator checks stay as they are. */
const lang = cliLang(process.argv.slice(2));

const USAGE = `usage: yibao <command>
  serve [--demo]            migrate, then serve the API (demo mode seeds demo data)
  migrate                   apply pending SQL migrations
  seed                      load the demo data (idempotent)
  registry import FILE      load population-registry rows from a CSV file (id_number,name)
  ledger check              prove the ledger's invariants (exit 1 when any is violated)
  statements REGION YEAR    send every person of REGION their YEAR personal rights record (resumes a stopped run)
options: --lang zh-CN|en      the language of messages (default: LANG, else zh-CN)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { demo: { type: 'boolean' }, lang: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  const config = loadConfig(process.env, values.demo ? { mode: 'demo' } : {});
  switch (command) {
    case 'serve':
      await serve(config);
      return -1; // keep running
    case 'migrate': {
      const db = await openConfiguredDb(config);
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'seed': {
      const db = await openConfiguredDb(config);
      try {
        await migrate(db);
        await ensureAdmin(db, { ...config, mode: 'demo' });
        const r = await seedDemo(db, new Date());
        console.log(
          r.seeded ? `demo data loaded (${r.registryRows} registry citizens)` : 'demo data already present',
        );
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'registry': {
      const [sub, file] = rest;
      if (sub !== 'import' || !file) break;
      const db = await openConfiguredDb(config);
      try {
        await migrate(db);
        const report = await importRegistry(db, readFileSync(file, 'utf8'), new Date());
        console.log(`accepted ${report.accepted}, rejected ${report.rejected}`);
        for (const e of report.errors)
          console.log(
            `  line ${e.line}: ${e.code}: ${errorMessage(lang, e.code, e.message, undefined, 'cli')}`,
          );
        return report.rejected && !report.accepted ? 1 : 0;
      } finally {
        await db.close();
      }
    }
    case 'ledger': {
      if (rest[0] !== 'check') break;
      const db = await openConfiguredDb(config);
      try {
        await migrate(db);
        const r = await checkLedger(db);
        const { accounts, postings, entries } = r.stats;
        console.log(
          `${r.ok ? 'ledger ok' : 'LEDGER BROKEN'}: ${accounts} accounts, ${postings} postings, ${entries} entries`,
        );
        for (const p of r.problems) console.log(`  ${p}`);
        // Settlement invariants: accumulators equal their settlements, no one past the fund ceiling.
        const s = await checkSettlements(db);
        console.log(s.ok ? 'settlements ok' : 'SETTLEMENTS BROKEN');
        for (const p of s.problems) console.log(`  ${p}`);
        return r.ok && s.ok ? 0 : 1;
      } finally {
        await db.close();
      }
    }
    case 'statements': {
      const [region, yearText] = rest;
      if (!region || !/^\d{4}$/.test(yearText ?? '')) break;
      const db = await openConfiguredDb(config);
      try {
        await migrate(db);
        const { rows } = await db.query<{ id: string }>(
          'select id from statement_jobs where region_code = $1 and year = $2',
          [region, Number(yearText)],
        );
        const jobId = rows[0]?.id ?? (await startStatementJob(db, region, Number(yearText), new Date())).id;
        const started = Date.now();
        const job = await runStatementJob(
          db,
          jobId,
          () => new Date(),
          (j) => {
            const rate = j.processed / Math.max(0.001, (Date.now() - started) / 1000);
            process.stdout.write(`\r  ${render(lang, j.progress)}, ${Math.round(rate)}/s   `);
          },
        );
        console.log(`\n${render(lang, job.progress)}`);
        return 0;
      } finally {
        await db.close();
      }
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error) => {
    const message =
      err instanceof AppError ? errorMessage(lang, err.code, err.message, err.details, 'cli') : err.message;
    console.error(`yibao: ${message}`);
    process.exit(1);
  },
);
