import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../app.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  createInstitution,
  createTerminal,
  depositTo,
  item,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from './check.ts';

/** The same store, but the n-th statement inside a transaction throws, as a crash at that point would. */
function faulty(db: Db) {
  const state = { failAt: null as number | null, seen: 0 };
  const wrap = (tx: Queryable): Queryable => ({
    async query(sql, params) {
      state.seen++;
      if (state.failAt !== null && state.seen === state.failAt)
        throw new Error(`injected crash at statement ${state.seen}`);
      return tx.query(sql, params);
    },
    exec: (sql) => tx.exec(sql),
  });
  const faultyDb: Db = {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: async () => undefined,
  };
  return { db: faultyDb, state };
}

async function snapshot(env: TestEnv, personId: string) {
  const counts: Record<string, number> = {};
  for (const t of [
    'settlements',
    'settlement_lines',
    'ledger_postings',
    'ledger_entries',
    'qr_consumed_nonces',
    'idempotency_keys',
  ]) {
    counts[t] = (await env.db.query<{ n: number }>(`select count(*)::int8 as n from ${t}`)).rows[0]!.n;
  }
  const balances = await env.db.query('select id, balance from ledger_accounts order by id');
  const acc = await env.db.query('select * from person_year_accumulators where person_id = $1', [personId]);
  return { counts, balances: balances.rows, acc: acc.rows };
}

forEachStore('a crash at any point inside a settlement leaves nothing half done', (env) => {
  test('fail the transaction at each of its statements in turn: the store is unchanged every time', async () => {
    const { db, state } = faulty(env().db);
    const app = await buildApp({ db, config: env().config, clock: env().clock.now, logger: false });
    await app.ready();
    try {
      const inst = await createInstitution(env());
      const terminal = (await createTerminal(env(), inst)).token;
      const p = await activeEcard(env());
      await depositTo(env(), p.personId, 10_000);
      const bill = { setting: 'outpatient', items: [item('A', 30), item('OUT-B', 20)] };
      const viaFaulty = { ...env(), app };

      // Runs without faults: the first creates the ledger accounts on first use, the next fills the account-id
      // cache, the last counts the statements of an ordinary settlement transaction.
      for (let warm = 0; warm < 2; warm++) {
        assert.equal((await settleCall(viaFaulty, terminal, { qr: await qrOf(env(), p), bill })).status, 201);
      }
      const qr0 = await qrOf(env(), p);
      state.seen = 0;
      const ok = await settleCall(viaFaulty, terminal, { qr: qr0, bill });
      assert.equal(ok.status, 201, ok.raw);
      const statements = state.seen;
      // Claim the key, lock the person, read, then lock the accounts and write everything with the stored
      // answer (docs/PERFORMANCE.md): fewer would mean the test no longer sees the statements it should break.
      assert.ok(statements >= 4, `a settlement runs ${statements} statements in its transaction`);

      for (let n = 1; n <= statements; n++) {
        const qr = await qrOf(env(), p);
        const before = await snapshot(env(), p.personId);
        state.seen = 0;
        state.failAt = n;
        const r = await settleCall(viaFaulty, terminal, { qr, bill });
        state.failAt = null;
        assert.equal(r.status, 500, `statement ${n} of ${statements}: ${r.raw.slice(0, 200)}`);
        assert.equal(r.body.error.code, 'internal_error');
        assert.deepEqual(await snapshot(env(), p.personId), before, `statement ${n} left a trace`);
        // The same code then pays normally: nothing of the failed attempt was kept, not even the token's use.
        if (n === statements) assert.equal((await settleCall(viaFaulty, terminal, { qr, bill })).status, 201);
      }
      assert.deepEqual((await checkLedger(env().db)).problems, []);
      assert.deepEqual((await checkSettlements(env().db)).problems, []);
      const mine = await call(env().app, 'GET', '/v1/me/settlements', { token: p.token });
      assert.equal(mine.body.settlements.length, 4);
    } finally {
      await app.close();
    }
  });
});
