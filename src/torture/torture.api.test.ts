/**
 * The bounded torture run CI makes, and proof that its checker sees what it claims to.
 *
 * PostgreSQL only (TEST_DATABASE_URL): the harness kills a server process and terminates PostgreSQL backends;
 * PGlite is one in-process connection with neither, so a PGlite variant would prove none of what this run
 * is for. Without TEST_DATABASE_URL these tests are skipped, and say so.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgres, type Db } from '../platform/db.ts';
import { withDatabase } from '../../bench/pgbench.ts';
import { checkTorture, type Anomaly } from './checker.ts';
import { runTorture, type TortureResult } from './run.ts';
import { dropDatabase } from './world.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const SEED = 20260518;

describe(
  'torture: a seeded run under kills, terminated backends and client timeouts',
  {
    skip: !serverUrl && 'needs TEST_DATABASE_URL (a PostgreSQL server)',
  },
  () => {
    let run: TortureResult;
    let db: Db;

    before(async () => {
      run = await runTorture({
        seed: SEED,
        seconds: 60,
        clients: 8,
        faults: true,
        serverUrl: serverUrl!,
        keep: true,
      });
      console.log(run.report);
      db = await openPostgres(withDatabase(serverUrl!, run.database), 2);
    });
    after(async () => {
      await db?.close();
      if (run) await dropDatabase(serverUrl!, run.database);
    });

    test('zero anomalies', () => {
      assert.deepEqual(run.anomalies, []);
      assert.ok(run.stats.acknowledged > 100, `${run.stats.acknowledged} acknowledged`);
      assert.equal(run.stats.unanswered, 0);
    });

    test('faults of every kind were injected and recovered from', () => {
      const f = run.stats.faults;
      assert.ok(f.kills >= 2 && f.restarts === f.kills, `${f.kills} kills, ${f.restarts} restarts`);
      assert.ok(f.recovered.cutOff >= 1, 'requests cut off by a kill were answered on a retry');
      assert.ok(f.terminated >= 1, `${f.terminated} backends terminated`);
      assert.ok(
        f.recovered.serverErrors >= 1,
        'requests failed by a terminated backend were answered on a retry',
      );
      assert.ok(f.timeouts >= 1 && f.recovered.timeouts >= 1, 'timed-out requests were answered on a retry');
      assert.ok(run.stats.replayed >= 1, 'some retries were answered with the stored first answer');
      for (const kind of ['settle', 'estimate', 'refund', 'contribution', 'pay_day'])
        assert.ok(run.stats.byKind[kind]! > 0, kind);
    });

    /** The checker's anomalies with a corruption applied, rolled back afterwards. */
    async function corrupted(sql: string): Promise<Anomaly[]> {
      let found: Anomaly[] = [];
      const undo = new Error('rollback');
      await db
        .transaction(async (tx) => {
          await tx.exec(sql);
          found = await checkTorture(tx, run.log);
          throw undo;
        })
        .catch((err: unknown) => {
          if (err !== undo) throw err;
        });
      return found;
    }
    const checks = (a: Anomaly[]) => new Set(a.map((x) => x.check));
    const acked = () =>
      run.log.requests.find((r) => r.kind === 'settle' && r.final?.status === 201)!.final!.body.id;

    test('the checker finds a deleted ledger entry', async () => {
      const a = await corrupted(
        `delete from ledger_entries where id = (select e.id from ledger_entries e join settlements s on s.posting_id = e.posting_id
         where s.id = '${acked()}' order by e.id limit 1)`,
      );
      assert.ok(checks(a).has('yibao ledger check: ledger'), JSON.stringify(a));
    });

    test('the checker finds a doubled settlement row', async () => {
      const a = await corrupted(
        `create temp table twin on commit drop as select * from settlements where id = '${acked()}';
       update twin set id = gen_random_uuid(), posting_id = null;
       insert into settlements select * from twin;`,
      );
      assert.ok(checks(a).has('every row is the effect of exactly one request'), JSON.stringify(a));
    });

    // The store's CHECK constraints refuse some corruptions outright (a total that is not the sum of its
    // shares, a negative individual account); this one keeps the total and moves a fen from cash to the fund.
    test('the checker finds an acknowledged settlement whose figures changed, a fund share never paid', async () => {
      const id = run.log.requests.find(
        (r) => r.kind === 'settle' && r.final?.status === 201 && r.final.body.result.totals.cashPaid > 0,
      )!.final!.body.id;
      const a = await corrupted(
        `update settlements set fund = fund + 1, cash_paid = cash_paid - 1 where id = '${id}'`,
      );
      assert.ok(checks(a).has('acknowledged settle has its figures'), JSON.stringify(a));
      assert.ok(checks(a).has('fund payments equal fund shares'), JSON.stringify(a));
    });

    test('the checker finds a lost acknowledged settlement and a lost stored answer', async () => {
      const id = acked();
      const gone = await corrupted(`delete from idempotency_keys where response_body->>'id' = '${id}';`);
      assert.ok(checks(gone).has('acknowledged settle exists'), JSON.stringify(gone));
      assert.ok(checks(gone).has('every row is the effect of exactly one request'), JSON.stringify(gone));
    });
  },
);
