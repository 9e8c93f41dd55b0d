import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addItem, billOf, billTotal, coverageOf, fundMayPay, overLimitOf, parseQuantity } from './bill.ts';
import { attemptKeys } from './attempt.ts';
import type { PriceItem, PriceItemMapping } from './types.ts';

/** An item mapped and approved, class A without a price limit, unless `mapping` says otherwise. */
const price = (
  code: string,
  unitPrice: number,
  mapping: Partial<PriceItemMapping> | null = {},
): PriceItem => ({
  id: `id-${code}`,
  code,
  name: `item ${code}`,
  unit: '盒',
  unitPrice,
  mapping: mapping && {
    catalogueCode: `CAT-${code}`,
    status: 'approved',
    catalogueName: `catalogue ${code}`,
    class: 'A',
    priceLimit: null,
    ...mapping,
  },
  updatedAt: '2026-01-01T00:00:00Z',
});

test('adding the same item again raises its quantity; the total is exact fen', () => {
  const a = price('A', 2_580);
  const b = price('B', 3_900, null);
  let lines = addItem([], a, 2);
  lines = addItem(lines, b, 1);
  lines = addItem(lines, a, 1);
  assert.deepEqual(
    lines.map((l) => [l.item.code, l.quantity]),
    [
      ['A', 3],
      ['B', 1],
    ],
  );
  assert.equal(billTotal(lines), 3 * 2_580 + 3_900);
  assert.equal(new Set(lines.map((l) => l.key)).size, 2, 'each line has its own key');
});

test('the bill sent to the API names the institution’s items only: code, name, quantity, unit price', () => {
  const lines = addItem(addItem([], price('A', 100), 2), price('C', 50, null), 1);
  const items = [
    { code: 'A', name: 'item A', quantity: 2, unitPrice: 100 },
    { code: 'C', name: 'item C', quantity: 1, unitPrice: 50 },
  ];
  assert.deepEqual(billOf({ setting: 'outpatient', specialOutpatient: null }, lines), {
    setting: 'outpatient',
    items,
  });
  for (const item of billOf({ setting: 'inpatient', specialOutpatient: null }, lines).items)
    assert.deepEqual(
      Object.keys(item).sort(),
      ['code', 'name', 'quantity', 'unitPrice'],
      'no coverage field',
    );
});

test('a special outpatient disease goes with an outpatient visit only', () => {
  const lines = addItem([], price('D', 42_000), 1);
  assert.equal(
    billOf({ setting: 'outpatient', specialOutpatient: 'dialysis' }, lines).specialOutpatient,
    'dialysis',
  );
  assert.equal(
    'specialOutpatient' in billOf({ setting: 'inpatient', specialOutpatient: 'dialysis' }, lines),
    false,
  );
  assert.equal(
    'specialOutpatient' in billOf({ setting: 'outpatient', specialOutpatient: null }, lines),
    false,
  );
});

test('an item’s coverage is what its mapping says: the class in force, or out of catalogue and why', () => {
  assert.deepEqual(coverageOf(price('A', 100, { class: 'B', priceLimit: 80 })), {
    kind: 'class',
    class: 'B',
    priceLimit: 80,
  });
  assert.deepEqual(coverageOf(price('U', 100, null)), { kind: 'unmapped' });
  assert.deepEqual(coverageOf(price('P', 100, { status: 'pending', class: null, catalogueName: null })), {
    kind: 'pending',
  });
  assert.deepEqual(coverageOf(price('R', 100, { status: 'rejected', class: null, catalogueName: null })), {
    kind: 'rejected',
  });
  // Approved, but the catalogue code has no entry in force today.
  assert.deepEqual(coverageOf(price('L', 100, { class: null, catalogueName: null })), { kind: 'lapsed' });
  assert.equal(fundMayPay(coverageOf(price('A', 100))), true);
  assert.equal(fundMayPay(coverageOf(price('C', 100, { class: 'C' }))), false);
  assert.equal(fundMayPay(coverageOf(price('P', 100, { status: 'pending' }))), false);
  assert.equal(fundMayPay(coverageOf(price('U', 100, null))), false);
});

test('the part above the price limit is the unit price’s excess times the quantity, for class A and B only', () => {
  const [metformin] = addItem([], price('M', 3_260, { class: 'B', priceLimit: 3_000 }), 2);
  assert.equal(overLimitOf(metformin!), 2 * 260);
  const [within] = addItem([], price('W', 2_580, { priceLimit: 3_000 }), 3);
  assert.equal(overLimitOf(within!), 0);
  const [noLimit] = addItem([], price('N', 9_999), 1);
  assert.equal(overLimitOf(noLimit!), 0);
  // Class C and out-of-catalogue items are wholly the person's: no over-limit part of their own.
  const [classC] = addItem([], price('C', 5_000, { class: 'C', priceLimit: 1_000 }), 1);
  assert.equal(overLimitOf(classC!), 0);
  const [pending] = addItem([], price('P', 5_000, { status: 'pending', priceLimit: 1_000 }), 1);
  assert.equal(overLimitOf(pending!), 0);
});

test('quantities are whole numbers from 1 to 100,000', () => {
  assert.equal(parseQuantity('3'), 3);
  assert.equal(parseQuantity(' 100000 '), 100_000);
  for (const bad of ['', '0', '-1', '1.5', '100001', 'abc', '1e3'])
    assert.equal(parseQuantity(bad), null, bad);
});

test('one idempotency key per attempt: the same request keeps its key, a changed one gets a new key', () => {
  const keys = attemptKeys();
  const first = keys.keyFor('bill-1');
  assert.equal(keys.keyFor('bill-1'), first, 'a retry reuses the key');
  const second = keys.keyFor('bill-2');
  assert.notEqual(second, first);
  keys.reset();
  assert.notEqual(keys.keyFor('bill-2'), second, 'after a success the next attempt is new');
});
