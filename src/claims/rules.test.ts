import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { flagLine, inSample, type LineContext, type ReviewedLine } from './rules.ts';

const line = (fields: Partial<ReviewedLine> = {}): ReviewedLine => ({
  index: 0,
  catalogueCode: 'X1',
  quantity: 1,
  unitPrice: 1_000,
  fund: 500,
  ...fields,
});
const ctx = (fields: Partial<LineContext> = {}): LineContext => ({
  entry: { priceLimit: null, restrictions: {} },
  dayQuantity: 1,
  dayInstitutions: 1,
  ...fields,
});
const woman40 = { gender: 'female' as const, age: 40 };
const reasons = (flags: ReturnType<typeof flagLine>) => flags.map((f) => f.reason);

test('an unrestricted line within its limits raises nothing', () => {
  assert.deepEqual(flagLine(line(), ctx(), woman40, 'outpatient'), []);
});

test('each rule flags what it names, with its parameters', () => {
  const r = (
    restrictions: object,
    more: Partial<LineContext> = {},
    setting: 'inpatient' | 'outpatient' = 'outpatient',
  ) => flagLine(line(), ctx({ entry: { priceLimit: null, restrictions }, ...more }), woman40, setting);
  assert.deepEqual(r({ maxDaily: 2 }, { dayQuantity: 3 })[0], {
    line: 0,
    reason: 'quantity_above_daily_limit',
    params: { code: 'X1', limit: 2, quantity: 3 },
  });
  assert.deepEqual(reasons(r({ maxDaily: 3 }, { dayQuantity: 3 })), [], 'at the limit is fine');
  assert.deepEqual(reasons(r({}, { dayInstitutions: 2 })), ['same_item_two_institutions']);
  assert.deepEqual(reasons(r({ gender: 'male' })), ['restricted_gender']);
  assert.deepEqual(reasons(r({ gender: 'female' })), []);
  assert.deepEqual(r({ ageMin: 0, ageMax: 14 })[0]!.params, { code: 'X1', min: 0, max: 14, age: 40 });
  assert.deepEqual(reasons(r({ ageMin: 18, ageMax: 60 })), []);
  assert.deepEqual(reasons(r({ setting: 'inpatient' })), ['restricted_setting']);
  assert.deepEqual(reasons(r({ setting: 'inpatient' }, {}, 'inpatient')), []);
  assert.deepEqual(
    flagLine(
      line({ unitPrice: 1_200 }),
      ctx({ entry: { priceLimit: 1_000, restrictions: {} } }),
      woman40,
      'outpatient',
    )[0]!.params,
    { code: 'X1', limit: 1_000, unitPrice: 1_200 },
  );
  // Several at once, in a stable order.
  assert.deepEqual(
    reasons(r({ maxDaily: 1, gender: 'male', setting: 'inpatient' }, { dayQuantity: 2, dayInstitutions: 2 })),
    ['quantity_above_daily_limit', 'same_item_two_institutions', 'restricted_gender', 'restricted_setting'],
  );
});

test('only what the fund paid for is reviewed, and only items mapped to the catalogue', () => {
  const bad = ctx({ entry: { priceLimit: 1, restrictions: { gender: 'male' } }, dayInstitutions: 3 });
  assert.deepEqual(flagLine(line({ fund: 0 }), bad, woman40, 'outpatient'), []);
  assert.deepEqual(flagLine(line(), ctx({ entry: null, dayInstitutions: 3 }), woman40, 'outpatient'), []);
  assert.deepEqual(flagLine(line({ catalogueCode: null }), bad, woman40, 'outpatient'), []);
});

test('the sample: a random share is reproducible and about its size; a fund floor keeps the large ones', () => {
  const hash = (id: string) => Number.parseInt(id.slice(-2), 16) % 100;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 100 }), (n, percent) => {
      const s = { id: `s-${n.toString(16).padStart(2, '0')}`, fund: n };
      assert.equal(inSample(s, { percent }, hash), hash(s.id) < percent);
      assert.equal(inSample(s, { minFund: 100 }, hash), n >= 100);
      assert.equal(inSample(s, {}, hash), true);
    }),
  );
});
