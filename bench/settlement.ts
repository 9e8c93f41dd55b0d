/**
 * Settlement throughput through the HTTP API on a PostgreSQL server: a population of N insured people
 * loaded with COPY (bench/population.ts); then, per mix and client count, the server in its own process
 * (`yibao serve`, production mode) and C concurrent clients for S seconds with the mix of bench/mix.ts over
 * keep-alive connections (node:http), each payment with its own QR token signed before the phase. Also the
 * CPU each side used (PostgreSQL: the benchmark database's backends only), so that the table can say what
 * bounds the figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openPostgres } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { hashPaymentPin, paymentPinKey } from '../src/cards/payment-pin.ts';
import { loadKeyRing, rotateKeys } from '../src/qr/store.ts';
import { recreateDatabase, withDatabase } from './pgbench.ts';
import {
  PIN,
  benchInstitutions,
  createTills,
  runMix,
  signTokens,
  tokensFor,
  type MixName,
  type BenchInstitutions,
  type MixResult,
  type Send,
} from './mix.ts';
import { loadPopulationCopy, loadedPopulation, populationDatabase, type LoadResult } from './population.ts';
import { loadAverage, rssMbOf, withCpu } from './proc.ts';

export interface SettlementBenchOptions {
  serverUrl: string;
  people: number;
  /** Client counts: one phase per mix per count. */
  clients: number[];
  mixes: MixName[];
  seconds: number;
  /** Database name on the server (recreated unless kept; default `populationDatabase(people)`). */
  database?: string;
  /**
   * Reuse the database when it holds a complete load of `people` (the loader's marker) and its pending
   * migrations apply; else drop and load it as without.
   */
  keep?: boolean;
  /**
   * Group commit of the server (src/settlement/group-commit.ts): on (its defaults), off
   * (YIBAO_GROUP_COMMIT_MAX=1: a transaction per settlement), or both, each its own phase. Default on.
   */
  groupCommit?: Array<'on' | 'off'>;
}

/** One timed phase: one mix at one client count, against a server started for it. */
export interface SettlementPhase extends MixResult {
  serverRssMb: number;
  /**
   * CPU milliseconds per settlement (all requests of the phase divided by its settlements): the server
   * process, the benchmark database's PostgreSQL backends, PostgreSQL's shared writer processes (WAL writer,
   * checkpointer, background writer: shared with any other database), the load generator (this process),
   * and the whole machine (which includes anything else running on it).
   */
  cpuMsPerSettlement: {
    server: number;
    postgres: number;
    postgresShared: number;
    client: number;
    machine: number;
  };
  /** Backends of the benchmark database seen during the phase (the server's pool). */
  postgresBackends: number;
  /** The 1-minute load average when the phase started (the machine is shared). */
  loadAverage: number;
  groupCommit: 'on' | 'off';
  /**
   * Settlements per committed transaction: the phase's stored answers over their distinct transaction
   * timestamps (`idempotency_keys.created_at` is the transaction's `now()`, the same for a whole batch).
   */
  settlementsPerTransaction: number;
}

export interface SettlementBenchResult {
  people: number;
  load: LoadResult;
  phases: SettlementPhase[];
  /** The uniform e-card sample the phases drew from (the same-rows pgbench script draws from it too). */
  ecardIds: string[];
  url: string;
  institutions: { pharmacy: string; hospital: string };
  /** The same, with the staff member who creates terminals (the cross-region phase adds tills). */
  benchInstitutions: BenchInstitutions;
  /** The deployment's secret key (QR signing keys, payment PINs), for another server on the same database. */
  secretKey: string;
  /** The key id the tokens were signed with. */
  kid: string;
}

export async function startServer(
  url: string,
  port: number,
  secretKey: string,
  poolSize: number,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (see docs/PERFORMANCE.md).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'bin/yibao.mjs', 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      YIBAO_MODE: 'production',
      YIBAO_ADMIN_PASSWORD: 'bench-admin-password',
      YIBAO_SECRET_KEY: secretKey,
      YIBAO_LOG_LEVEL: 'warn',
      YIBAO_DB_POOL_SIZE: String(poolSize),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Up to a minute: on a busy shared machine tsx alone can take most of it.
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('the server did not start');
}

