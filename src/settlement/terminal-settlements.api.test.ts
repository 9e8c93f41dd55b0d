import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import {
  activeEcard,
  createTill,
  depositTo,
  item,
  newKey,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';

forEachStore('a terminal’s own settlements', (env) => {
  test('the till lists its institution’s settlements of a day, newest first, with the lines already refunded', async () => {
    const shop = await createTill(env());
    const other = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 100_000);
    const settle = async (till: { terminal: string }, codes: string[]) => {
      const r = await settleCall(env(), till.terminal, {
        qr: await qrOf(env(), p),
        bill: { setting: 'outpatient', items: codes.map((c) => item(c, 10)) },
      });
      assert.equal(r.status, 201, r.raw);
      env().clock.advance(5);
      return r.body.id as string;
    };
    const first = await settle(shop, ['A1', 'A2']);
    const second = await settle(shop, ['B1']);
    await settle(other, ['C1']);
    const refund = await call(env().app, 'POST', `/v1/terminal/settlements/${first}/refunds`, {
      token: shop.terminal,
      body: { lines: [1], reason: '退货' },
      headers: { 'idempotency-key': newKey() },
    });
    assert.equal(refund.status, 201, refund.raw);

    const today = await call(env().app, 'GET', '/v1/terminal/settlements', { token: shop.terminal });
    assert.equal(today.status, 200, today.raw);
    assert.deepEqual(
      today.body.settlements.map((s: { id: string; refundedLines: number[]; status: string }) => [
        s.id,
        s.status,
        s.refundedLines,
      ]),
      [
        [second, 'settled', []],
        [first, 'partially_refunded', [1]],
      ],
    );
    assert.ok(!today.raw.includes(p.idNumber), 'ID numbers stay masked');
    const one = await call(env().app, 'GET', `/v1/terminal/settlements/${first}`, { token: shop.terminal });
    assert.deepEqual(one.body.refundedLines, [1]);

    const date = today.body.settlements[0].businessDate as string;
    const limited = await call(env().app, 'GET', `/v1/terminal/settlements?date=${date}&limit=1`, {
      token: shop.terminal,
    });
    assert.deepEqual(
      limited.body.settlements.map((s: { id: string }) => s.id),
      [second],
    );
    const dayBefore = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const empty = await call(env().app, 'GET', `/v1/terminal/settlements?date=${dayBefore}`, {
      token: shop.terminal,
    });
    assert.deepEqual(empty.body.settlements, []);
    // The other institution sees only its own, and cannot open ours.
    const theirs = await call(env().app, 'GET', '/v1/terminal/settlements', { token: other.terminal });
    assert.equal(theirs.body.settlements.length, 1);
    assert.equal(
      (await call(env().app, 'GET', `/v1/terminal/settlements/${first}`, { token: other.terminal })).status,
      404,
    );
    assert.equal(
      (await call(env().app, 'GET', '/v1/terminal/settlements?date=2026-13-01', { token: shop.terminal }))
        .status,
      400,
    );
    assert.equal(
      (await call(env().app, 'GET', '/v1/terminal/settlements', { token: shop.staffToken })).status,
      403,
    );
  });
});
