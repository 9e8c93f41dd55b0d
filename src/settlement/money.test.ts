import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertFen, formatPercent, formatYuan, isFen, mulRatioHalfUp } from './money.ts';

void describe('formatYuan', () => {
  void test('formats fen as yuan with separators and two decimals', () => {
    assert.equal(formatYuan(1_200_000), '12,000.00');
    assert.equal(formatYuan(0), '0.00');
    assert.equal(formatYuan(5), '0.05');
    assert.equal(formatYuan(100), '1.00');
    assert.equal(formatYuan(99_999), '999.99');
    assert.equal(formatYuan(100_000), '1,000.00');
    assert.equal(formatYuan(123_456_789), '1,234,567.89');
    assert.equal(formatYuan(Number.MAX_SAFE_INTEGER), '90,071,992,547,409.91');
  });

  void test('puts a minus sign before negative amounts', () => {
    assert.equal(formatYuan(-1_500), '-15.00');
    assert.equal(formatYuan(-7), '-0.07');
  });

  void test('refuses non-integers and unsafe integers', () => {
    assert.throws(() => formatYuan(1.5), RangeError);
    assert.throws(() => formatYuan(Number.NaN), RangeError);
    assert.throws(() => formatYuan(Number.MAX_SAFE_INTEGER + 1), RangeError);
  });

  void test('round-trips: removing separators and the point gives the fen back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        const text = formatYuan(fen);
        assert.match(text, /^\d{1,3}(,\d{3})*\.\d{2}$/);
        assert.equal(Number(text.replace(/[,.]/g, '')), fen);
      }),
    );
  });
});

void describe('mulRatioHalfUp', () => {
  void test('applies a ratio exactly when there is nothing to round', () => {
    assert.equal(mulRatioHalfUp(3_800_000, 9_000), 3_420_000);
    assert.equal(mulRatioHalfUp(12_000_000, 1_000), 1_200_000);
    assert.equal(mulRatioHalfUp(12_000_000, 40_000), 48_000_000);
    assert.equal(mulRatioHalfUp(12_345, 10_000), 12_345);
    assert.equal(mulRatioHalfUp(12_345, 0), 0);
    assert.equal(mulRatioHalfUp(0, 9_000), 0);
  });

  void test('rounds half-up to the fen', () => {
    assert.equal(mulRatioHalfUp(5, 5_000), 3); // 2.5 → 3
    assert.equal(mulRatioHalfUp(3, 5_000), 2); // 1.5 → 2
    assert.equal(mulRatioHalfUp(5, 7_000), 4); // 3.5 → 4
    assert.equal(mulRatioHalfUp(15, 7_000), 11); // 10.5 → 11
    assert.equal(mulRatioHalfUp(1, 4_999), 0); // 0.4999 → 0
    assert.equal(mulRatioHalfUp(1, 5_000), 1); // 0.5 → 1
    assert.equal(mulRatioHalfUp(1, 9_500), 1); // 0.95 → 1
    assert.equal(mulRatioHalfUp(3, 8_000), 2); // 2.4 → 2
    assert.equal(mulRatioHalfUp(1_005, 5_000), 503); // 502.5 → 503
  });

  void test('stays exact where floating point would not', () => {
    assert.equal(mulRatioHalfUp(Number.MAX_SAFE_INTEGER, 10_000), Number.MAX_SAFE_INTEGER);
    // 9007199254740991 × 0.9999 = 9006298534815516.9009 → 9006298534815517
    assert.equal(mulRatioHalfUp(Number.MAX_SAFE_INTEGER, 9_999), 9_006_298_534_815_517);
  });

  void test('refuses negative, non-integer and unsafe arguments, and an unsafe result', () => {
    assert.throws(() => mulRatioHalfUp(-1, 5_000), RangeError);
    assert.throws(() => mulRatioHalfUp(1, -5_000), RangeError);
    assert.throws(() => mulRatioHalfUp(1.5, 5_000), RangeError);
    assert.throws(() => mulRatioHalfUp(100, 50.5), RangeError);
    assert.throws(() => mulRatioHalfUp(Number.MAX_SAFE_INTEGER + 1, 1), RangeError);
    assert.throws(() => mulRatioHalfUp(Number.MAX_SAFE_INTEGER, 20_000), /beyond the safe integer range/);
  });

  void test('matches a BigInt reference and is within half a fen of the exact value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, bp) => {
          const result = mulRatioHalfUp(amount, bp);
          const exactTimes10000 = BigInt(amount) * BigInt(bp);
          // Half-up: result - 0.5 <= exact < result + 0.5, i.e. 2·exact in [2·result - 1, 2·result + 1).
          const lower = BigInt(result) * 10_000n - 5_000n;
          const upper = BigInt(result) * 10_000n + 5_000n;
          assert.ok(exactTimes10000 >= lower && exactTimes10000 < upper, `${amount} × ${bp}`);
          assert.ok(result <= amount);
        },
      ),
    );
  });
});

void describe('assertFen and isFen', () => {
  void test('accept safe non-negative integers', () => {
    for (const value of [0, 1, 1_200_000, Number.MAX_SAFE_INTEGER]) {
      assert.doesNotThrow(() => assertFen(value));
      assert.equal(isFen(value), true);
    }
  });

  void test('refuse everything else, naming the value', () => {
    for (const value of [
      -1,
      1.5,
      Number.NaN,
      Infinity,
      Number.MAX_SAFE_INTEGER + 1,
      '100',
      null,
      undefined,
    ]) {
      assert.throws(() => assertFen(value, 'unitPrice'), /unitPrice must be a non-negative safe integer/);
      assert.equal(isFen(value), false);
    }
  });
});

void describe('formatPercent', () => {
  void test('formats basis points as a percentage without trailing zeros', () => {
    assert.equal(formatPercent(9_000), '90%');
    assert.equal(formatPercent(9_550), '95.5%');
    assert.equal(formatPercent(9_555), '95.55%');
    assert.equal(formatPercent(5), '0.05%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(10_000), '100%');
  });
});
