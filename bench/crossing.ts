/**
 * The cross-region figure (issue 20, docs/REGIONS.md): settlements/s and p99 for bills whose person is insured
 * in another region, beside the same loop on bills of the region's own people, in the same run. The population
 * of the settlement bench is region A (`demo`, its database); region B (`bench_b`) is a second database on the
 * same PostgreSQL server with its own institutions, catalogue and mappings; the hub a third. Each region is a
 * `yibao serve --region` process, the hub `yibao hub`, over a NATS server with JetStream of the benchmark's own
 * (started from `nats-server` when installed, else the one at YIBAO_NATS_URL). Both loops: C tills, each
 * sending pharmacy bills of 1-5 items with a fresh QR token, an Idempotency-Key and the payment PIN.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { openPostgres } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { loadKeyRing } from '../src/qr/store.ts';
import { prng } from '../src/demo/synthetic.ts';
import { recreateDatabase } from './pgbench.ts';
import {
  PIN,
  billItems,
  createInstitutions,
  createTills,
  signTokens,
  tokensFor,
  type Send,
  type Till,
  type TokenPool,
} from './mix.ts';
import { httpSend, startServer, type SettlementBenchResult } from './settlement.ts';
import { loadAverage } from './proc.ts';

const INSURED = 'demo';
const TREATMENT = 'bench_b';

interface LoopResult {
  settlements: number;
  errors: number;
  firstErrors: string[];
  settlementsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export type CrossRegionResult =
  | { skipped: string }
  | {
      clients: number;
      seconds: number;
      nats: string;
      loadAverage: number;
      /** The same loop at region A's tills, for A's own people. */
      sameRegion: LoopResult;
      /** At region B's tills, for people of A: B → NATS → A → NATS → B. */
      crossRegion: LoopResult;
      /** Cross-region settlements/s ÷ same-region settlements/s. */
      ratio: number;
    };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** A NATS server of the benchmark's own (so that no other federation on a shared server answers), or null. */
async function privateNats(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  const which = spawnSync('sh', ['-c', 'command -v nats-server || ls /usr/sbin/nats-server'], {
    encoding: 'utf8',
  });
  const bin = which.stdout.trim().split('\n')[0];
  if (which.status !== 0 || !bin) return null;
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'yibao-bench-nats-'));
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${out}`)), 10_000);
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(store, { recursive: true, force: true });
    },
  };
}

async function reachable(url: string): Promise<string | null> {
  try {
    const nc = await connect({ servers: url, timeout: 2_000, reconnect: false });
    await (await nc.jetstreamManager()).getAccountInfo();
    await nc.close();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function startHub(url: string, natsUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/yibao.mjs', 'hub'], {
    env: { ...process.env, DATABASE_URL: url, YIBAO_NATS_URL: natsUrl, YIBAO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start: ${out}`)), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

/** C tills sending outpatient settlements for `seconds`; latency is request to parsed answer. */
async function settleLoop(
  send: Send,
  tills: Till[],
  tokens: TokenPool,
  seconds: number,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let settlements = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    tills.map(async (till, w) => {
      const rnd = prng(w + 101);
      while (performance.now() < deadline) {
        const started = performance.now();
        const res = await send({
          url: '/v1/terminal/settlements',
          token: till.token,
          idempotencyKey: randomUUID(),
          body: {
            qr: tokens.next(),
            bill: { setting: 'outpatient', items: billItems(rnd, false) },
            paymentPin: PIN,
          },
        });
        latencies.push(performance.now() - started);
        if (res.status >= 400) {
          errors++;
          if (firstErrors.length < 5) firstErrors.push(`${res.status} ${res.body.error?.code}`);
        } else settlements++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    settlements,
    errors,
    firstErrors,
    settlementsPerSec: settlements / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function waitForDirectory(urlB: string): Promise<void> {
  const db = await openPostgres(urlB, 1);
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query('select 1 from region_keys where region_code = $1', [INSURED]);
      if (rows.length) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`region ${TREATMENT} never received the keys of ${INSURED} from the hub`);
  } finally {
    await db.close();
  }
}

export async function runCrossRegionBench(o: {
  serverUrl: string;
  bench: SettlementBenchResult;
  clients: number;
  seconds: number;
}): Promise<CrossRegionResult> {
  let nats = await privateNats();
  if (!nats) {
    const url = process.env.YIBAO_NATS_URL ?? 'nats://127.0.0.1:4222';
    const why = await reachable(url);
    if (why) return { skipped: `no nats-server to start and NATS with JetStream at ${url}: ${why}` };
    nats = { url, stop: async () => undefined };
  }
  const children: ChildProcess[] = [];
  try {
    const hubUrl = await recreateDatabase(o.serverUrl, 'yibao_bench_hub');
    children.push(await startHub(hubUrl, nats.url));
    const urlB = await recreateDatabase(o.serverUrl, 'yibao_bench_b');
    const dbB = await openPostgres(urlB, 2);
    const dbA = await openPostgres(o.bench.url, 2);
    const now = new Date();
    let tillsA: Till[];
    let tillsB: Till[];
    try {
      await migrate(dbB);
      await dbB.query('insert into regions (code, name) values ($1, $2)', [TREATMENT, 'Bench region B']);
      tillsB = await createTills(
        dbB,
        await createInstitutions(dbB, now, TREATMENT),
        o.clients,
        now,
        'pharmacy',
      );
      tillsA = await createTills(dbA, o.bench.benchInstitutions, o.clients, now, 'pharmacy');
    } finally {
      await dbB.close();
    }
    const region = (code: string) => ({ YIBAO_REGION: code, YIBAO_NATS_URL: nats.url });
    const pool = Math.max(4, o.clients);
    const portA = await freePort();
    children.push(await startServer(o.bench.url, portA, o.bench.secretKey, pool, region(INSURED)));
    const portB = await freePort();
    const secretB = randomBytes(32).toString('hex');
    children.push(await startServer(urlB, portB, secretB, pool, region(TREATMENT)));
    await waitForDirectory(urlB);
    const ring = await loadKeyRing(dbA, Buffer.from(o.bench.secretKey, 'hex'));
    await dbA.close();
    const loadAvg = loadAverage();
    const run = async (port: number, tills: Till[]) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
      const tokens = signTokens(ring, o.bench.ecardIds, tokensFor(o.seconds, o.clients), o.seconds);
      try {
        return await settleLoop(httpSend(agent, port), tills, tokens, o.seconds);
      } finally {
        agent.destroy();
      }
    };
    const sameRegion = await run(portA, tillsA);
    const crossRegion = await run(portB, tillsB);
    for (const [name, r] of [
      ['same region', sameRegion],
      ['cross region', crossRegion],
    ] as const) {
      if (r.firstErrors.length) console.error(`  ${name}, first errors: ${r.firstErrors.join('; ')}`);
      console.log(
        `  ${name}, ${o.clients} clients: ${r.settlementsPerSec.toFixed(1)} settlements/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.errors} errors`,
      );
    }
    return {
      clients: o.clients,
      seconds: o.seconds,
      nats: nats.url,
      loadAverage: loadAvg,
      sameRegion,
      crossRegion,
      ratio: crossRegion.settlementsPerSec / sameRegion.settlementsPerSec,
    };
  } finally {
    for (const c of children.reverse()) {
      if (c.exitCode !== null) continue;
      c.kill('SIGTERM');
      await once(c, 'exit');
    }
    await nats.stop();
  }
}
