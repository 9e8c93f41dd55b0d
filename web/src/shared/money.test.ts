import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatFen, parseYuan } from './money.ts';

test('fen are shown as yuan with two decimals, grouped, signed', () => {
  assert.equal(formatFen(0), '¥0.00');
  assert.equal(formatFen(5), '¥0.05');
  assert.equal(formatFen(3700), '¥37.00');
  assert.equal(formatFen(1_580_000), '¥15,800.00');
  assert.equal(formatFen(-1850), '-¥18.50');
  assert.throws(() => formatFen(1.5));
  assert.throws(() => formatFen(Number.MAX_SAFE_INTEGER + 1));
});

test('typed yuan become exact fen, and anything else is refused', () => {
  assert.equal(parseYuan('18.5'), 1850);
  assert.equal(parseYuan(' 0.05 '), 5);
  assert.equal(parseYuan('1,200'), 120_000);
  assert.equal(parseYuan('12000.99'), 1_200_099);
  for (const bad of ['', '-1', '1.234', '1e3', '0x10', '1,20', '¥5', 'abc', '.5', '5.'])
    assert.equal(parseYuan(bad), null, bad);
});

test('every amount survives formatting and reading back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (fen) => {
      assert.equal(parseYuan(formatFen(fen).slice(1)), fen);
    }),
  );
});
