/**
 * Settlement throughput through the HTTP API on a PostgreSQL server: a population of N insured people
 * with active e-cards and funded accounts, loaded in bulk; the server in its own process; C concurrent
 * clients for S seconds with a realistic mix (mostly pharmacy outpatient bills of 1-5 items, some inpatient
 * bills of 20-100 items at a hospital, 10% estimates, 2% refunds), each payment with a freshly issued QR token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { openPostgres, type Db } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { hashPaymentPin, paymentPinKey } from '../src/cards/payment-pin.ts';
import { installDemoPolicy } from '../src/settlement/policy-store.ts';
import { createInstitution, createTerminal } from '../src/institutions/store.ts';
import { createUser } from '../src/accounts/store.ts';
import { loadKeyRing, rotateKeys } from '../src/qr/store.ts';
import { issueToken } from '../src/qr/token.ts';
import { prng } from '../src/demo/synthetic.ts';
import { recreateDatabase } from './pgbench.ts';

export interface SettlementBenchOptions {
  serverUrl: string;
  people: number;
  clients: number;
  seconds: number;
}

export interface SettlementBenchResult {
  people: number;
  seedSeconds: number;
  seedRowsPerSec: number;
  clients: number;
  seconds: number;
  settlements: number;
  estimates: number;
  refunds: number;
  errors: number;
  settlementsPerSec: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverRssMb: number;
}

const BENCH_DB = 'yibao_bench';
const PIN = '123456';

/** Bulk-loads the population in SQL (server-side generate_series): persons, active e-cards, opening balances. */
async function seedPopulation(db: Db, people: number, pinHash: string): Promise<number> {
  const now = new Date();
  await db.query(`insert into regions (code, name) values ('demo', 'Benchmark region')`);
  await installDemoPolicy(db, now);
  let rows = 0;
  const batch = 50_000;
  for (let from = 0; from < people; from += batch) {
    const to = Math.min(people, from + batch) - 1;
    await db.transaction(async (tx) => {
      // Synthetic ID numbers: unique, 18 characters; the settlement path never reads their check digit.
      const persons = await tx.query(
        `insert into persons (id, id_number, name, gender, birth_date, region_code, insurance_type, retired, identity_status)
         select gen_random_uuid(), '9' || lpad(i::text, 17, '0'), '参保人' || i, case when i % 2 = 0 then 'male' else 'female' end,
                date '1950-01-01' + (i % 20000), 'demo', case when i % 3 = 0 then 'resident' else 'employee' end, i % 7 = 0, 'verified'
           from generate_series($1::int, $2::int) i`,
        [from, to],
      );
      const ecards = await tx.query(
        `insert into ecards (id, person_id, region_code, status, payment_open, payment_pin_hash, applied_channel, applied_at,
           activated_at, payment_opened_at, updated_at)
         select gen_random_uuid(), p.id, 'demo', 'active', true, $3, 'app', now(), now(), now(), now()
           from persons p where p.id_number between '9' || lpad($1::text, 17, '0') and '9' || lpad($2::text, 17, '0')`,
        [from, to, pinHash],
      );
      // One opening posting per person, balanced against the region's opening_balance account.
      const accounts = await tx.query(
        `insert into ledger_accounts (id, kind, owner_id, region_code, person_id, balance)
         select gen_random_uuid(), 'individual', p.id::text, 'demo', p.id, 300000
           from persons p where p.id_number between '9' || lpad($1::text, 17, '0') and '9' || lpad($2::text, 17, '0')`,
        [from, to],
      );
      rows += persons.rowCount + ecards.rowCount + accounts.rowCount;
    });
  }
  // Balanced opening postings, and the opening_balance account that funded them.
  await db.transaction(async (tx) => {
    const opening = randomUUID();
    await tx.query(
      `insert into ledger_accounts (id, kind, owner_id, region_code, balance) values ($1, 'opening_balance', 'demo', 'demo', $2)`,
      [opening, -300000 * people],
    );
    const posting = randomUUID();
    await tx.query(
      `insert into ledger_postings (id, kind, reference_type, reference_id, region_code, memo) values ($1, 'deposit', 'bench', 'opening', 'demo', 'benchmark opening balances')`,
      [posting],
    );
    const entries = await tx.query(
      `insert into ledger_entries (posting_id, account_id, amount)
       select $1::uuid, id, balance from ledger_accounts where kind = 'individual'
       union all select $1::uuid, $2::uuid, $3::int8`,
      [posting, opening, -300000 * people],
    );
    rows += entries.rowCount + 2;
  });
  await db.query('analyze');
  return rows;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
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

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function runSettlementBench(o: SettlementBenchOptions): Promise<SettlementBenchResult> {
  const url = await recreateDatabase(o.serverUrl, BENCH_DB);
  const db = await openPostgres(url, 4);
  const secretKey = randomBytes(32).toString('hex');
  try {
    await migrate(db);
    const t0 = performance.now();
    const seededRows = await seedPopulation(
      db,
      o.people,
      hashPaymentPin(paymentPinKey(Buffer.from(secretKey, 'hex')), PIN),
    );
    const seedSeconds = (performance.now() - t0) / 1000;

    const now = new Date();
    const pharmacy = await createInstitution(db, {
      code: 'P99000000001',
      name: 'Bench pharmacy',
      kind: 'pharmacy',
      regionCode: 'demo',
    });
    const hospital = await createInstitution(db, {
      code: 'H99000000001',
      name: 'Bench hospital',
      kind: 'hospital',
      tier: 3,
      regionCode: 'demo',
    });
    const staff = await createUser(db, {
      role: 'institution',
      login: 'bench',
      password: 'bench-password',
      displayName: 'bench',
      institutionId: pharmacy.id,
    });
    const tills: Array<{ kind: string; token: string }> = [];
    for (let i = 0; i < o.clients; i++) {
      const inst = i % 4 === 3 ? hospital : pharmacy;
      tills.push({
        kind: inst.kind,
        token: (await createTerminal(db, now, inst.id, `till ${i}`, staff)).credential,
      });
    }
    await rotateKeys(db, Buffer.from(secretKey, 'hex'), now);
    const ring = await loadKeyRing(db, Buffer.from(secretKey, 'hex'));
    const { rows: cards } = await db.query<{ id: string }>('select id from ecards order by id');
    const ecardIds = cards.map((c) => c.id);

    const port = 18080 + Math.floor(Math.random() * 1000);
    const server = await startServer(url, port, secretKey, Math.max(4, o.clients));
    const base = `http://127.0.0.1:${port}`;
    const latencies: number[] = [];
    let settlements = 0;
    let estimates = 0;
    let refunds = 0;
    let errors = 0;
    let rssMax = 0;
    const firstErrors: string[] = [];
    const deadline = performance.now() + o.seconds * 1000;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssOf(server.pid!))), 500);

    const worker = async (w: number) => {
      const rnd = prng(w + 1);
      const till = tills[w]!;
      const mine: string[] = [];
      while (performance.now() < deadline) {
        const roll = rnd();
        const started = performance.now();
        let res: Response;
        let kind: 'settle' | 'estimate' | 'refund';
        if (roll < 0.02 && mine.length) {
          kind = 'refund';
          const id = mine.shift()!;
          res = await fetch(`${base}/v1/terminal/settlements/${id}/refunds`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${till.token}`,
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({ reason: 'benchmark refund' }),
          });
        } else {
          kind = roll < 0.12 ? 'estimate' : 'settle';
          const inpatient = till.kind === 'hospital';
          const n = inpatient ? 20 + Math.floor(rnd() * 81) : 1 + Math.floor(rnd() * 5);
          const items = Array.from({ length: n }, (_, i) => ({
            code: `M${i}`,
            name: inpatient ? `住院项目${i}` : `药品${i}`,
            quantity: 1 + Math.floor(rnd() * 3),
            unitPrice: 500 + Math.floor(rnd() * (inpatient ? 200_000 : 8_000)),
            catalogue: rnd() < 0.9 ? 'in' : 'out',
            serviceType: inpatient ? 'inpatient' : 'outpatient',
          }));
          const ecardId = ecardIds[Math.floor(rnd() * ecardIds.length)]!;
          const qr = issueToken(ring, { ecardId }).token;
          res = await fetch(`${base}/v1/terminal/settlements`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${till.token}`,
              'content-type': 'application/json',
              ...(kind === 'settle' ? { 'idempotency-key': randomUUID() } : {}),
            },
            body: JSON.stringify({
              qr,
              bill: { setting: inpatient ? 'inpatient' : 'outpatient', items },
              estimate: kind === 'estimate',
              paymentPin: PIN,
            }),
          });
        }
        const body = (await res.json()) as { id?: string; error?: { code: string } };
        latencies.push(performance.now() - started);
        if (res.status >= 400) {
          errors++;
          if (firstErrors.length < 5) firstErrors.push(`${kind} ${res.status} ${body.error?.code}`);
          continue;
        }
        if (kind === 'refund') refunds++;
        else if (kind === 'estimate') estimates++;
        else {
          settlements++;
          if (body.id) mine.push(body.id);
        }
      }
    };
    const t1 = performance.now();
    await Promise.all(tills.map((_, w) => worker(w)));
    const elapsed = (performance.now() - t1) / 1000;
    clearInterval(rssTimer);
    server.kill('SIGTERM');
    await once(server, 'exit');
    if (firstErrors.length) console.error(`  first errors: ${firstErrors.join('; ')}`);
    latencies.sort((a, b) => a - b);
    return {
      people: o.people,
      seedSeconds,
      seedRowsPerSec: seededRows / seedSeconds,
      clients: o.clients,
      seconds: elapsed,
      settlements,
      estimates,
      refunds,
      errors,
      settlementsPerSec: settlements / elapsed,
      requestsPerSec: (settlements + estimates + refunds) / elapsed,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      serverRssMb: rssMax,
    };
  } finally {
    await db.close();
  }
}
