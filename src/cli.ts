import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './platform/config.ts';
import { migrate } from './platform/migrate.ts';
import { importRegistry } from './people/registry.ts';
import { importCatalogue } from './catalogue/store.ts';
import { CATALOGUE_KINDS, type CatalogueKind, type RowError } from './catalogue/rows.ts';
import { seedDemo } from './demo/seed.ts';
import { ensureAdmin } from './accounts/admin.ts';
import { openConfiguredDb, serve } from './server.ts';
import { checkLedger } from './ledger/check.ts';
import { checkSettlements } from './settlement/check.ts';
import { runStatementJob, startStatementJob } from './contributions/statements.ts';
import { runTorture } from './torture/run.ts';
import { startHub } from './regions/hub.ts';
import { writeClientLog } from './torture/client.ts';
import { cliLang, render } from './i18n/index.ts';
import { AppError } from './platform/errors.ts';
import { errorMessage } from './platform/http.ts';

/** What a person reads from the CLI follows `--lang` or LANG (zh-CN by default); operator checks stay as they are. */
const lang = cliLang(process.argv.slice(2));

const USAGE = `usage: yibao <command>
  serve [--demo] [--region CODE]
                            migrate, then serve the API (demo mode seeds demo data); with --region, as that
                            region of the cross-region federation over NATS (YIBAO_NATS_URL; docs/REGIONS.md)
  hub                       the federation's hub (region directory, key federation, clearing) on its own
                            DATABASE_URL and YIBAO_NATS_URL
  migrate                   apply pending SQL migrations
  seed                      load the demo data (idempotent)
  registry import FILE      load population-registry rows from a CSV file (id_number,name)
  catalogue import KIND FILE --region R [--effective-from YYYY-MM-DD]
                            load a catalogue CSV (KIND drug|service|material) as the region's next version,
                            all or nothing (docs/CATALOGUE.md)
  ledger check              prove the ledger's invariants (exit 1 when any is violated)
  statements REGION YEAR    send every person of REGION their YEAR personal rights record (resumes a stopped run)
  torture [--seed N] [--seconds S] [--clients C] [--keep] [--no-faults] [--log FILE]
          [--kill-every-seconds K] [--terminate-every-seconds T]
                            the fault harness on the PostgreSQL server (TORTURE_DATABASE_URL, else DATABASE_URL,
                            else postgres://postgres@127.0.0.1:5432/postgres); exit 1 on any anomaly (docs/TORTURE.md)
options: --lang zh-CN|en      the language of messages (default: LANG, else zh-CN)`;

const isCatalogueKind = (k: string | undefined): k is CatalogueKind =>
  (CATALOGUE_KINDS as readonly string[]).includes(k ?? '');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      seed: { type: 'string' },
      seconds: { type: 'string' },
      clients: { type: 'string' },
      keep: { type: 'boolean' },
      'no-faults': { type: 'boolean' },
      log: { type: 'string' },
      'kill-every-seconds': { type: 'string' },
      'terminate-every-seconds': { type: 'string' },
      lang: { type: 'string' },
      region: { type: 'string' },
      'effective-from': { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  const config = loadConfig(process.env, {
    ...(values.demo ? { mode: 'demo' as const } : {}),
    ...(command === 'serve' && values.region ? { region: values.region } : {}),
  });
  switch (command) {
    case 'serve':
      await serve(config);
      return -1; // keep running
    case 'hub': {
      const db = await openConfiguredDb(config);
      await migrate(db);
      const hub = await startHub({ db, natsUrl: config.natsUrl });
      console.log(`yibao hub: serving the region directory and clearing over NATS at ${config.natsUrl}`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.once(signal, () => {
          void hub
            .stop()
            .then(() => db.close())
            .then(() => process.exit(0));
        });
      return -1;
    }
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
    case 'catalogue': {
      const [sub, kind, file] = rest;
      if (sub !== 'import' || !file || !values.region || !isCatalogueKind(kind)) break;
      const db = await openConfiguredDb(config);
      try {
        await migrate(db);
        const r = await importCatalogue(db, {
          region: values.region,
          kind,
          csv: readFileSync(file, 'utf8'),
          ...(values['effective-from'] ? { effectiveFrom: values['effective-from'] } : {}),
          importedBy: null,
          now: new Date(),
        });
        console.log(
          `version ${r.version} (${r.kind}) from ${r.effectiveFrom}: ${r.rowsInFile} rows, ${r.added} added, ${r.changed} changed, ${r.removed} removed`,
        );
        return 0;
      } catch (err) {
        // Every bad row by its line, in the reader's language; nothing was loaded.
        const rows = err instanceof AppError ? (err.details?.rows as RowError[] | undefined) : undefined;
        for (const e of rows ?? [])
          console.error(`  line ${e.line}: ${e.code}: ${errorMessage(lang, e.code, '', e.params, 'cli')}`);
        throw err;
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
    case 'torture': {
      const num = (v: string | undefined, fallback: number) => {
        const x = v === undefined ? fallback : Number(v);
        if (!Number.isSafeInteger(x) || x < 0) throw new Error(`not a whole number: ${v}`);
        return x;
      };
      const rate = (v: string | undefined) => {
        if (v === undefined) return undefined;
        const x = Number(v);
        if (!Number.isFinite(x) || x < 0.5) throw new Error(`not a number of seconds (at least 0.5): ${v}`);
        return x;
      };
      const killEvery = rate(values['kill-every-seconds']);
      const terminateEvery = rate(values['terminate-every-seconds']);
      const result = await runTorture({
        seed: num(values.seed, 1),
        seconds: num(values.seconds, 30),
        clients: Math.max(1, num(values.clients, 8)),
        faults: !values['no-faults'],
        ...(killEvery !== undefined ? { killEverySeconds: killEvery } : {}),
        ...(terminateEvery !== undefined ? { terminateEverySeconds: terminateEvery } : {}),
        keep: values.keep,
        serverUrl:
          process.env.TORTURE_DATABASE_URL ??
          process.env.DATABASE_URL ??
          'postgres://postgres@127.0.0.1:5432/postgres',
      });
      console.log(result.report);
      if (values.log) writeClientLog(values.log, result.log);
      return result.anomalies.length ? 1 : 0;
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
