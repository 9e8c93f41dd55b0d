/**
 * The same settlement mix on the embedded store (PGlite, on disk as `yibao serve` keeps it), through the real
 * app in this process (`app.inject`: routing, auth, validation and serialisation, no socket), beside a plain
 * TPC-B-like transaction loop on the same PGlite store in the same process. PGlite is one connection: every
 * query of the process queues on it, so this measures one core's worth of store, whatever the client count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import { openPglite, type Db } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { hashPaymentPin, paymentPinKey } from '../src/cards/payment-pin.ts';
import { loadKeyRing, rotateKeys } from '../src/qr/store.ts';
import { prng } from '../src/demo/synthetic.ts';
import {
  PIN,
  createInstitutions,
  createTills,
  runMix,
  signTokens,
  tokensFor,
  type MixResult,
  type Send,
} from './mix.ts';
import { loadPopulationSql, type LoadResult } from './population.ts';
import { sampleEcards } from './settlement.ts';

interface TpcbLikeResult {
  tps: number;
  transactions: number;
  clients: number;
  seconds: number;
  accounts: number;
}

export interface EmbeddedBenchResult extends MixResult {
  people: number;
  load: LoadResult;
  processRssMb: number;
  tpcb: TpcbLikeResult;
  ratio: number;
  /** The same mix again with group commit on (PGlite's default is off), when asked for. */
  groupCommitOn: (MixResult & { ratio: number }) | null;
}

/**
 * pgbench's TPC-B transaction (update account, read it, update teller, update branch, insert history) on
 * `db`, scale 1 (100,000 accounts, 10 tellers, 1 branch), `clients` loops for `seconds`.
 */
async function runTpcbLike(db: Db, clients: number, seconds: number): Promise<TpcbLikeResult> {
  const accounts = 100_000;
  await db.exec(`
    drop table if exists pgbench_history, pgbench_accounts, pgbench_tellers, pgbench_branches;
    create table pgbench_branches (bid int primary key, bbalance int not null, filler char(88));
    create table pgbench_tellers (tid int primary key, bid int not null, tbalance int not null, filler char(84));
    create table pgbench_accounts (aid int primary key, bid int not null, abalance int not null, filler char(84));
    create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
    insert into pgbench_branches select 1, 0;
    insert into pgbench_tellers select t, 1, 0 from generate_series(1, 10) t;
    insert into pgbench_accounts select a, 1, 0, '' from generate_series(1, ${accounts}) a;
    analyze;`);
  let transactions = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      const rnd = prng(1000 + w);
      while (performance.now() < deadline) {
        const aid = 1 + Math.floor(rnd() * accounts);
        const tid = 1 + Math.floor(rnd() * 10);
        const delta = Math.floor(rnd() * 10_001) - 5000;
        await db.transaction(async (tx) => {
          await tx.query('update pgbench_accounts set abalance = abalance + $1 where aid = $2', [delta, aid]);
          await tx.query('select abalance from pgbench_accounts where aid = $1', [aid]);
          await tx.query('update pgbench_tellers set tbalance = tbalance + $1 where tid = $2', [delta, tid]);
          await tx.query('update pgbench_branches set bbalance = bbalance + $1 where bid = $2', [delta, 1]);
          await tx.query(
            'insert into pgbench_history (tid, bid, aid, delta, mtime) values ($1, $2, $3, $4, current_timestamp)',
            [tid, 1, aid, delta],
          );
        });
        transactions++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { tps: transactions / elapsed, transactions, clients, seconds: elapsed, accounts };
}

export async function runEmbeddedBench(o: {
  people: number;
  clients: number;
  seconds: number;
  /** Also run the mix with group commit on (32 per transaction), after the default run. */
  groupCommit?: boolean;
}): Promise<EmbeddedBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-bench-pglite-'));
  const secretKey = randomBytes(32);
  const db = await openPglite(join(dir, 'pglite'));
  try {
    await migrate(db);
    const load = await loadPopulationSql(db, o.people, hashPaymentPin(paymentPinKey(secretKey), PIN));
    const now = new Date();
    const tills = await createTills(db, await createInstitutions(db, now), o.clients, now);
    await rotateKeys(db, secretKey, now);
    const ring = await loadKeyRing(db, secretKey);
    const ecardIds = await sampleEcards(db, o.people);
    const config = loadConfig(
      {},
      {
        mode: 'production',
        adminPassword: 'bench-admin-password',
        secretKeyHex: secretKey.toString('hex'),
        logLevel: 'silent',
        dataDir: dir,
      },
    );
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss / 2 ** 20)), 500);
    const runApp = async (groupCommit: Config['groupCommit']): Promise<MixResult> => {
      // A store wrapper of its own per run: the group commit is kept per store object.
      const app = await buildApp({ db: { ...db }, config: { ...config, groupCommit }, logger: false });
      await app.ready();
      try {
        const send: Send = async (r) => {
          const res = await app.inject({
            method: 'POST',
            url: r.url,
            headers: {
              authorization: `Bearer ${r.token}`,
              'content-type': 'application/json',
              ...(r.idempotencyKey ? { 'idempotency-key': r.idempotencyKey } : {}),
            },
            payload: JSON.stringify(r.body),
          });
          return { status: res.statusCode, body: res.json() };
        };
        const tokens = signTokens(ring, ecardIds, tokensFor(o.seconds, o.clients), o.seconds);
        const mix = await runMix({ send, tills, tokens, seconds: o.seconds });
        if (mix.firstErrors.length) console.error(`  first errors: ${mix.firstErrors.join('; ')}`);
        return mix;
      } finally {
        await app.close();
      }
    };
    let mix: MixResult;
    let withGroupCommit: MixResult | null = null;
    try {
      mix = await runApp(config.groupCommit);
      if (o.groupCommit) withGroupCommit = await runApp({ ...config.groupCommit, maxBatch: 32 });
    } finally {
      clearInterval(rssTimer);
    }
    const tpcb = await runTpcbLike(db, o.clients, o.seconds);
    return {
      ...mix,
      people: o.people,
      load,
      processRssMb: rssMax,
      tpcb,
      ratio: mix.settlementsPerSec / tpcb.tps,
      groupCommitOn: withGroupCommit && {
        ...withGroupCommit,
        ratio: withGroupCommit.settlementsPerSec / tpcb.tps,
      },
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
