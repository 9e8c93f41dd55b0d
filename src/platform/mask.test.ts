import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskIdNumbersIn, maskName, maskPhone } from './mask.ts';

test('ID numbers keep the first and last four characters', () => {
  assert.equal(maskIdNumber('44030119900101123X'), '4403**********123X');
});

test('names keep their first character only', () => {
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName('欧阳娜娜'), '欧***');
  assert.equal(maskName('李'), '*');
});

test('phones keep the first three and last four digits', () => {
  assert.equal(maskPhone('13800138000'), '138****8000');
});

test('ID numbers inside free text are masked', () => {
  assert.equal(maskIdNumbersIn('GET /x?id=11010519491231002X&y=1'), 'GET /x?id=1101**********002X&y=1');
  assert.equal(maskIdNumbersIn('no id here 12345'), 'no id here 12345');
});
