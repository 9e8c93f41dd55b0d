import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import {
  activeEcard,
  countRows,
  createTill,
  depositTo,
  item,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';

// Regression (found by src/settlement/bill.fuzz.api.test.ts): Fastify's default Ajv coerced body values to the
// schema's types, so `"unitPrice": true` settled as a 1-fen line, `"quantity": [2]` as 2, `"code": 42` as "42".
// JSON bodies are now validated as sent; query strings (text on the wire) are still read as their types.
forEachStore('request validation: bodies are not coerced, query strings are', (env) => {
  test('a bill whose values have the wrong JSON type is refused, not settled as another bill', async () => {
    const till = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 10_000);
    const qr = await qrOf(env(), p);
    const before = await countRows(env(), 'settlements');
    for (const [field, value] of [
      ['unitPrice', true],
      ['unitPrice', '1200'],
      ['quantity', [2]],
      ['code', 42],
      ['name', false],
    ] as const) {
      const bill = { setting: 'outpatient', items: [{ ...item('A1', 12), [field]: value }] };
      const r = await settleCall(env(), till.terminal, { qr, bill });
      assert.equal(r.status, 400, `${field}=${JSON.stringify(value)}: ${r.raw}`);
      assert.equal(r.body.error.code, 'validation_failed');
      assert.equal(r.body.error.details.field, `bill.items.0.${field}`);
    }
    for (const flags of [{ familyAccount: null }, { familyAccount: 0 }, { estimate: 'true' }]) {
      const r = await settleCall(env(), till.terminal, {
        qr,
        bill: { setting: 'outpatient', items: [item('A1', 12)] },
        ...flags,
      });
      assert.equal(r.status, 400, `${JSON.stringify(flags)}: ${r.raw}`);
      assert.equal(r.body.error.code, 'validation_failed');
    }
    assert.equal(await countRows(env(), 'settlements'), before);
    // The same bill with the right types pays.
    const ok = await settleCall(env(), till.terminal, {
      qr,
      bill: { setting: 'outpatient', items: [item('A1', 12)] },
    });
    assert.equal(ok.status, 201, ok.raw);
    assert.equal(ok.body.result.totals.total, 1200);
  });

  test('a query string still reads as the schema’s types', async () => {
    const till = await createTill(env());
    const r = await call(env().app, 'GET', '/v1/terminal/settlements?limit=5', { token: till.terminal });
    assert.equal(r.status, 200, r.raw);
    const bad = await call(env().app, 'GET', '/v1/terminal/settlements?limit=five', { token: till.terminal });
    assert.equal(bad.status, 400, bad.raw);
    assert.equal(bad.body.error.code, 'validation_failed');
  });
});
