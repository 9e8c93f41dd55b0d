import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  countRows,
  createStaff,
  depositTo,
  issuedCard,
  item,
  newKey,
  qrOf,
  registerPerson,
  settleCall,
  createTill,
} from '../../test/support/factories.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from './check.ts';

const yuan = (y: number) => Math.round(y * 100);

async function insured(
  env: TestEnv,
  balanceYuan: number,
  opts: { employee?: boolean; retired?: boolean } = {},
) {
  const p = await activeEcard(env);
  if (balanceYuan > 0) await depositTo(env, p.personId, yuan(balanceYuan));
  if (opts.employee || opts.retired) {
    await env.db.query(`update persons set insurance_type = 'employee', retired = $2 where id = $1`, [
      p.personId,
      opts.retired ?? false,
    ]);
  }
  return p;
}

async function balanceOf(env: TestEnv, token: string): Promise<number> {
  return (await call(env.app, 'GET', '/v1/me/account', { token })).body.balance;
}

async function invariants(env: TestEnv) {
  const l = await checkLedger(env.db);
  const s = await checkSettlements(env.db);
  assert.deepEqual([...l.problems, ...s.problems], []);
}

forEachStore('real-time settlement', (env) => {
  test('a pharmacy settles an outpatient bill from a scanned QR code; the account pays; a receipt prints; the person sees it', async () => {
    const shop = await createTill(env());
    const p = await insured(env(), 1000);
    const bill = {
      setting: 'outpatient',
      items: [item('A1', 45.5, { quantity: 2 }), item('X9', 20)],
    };
    const r = await settleCall(env(), shop.terminal, { qr: await qrOf(env(), p), bill });
    assert.equal(r.status, 201, r.raw);
    const t = r.body.result.totals;
    assert.equal(t.total, yuan(111));
    assert.equal(t.fund, 0, 'below the outpatient threshold the fund pays nothing');
    assert.equal(t.accountPaid, yuan(111));
    assert.equal(t.cashPaid, 0);
    assert.equal(t.outOfCatalogue, yuan(20));
    assert.equal(r.body.national.acct_pay, yuan(111));
    assert.equal(r.body.national.balc, yuan(889));
    assert.match(r.body.person.maskedIdNumber, /^\d{4}\*{10}\w{4}$/);
    assert.ok(!r.raw.includes(p.idNumber) && !r.raw.includes(p.name), 'the terminal sees masked data only');
    assert.equal(await balanceOf(env(), p.token), yuan(889));
    const own = await call(env().app, 'GET', '/v1/me/account', { token: p.token });
    assert.deepEqual([own.body.movements[0].kind, own.body.movements[0].onBehalfOf], ['settlement', 'self']);
    assert.equal(own.body.movements[1].onBehalfOf, null, 'a deposit is on no one’s behalf');

    const receipt = await call(env().app, 'GET', `/v1/terminal/settlements/${r.body.id}/receipt`, {
      token: shop.terminal,
    });
    assert.equal(receipt.status, 200);
    const lines = receipt.raw.trimEnd().split('\n');
    for (const line of lines) assert.ok(stringWidth(line) <= 32, `"${line}" is ${stringWidth(line)} columns`);
    assert.ok(lines.some((l) => /合计\s+111\.00$/.test(l)));
    assert.ok(lines.some((l) => /个人账户支付\s+111\.00$/.test(l)));
    const english = await call(env().app, 'GET', `/v1/terminal/settlements/${r.body.id}/receipt`, {
      token: shop.terminal,
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    assert.match(english.raw, /^Own account\s+111\.00$/m, 'the receipt follows Accept-Language');
    const html = await call(env().app, 'GET', `/v1/terminal/settlements/${r.body.id}/receipt?format=html`, {
      token: shop.terminal,
    });
    assert.match(String(html.headers['content-type']), /text\/html/);
    assert.match(html.raw, /@page \{ size: 58mm auto/);

    const mine = await call(env().app, 'GET', '/v1/me/settlements', { token: p.token });
    assert.equal(mine.body.settlements[0].id, r.body.id);
    assert.equal(mine.body.settlements[0].result.totals.accountPaid, yuan(111));
    await invariants(env());
  });

  test('a QR code pays once: a second use is refused as a replay, an expired one as expired', async () => {
    const shop = await createTill(env());
    const p = await insured(env(), 100);
    const qr = await qrOf(env(), p);
    const bill = { setting: 'outpatient', items: [item('A1', 10)] };
    assert.equal((await settleCall(env(), shop.terminal, { qr, bill })).status, 201);
    const again = await settleCall(env(), shop.terminal, { qr, bill });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'qr_replayed');
    const old = await qrOf(env(), p);
    env().clock.advance(120);
    const expired = await settleCall(env(), shop.terminal, { qr: old, bill });
    assert.equal(expired.body.error.code, 'qr_expired');
    env().clock.advance(-120);
    assert.equal(await balanceOf(env(), p.token), yuan(90));
  });

  test('idempotency: a retry returns the first settlement and moves nothing; another body with the key is refused', async () => {
    const shop = await createTill(env());
    const p = await insured(env(), 100);
    const body = { qr: await qrOf(env(), p), bill: { setting: 'outpatient', items: [item('A1', 30)] } };
    const key = newKey();
    const first = await settleCall(env(), shop.terminal, body, key);
    const before = { s: await countRows(env(), 'settlements'), e: await countRows(env(), 'ledger_entries') };
    const second = await settleCall(env(), shop.terminal, body, key);
    assert.equal(second.status, 201);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.deepEqual(second.body, first.body);
    assert.deepEqual(
      { s: await countRows(env(), 'settlements'), e: await countRows(env(), 'ledger_entries') },
      before,
    );
    assert.equal(await balanceOf(env(), p.token), yuan(70));
    const other = await settleCall(
      env(),
      shop.terminal,
      { ...body, bill: { setting: 'outpatient', items: [item('A1', 31)] } },
      key,
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_key_mismatch');
    const noKey = await settleCall(env(), shop.terminal, { qr: await qrOf(env(), p), bill: body.bill }, null);
    assert.equal(noKey.body.error.code, 'idempotency_key_required');
  });

  test('an estimate computes without moving money or consuming the token', async () => {
    const shop = await createTill(env());
    const p = await insured(env(), 100);
    const qr = await qrOf(env(), p);
    const bill = { setting: 'outpatient', items: [item('A1', 30)] };
    const before = await countRows(env(), 'ledger_entries');
    const est = await settleCall(env(), shop.terminal, { qr, bill, estimate: true }, null);
    assert.equal(est.status, 200, est.raw);
    assert.equal(est.body.estimate, true);
    assert.equal(est.body.id, null);
    assert.equal(est.body.result.totals.accountPaid, yuan(30));
    assert.equal(await countRows(env(), 'ledger_entries'), before);
    assert.equal(await balanceOf(env(), p.token), yuan(100));
    const real = await settleCall(env(), shop.terminal, { qr, bill });
    assert.equal(real.status, 201, 'the estimated token still pays');
    assert.deepEqual(real.body.result.totals, est.body.result.totals);
  });

  test('DOMAIN.md’s worked example at a hospital: the payment PIN is required above the limit', async () => {
    const hospital = await createTill(env(), { kind: 'hospital' });
    const p = await insured(env(), 5000, { employee: true });
    const bill = { setting: 'inpatient', items: [item('IP', 50_000)] };
    const qr = await qrOf(env(), p);
    const noPin = await settleCall(env(), hospital.terminal, { qr, bill });
    assert.equal(noPin.status, 422);
    assert.equal(noPin.body.error.code, 'payment_pin_required');
    const wrong = await settleCall(env(), hospital.terminal, { qr, bill, paymentPin: '000000' });
    assert.equal(wrong.body.error.code, 'wrong_pin');
    const r = await settleCall(env(), hospital.terminal, { qr, bill, paymentPin: p.paymentPin });
    assert.equal(r.status, 201, r.raw);
    const t = r.body.result.totals;
    assert.equal(t.deductiblePaid, yuan(12_000));
    assert.equal(t.fund, yuan(34_200));
    assert.equal(t.person, yuan(15_800));
    assert.equal(t.accountPaid, yuan(5_000));
    assert.equal(t.cashPaid, yuan(10_800));
    assert.equal(t.accountBalanceAfter, 0);
    assert.deepEqual(r.body.result.newAccumulators, {
      inpatientDeductiblePaid: yuan(12_000),
      outpatientEligibleSpent: 0,
      fundPaid: yuan(34_200),
    });
    assert.ok(r.body.result.explanations.some((e: string) => e.includes('12,000.00')));
    await invariants(env());
  });

  test('family mutual aid: a child with an empty account pays from the parent’s', async () => {
    const shop = await createTill(env());
    const parent = await insured(env(), 300);
    const child = await insured(env(), 0);
    await env().db.query(`update persons set birth_date = '1980-01-01' where id = $1`, [parent.personId]);
    await env().db.query(`update persons set birth_date = '2016-01-01' where id = $1`, [child.personId]);
    const bind = await call(env().app, 'POST', '/v1/me/family', {
      token: parent.token,
      body: {
        relatives: [
          {
            idNumber: child.idNumber,
            name: child.name,
            kinship: 'child',
            mutualAid: true,
            cardDisplay: true,
          },
        ],
      },
    });
    assert.equal(bind.body.bound, 1, bind.raw);
    // The parent shows the child's code from their own phone.
    const qr = await qrOf(env(), parent, child.personId);
    const r = await settleCall(env(), shop.terminal, {
      qr,
      bill: { setting: 'outpatient', items: [item('C1', 80)] },
    });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.result.totals.relativeAccountPaid, yuan(80));
    assert.equal(r.body.national.acct_mulaid_pay, yuan(80));
    assert.equal(r.body.relativePaid, true);
    assert.equal(await balanceOf(env(), parent.token), yuan(220));
    const moves = await call(env().app, 'GET', '/v1/me/account', { token: parent.token });
    assert.equal(moves.body.movements[0].onBehalfOf, 'relative', 'the parent sees family mutual aid out');
    assert.equal(moves.body.movements[0].amount, -yuan(80));
    const off = await settleCall(env(), shop.terminal, {
      qr: await qrOf(env(), parent, child.personId),
      bill: { setting: 'outpatient', items: [item('C2', 10)] },
      familyAccount: false,
    });
    assert.equal(off.body.result.totals.cashPaid, yuan(10), 'without family account the share is cash');
    await invariants(env());
  });

  test('refunds by line then in whole reverse the ledger and the accumulators exactly, once', async () => {
    const hospital = await createTill(env(), { kind: 'hospital' });
    const p = await insured(env(), 20_000, { employee: true });
    const bill = {
      setting: 'inpatient',
      items: [item('I1', 10_000), item('I2', 6_000), item('O1', 50)],
    };
    const s = await settleCall(env(), hospital.terminal, {
      qr: await qrOf(env(), p),
      bill,
      paymentPin: p.paymentPin,
    });
    assert.equal(s.status, 201, s.raw);
    const afterSettle = await balanceOf(env(), p.token);
    const acc = async () =>
      (
        await env().db.query(
          'select inpatient_deductible_paid as d, fund_paid as f from person_year_accumulators where person_id = $1',
          [p.personId],
        )
      ).rows[0];
    const refundCall = (body: unknown, key = newKey()) =>
      call(env().app, 'POST', `/v1/terminal/settlements/${s.body.id}/refunds`, {
        token: hospital.terminal,
        body,
        headers: { 'idempotency-key': key },
      });
    const key = newKey();
    const r1 = await refundCall({ lines: [1], reason: 'returned' }, key);
    assert.equal(r1.status, 201, r1.raw);
    assert.equal(r1.body.settlementStatus, 'partially_refunded');
    const line1 = s.body.result.lines[1];
    assert.equal(r1.body.total, line1.amount);
    assert.equal(r1.body.fund, line1.fund);
    assert.deepEqual(
      (await refundCall({ lines: [1], reason: 'returned' }, key)).body,
      r1.body,
      'a retry replays',
    );
    const twice = await refundCall({ lines: [1], reason: 'again' });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'already_refunded');
    assert.equal((await refundCall({ lines: [7], reason: 'nope' })).body.error.code, 'unknown_line');
    const r2 = await refundCall({ reason: 'all the rest' });
    assert.equal(r2.status, 201, r2.raw);
    assert.deepEqual(r2.body.lines, [0, 2]);
    assert.equal(r2.body.settlementStatus, 'refunded');
    assert.deepEqual(await acc(), { d: 0, f: 0 }, 'accumulators back to zero');
    assert.equal(await balanceOf(env(), p.token), yuan(20_000), 'the account got everything back');
    assert.ok(afterSettle < yuan(20_000));
    assert.equal((await refundCall({ reason: 'third time' })).body.error.code, 'already_refunded');
    const receipt = await call(env().app, 'GET', `/v1/terminal/settlements/${s.body.id}/receipt`, {
      token: hospital.terminal,
    });
    assert.match(receipt.raw, /\*\* 已退费 \*\*/);
    await invariants(env());
  });

  test('a physical card: the chip PIN pays, the first settlement activates the card, three wrong PINs lock it', async () => {
    const shop = await createTill(env(), { acceptsEcard: false });
    const card = await issuedCard(env());
    await depositTo(env(), card.person.personId, yuan(50));
    const bill = { setting: 'outpatient', items: [item('A1', 12)] };
    const r = await settleCall(env(), shop.terminal, {
      card: { number: card.cardNumber, pin: card.pin },
      bill,
    });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.cardActivated, true);
    assert.equal(r.body.method, 'card');
    const cardRow = await env().db.query<{ status: string }>('select status from cards where id = $1', [
      card.cardId,
    ]);
    assert.equal(cardRow.rows[0]!.status, 'active');
    const wrongs = [];
    for (let i = 0; i < 3; i++)
      wrongs.push(
        (await settleCall(env(), shop.terminal, { card: { number: card.cardNumber, pin: '999999' }, bill }))
          .body.error.code,
      );
    assert.deepEqual(wrongs, ['wrong_pin', 'wrong_pin', 'pin_locked']);
    const locked = await settleCall(env(), shop.terminal, {
      card: { number: card.cardNumber, pin: card.pin },
      bill,
    });
    assert.equal(locked.body.error.code, 'pin_locked');
  });

  test('an institution that does not accept the e-card refuses QR codes; bad bills are clear 4xx', async () => {
    const shop = await createTill(env(), { acceptsEcard: false });
    const p = await insured(env(), 10);
    const r = await settleCall(env(), shop.terminal, {
      qr: await qrOf(env(), p),
      bill: { setting: 'outpatient', items: [item('A', 1)] },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'ecard_not_accepted');
    const good = await createTill(env());
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ bill: { setting: 'outpatient', items: [item('A', 1)] } }, 400, 'payer_required'],
      [{ qr: 'YB1:garbage', bill: { setting: 'outpatient', items: [item('A', 1)] } }, 400, 'qr_malformed'],
      [{ qr: await qrOf(env(), p), bill: { setting: 'outpatient', items: [] } }, 400, 'validation_failed'],
      [
        { qr: await qrOf(env(), p), bill: { setting: 'outpatient', items: [item('A', 1, { quantity: 0 })] } },
        400,
        'validation_failed',
      ],
      [
        {
          qr: await qrOf(env(), p),
          // A till may no longer say what the fund covers.
          bill: { setting: 'outpatient', items: [{ ...item('A', 1), serviceType: 'inpatient' }] },
        },
        400,
        'coverage_declared',
      ],
    ];
    const before = await countRows(env(), 'settlements');
    for (const [body, status, code] of cases) {
      const x = await settleCall(env(), good.terminal, body);
      assert.equal(x.status, status, x.raw);
      assert.equal(x.body.error.code, code);
    }
    assert.equal(await countRows(env(), 'settlements'), before);
  });

  test('isolation: another institution cannot read, print or refund; only terminals settle', async () => {
    const a = await createTill(env());
    const b = await createTill(env());
    const p = await insured(env(), 50);
    const s = await settleCall(env(), a.terminal, {
      qr: await qrOf(env(), p),
      bill: { setting: 'outpatient', items: [item('A', 5)] },
    });
    for (const url of [
      `/v1/terminal/settlements/${s.body.id}`,
      `/v1/terminal/settlements/${s.body.id}/receipt`,
    ]) {
      assert.equal((await call(env().app, 'GET', url, { token: b.terminal })).status, 404, url);
    }
    const refund = await call(env().app, 'POST', `/v1/terminal/settlements/${s.body.id}/refunds`, {
      token: b.terminal,
      body: { reason: 'not mine' },
      headers: { 'idempotency-key': newKey() },
    });
    assert.equal(refund.status, 404);
    const stranger = await registerPerson(env());
    assert.equal(
      (await call(env().app, 'GET', '/v1/me/settlements', { token: stranger.token })).body.settlements.length,
      0,
    );
    assert.equal(
      (await settleCall(env(), p.token, { qr: 'x', bill: { setting: 'outpatient', items: [item('A', 1)] } }))
        .status,
      403,
    );
  });

  test('daily reconciliation, and the agency pays the day’s total once', async () => {
    const shop = await createTill(env());
    const p = await insured(env(), 500);
    for (const y of [10, 20])
      await settleCall(env(), shop.terminal, {
        qr: await qrOf(env(), p),
        bill: { setting: 'outpatient', items: [item('A', y)] },
      });
    const day = await call(env().app, 'GET', '/v1/terminal/reconciliation', { token: shop.terminal });
    assert.equal(day.status, 200, day.raw);
    assert.equal(day.body.settlements.count, 2);
    assert.equal(day.body.owedByAgency, yuan(30));
    assert.equal(day.body.paid, null);
    const staff = await createStaff(env(), 'demo');
    const pay = await call(env().app, 'POST', `/v1/staff/institutions/${shop.institutionId}/payments`, {
      token: staff.token,
      body: { date: day.body.businessDate },
    });
    assert.equal(pay.status, 201, pay.raw);
    assert.equal(pay.body.paid.amount, yuan(30));
    const again = await call(env().app, 'POST', `/v1/staff/institutions/${shop.institutionId}/payments`, {
      token: staff.token,
      body: { date: day.body.businessDate },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_paid');
    const far = await createStaff(env(), '440300');
    assert.equal(
      (
        await call(
          env().app,
          'GET',
          `/v1/staff/institutions/${shop.institutionId}/reconciliation?date=${day.body.businessDate}`,
          { token: far.token },
        )
      ).status,
      404,
    );
    await invariants(env());
  });

  test('concurrent settlements for one person never overdraw the account nor pass the ceiling', async () => {
    const a = await createTill(env());
    const b = await createTill(env());
    const p = await insured(env(), 100);
    const tokens = await Promise.all(Array.from({ length: 16 }, () => qrOf(env(), p)));
    const results = await Promise.all(
      tokens.map((qr, i) =>
        settleCall(env(), i % 2 ? a.terminal : b.terminal, {
          qr,
          bill: { setting: 'outpatient', items: [item('A', 9)] },
        }),
      ),
    );
    assert.ok(
      results.every((r) => r.status === 201),
      results.map((r) => r.raw).join('\n'),
    );
    const paid = results.reduce((s, r) => s + r.body.result.totals.accountPaid, 0);
    const cash = results.reduce((s, r) => s + r.body.result.totals.cashPaid, 0);
    assert.equal(paid, yuan(100), 'the account paid exactly what it held');
    assert.equal(cash, yuan(16 * 9 - 100));
    assert.equal(await balanceOf(env(), p.token), 0);
    await invariants(env());
  });

  test('concurrent settlements of many people at two institutions share the fund and receivables without deadlock', async () => {
    // Every settlement locks the region's pooled fund and patient cash and its institution's receivable and
    // cash inside its one write (ascending id, as post does), alongside refunds of earlier ones.
    const a = await createTill(env());
    const b = await createTill(env(), { kind: 'hospital' });
    const people = await Promise.all(Array.from({ length: 6 }, () => insured(env(), 300)));
    const first = await Promise.all(
      people.map(async (p, i) =>
        settleCall(env(), i % 2 ? a.terminal : b.terminal, {
          qr: await qrOf(env(), p),
          bill: { setting: 'outpatient', items: [item('A', 20), item('OUT-B', 5)] },
        }),
      ),
    );
    assert.ok(
      first.every((r) => r.status === 201),
      first.map((r) => r.raw).join('\n'),
    );
    const second = await Promise.all([
      ...people.map(async (p, i) =>
        settleCall(env(), i % 2 ? b.terminal : a.terminal, {
          qr: await qrOf(env(), p),
          bill: { setting: 'outpatient', items: [item('C', 30)] },
        }),
      ),
      ...first.map((r, i) =>
        call(env().app, 'POST', `/v1/terminal/settlements/${r.body.id}/refunds`, {
          token: i % 2 ? a.terminal : b.terminal,
          body: { reason: 'returned' },
          headers: { 'idempotency-key': newKey() },
        }),
      ),
    ]);
    assert.ok(
      second.every((r) => r.status === 201),
      second.map((r) => r.raw).join('\n'),
    );
    for (const p of people) assert.equal(await balanceOf(env(), p.token), yuan(300 - 30));
    await invariants(env());
  });
});