/** Up to `n` e-card ids spread over the whole population (a uniform sample, not the first n). */
export async function sampleEcards(
  q: { query: <T>(sql: string, p?: unknown[]) => Promise<{ rows: T[] }> },
  people: number,
  n = 100_000,
): Promise<string[]> {
  const pct = Math.min(100, (100 * n * 1.1) / Math.max(1, people));
  const { rows } = await q.query<{ id: string }>(
    `select id from ecards tablesample bernoulli (${pct.toFixed(4)}) limit ${n}`,
  );
  return rows.map((r) => r.id);
}

/** Sends one request over a keep-alive connection of `agent` and parses the JSON answer. */
export function httpSend(agent: http.Agent, port: number): Send {
  return (r) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(r.body);
      const req = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: r.url,
          headers: {
            authorization: `Bearer ${r.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(r.idempotencyKey ? { 'idempotency-key': r.idempotencyKey } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve({
                status: res.statusCode ?? 0,
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                  id?: string;
                  error?: { code: string };
                },
              });
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * The database `name` when it can be reused for `people` (`--keep`): it exists, holds a complete load of exactly
 * that many people (bench/population.ts's marker) and its pending migrations apply (they are applied). Else
 * null, having said why.
 */
async function keptPopulation(
  serverUrl: string,
  name: string,
  people: number,
): Promise<{ url: string; secretKey: string; loadedAt: Date; migrations: string[] } | null> {
  const server = await openPostgres(withDatabase(serverUrl, 'postgres'), 1);
  try {
    const { rows } = await server.query('select 1 from pg_database where datname = $1', [name]);
    if (!rows.length) {
      console.log(`  --keep: no database ${name} yet, loading it`);
      return null;
    }
  } finally {
    await server.close();
  }
  const url = withDatabase(serverUrl, name);
  const db = await openPostgres(url, 1);
  try {
    const loaded = await loadedPopulation(db);
    if (loaded?.people !== people) {
      console.log(
        `  --keep: ${name} does not hold a complete load of ${people.toLocaleString('en')} people (${loaded ? `it holds ${loaded.people.toLocaleString('en')}` : 'no marker of a finished load'}), reloading it`,
      );
      return null;
    }
    try {
      const migrations = await migrate(db);
      return { url, secretKey: loaded.secretKey, loadedAt: loaded.loadedAt, migrations };
    } catch (err) {
      console.log(
        `  --keep: the migrations do not apply to ${name} (${(err as Error).message}), reloading it`,
      );
      return null;
    }
  } finally {
    await db.close();
  }
}

export async function runSettlementBench(o: SettlementBenchOptions): Promise<SettlementBenchResult> {
  const database = o.database ?? populationDatabase(o.people);
  const t0 = performance.now();
  const kept = o.keep ? await keptPopulation(o.serverUrl, database, o.people) : null;
  const url = kept?.url ?? (await recreateDatabase(o.serverUrl, database));
  const db = await openPostgres(url, 4);
  const secretKey = kept?.secretKey ?? randomBytes(32).toString('hex');
  try {
    let load: LoadResult;
    if (kept) {
      const seconds = (performance.now() - t0) / 1000;
      load = { people: o.people, rows: 0, seconds, rowsPerSec: 0, reused: true };
      console.log(
        `  population reused (--keep): ${database}, loaded ${kept.loadedAt.toISOString()}; ${kept.migrations.length ? `migrations applied: ${kept.migrations.join(', ')}` : 'no pending migrations'} (${seconds.toFixed(1)} s)`,
      );
    } else {
      await migrate(db);
      const pinHash = hashPaymentPin(paymentPinKey(Buffer.from(secretKey, 'hex')), PIN);
      const step = Math.max(1_000_000, Math.round(o.people / 10));
      let next = step;
      load = await loadPopulationCopy(url, o.people, pinHash, {
        skipForeignKeyChecks: true,
        secretKey,
        progress: (done) => {
          if (done >= next) {
            console.log(`  … ${done.toLocaleString('en')} people loaded`);
            next += step;
          }
        },
      });
      console.log(
        `  population loaded with COPY into ${database} in ${load.seconds.toFixed(1)} s (${load.rows.toLocaleString('en')} rows, ${Math.round(load.rowsPerSec).toLocaleString('en')} rows/s)`,
      );
    }
    await rotateKeys(db, Buffer.from(secretKey, 'hex'), new Date());
    const ring = await loadKeyRing(db, Buffer.from(secretKey, 'hex'));
    const ecardIds = await sampleEcards(db, o.people);

    const institutions = await benchInstitutions(db, new Date());
    const phases: SettlementPhase[] = [];
    for (const mix of o.mixes) {
      for (const clients of o.clients) {
        for (const groupCommit of o.groupCommit ?? ['on']) {
          const tills = await createTills(db, institutions, clients, new Date(), mix);
          const port = 18080 + Math.floor(Math.random() * 1000);
          const server = await startServer(
            url,
            port,
            secretKey,
            Math.max(4, clients),
            groupCommit === 'off' ? { YIBAO_GROUP_COMMIT_MAX: '1' } : {},
          );
          const since = (await db.query<{ now: Date }>('select now()')).rows[0]!.now;
          let rssMax = 0;
          const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMbOf(server.pid!))), 500);
          const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
          const loadAvg = loadAverage();
          // Signed now, so that they are fresh for the whole phase; signing is not part of the timed phase.
          const tokens = signTokens(ring, ecardIds, tokensFor(o.seconds, clients), o.seconds);
          const { result, cpu } = await withCpu(
            { otherPid: server.pid!, serverUrl: withDatabase(o.serverUrl, 'postgres'), database },
            () => runMix({ send: httpSend(agent, port), tills, tokens, seconds: o.seconds, mix }),
          );
          agent.destroy();
          clearInterval(rssTimer);
          server.kill('SIGTERM');
          await once(server, 'exit');
          if (result.firstErrors.length) console.error(`  first errors: ${result.firstErrors.join('; ')}`);
          const per = (v: number) => (1000 * v) / Math.max(1, result.settlements);
          const committed = (
            await db.query<{ keys: number; transactions: number }>(
              `select count(*)::int8 as keys, count(distinct created_at)::int8 as transactions
               from idempotency_keys where scope like 'settlement:%' and created_at >= $1`,
              [since],
            )
          ).rows[0]!;
          const phase: SettlementPhase = {
            ...result,
            serverRssMb: rssMax,
            cpuMsPerSettlement: {
              server: per(cpu.other),
              postgres: per(cpu.postgres.backends),
              postgresShared: per(cpu.postgres.shared),
              client: per(cpu.self),
              machine: per(cpu.machine),
            },
            postgresBackends: cpu.postgres.backendsSeen,
            loadAverage: loadAvg,
            groupCommit,
            settlementsPerTransaction: committed.keys / Math.max(1, committed.transactions),
          };
          const c = phase.cpuMsPerSettlement;
          console.log(
            `  ${mix} mix, ${clients} clients, group commit ${groupCommit} (${phase.settlementsPerTransaction.toFixed(1)} settlements per transaction): ${phase.settlementsPerSec.toFixed(1)} settlements/s, p50 ${phase.p50Ms.toFixed(1)} ms, p99 ${phase.p99Ms.toFixed(1)} ms; CPU ms/settlement server ${c.server.toFixed(2)}, PostgreSQL ${c.postgres.toFixed(2)} (+${c.postgresShared.toFixed(2)} shared), load generator ${c.client.toFixed(2)} (load average ${loadAvg})`,
          );
          phases.push(phase);
        }
      }
    }
    return {
      people: o.people,
      load,
      phases,
      ecardIds,
      url,
      institutions: { pharmacy: institutions.pharmacy.id, hospital: institutions.hospital.id },
      benchInstitutions: institutions,
      secretKey,
      kid: ring.signingKey().kid,
    };
  } finally {
    await db.close();
  }
}
