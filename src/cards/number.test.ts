import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CARD_NUMBER, formatCardNumber, maskCardNumber } from './number.ts';

test('card numbers: 2-character region prefix + 7-character base-36 serial', () => {
  assert.equal(formatCardNumber('440300', 1), '440000001');
  assert.equal(formatCardNumber('demo', 36), 'DE0000010');
  assert.equal(formatCardNumber('x', 35), 'X0000000Z');
  assert.equal(formatCardNumber('demo', 36 ** 7 - 1), 'DEZZZZZZZ');
  assert.throws(() => formatCardNumber('demo', 36 ** 7), RangeError);
  for (const n of [1, 999, 123456789]) assert.match(formatCardNumber('440300', n), CARD_NUMBER);
});

test('masked card numbers keep only the last 4 characters', () => {
  assert.equal(maskCardNumber('DE0000123'), '*****0123');
  assert.equal(maskCardNumber('123'), '123');
});
