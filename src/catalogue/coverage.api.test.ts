import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  countRows,
  createStaff,
  createTill,
  depositTo,
  item,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';

const yuan = (y: number) => Math.round(y * 100);

interface Line {
  code: string;
  name: string;
  serviceType: string;
  rule: string;
  amount: number;
  fund: number;
  outOfCatalogue: number;
  overLimit: number;
  selfPayFirst: number;
  withoutApproval: number;
  policyScope: number;
}

/** An insured person with money in the account and the year's outpatient threshold already passed. */
async function insured(env: TestEnv) {
  const p = await activeEcard(env);
  await depositTo(env, p.personId, yuan(100_000));
  await env.db.query(
    `insert into person_year_accumulators (person_id, year, inpatient_deductible_paid, outpatient_eligible_spent, fund_paid)
     values ($1, 2026, 0, 1200000, 0)`,
    [p.personId],
  );
  return p;
}

forEachStore('settlement resolves each bill line from the agency’s data', (env) => {
  const settle = async (
    till: { terminal: string },
    p: { token: string; paymentPin: string },
    bill: object,
  ) => {
    const r = await settleCall(env(), till.terminal, {
      qr: await qrOf(env(), p),
      bill,
      paymentPin: p.paymentPin,
    });
    assert.equal(r.status, 201, r.raw);
    return r.body as {
      id: string;
      catalogueVersion: number;
      result: { lines: Line[]; totals: Record<string, number> };
      national: Record<string, number>;
    };
  };
  const approve = (staff: string, personId: string, body: object) =>
    call(env().app, 'POST', `/v1/staff/persons/${personId}/approvals`, {
      token: staff,
      body: { validFrom: '2026-01-01', validTo: '2026-12-31', ...body },
    });

  test('class, price limit and self-pay-first come from the catalogue entry the item code is mapped to', async () => {
    const shop = await createTill(env());
    const p = await insured(env());
    const s = await settle(shop, p, {
      setting: 'outpatient',
      items: [
        item('A1', 100),
        item('CLASS-B-20', 100),
        item('CLASS-C', 30),
        item('LIMITED', 25, { quantity: 2 }),
        item('OWN-UNMAPPED', 40),
      ],
    });
    const [a, b, c, limited, unmapped] = s.result.lines;
    // Class A: all of it in scope; the outpatient ratio (70 %) of it from the fund.
    assert.deepEqual([a!.rule, a!.policyScope, a!.fund], ['outpatient', yuan(100), yuan(70)]);
    // Class B at the entry's own 20 %: 20 yuan self-paid first, 70 % of the rest from the fund.
    assert.deepEqual([b!.selfPayFirst, b!.policyScope, b!.fund], [yuan(20), yuan(80), yuan(56)]);
    // Class C: wholly the person's.
    assert.deepEqual([c!.rule, c!.outOfCatalogue, c!.fund], ['class_c', yuan(30), 0]);
    // 25 yuan a unit against a 10-yuan limit: 2 × 15 yuan over the limit, never the fund's.
    assert.deepEqual(
      [limited!.overLimit, limited!.policyScope, limited!.fund],
      [yuan(30), yuan(20), yuan(14)],
    );
    // No approved mapping: out of catalogue.
    assert.deepEqual([unmapped!.rule, unmapped!.outOfCatalogue], ['out_of_catalogue', yuan(40)]);
    // The national figures come from that data.
    assert.equal(s.national.fulamt_ownpay_amt, yuan(70));
    assert.equal(s.national.overlmt_selfpay, yuan(30));
    assert.equal(s.national.preselfpay_amt, yuan(20));
    assert.equal(s.national.inscp_scp_amt, yuan(200));
    // The version resolved against is recorded, on the answer and in the store.
    assert.ok(s.catalogueVersion >= 1);
    const stored = await env().db.query<{ catalogue_version: number }>(
      'select catalogue_version from settlements where id = $1',
      [s.id],
    );
    assert.equal(stored.rows[0]!.catalogue_version, s.catalogueVersion);
    // The person's record shows the same figures.
    const mine = await call(env().app, 'GET', '/v1/me/settlements', { token: p.token });
    assert.equal(mine.status, 200, mine.raw);
    const record = mine.body.settlements.find((x: { id: string }) => x.id === s.id);
    assert.equal(record.result.totals.overLimit, yuan(30));
    assert.equal(record.catalogueVersion, s.catalogueVersion);
  });

  test('a till that declares coverage is refused with 400 and nothing is written', async () => {
    const shop = await createTill(env());
    const p = await insured(env());
    const before = await countRows(env(), 'settlements');
    for (const field of ['catalogue', 'category', 'serviceType', 'approvalRef', 'domesticReferencePrice']) {
      const value = field === 'domesticReferencePrice' ? 100 : field === 'catalogue' ? 'in' : 'A';
      const r = await settleCall(env(), shop.terminal, {
        qr: await qrOf(env(), p),
        bill: { setting: 'outpatient', items: [item('A1', 10), { ...item('OWN-X', 99), [field]: value }] },
      });
      assert.equal(r.status, 400, r.raw);
      assert.equal(r.body.error.code, 'coverage_declared');
      assert.equal(r.body.error.details.field, `bill.items.1.${field}`);
    }
    assert.equal(await countRows(env(), 'settlements'), before);
  });

  test('a mapping counts once the agency approves it; an item of another institution’s mapping does not', async () => {
    const staff = await createStaff(env());
    const shop = await createTill(env());
    const p = await insured(env());
    const bill = { setting: 'outpatient', items: [item('MY-AMOX', 20)] };
    const asked = await call(env().app, 'POST', '/v1/institution/catalogue-mappings', {
      token: shop.staffToken,
      body: { itemCode: 'MY-AMOX', catalogueCode: 'A1' },
    });
    assert.equal(asked.status, 201, asked.raw);
    const pending = await settle(shop, p, bill);
    assert.equal(pending.result.lines[0]!.rule, 'out_of_catalogue', 'a pending mapping decides nothing');
    const decided = await call(env().app, 'POST', `/v1/staff/catalogue-mappings/${asked.body.id}/decision`, {
      token: staff.token,
      body: { approve: true },
    });
    assert.equal(decided.status, 200, decided.raw);
    const approved = await settle(shop, p, bill);
    assert.deepEqual(
      [approved.result.lines[0]!.rule, approved.result.lines[0]!.fund],
      ['outpatient', yuan(14)],
    );
    // The price list shows the mapping and the entry it names.
    const list = await call(env().app, 'POST', '/v1/institution/price-list', {
      token: shop.staffToken,
      body: { code: 'MY-AMOX', name: '阿莫西林', unitPrice: 2_000 },
    });
    assert.equal(list.status, 201, list.raw);
    assert.deepEqual(
      [list.body.mapping.catalogueCode, list.body.mapping.status, list.body.mapping.class],
      ['A1', 'approved', 'A'],
    );
    const elsewhere = await createTill(env());
    const other = await settle(elsewhere, p, bill);
    assert.equal(other.result.lines[0]!.rule, 'out_of_catalogue');
  });

  test('special items need the person’s approval in force at the institution; restrictions hold', async () => {
    const staff = (await createStaff(env())).token;
    const hospital = await createTill(env(), { kind: 'hospital' });
    const other = await createTill(env(), { kind: 'hospital' });
    const p = await insured(env());
    const exam = { setting: 'outpatient', items: [item('CT', 500)] };
    const stent = { setting: 'inpatient', items: [item('STENT', 20_000)] };
    const dialysis = { setting: 'outpatient', specialOutpatient: 'dialysis', items: [item('DIALYSIS', 400)] };

    // Without approvals: the exam, the stent above the material limit and the dialysis are the person's.
    const none = await Promise.all([exam, stent, dialysis].map((b) => settle(hospital, p, b)));
    for (const s of none) {
      assert.equal(s.result.lines[0]!.rule, 'approval_missing', JSON.stringify(s.result.lines[0]));
      assert.equal(s.result.lines[0]!.fund, 0);
    }

    for (const body of [
      { kind: 'large_equipment', subject: 'CT', institutionCode: hospital.code },
      { kind: 'special_material', subject: 'STENT', domesticReferencePrice: yuan(15_000) },
      { kind: 'special_outpatient', subject: 'dialysis' },
    ]) {
      const r = await approve(staff, p.personId, body);
      assert.equal(r.status, 201, r.raw);
    }
    const [ct, material, dial] = await Promise.all(
      [exam, stent, dialysis].map((b) => settle(hospital, p, b)),
    );
    assert.deepEqual([ct!.result.lines[0]!.rule, ct!.result.lines[0]!.fund], ['large_equipment', yuan(400)]);
    // 90 % of the 15,000-yuan domestic reference price.
    assert.deepEqual(
      [material!.result.lines[0]!.rule, material!.result.lines[0]!.fund],
      ['special_material_domestic', yuan(13_500)],
    );
    assert.deepEqual(
      [dial!.result.lines[0]!.rule, dial!.result.lines[0]!.fund],
      ['special_outpatient', yuan(360)],
    );

    // The exam's approval names the hospital: elsewhere it is missing.
    const elsewhere = await settle(other, p, exam);
    assert.equal(elsewhere.result.lines[0]!.rule, 'approval_missing');

    // Restricted items outside their restriction: dialysis on an ordinary visit, a bed on an outpatient bill.
    const ordinary = await settle(hospital, p, {
      setting: 'outpatient',
      items: [item('DIALYSIS', 400), item('BED', 80)],
    });
    assert.deepEqual(
      ordinary.result.lines.map((l) => [l.rule, l.outOfCatalogue]),
      [
        ['restricted', yuan(400)],
        ['restricted', yuan(80)],
      ],
    );
    const inpatient = await settle(hospital, p, { setting: 'inpatient', items: [item('BED', 80)] });
    assert.equal(inpatient.result.lines[0]!.rule, 'inpatient');
  });

  test('a new catalogue version decides from its date; settlements record the version they used', async () => {
    const shop = await createTill(env());
    const p = await insured(env());
    const bill = { setting: 'outpatient', items: [item('K', 50)] };
    const today = await settle(shop, p, bill);
    assert.equal(today.result.lines[0]!.overLimit, 0);
    const tomorrow = '2026-06-16';
    const load = await call(
      env().app,
      'POST',
      `/v1/admin/catalogue/drug?region=demo&effectiveFrom=${tomorrow}`,
      {
        token: env().adminToken,
        payload: 'code,name,class,price_limit\nK,药品K,A,2000\nA1,药品A1,B,',
        headers: { 'content-type': 'text/csv' },
      },
    );
    assert.equal(load.status, 201, load.raw);
    const again = await settle(shop, p, bill);
    assert.equal(again.catalogueVersion, today.catalogueVersion, 'not before its date');
    env().clock.advance(24 * 3600);
    const p2 = await insured(env());
    const next = await settle(shop, p2, bill);
    assert.equal(next.catalogueVersion, load.body.version);
    assert.equal(next.result.lines[0]!.overLimit, yuan(30));
  });
});
