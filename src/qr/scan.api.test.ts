import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  createStaff,
  depositTo,
  issuedCard,
  item,
  newKey,
  settleCall,
  createTill,
} from '../../test/support/factories.ts';
import { decodeQrPng, pngFromDataUrl } from './render.ts';
import { BASE45_ALPHABET } from './base45.ts';

/** The person's QR code, read the way a cashier's scanner reads it: from the rendered image. */
async function scannedCode(env: TestEnv, token: string): Promise<string> {
  const r = await call(env.app, 'GET', '/v1/me/ecard/qr', { token });
  assert.equal(r.status, 200, r.raw);
  return decodeQrPng(pngFromDataUrl(r.body.pngDataUrl));
}

forEachStore('scanning QR codes at a terminal', (env) => {
  const scan = (terminal: string, body: unknown) =>
    call(env().app, 'POST', '/v1/terminal/scan', { token: terminal, body });

  test('a code decoded from the PNG is accepted with masked identity, status and what can pay; the scan is audited', async () => {
    const shop = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 12_345);
    const r = await scan(shop.terminal, { qr: await scannedCode(env(), p.token) });
    assert.equal(r.status, 200, r.raw);
    assert.equal(
      r.body.person.maskedIdNumber,
      p.idNumber.slice(0, 4) + '*'.repeat(10) + p.idNumber.slice(-4),
    );
    assert.equal(r.body.person.insuranceType, 'resident');
    assert.deepEqual(r.body.ecard, { status: 'active', paymentOpen: true });
    assert.equal(r.body.canPayFromAccount, true);
    assert.equal(r.body.accountBalance, 12_345);
    assert.deepEqual(r.body.policy, { regionCode: 'demo', version: 'demo-1' });
    const audit = await call(env().app, 'GET', '/v1/institution/scan-audit', { token: shop.staffToken });
    assert.equal(audit.body.scans[0].outcome, 'accepted');
    assert.equal(audit.body.scans[0].personId, p.personId);
    assert.ok(!audit.raw.includes(p.idNumber) && !audit.raw.includes(p.name));
  });

  test('every refusal says why and is audited: expired, skew, bad signature, replayed, frozen, revoked, not accepted', async () => {
    const shop = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 1000);
    const code = await scannedCode(env(), p.token);
    env().clock.advance(60 + 29);
    assert.equal((await scan(shop.terminal, { qr: code })).status, 200, 'within the 30 s clock skew');
    env().clock.advance(2);
    assert.equal((await scan(shop.terminal, { qr: code })).body.error.code, 'qr_expired');
    env().clock.advance(-91);

    const fresh = await scannedCode(env(), p.token);
    // Change one character of the signature part: still valid Base45, but the signature no longer matches.
    const i = fresh.length - 10;
    const swapped = BASE45_ALPHABET[(BASE45_ALPHABET.indexOf(fresh[i]!) + 1) % 45]!;
    const tampered = fresh.slice(0, i) + swapped + fresh.slice(i + 1);
    const bad = await scan(shop.terminal, { qr: tampered });
    assert.ok(['qr_bad_signature', 'qr_malformed'].includes(bad.body.error.code), bad.raw);

    const paid = await settleCall(env(), shop.terminal, {
      qr: fresh,
      bill: { setting: 'outpatient', items: [item('A', 1)] },
    });
    assert.equal(paid.status, 201, paid.raw);
    const replay = await scan(shop.terminal, { qr: fresh });
    assert.equal(replay.status, 409);
    assert.equal(replay.body.error.code, 'qr_replayed');

    const beforeSuspend = await scannedCode(env(), p.token);
    await call(env().app, 'POST', '/v1/me/ecard/suspend', { token: p.token, body: {} });
    assert.equal((await scan(shop.terminal, { qr: beforeSuspend })).body.error.code, 'qr_card_frozen');
    const staff = await createStaff(env(), 'demo');
    const revoked = await call(env().app, 'POST', `/v1/staff/ecards/${p.ecardId}/revoke`, {
      token: staff.token,
      body: { reason: 'fraud report' },
    });
    assert.equal(revoked.status, 200, revoked.raw);
    assert.equal((await scan(shop.terminal, { qr: beforeSuspend })).body.error.code, 'qr_card_revoked');

    const noEcard = await createTill(env(), { acceptsEcard: false });
    assert.equal((await scan(noEcard.terminal, { qr: beforeSuspend })).body.error.code, 'ecard_not_accepted');

    const audit = await call(env().app, 'GET', '/v1/institution/scan-audit?outcome=refused', {
      token: shop.staffToken,
    });
    assert.deepEqual(
      audit.body.scans.map((s: { reason: string }) => s.reason).sort(),
      ['qr_card_frozen', 'qr_card_revoked', 'qr_expired', 'qr_replayed', bad.body.error.code].sort(),
    );
  });

  test('an institution that does not accept the e-card still reads the physical card with its PIN', async () => {
    const shop = await createTill(env(), { acceptsEcard: false });
    const card = await issuedCard(env());
    const r = await scan(shop.terminal, { card: { number: card.cardNumber, pin: card.pin } });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body.card, { status: 'issued' });
    assert.equal(r.body.ecard, null);
    const wrong = await scan(shop.terminal, { card: { number: card.cardNumber, pin: '000000' } });
    assert.equal(wrong.body.error.code, 'wrong_pin');
  });

  test('one token used concurrently at two terminals pays exactly once', async () => {
    const a = await createTill(env());
    const b = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 10_000);
    const code = await scannedCode(env(), p.token);
    const bill = { setting: 'outpatient', items: [item('A', 5)] };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        settleCall(env(), i % 2 ? a.terminal : b.terminal, { qr: code, bill }, newKey()),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409], results.map((r) => r.raw).join('\n'));
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'qr_replayed'));
  });
});
