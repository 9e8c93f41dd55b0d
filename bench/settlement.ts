/**
 * Settlement throughput through the HTTP API on a PostgreSQL server: a population of N insured people
 * loaded with COPY (bench/population.ts); the server in its own process (`yibao serve`, production mode);
 * C concurrent clients for S seconds with the mix of bench/mix.ts, each payment with a freshly issued QR
 * token. Also the CPU each side used, so that the table can say what bounds the figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openPostgres } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { hashPaymentPin, paymentPinKey } from '../src/cards/payment-pin.ts';
import { loadKeyRing, rotateKeys } from '../src/qr/store.ts';
import { recreateDatabase } from './pgbench.ts';
import { PIN, createTills, runMix, type MixResult, type Send } from './mix.ts';
import { loadPopulationCopy, type LoadResult } from './population.ts';
import { rssMbOf, withCpu } from './proc.ts';

export interface SettlementBenchOptions {
  serverUrl: string;
  people: number;
  clients: number;
  seconds: number;
  /** Database name on the server (recreated). */
  database?: string;
}

export interface SettlementBenchResult extends MixResult {
  people: number;
  load: LoadResult;
  serverRssMb: number;
  /**
   * CPU milliseconds per settlement (all requests of the run divided by its settlements): the server process,
   * the PostgreSQL backends, the load generator (this process), and the whole machine (which includes
   * anything else running on it).
   */
  cpuMsPerSettlement: { server: number; postgres: number; client: number; machine: number };
}

async function startServer(
  url: string,
  port: number,
  secretKey: string,
  poolSize: number,
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
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
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

export async function runSettlementBench(o: SettlementBenchOptions): Promise<SettlementBenchResult> {
  const url = await recreateDatabase(o.serverUrl, o.database ?? 'yibao_bench');
  const db = await openPostgres(url, 4);
  const secretKey = randomBytes(32).toString('hex');
  try {
    await migrate(db);
    const pinHash = hashPaymentPin(paymentPinKey(Buffer.from(secretKey, 'hex')), PIN);
    const step = Math.max(1_000_000, Math.round(o.people / 10));
    let next = step;
    const load = await loadPopulationCopy(url, o.people, pinHash, {
      skipForeignKeyChecks: true,
      progress: (done) => {
        if (done >= next) {
          console.log(`  … ${done.toLocaleString('en')} people loaded`);
          next += step;
        }
      },
    });

    const now = new Date();
    const tills = await createTills(db, o.clients, now);
    await rotateKeys(db, Buffer.from(secretKey, 'hex'), now);
    const ring = await loadKeyRing(db, Buffer.from(secretKey, 'hex'));
    const ecardIds = await sampleEcards(db, o.people);

    const port = 18080 + Math.floor(Math.random() * 1000);
    const server = await startServer(url, port, secretKey, Math.max(4, o.clients));
    const base = `http://127.0.0.1:${port}`;
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMbOf(server.pid!))), 500);
    const send: Send = async (r) => {
      const res = await fetch(base + r.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${r.token}`,
          'content-type': 'application/json',
          ...(r.idempotencyKey ? { 'idempotency-key': r.idempotencyKey } : {}),
        },
        body: JSON.stringify(r.body),
      });
      return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: string } } };
    };
    const { result: mix, cpu } = await withCpu(server.pid!, () =>
      runMix({ send, tills, ring, ecardIds, seconds: o.seconds }),
    );
    clearInterval(rssTimer);
    server.kill('SIGTERM');
    await once(server, 'exit');
    if (mix.firstErrors.length) console.error(`  first errors: ${mix.firstErrors.join('; ')}`);
    const per = (s: number) => (1000 * s) / Math.max(1, mix.settlements);
    return {
      ...mix,
      people: o.people,
      load,
      serverRssMb: rssMax,
      cpuMsPerSettlement: {
        server: per(cpu.other),
        postgres: per(cpu.postgres),
        client: per(cpu.self),
        machine: per(cpu.machine),
      },
    };
  } finally {
    await db.close();
  }
}
