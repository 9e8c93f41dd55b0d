import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, login } from '../../test/support/env.ts';
import { item, qrOf, settleCall } from '../../test/support/factories.ts';
import { checkLedger } from '../ledger/check.ts';
import { DEMO_ACCOUNTS, DEMO_PAYMENT_PIN, DEMO_PRICE_LIST, seedDemo } from './seed.ts';

forEachStore(
  'the demo seed',
  (env) => {
    test('loads once, and the demo person can pay at the demo pharmacy with the printed terminal credential', async () => {
      // The test environment already created the regions; the seed is meant for an empty store, so start it clean.
      await env().db.query(`delete from policy_versions`);
      await env().db.query(`delete from premium_rule_versions`);
      await env().db.query(`delete from regions`);
      const first = await seedDemo(env().db, env().clock.now(), 200);
      assert.equal(first.seeded, true);
      assert.match(first.terminalCredential!, /^ybt_/);
      assert.equal((await seedDemo(env().db, env().clock.now(), 200)).seeded, false, 'idempotent');
      const registry = await env().db.query<{ n: number }>(
        'select count(*)::int8 as n from population_registry',
      );
      assert.equal(registry.rows[0]!.n, 200);

      const person = await login(env().app, DEMO_ACCOUNTS.person.login, DEMO_ACCOUNTS.person.password);
      const r = await settleCall(env(), first.terminalCredential!, {
        qr: await qrOf(env(), person),
        bill: { setting: 'outpatient', items: [item('D1', 888)] },
        paymentPin: DEMO_PAYMENT_PIN,
      });
      assert.equal(r.status, 201, r.raw);
      assert.equal(r.body.result.totals.accountPaid, 88_800);
      const prices = await call(env().app, 'GET', '/v1/terminal/price-list', {
        token: first.terminalCredential!,
      });
      assert.deepEqual(
        prices.body.items.map((i: { code: string }) => i.code),
        DEMO_PRICE_LIST.pharmacy.map((i) => i.code).sort(),
      );
      const relatives = await call(env().app, 'GET', '/v1/me/family', { token: person.token });
      assert.equal(relatives.body.relatives[0].mutualAid, true);
      for (const who of ['staff', 'employer', 'pharmacy', 'relative'] as const) {
        const a = DEMO_ACCOUNTS[who];
        assert.ok((await login(env().app, a.login, a.password)).token);
      }
      assert.deepEqual((await checkLedger(env().db)).problems, []);
    });
  },
  {},
  // The seed loads its own catalogue into an empty store.
  { testCatalogue: false },
);
