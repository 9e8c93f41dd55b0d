import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  PAYMENT_PIN,
  activeEcard,
  countRows,
  createTill,
  depositTo,
  issuedCard,
  item,
  qrOf,
  settleCall,
  verifiedPerson,
} from '../../test/support/factories.ts';
import { createVerifier } from '../qr/verifier.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from '../settlement/check.ts';

/** A Luhn-valid 19-digit account number (6222 0212 3456 7890 128). */
const ACCOUNT = '6222021234567890128';

async function invariants(env: TestEnv) {
  const l = await checkLedger(env.db);
  const s = await checkSettlements(env.db);
  assert.deepEqual([...l.problems, ...s.problems], []);
}

forEachStore('paying with the e-SSC: its own QR key set, the till, the bank account', (env) => {
  const post = (url: string, token: string, body?: unknown) =>
    call(env().app, 'POST', url, { token, body: body ?? {} });
  const get = (url: string, token?: string) => call(env().app, 'GET', url, token ? { token } : {});

  /** A verified, funded person with an active card and an e-SSC (second level open unless `open: false`). */
  async function esscHolder(balance = 0, open = true) {
    const person = await verifiedPerson(env());
    if (balance) await depositTo(env(), person.personId, balance);
    const card = await issuedCard(env(), { person, activate: true });
    const e = await post('/v1/me/essc', person.token, {
      channel: 'wechat',
      regionCode: 'demo',
      authorise: true,
    });
    assert.equal(e.status, 201, e.raw);
    if (open) {
      const s = await post('/v1/me/essc/second-level', person.token, { pin: PAYMENT_PIN, consent: true });
      assert.equal(s.status, 200, s.raw);
    }
    return { ...card, person, esscId: e.body.id as string };
  }

  async function esscQr(token: string): Promise<string> {
    const r = await get('/v1/me/essc/qr', token);
    assert.equal(r.status, 200, r.raw);
    return r.body.token;
  }

  const bill = (yuan: number) => ({ setting: 'outpatient', items: [item('A1', yuan)] });

  async function dbState(): Promise<string> {
    const counts = await Promise.all(
      ['settlements', 'bank_instructions', 'essc_bank_accounts', 'ledger_postings', 'qr_consumed_nonces'].map(
        (t) => countRows(env(), t),
      ),
    );
    return counts.join(',');
  }

  test('its own key set: SS1 codes verify offline with the e-SSC JWKS only; one-time, short-lived', async () => {
    const h = await esscHolder(10_000);
    const ecard = await activeEcard(env());
    const token = await esscQr(h.person.token);
    assert.match(token, /^SS1:/);
    const qr = await get('/v1/me/essc/qr', h.person.token);
    assert.equal(qr.body.ttlSeconds, 60);
    assert.ok(qr.body.svg.startsWith('<svg'));

    const esscJwks = await get('/.well-known/essc-jwks.json');
    const ecardJwks = await get('/.well-known/jwks.json');
    assert.equal(esscJwks.status, 200);
    assert.ok(esscJwks.body.keys.length >= 1);
    const esscKids = esscJwks.body.keys.map((k: any) => k.kid);
    await qrOf(env(), ecard); // the e-voucher's set has a key too
    const ecardKids = (await get('/.well-known/jwks.json')).body.keys.map((k: any) => k.kid);
    assert.equal(ecardJwks.status, 200);
    assert.deepEqual(
      esscKids.filter((k: string) => ecardKids.includes(k)),
      [],
      'two platforms, two key sets',
    );

    const now = env().clock.now();
    const offline = createVerifier(esscJwks.body, { keySet: 'essc' });
    assert.equal(offline.verify(token, now).ecardId, h.esscId);
    // The e-voucher's keys do not verify it, whatever the prefix says.
    const evoucher = createVerifier((await get('/.well-known/jwks.json')).body);
    assert.throws(
      () => evoucher.verify(token, now),
      (e: any) => e.code === 'qr_malformed',
    );
    assert.throws(
      () => evoucher.verify('YB1:' + token.slice(4), now),
      (e: any) => e.code === 'qr_unknown_key',
    );
    assert.throws(
      () => offline.verify(token, new Date(now.getTime() + 10 * 60_000)),
      (e: any) => e.code === 'qr_expired',
    );

    // The admin rotates the e-SSC set alone.
    const rot = await call(env().app, 'POST', '/v1/admin/essc-qr-keys/rotate', { token: env().adminToken });
    assert.equal(rot.status, 200, rot.raw);
    const after = (await get('/.well-known/essc-jwks.json')).body.keys.map((k: any) => k.kid);
    assert.ok(after.includes(rot.body.added));
    assert.deepEqual(
      (await get('/.well-known/jwks.json')).body.keys.map((k: any) => k.kid),
      ecardKids,
    );
  });

  test('the QR code needs a live e-SSC with its payment function open', async () => {
    const none = await verifiedPerson(env());
    const r1 = await get('/v1/me/essc/qr', none.token);
    assert.equal(r1.status, 404);
    assert.equal(r1.body.error.code, 'essc_not_found');
    const closed = await esscHolder(0, false);
    const r2 = await get('/v1/me/essc/qr', closed.person.token);
    assert.equal(r2.status, 422);
    assert.equal(r2.body.error.code, 'second_level_required');
  });

  test('the till scans and settles either code; the settlement records which credential paid', async () => {
    const shop = await createTill(env());
    const h = await esscHolder(100_000);
    const e = await activeEcard(env());
    await depositTo(env(), e.personId, 10_000);

    const scan = await post('/v1/terminal/scan', shop.terminal, { qr: await esscQr(h.person.token) });
    assert.equal(scan.status, 200, scan.raw);
    assert.equal(scan.body.method, 'qr');
    assert.equal(scan.body.credential, 'essc');
    assert.equal(scan.body.canPayFromAccount, true);
    assert.equal(scan.body.person.maskedName.includes('*'), true);
    const scanE = await post('/v1/terminal/scan', shop.terminal, { qr: await qrOf(env(), e) });
    assert.equal(scanE.body.credential, 'ecard');

    const token = await esscQr(h.person.token);
    const est = await settleCall(env(), shop.terminal, { qr: token, bill: bill(30), estimate: true }, null);
    assert.equal(est.status, 200, est.raw);
    assert.equal(est.body.credential, 'essc');
    const paid = await settleCall(env(), shop.terminal, { qr: token, bill: bill(30) });
    assert.equal(paid.status, 201, paid.raw);
    assert.equal(paid.body.credential, 'essc');
    assert.equal(paid.body.result.totals.accountPaid, 3000);
    assert.equal(paid.body.cashMethod, 'cash');
    assert.equal(paid.body.bankInstruction, null);
    const row = await env().db.query<{ credential: string; essc_id: string; ecard_id: string | null }>(
      'select credential, essc_id, ecard_id from settlements where id = $1',
      [paid.body.id],
    );
    assert.deepEqual(row.rows[0], { credential: 'essc', essc_id: h.esscId, ecard_id: null });
    const again = await settleCall(env(), shop.terminal, { qr: token, bill: bill(30) });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'qr_replayed');

    const paidE = await settleCall(env(), shop.terminal, { qr: await qrOf(env(), e), bill: bill(10) });
    assert.equal(paidE.body.credential, 'ecard');
    const card = await settleCall(env(), shop.terminal, {
      card: { number: h.cardNumber, pin: h.pin },
      bill: bill(5),
    });
    assert.equal(card.status, 201, card.raw);
    assert.equal(card.body.credential, 'card');

    // Above the no-PIN limit the e-SSC's own payment PIN is asked, and a wrong one counts against the e-SSC.
    const big = await settleCall(env(), shop.terminal, { qr: await esscQr(h.person.token), bill: bill(600) });
    assert.equal(big.status, 422, big.raw);
    assert.equal(big.body.error.code, 'payment_pin_required');
    const wrong = await settleCall(env(), shop.terminal, {
      qr: await esscQr(h.person.token),
      bill: bill(600),
      paymentPin: '000000',
    });
    assert.equal(wrong.body.error.code, 'wrong_pin');
    const failures = await env().db.query<{ n: number }>(
      'select payment_pin_failures as n from esscs where id = $1',
      [h.esscId],
    );
    assert.equal(failures.rows[0]!.n, 1);
    const right = await settleCall(env(), shop.terminal, {
      qr: await esscQr(h.person.token),
      bill: bill(600),
      paymentPin: PAYMENT_PIN,
    });
    assert.equal(right.status, 201, right.raw);

    const day = await get(`/v1/terminal/reconciliation?date=${paid.body.businessDate}`, shop.terminal);
    assert.equal(day.status, 200, day.raw);
    assert.deepEqual(day.body.settlements.byCredential, { ecard: 1, essc: 2, card: 1 });
    const mine = await get('/v1/me/settlements', h.person.token);
    assert.ok(mine.body.settlements.some((s: any) => s.credential === 'essc'));
    await invariants(env());
  });

  test('the cash share by social security card bank account: link, pay, receipt, reconciliation, refund', async () => {
    const shop = await createTill(env());
    const h = await esscHolder(1_000); // 10 yuan in the account: the rest of a 50-yuan bill is the cash share
    const token = await esscQr(h.person.token);
    const before = await dbState();
    const none = await settleCall(env(), shop.terminal, {
      qr: token,
      bill: bill(50),
      cashBy: 'bank_account',
    });
    assert.equal(none.status, 422, none.raw);
    assert.equal(none.body.error.code, 'bank_account_required');
    assert.equal(await dbState(), before, 'the database is unchanged');

    const bad = await call(env().app, 'POST', '/v1/me/essc/bank-account', {
      token: h.person.token,
      body: { bank: 'icbc', accountNumber: '6222021234567890123' },
    });
    assert.equal(bad.status, 422, bad.raw);
    assert.equal(bad.body.error.code, 'invalid_bank_account');
    const link = await call(env().app, 'POST', '/v1/me/essc/bank-account', {
      token: h.person.token,
      body: { bank: 'icbc', accountNumber: ACCOUNT },
    });
    assert.equal(link.status, 200, link.raw);
    assert.equal(link.body.bankAccount.bank, 'icbc');
    assert.equal(link.body.bankAccount.accountMasked, '6222 **** 0128');
    assert.ok(!link.raw.includes(ACCOUNT), 'never in clear');
    assert.ok(link.body.history.some((e: any) => e.event === 'bank_account_linked'));

    const paid = await settleCall(env(), shop.terminal, {
      qr: await esscQr(h.person.token),
      bill: bill(50),
      cashBy: 'bank_account',
    });
    assert.equal(paid.status, 201, paid.raw);
    assert.equal(paid.body.result.totals.accountPaid, 1000);
    assert.equal(paid.body.result.totals.cashPaid, 4000);
    assert.equal(paid.body.cashMethod, 'bank_account');
    assert.deepEqual(paid.body.bankInstruction, {
      bank: 'icbc',
      accountMasked: '6222 **** 0128',
      amount: 4000,
      refunded: 0,
      status: 'instructed',
    });
    assert.ok(!paid.raw.includes(ACCOUNT));

    const receipt = await call(
      env().app,
      'GET',
      `/v1/terminal/settlements/${paid.body.id}/receipt?format=text`,
      {
        token: shop.terminal,
      },
    );
    assert.equal(receipt.status, 200, receipt.raw);
    assert.match(receipt.raw, /^凭证 +电子社保卡$/m);
    assert.match(receipt.raw, /社保卡银行账户 +40\.00$/m);
    assert.match(receipt.raw, /6222 \*\*\*\* 0128/);

    const day = await get(`/v1/terminal/reconciliation?date=${paid.body.businessDate}`, shop.terminal);
    assert.deepEqual(day.body.settlements.byMethod, { cash: 0, bankAccount: 4000 });

    const refund = await call(env().app, 'POST', `/v1/terminal/settlements/${paid.body.id}/refunds`, {
      token: shop.terminal,
      body: { lines: [0], reason: 'returned' },
      headers: { 'idempotency-key': `refund-${paid.body.id}` },
    });
    assert.equal(refund.status, 201, refund.raw);
    const after = await get(`/v1/terminal/settlements/${paid.body.id}`, shop.terminal);
    assert.equal(after.body.bankInstruction.status, 'cancelled');
    assert.equal(after.body.bankInstruction.refunded, 4000);
    const day2 = await get(`/v1/terminal/reconciliation?date=${paid.body.businessDate}`, shop.terminal);
    assert.deepEqual(day2.body.refunds.byMethod, { cash: 0, bankAccount: 4000 });

    // A partial refund reduces what the bank instruction still asks for; it stays instructed.
    const two = await settleCall(env(), shop.terminal, {
      qr: await esscQr(h.person.token),
      bill: { setting: 'outpatient', items: [item('A1', 20), item('A2', 30)] },
      cashBy: 'bank_account',
    });
    assert.equal(two.status, 201, two.raw);
    assert.equal(two.body.bankInstruction.amount, two.body.result.totals.cashPaid);
    const lineCash = two.body.result.lines[0].personal.cash;
    assert.ok(lineCash > 0 && lineCash < two.body.bankInstruction.amount);
    const part = await call(env().app, 'POST', `/v1/terminal/settlements/${two.body.id}/refunds`, {
      token: shop.terminal,
      body: { lines: [0], reason: 'returned' },
      headers: { 'idempotency-key': `refund-${two.body.id}` },
    });
    assert.equal(part.status, 201, part.raw);
    const partly = await get(`/v1/terminal/settlements/${two.body.id}`, shop.terminal);
    assert.deepEqual(
      [partly.body.bankInstruction.refunded, partly.body.bankInstruction.status],
      [lineCash, 'instructed'],
    );
    await invariants(env());
  });

  test('a loss report stops the e-SSC QR code and its bank payments; the replacement card brings them back', async () => {
    const shop = await createTill(env());
    const h = await esscHolder(1_000);
    const link = await call(env().app, 'POST', '/v1/me/essc/bank-account', {
      token: h.person.token,
      body: { bank: 'ccb', accountNumber: ACCOUNT },
    });
    assert.equal(link.status, 200, link.raw);
    const shown = await esscQr(h.person.token);
    assert.equal((await post(`/v1/me/cards/${h.cardId}/report-loss`, h.person.token)).status, 200);

    const scan = await post('/v1/terminal/scan', shop.terminal, { qr: shown });
    assert.equal(scan.status, 422, scan.raw);
    assert.equal(scan.body.error.code, 'qr_card_frozen');
    const pay = await settleCall(env(), shop.terminal, { qr: shown, bill: bill(5) });
    assert.equal(pay.body.error.code, 'qr_card_frozen');
    const qr = await get('/v1/me/essc/qr', h.person.token);
    assert.equal(qr.body.error.code, 'essc_suspended');

    const rep = await post(`/v1/staff/cards/${h.cardId}/replace`, h.staff.token, {
      idChecked: true,
      pin: '112233',
    });
    assert.equal(rep.status, 200, rep.raw);
    const mine = await get('/v1/me/essc', h.person.token);
    assert.equal(mine.body.status, 'active');
    assert.equal(mine.body.physicalCard.id, rep.body.card.id);
    assert.equal(mine.body.bankAccount.bank, 'ccb', 'the bank account moves with it');
    const paid = await settleCall(env(), shop.terminal, {
      qr: await esscQr(h.person.token),
      bill: bill(20),
      cashBy: 'bank_account',
    });
    assert.equal(paid.status, 201, paid.raw);
    assert.equal(paid.body.bankInstruction.amount, 1000);
    await invariants(env());
  });
});
