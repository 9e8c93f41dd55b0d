import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  ADMIN_PASSWORD,
  createTestDb,
  createTestEnv,
  login,
  testDbUrl,
  type Reply,
  type TestEnv,
} from '../../test/support/env.ts';
import { loadTestCatalogue, mapTestCatalogue } from '../../test/support/catalogue.ts';
import {
  activeEcard,
  createInstitution,
  createTerminal,
  depositTo,
  item,
  newKey,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';
import type { Db } from '../platform/db.ts';
import { DEMO_POLICY } from '../settlement/policy.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from '../settlement/check.ts';
import { RegionFederation } from './federation.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const NATS_SERVER = '/usr/sbin/nats-server';
const ACK_WAIT_MS = 2_000;
const WAIT_MS = 3_000;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** A child process, with a promise of the first stdout line matching `ready`. */
function start(cmd: string, args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const up = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} not ready: ${out}`)), 30_000);
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`));
    });
  });
  return { child, up };
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * "Killing any one process mid-flight loses and doubles nothing" (issue 20), with real processes: the insured
 * region runs as `yibao serve --region A` and the hub as `yibao hub`, each a child process SIGKILLed while a
 * settlement crosses; NATS is a server of its own for this test (so that no other federation on the shared
 * server answers for the hub). The treatment region B and its till are this process. PostgreSQL and NATS only.
 */
