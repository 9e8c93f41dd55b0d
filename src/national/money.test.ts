import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fenToYuan, ratio4, wholeCount, yuanToFen } from './money.ts';

test('yuan on the wire converts exactly to fen', () => {
  assert.equal(yuanToFen('12.30'), 1230);
  assert.equal(yuanToFen('12.3'), 1230);
  assert.equal(yuanToFen('12'), 1200);
  assert.equal(yuanToFen(0.1), 10);
  assert.equal(yuanToFen(19.99), 1999);
  assert.equal(yuanToFen(1.15), 115, '1.15 × 100 is 114.99999999999999 in floating point');
  assert.equal(yuanToFen('-0.05'), -5);
  assert.equal(yuanToFen('0.00'), 0);
  assert.equal(yuanToFen('90071992547409.91'), Number.MAX_SAFE_INTEGER);
  assert.equal(yuanToFen('99999999999999.99'), null, 'beyond the safe integers');
});

test('more than two decimals, exponents and non-numbers are refused', () => {
  for (const bad of [
    '1.005',
    '1e3',
    1e21,
    'abc',
    '',
    ' ',
    NaN,
    Infinity,
    null,
    undefined,
    {},
    0.1 + 0.2,
    '1,00',
  ])
    assert.equal(yuanToFen(bad), null, String(bad));
});

test('fen go back out as yuan with two decimals', () => {
  assert.equal(fenToYuan(1230), '12.30');
  assert.equal(fenToYuan(5), '0.05');
  assert.equal(fenToYuan(0), '0.00');
  assert.equal(fenToYuan(-105), '-1.05');
  for (let fen = 0; fen < 2000; fen += 7) assert.equal(yuanToFen(fenToYuan(fen)), fen);
  assert.throws(() => fenToYuan(1.5));
});

test('counts are whole', () => {
  assert.equal(wholeCount(2), 2);
  assert.equal(wholeCount('3.00'), 3);
  assert.equal(wholeCount(0.5), null);
  assert.equal(wholeCount(0), null);
});

test('ratio4: part of whole with four decimals, half up, by integers', () => {
  assert.equal(ratio4(9, 10), '0.9000');
  assert.equal(ratio4(1, 3), '0.3333');
  assert.equal(ratio4(2, 3), '0.6667');
  assert.equal(ratio4(1, 20_000), '0.0001');
  assert.equal(ratio4(10, 10), '1.0000');
  assert.equal(ratio4(0, 0), '0.0000');
  assert.equal(ratio4(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), '1.0000');
});
