import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCreditCode, CREDIT_CODE_ALPHABET, creditCodeCheckChar, makeCreditCode } from './credit-code.ts';

// Codes printed on real business licences (public registry entries).
const VALID = ['91350100M000100Y43', '91110000802100433B', '91440300708461136T'];

describe('GB 32100 unified social credit codes', () => {
  test('accepts real codes and reads the region', () => {
    for (const code of VALID) assert.equal(checkCreditCode(code).ok, true, code);
    const r = checkCreditCode('91440300708461136T');
    assert.ok(r.ok);
    assert.equal(r.regionCode, '440300');
  });

  test('lower case is normalised', () => {
    const r = checkCreditCode('91350100m000100y43');
    assert.ok(r.ok);
    assert.equal(r.creditCode, '91350100M000100Y43');
  });

  test('every wrong check character is refused', () => {
    let refused = 0;
    for (const code of [...VALID, makeCreditCode('91440300MA5DEM001'), makeCreditCode('12100000400000001')]) {
      for (const c of CREDIT_CODE_ALPHABET) {
        if (c === code[17]) continue;
        const r = checkCreditCode(code.slice(0, 17) + c);
        assert.equal(!r.ok && r.problem, 'check_character', code.slice(0, 17) + c);
        refused++;
      }
    }
    assert.equal(refused, 5 * 30);
  });

  test('the check character covers the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 31 * 31; i++) {
      seen.add(
        creditCodeCheckChar(
          '9144030000000' + CREDIT_CODE_ALPHABET[i % 31]! + CREDIT_CODE_ALPHABET[Math.floor(i / 31)]! + '00',
        ),
      );
    }
    assert.equal(seen.size, 31);
  });

  test('letters outside the alphabet and wrong lengths are format problems', () => {
    for (const bad of [
      '',
      '91350100M000100Y4',
      '91350100M000100Y431',
      '91350100I000100Y43',
      '91350100O000100Y43',
      '91350100S000100Y43',
      '91350100V000100Y43',
      '91350100Z000100Y43',
    ]) {
      const r = checkCreditCode(bad);
      assert.equal(!r.ok && r.problem, 'format', bad);
    }
  });

  test('characters 3-8 must be digits (region code)', () => {
    const r = checkCreditCode(makeCreditCode('9144A300708461136'));
    assert.equal(!r.ok && r.problem, 'region');
  });
});
