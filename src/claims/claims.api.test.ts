import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
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
import { checkIdNumber } from '../people/id-number.ts';

forEachStore(
  'the review of settled claims',
  (env) => {
    test('the rules flag a day’s settled lines after the fact; staff review a sample and decide once', async () => {
      const staff = await createStaff(env());
      const a = await createTill(env());
      const b = await createTill(env());
      const p = await activeEcard(env());
      await depositTo(env(), p.personId, 100_000);
      const id = checkIdNumber(p.idNumber);
      assert.ok(id.ok);
      const other = id.info.gender === 'male' ? 'female' : 'male';
      // The catalogue, and both institutions' own codes mapped to it and approved.
      const catalogue = [
        'code,name,class,price_limit,restrictions',
        'XGEN,限性别,A,,gender=' + other,
        'XDAY,限量,A,,max_daily=2',
        'XLIM,限价,A,1000,',
        'XINP,限住院,A,,setting=inpatient',
        'XOK,普通,A,,',
      ].join('\n');
      const imported = await call(env().app, 'POST', '/v1/admin/catalogue/drug?region=demo', {
        token: env().adminToken,
        payload: catalogue,
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(imported.status, 201, imported.raw);
      for (const inst of [a, b])
        for (const code of ['XGEN', 'XDAY', 'XLIM', 'XINP', 'XOK']) {
          const m = await call(env().app, 'POST', '/v1/institution/catalogue-mappings', {
            token: inst.staffToken,
            body: { itemCode: `OWN-${code}`, catalogueCode: code },
          });
          await call(env().app, 'POST', `/v1/staff/catalogue-mappings/${m.body.id}/decision`, {
            token: staff.token,
            body: { approve: true },
          });
        }
      // Past the outpatient threshold, so that the fund pays its share of each line.
      await env().db.query(
        `insert into person_year_accumulators (person_id, year, inpatient_deductible_paid, outpatient_eligible_spent, fund_paid)
       values ($1, 2026, 0, 1200000, 0)
       on conflict (person_id, year) do update set outpatient_eligible_spent = 1200000`,
        [p.personId],
      );
      const settle = async (till: typeof a, codes: Array<[string, number, number]>) => {
        const r = await settleCall(env(), till.terminal, {
          qr: await qrOf(env(), p),
          pin: p.paymentPin,
          bill: {
            setting: 'outpatient',
            items: codes.map(([code, quantity, yuanPrice]) => ({
              ...item(`OWN-${code}`, yuanPrice),
              quantity,
            })),
          },
        });
        assert.equal(r.status, 201, r.raw);
        return r.body.id as string;
      };
      const first = await settle(a, [
        ['XGEN', 1, 10],
        ['XDAY', 2, 5],
        ['XLIM', 1, 12],
        ['XINP', 1, 8],
        ['XOK', 1, 9],
      ]);
      const second = await settle(b, [['XDAY', 1, 5]]);
      const clean = await settle(a, [['XOK', 1, 9]]);

      const run = (date: string) =>
        call(env().app, 'POST', '/v1/staff/claims/review-runs', { token: staff.token, body: { date } });
      const r1 = await run('2026-06-15');
      assert.equal(r1.status, 200, r1.raw);
      assert.equal(r1.body.settlements, 3);
      assert.equal((await run('2026-06-15')).body.flags, 0, 'a second run adds nothing');
      assert.equal((await run('2026-06-14')).body.settlements, 0);

      const list = async (query = '') => {
        const r = await call(env().app, 'GET', `/v1/staff/claims?date=2026-06-15${query}`, {
          token: staff.token,
        });
        assert.equal(r.status, 200, r.raw);
        return r.body.claims as Array<{
          settlementId: string;
          maskedName: string;
          fund: number;
          flags: Array<{ line: number; reason: string; text: string }>;
          review: unknown;
        }>;
      };
      const claims = await list();
      const byId = new Map(claims.map((c) => [c.settlementId, c]));
      assert.ok(!byId.has(clean), 'a settlement without a flag is not in the queue');
      assert.deepEqual(
        byId.get(first)!.flags.map((f) => [f.line, f.reason]),
        [
          [0, 'restricted_gender'],
          [1, 'quantity_above_daily_limit'],
          [1, 'same_item_two_institutions'],
          [2, 'price_above_limit'],
        ],
      );
      assert.deepEqual(
        byId.get(second)!.flags.map((f) => f.reason),
        ['quantity_above_daily_limit', 'same_item_two_institutions'],
      );
      const texts = byId.get(first)!.flags.map((f) => f.text);
      assert.ok(texts.includes('XLIM 单价 12.00 元，高于目录限价 10.00 元'), texts.join(' | '));
      // The inpatient-only item on an outpatient bill was already the person's at the till: nothing to flag.
      const settled = await call(env().app, 'GET', `/v1/terminal/settlements/${first}`, {
        token: a.terminal,
      });
      assert.deepEqual(
        [settled.body.result.lines[3].rule, settled.body.result.lines[3].fund],
        ['restricted', 0],
      );
      assert.ok(!byId.get(first)!.maskedName.includes(p.name.slice(1)), 'names are masked');
      const english = await call(env().app, 'GET', '/v1/staff/claims?date=2026-06-15', {
        token: staff.token,
        headers: { 'accept-language': 'en' },
      });
      assert.ok(
        english.body.claims
          .flatMap((c: { flags: Array<{ text: string }> }) => c.flags.map((f) => f.text))
          .includes('XDAY: 3 units that day, above the daily limit of 2'),
      );

      // Samples: by fund amount, and a random share that is the same list each time.
      const largest = Math.max(...claims.map((c) => c.fund));
      assert.deepEqual(
        (await list(`&minFund=${largest}`)).map((c) => c.fund),
        [largest],
      );
      assert.deepEqual(await list('&percent=50'), await list('&percent=50'));
      assert.equal((await list('&percent=100')).length, claims.length);

      const decide = (id: string, body: unknown, token = staff.token) =>
        call(env().app, 'POST', `/v1/staff/claims/${id}/decision`, { token, body });
      assert.equal((await decide(first, { outcome: 'recover', note: '限性别项目' })).status, 204);
      assert.equal((await decide(first, { outcome: 'accepted' })).body.error.code, 'claim_already_reviewed');
      assert.equal((await decide(clean, { outcome: 'accepted' })).body.error.code, 'claim_not_found');
      assert.equal((await decide(second, { outcome: 'maybe' })).status, 400);
      assert.equal((await decide(second, { outcome: 'accepted' }, a.staffToken)).status, 403);
      const other440300 = await createStaff(env(), '440300');
      assert.equal(
        (await decide(second, { outcome: 'accepted' }, other440300.token)).status,
        404,
        'another region',
      );
      assert.deepEqual((await list()).find((c) => c.settlementId === first)!.review, {
        outcome: 'recover',
        note: '限性别项目',
        reviewedAt: '2026-06-15T02:00:00.000Z',
      });
      // Flags never touched the money: the settlements stand as they were.
      assert.equal(await countRows(env(), 'refunds'), 0);
    });
  },
  {},
  // Its own catalogue from an empty one.
  { testCatalogue: false },
);
