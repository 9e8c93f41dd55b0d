import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachStore } from '../../test/support/env.ts';
import { activeEcard, createTill, depositTo, item, qrOf, settleCall } from '../../test/support/factories.ts';

// A till retries a payment whose answer it lost with the same Idempotency-Key and the same body. The retry
// must get the first answer, whatever became of the QR code since: it was consumed by that payment, and it
// may have expired by the time the till is back online.
forEachStore('a retry of a committed payment gets its first answer', (env) => {
  test('the same key and body again: the first answer, not qr_replayed', async () => {
    const till = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 10_000);
    const body = { qr: await qrOf(env(), p), bill: { setting: 'outpatient', items: [item('A', 30)] } };
    const first = await settleCall(env(), till.terminal, body, 'retry-key-0001');
    assert.equal(first.status, 201, first.raw);
    const again = await settleCall(env(), till.terminal, body, 'retry-key-0001');
    assert.equal(again.status, 201, again.raw);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.headers['idempotent-replayed'], 'true');
  });

  test('after the QR code has expired: still the first answer, not qr_expired', async () => {
    const till = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 10_000);
    const body = { qr: await qrOf(env(), p), bill: { setting: 'outpatient', items: [item('A', 30)] } };
    const first = await settleCall(env(), till.terminal, body, 'retry-key-0002');
    assert.equal(first.status, 201, first.raw);
    env().clock.advance(3600);
    const again = await settleCall(env(), till.terminal, body, 'retry-key-0002');
    assert.equal(again.status, 201, again.raw);
    assert.deepEqual(again.body, first.body);
    // A new payment with that code is still refused as expired.
    const fresh = await settleCall(env(), till.terminal, body, 'retry-key-0003');
    assert.equal(fresh.status, 422, fresh.raw);
    assert.equal(fresh.body.error.code, 'qr_expired');
  });
});