describe(
  'cross-region settlement with real processes killed mid-flight [postgres]',
  {
    skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (and nats-server with JetStream)',
  },
  () => {
    const suffix = randomBytes(3).toString('hex');
    const A = `ka${suffix}`;
    const B = `kb${suffix}`;
    const secret = randomBytes(32).toString('hex');
    const secretB = randomBytes(32).toString('hex');
    const store = mkdtempSync(join(tmpdir(), 'yibao-nats-'));
    let natsPort: number;
    let natsUrl: string;
    let nats: ChildProcess | undefined;
    let treatment: ChildProcess | undefined;
    let portB: number;
    let hubDb: Db;
    let hub: ChildProcess | undefined;
    let insured: ChildProcess | undefined;
    let envA: TestEnv;
    let envB: TestEnv;
    let fedB: RegionFederation;
    let person: Awaited<ReturnType<typeof activeEcard>>;
    let till: { token: string; institutionId: string };
    const bill = { setting: 'outpatient', items: [item('XJ0001', 100)] };

    const startHub = async () => {
      const h = start(
        process.execPath,
        ['bin/yibao.mjs', 'hub'],
        { DATABASE_URL: testDbUrl(hubDb), YIBAO_NATS_URL: natsUrl, YIBAO_LOG_LEVEL: 'silent' },
        /yibao hub: serving/,
      );
      hub = h.child;
      await h.up;
    };
    /** The insured region's deployment, as its operators run it. */
    const startInsured = async () => {
      const r = start(
        process.execPath,
        ['bin/yibao.mjs', 'serve', '--region', A],
        {
          DATABASE_URL: testDbUrl(envA.db),
          YIBAO_MODE: 'test',
          YIBAO_SECRET_KEY: secret,
          YIBAO_ADMIN_PASSWORD: ADMIN_PASSWORD,
          YIBAO_NATS_URL: natsUrl,
          YIBAO_REGION_ACK_WAIT_MS: String(ACK_WAIT_MS),
          YIBAO_LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          PORT: '0',
        },
        new RegExp(`Region ${A}: federated`),
      );
      insured = r.child;
      await r.up;
    };
    /** The NATS server, on its port and JetStream store (again after a kill: the same streams on disk). */
    const startNats = async () => {
      const n = start(
        NATS_SERVER,
        ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', store],
        {},
        /Server is ready/,
      );
      nats = n.child;
      await n.up;
    };
    /** The treatment region's deployment (once the in-process one has left): its tills call it over HTTP. */
    const startTreatment = async () => {
      const r = start(
        process.execPath,
        ['bin/yibao.mjs', 'serve', '--region', B],
        {
          DATABASE_URL: testDbUrl(envB.db),
          YIBAO_MODE: 'test',
          YIBAO_SECRET_KEY: secretB,
          YIBAO_ADMIN_PASSWORD: ADMIN_PASSWORD,
          YIBAO_NATS_URL: natsUrl,
          YIBAO_REGION_WAIT_MS: String(WAIT_MS),
          YIBAO_REGION_ACK_WAIT_MS: String(ACK_WAIT_MS),
          YIBAO_LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          PORT: String(portB),
        },
        new RegExp(`Region ${B}: federated`),
      );
      treatment = r.child;
      await r.up;
      // Listening follows the federation line.
      for (let i = 0; ; i++) {
        const ok = await fetch(`http://127.0.0.1:${portB}/health`).then(
          () => true,
          () => false,
        );
        if (ok) break;
        assert.ok(i < 200, 'the treatment region never listened');
        await sleep(50);
      }
    };
    /** The till's settlement at the treatment region's process (a killed process: the fetch's error). */
    const settleAtB = async (qr: string, key: string): Promise<Reply> => {
      const res = await fetch(`http://127.0.0.1:${portB}/v1/terminal/settlements`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${till.token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({ qr, bill }),
      });
      const raw = await res.text();
      return { status: res.status, body: JSON.parse(raw), headers: {}, raw };
    };
    /** The till asks again, a moment apart (a refusal is immediate while NATS is unreachable), for 30 s. */
    const settleAtBUntilAnswered = async (qr: string, key: string) => {
      const until = Date.now() + 30_000;
      let r = await settleAtB(qr, key);
      while (r.status === 503 && Date.now() < until) {
        await sleep(200);
        r = await settleAtB(qr, key);
      }
      return r;
    };
    /** Holds rows of a database in an open transaction (what a slow or stuck transaction would do). */
    const hold = async (db: Db, sql: string, params: unknown[]) => {
      const c = new pg.Client({ connectionString: testDbUrl(db) });
      await c.connect();
      await c.query('begin');
      await c.query(sql, params);
      return async () => {
        await c.query('rollback');
        await c.end();
      };
    };
    /** Until a session of the database waits on a lock (another process reached the held rows). */
    const lockWaited = async (db: Db) => {
      for (let i = 0; ; i++) {
        const waiting = await count(
          db,
          `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if (waiting) return;
        assert.ok(i < 400, 'no process reached the held rows');
        await sleep(25);
      }
    };
    const holdPerson = () =>
      hold(envA.db, 'select 1 from persons where id = $1 for update', [person.personId]);
    /** The treatment side's record of a key and how often it was posted. */
    const crossing = async (key: string) =>
      (
        await envB.db.query<{ status: string; postings: number }>(
          `select c.status, (select count(*) from ledger_postings p where p.reference_type = 'region_crossing'
              and p.reference_id = c.settlement_id::text)::int as postings
             from region_crossings c where c.key = $1`,
          [key],
        )
      ).rows;
    /** The till's retries until answered, a second call's replay, and each side holding it once. */
    const settledOnceAtB = async (qr: string, key: string) => {
      const r = await settleAtBUntilAnswered(qr, key);
      assert.equal(r.status, 201, r.raw);
      const again = await settleAtB(qr, key);
      assert.equal(again.status, 201, again.raw);
      assert.equal(again.body.id, r.body.id);
      assert.equal(await settledUnder(key), 1);
      assert.deepEqual(await crossing(key), [{ status: 'settled', postings: 1 }]);
    };

    const now = () => {
      // The child processes run on the real clock; so do both regions here.
      envA.clock.set(new Date());
      envB.clock.set(new Date());
    };
    const count = async (db: Db, sql: string, params: unknown[] = []) =>
      Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
    /** The insured region's settlements under a till's key (its stored answer commits with the settlement). */
    const settledUnder = (key: string) =>
      count(
        envA.db,
        `select count(*) as n from idempotency_keys k join settlements s on s.id = (k.response_body->>'id')::uuid
          where k.key = $1`,
        [key],
      );

    before(async () => {
      [natsPort, portB] = await Promise.all([freePort(), freePort()]);
      natsUrl = `nats://127.0.0.1:${natsPort}`;
      await startNats();
      [hubDb, envA, envB] = await Promise.all([
        createTestDb('postgres'),
        createTestEnv('postgres', { secretKeyHex: secret }),
        createTestEnv('postgres', { secretKeyHex: secretB }),
      ]);
      const hubUp = startHub();
      now();
      for (const env of [envA, envB]) env.adminToken = (await login(env.app, 'admin', ADMIN_PASSWORD)).token;
      const rules = { ...DEMO_POLICY, region: A, version: `${A}-1` };
      await envA.db.query('insert into regions (code, name) values ($1, $1) on conflict do nothing', [A]);
      await envA.db.query(
        `insert into policy_versions (id, region_code, version, effective_from, rules, published_at)
         values ($1, $2, $3, '2020-01-01', $4, now())`,
        [randomUUID(), A, rules.version, JSON.stringify(rules)],
      );
      person = await activeEcard(envA, { regionCode: A });
      await depositTo(envA, person.personId, 100_000);
      await hubUp;
      await startInsured();
      fedB = envB.app.regions = await RegionFederation.start(envB.app, {
        region: B,
        natsUrl,
        waitMs: WAIT_MS,
        ackWaitMs: ACK_WAIT_MS,
        refreshMs: 600_000,
        askTimeoutMs: 2_000,
      });
      assert.deepEqual(await fedB.refresh(), [A]);
      const inst = await createInstitution(envB, { kind: 'hospital', regionCode: B });
      till = { token: (await createTerminal(envB, inst)).token, institutionId: inst.institutionId };
      await loadTestCatalogue(envB.db, B, envB.clock.now());
      await mapTestCatalogue(envB.db, inst.institutionId, envB.clock.now());
    });

    after(async () => {
      await fedB?.stop();
      await kill(treatment);
      await kill(insured);
      await kill(hub);
      await kill(nats);
      rmSync(store, { recursive: true, force: true });
      await envA?.close();
      await envB?.close();
      await hubDb?.close();
    });

    /** The till's retries with the same key until an answer (each waits WAIT_MS at most). */
    const settleUntilAnswered = async (qr: string, key: string) => {
      let r = await settleCall(envB, till.token, { qr, bill }, key);
      for (let i = 0; r.status === 503 && i < 8; i++)
        r = await settleCall(envB, till.token, { qr, bill }, key);
      return r;
    };

    test('the insured region’s own process answers the till', async () => {
      now();
      const r = await settleUntilAnswered(await qrOf(envA, person), newKey());
      assert.equal(r.status, 201, r.raw);
      assert.equal(r.body.crossRegion.insuredRegion, A);
    });

    let killedKey = '';
    let killedQr = '';

    test('the insured region SIGKILLed inside its transaction: region_unavailable at the till, nothing written', async () => {
      now();
      killedKey = newKey();
      killedQr = await qrOf(envA, person);
      // Hold the person's row so that the insured region's settlement stops inside its transaction.
      const holder = new pg.Client({ connectionString: testDbUrl(envA.db) });
      await holder.connect();
      await holder.query('begin');
      await holder.query('select 1 from persons where id = $1 for update', [person.personId]);
      const pending = settleCall(envB, till.token, { qr: killedQr, bill }, killedKey);
      for (let i = 0; ; i++) {
        const waiting = await count(
          envA.db,
          `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if (waiting) break;
        assert.ok(i < 200, 'the insured region never reached the person’s row');
        await new Promise((r) => setTimeout(r, 50));
      }
      await kill(insured);
      await holder.query('rollback');
      await holder.end();
      const first = await pending;
      assert.equal(first.status, 503, first.raw);
      assert.equal(first.body.error.code, 'region_unavailable');
      // Nothing half-written: the insured region has neither the settlement nor the key; the treatment region
      // only its `sent` record, with nothing posted.
      assert.equal(
        await count(envA.db, 'select count(*) as n from idempotency_keys where key = $1', [killedKey]),
        0,
      );
      const sent = await envB.db.query<{ status: string; posting_id: string | null }>(
        'select status, posting_id from region_crossings where key = $1',
        [killedKey],
      );
      assert.deepEqual(sent.rows, [{ status: 'sent', posting_id: null }]);
    });

    test('the insured region down: region_unavailable; when it returns, the till’s retries settle each request once', async () => {
      now();
      const key = newKey();
      const qr = await qrOf(envA, person);
      const r = await settleCall(envB, till.token, { qr, bill }, key);
      assert.equal(r.status, 503, r.raw);
      assert.equal(r.body.error.code, 'region_unavailable');
      assert.equal(await settledUnder(key), 0);
      // Restarted, the insured region takes the waiting request and the unacknowledged one again.
      await startInsured();
      for (const [k, q] of [
        [killedKey, killedQr],
        [key, qr],
      ] as const) {
        const retry = await settleUntilAnswered(q, k);
        assert.equal(retry.status, 201, retry.raw);
        const again = await settleCall(envB, till.token, { qr: q, bill }, k);
        assert.equal(again.body.id, retry.body.id);
        assert.equal(await settledUnder(k), 1);
        assert.equal(
          await count(
            envB.db,
            `select count(*) as n from ledger_postings where reference_type = 'region_crossing' and reference_id = $1`,
            [retry.body.id],
          ),
          1,
        );
      }
    });

    test('the hub SIGKILLed: settlements go on with the federated keys; the directory and clearing refuse until it returns', async () => {
      await kill(hub);
      now();
      const r = await settleUntilAnswered(await qrOf(envA, person), newKey());
      assert.equal(r.status, 201, r.raw);
      await assert.rejects(fedB.refresh(), { code: 'region_unavailable' });
      await assert.rejects(fedB.clear('2026-12'), { code: 'region_unavailable' });
      await startHub();
      assert.deepEqual(await fedB.refresh(), [A]);
    });

    test('the treatment region SIGKILLed with answers on their way: after its restart each is recorded once', async () => {
      // From here the treatment region is a process of its own, as its operators run it.
      await fedB.stop();
      await startTreatment();
      now();
      const [key1, key2] = [newKey(), newKey()];
      const [qr1, qr2] = [await qrOf(envA, person), await qrOf(envA, person)];
      // 1: answered while the treatment region's consumer is inside its transaction recording the answer.
      let releasePerson = await holdPerson();
      const first = settleAtB(qr1, key1).catch((err: unknown) => err);
      await lockWaited(envA.db);
      const releaseCrossing = await hold(
        envB.db,
        'select 1 from region_crossings where key = $1 for update',
        [key1],
      );
      await releasePerson();
      await lockWaited(envB.db);
      // 2: still in the insured region's hands.
      releasePerson = await holdPerson();
      const second = settleAtB(qr2, key2).catch((err: unknown) => err);
      await lockWaited(envA.db);
      await kill(treatment);
      await releaseCrossing();
      await releasePerson();
      // The tills lost their connection (or were told to ask again): nothing to show for it yet.
      for (const r of [await first, await second])
        assert.ok(r instanceof Error || (r as Reply).status === 503, String(r));
      // The insured region settles both, once; the treatment region holds them as sent, nothing posted.
      for (let i = 0; (await settledUnder(key2)) === 0; i++) {
        assert.ok(i < 200, 'the insured region never settled the second request');
        await sleep(25);
      }
      assert.equal(await settledUnder(key1), 1);
      for (const key of [key1, key2])
        assert.deepEqual(await crossing(key), [{ status: 'sent', postings: 0 }]);
      // Restarted, its answer consumer takes the unacknowledged answer again and the one that waited.
      await startTreatment();
      await settledOnceAtB(qr1, key1);
      await settledOnceAtB(qr2, key2);
    });

    test('NATS SIGKILLed mid-flight: region_unavailable with nothing written while down; after its restart each request settles once', async () => {
      now();
      const [key1, key2] = [newKey(), newKey()];
      const [qr1, qr2] = [await qrOf(envA, person), await qrOf(envA, person)];
      const releasePerson = await holdPerson();
      const first = settleAtB(qr1, key1);
      await lockWaited(envA.db);
      await kill(nats);
      // The insured region commits the settlement; its answer cannot leave.
      await releasePerson();
      for (let i = 0; (await settledUnder(key1)) === 0; i++) {
        assert.ok(i < 200, 'the insured region never settled');
        await sleep(25);
      }
      const r1 = await first;
      assert.equal(r1.status, 503, r1.raw);
      assert.equal(r1.body.error.code, 'region_unavailable');
      assert.deepEqual(await crossing(key1), [{ status: 'sent', postings: 0 }]);
      // A request while NATS is down: refused at once, nothing written on either side.
      const r2 = await settleAtB(qr2, key2);
      assert.equal(r2.status, 503, r2.raw);
      assert.equal(r2.body.error.code, 'region_unavailable');
      assert.deepEqual(await crossing(key2), []);
      assert.equal(
        await count(envA.db, 'select count(*) as n from idempotency_keys where key = $1', [key2]),
        0,
      );
      // NATS returns on its store: the stranded answer and the unacknowledged request are delivered.
      await startNats();
      await settledOnceAtB(qr1, key1);
      await settledOnceAtB(qr2, key2);
    });

    test('both sides hold every settlement once, with equal shares, and each ledger holds', async () => {
      for (const env of [envA, envB]) assert.deepEqual((await checkLedger(env.db)).problems, []);
      assert.deepEqual((await checkSettlements(envA.db)).problems, []);
      const a = await envA.db.query<{ id: string; owed: number }>(
        `select id, (fund + account_paid + relative_account_paid)::int8 as owed from settlements
          where treatment_region = $1 order by id`,
        [B],
      );
      const b = await envB.db.query<{ id: string; owed: number }>(
        `select settlement_id as id, (fund + account_paid + relative_account_paid)::int8 as owed from region_crossings
          where insured_region = $1 and settlement_id is not null order by settlement_id`,
        [A],
      );
      assert.equal(a.rows.length, 8);
      assert.deepEqual(b.rows, a.rows);
    });
  },
);
