import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addItem, billOf, billTotal, parseQuantity } from './bill.ts';
import { attemptKeys } from './attempt.ts';
import type { PriceItem } from './types.ts';

const price = (code: string, unitPrice: number, extra: Partial<PriceItem> = {}): PriceItem => ({
  id: `id-${code}`,
  code,
  name: `item ${code}`,
  unit: '盒',
  unitPrice,
  catalogue: 'in',
  category: 'A',
  serviceType: 'outpatient',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

test('adding the same item again raises its quantity; the total is exact fen', () => {
  const a = price('A', 2_580);
  const b = price('B', 3_900, { catalogue: 'out', category: null });
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
  // A line whose treatment the cashier changed is kept apart from a new one of the same item.
  const changed = lines.map((l) => (l.item.code === 'A' ? { ...l, serviceType: 'inpatient' as const } : l));
  assert.equal(addItem(changed, a, 1).length, 3);
});

test('the bill sent to the API carries the cashier’s choices, and a category only on catalogue lines', () => {
  const lines = addItem(addItem([], price('A', 100), 2), price('C', 50, { category: 'B' }), 1).map((l) =>
    l.item.code === 'C' ? { ...l, catalogue: 'out' as const } : l,
  );
  assert.deepEqual(billOf('outpatient', lines), {
    setting: 'outpatient',
    items: [
      {
        code: 'A',
        name: 'item A',
        quantity: 2,
        unitPrice: 100,
        catalogue: 'in',
        serviceType: 'outpatient',
        category: 'A',
      },
      { code: 'C', name: 'item C', quantity: 1, unitPrice: 50, catalogue: 'out', serviceType: 'outpatient' },
    ],
  });
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
