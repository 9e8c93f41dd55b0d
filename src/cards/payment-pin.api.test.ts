import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { forEachStore } from '../../test/support/env.ts';
import { activeEcard, createTill, depositTo, item, qrOf, settleCall } from '../../test/support/factories.ts';
import { hashSecret } from '../platform/password.ts';
import { checkLedger } from '../ledger/check.ts';
import { MAX_PAYMENT_PIN_FAILURES, checkPaymentPin, hashPaymentPin, paymentPinKey } from './payment-pin.ts';

test('the PIN HMAC: right and wrong PINs, another key, and old scrypt hashes that ask to be rewritten', async () => {
  const key = paymentPinKey(randomBytes(32));
  const stored = hashPaymentPin(key, '135790');
  assert.match(stored, /^hmac-sha256\$[\w-]{22}\$[\w-]{43}$/);
  assert.notEqual(hashPaymentPin(key, '135790'), stored, 'salted: the same PIN hashes differently');
  assert.deepEqual(await checkPaymentPin(key, '135790', stored), { ok: true, rehash: false });
  assert.deepEqual(await checkPaymentPin(key, '135791', stored), { ok: false, rehash: false });
  const otherKey = paymentPinKey(randomBytes(32));
  assert.equal((await checkPaymentPin(otherKey, '135790', stored)).ok, false, 'useless without the key');
  const legacy = await hashSecret('135790');
  assert.deepEqual(await checkPaymentPin(key, '135790', legacy), { ok: true, rehash: true });
  assert.equal((await checkPaymentPin(key, '000000', legacy)).ok, false);
});

forEachStore('the e-card payment PIN at the till', (env) => {
  const bill = { setting: 'outpatient', items: [item('A', 800)] };

  test(`${MAX_PAYMENT_PIN_FAILURES} wrong PINs in a row lock the PIN for a day; a right one resets the count`, async () => {
    const shop = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 500_000);
    const pay = async (pin: string) =>
      settleCall(env(), shop.terminal, { qr: await qrOf(env(), p), bill, paymentPin: pin });

    // Two wrong, then the right one: paid, and the count starts again.
    for (const left of [4, 3]) {
      const r = await pay('000000');
      assert.equal(r.body.error.code, 'wrong_pin');
      assert.equal(r.body.error.details.attemptsLeft, left);
    }
    assert.equal((await pay(p.paymentPin)).status, 201);
    const attempts: number[] = [];
    for (let i = 0; i < MAX_PAYMENT_PIN_FAILURES; i++) {
      const r = await pay('000000');
      assert.equal(r.body.error.code, 'wrong_pin');
      attempts.push(r.body.error.details.attemptsLeft);
    }
    assert.deepEqual(attempts, [4, 3, 2, 1, 0]);
    const locked = await pay(p.paymentPin);
    assert.equal(locked.status, 422);
    assert.equal(locked.body.error.code, 'payment_pin_locked', 'even the right PIN, while locked');
    // Small bills under the PIN limit still pay: the lock guards PIN payments only.
    const small = await settleCall(env(), shop.terminal, {
      qr: await qrOf(env(), p),
      bill: { setting: 'outpatient', items: [item('S', 10)] },
    });
    assert.equal(small.status, 201, small.raw);

    const { rows } = await env().db.query<{ until: Date }>(
      'select payment_pin_locked_until as until from ecards where id = $1',
      [p.ecardId],
    );
    assert.equal(rows[0]!.until.getTime() - env().clock.now().getTime(), 24 * 3600_000);
    // A day later (moved in the row: sessions and codes would expire if the clock moved a day).
    await env().db.query('update ecards set payment_pin_locked_until = $2 where id = $1', [
      p.ecardId,
      new Date(env().clock.now().getTime() - 1000),
    ]);
    assert.equal((await pay(p.paymentPin)).status, 201, 'the lock ends after a day');
    assert.equal((await pay('000000')).body.error.details.attemptsLeft, 4);
    assert.deepEqual((await checkLedger(env().db)).problems, []);
  });

  test('a PIN stored as scrypt before the HMAC still pays, and is rewritten as an HMAC', async () => {
    const shop = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 500_000);
    await env().db.query('update ecards set payment_pin_hash = $2 where id = $1', [
      p.ecardId,
      await hashSecret(p.paymentPin),
    ]);
    const wrong = await settleCall(env(), shop.terminal, {
      qr: await qrOf(env(), p),
      bill,
      paymentPin: '000000',
    });
    assert.equal(wrong.body.error.code, 'wrong_pin');
    const stored = async () =>
      (
        await env().db.query<{ h: string }>('select payment_pin_hash as h from ecards where id = $1', [
          p.ecardId,
        ])
      ).rows[0]!.h;
    assert.match(await stored(), /^scrypt\$/, 'a wrong PIN rewrites nothing');
    const r = await settleCall(env(), shop.terminal, {
      qr: await qrOf(env(), p),
      bill,
      paymentPin: p.paymentPin,
    });
    assert.equal(r.status, 201, r.raw);
    assert.match(await stored(), /^hmac-sha256\$/);
    const again = await settleCall(env(), shop.terminal, {
      qr: await qrOf(env(), p),
      bill,
      paymentPin: p.paymentPin,
    });
    assert.equal(again.status, 201, 'and the rewritten hash verifies');
  });
});
