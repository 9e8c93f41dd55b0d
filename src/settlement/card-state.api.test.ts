import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queryable } from '../platform/db.ts';
import { verifyCardPin } from '../cards/cards.ts';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import { createTill, depositTo, issuedCard, item, settleCall } from '../../test/support/factories.ts';

/**
 * Holds the settlement's transaction just before it takes its first row lock (the query after the idempotency
 * claim), until `release` is called: the moment a loss report or a cancellation may still commit first.
 * Only on PostgreSQL: PGlite is one connection, so a held transaction would hold everything else too.
 */
function holdBeforeSettlementLock(env: TestEnv): { reached: Promise<void>; release: () => void } {
  const db = env.db;
  const original = db.transaction.bind(db);
  let reached!: () => void;
  let release!: () => void;
  const reachedP = new Promise<void>((r) => (reached = r));
  const gate = new Promise<void>((r) => (release = r));
  db.transaction = <T>(fn: (tx: Queryable) => Promise<T>) =>
    original((tx) => {
      let claimed = false;
      return fn({
        exec: (sql) => tx.exec(sql),
        async query(sql, params) {
          if (claimed) {
            claimed = false;
            db.transaction = original;
            reached();
            await gate;
          }
          if (sql.includes('idempotency_claim(')) claimed = true;
          return tx.query(sql, params);
        },
      });
    });
  return { reached: reachedP, release };
}

forEachStore('a physical card stopped while a settlement is under way', (env) => {
  const bill = { setting: 'outpatient', items: [item('A1', 12)] };

  for (const [stop, code] of [
    ['reported lost', 'card_frozen'],
    ['cancelled', 'card_not_live'],
  ] as const) {
    test(`a card ${stop} after its PIN was checked but before the settlement's lock does not pay`, async (t) => {
      if (env().kind !== 'postgres') return t.skip('needs a second connection');
      const shop = await createTill(env(), { acceptsEcard: false });
      const card = await issuedCard(env(), { activate: true });
      await depositTo(env(), card.person.personId, 5_000);
      const hold = holdBeforeSettlementLock(env());
      const paying = settleCall(env(), shop.terminal, {
        card: { number: card.cardNumber, pin: card.pin },
        bill,
      });
      await hold.reached;
      const stopped =
        stop === 'reported lost'
          ? await call(env().app, 'POST', `/v1/me/cards/${card.cardId}/report-loss`, {
              token: card.person.token,
            })
          : await call(env().app, 'POST', `/v1/staff/cards/${card.cardId}/cancel`, {
              token: card.staff.token,
              body: { reason: 'holder deceased' },
            });
      assert.equal(stopped.status, 200, stopped.raw);
      hold.release();
      const r = await paying;
      assert.equal(r.status, 422, r.raw);
      assert.equal(r.body.error.code, code);
      const { rows } = await env().db.query<{ n: number }>(
        'select count(*)::int8 as n from settlements where card_id = $1',
        [card.cardId],
      );
      assert.equal(rows[0]!.n, 0);
    });
  }

  test('the chip PIN is checked without waiting for the person’s lock; a wrong one is counted once it is free', async (t) => {
    if (env().kind !== 'postgres') return t.skip('needs a second connection');
    const card = await issuedCard(env(), { activate: true });
    const now = env().clock.now();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // Another transaction holds the person's lock (a slow settlement, a counter change) until released.
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = env().db.transaction(async (tx) => {
      await tx.query('select 1 from persons where id = $1 for update', [card.person.personId]);
      locked();
      await held;
    });
    await isLocked;
    const right = await env().db.transaction((tx) => verifyCardPin(tx, card.cardNumber, card.pin, now));
    assert.equal(right.ok, true, 'the right PIN did not wait for the lock');
    let counted = false;
    const wrong = env()
      .db.transaction((tx) => verifyCardPin(tx, card.cardNumber, '000000', now))
      .finally(() => (counted = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(counted, false, 'counting a wrong PIN waits for the person, in lock order');
    release();
    await holder;
    assert.deepEqual(await wrong, { ok: false, code: 'wrong_pin', attemptsLeft: 2 });
  });
});
