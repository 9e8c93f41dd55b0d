import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, checkIdNumber, idCheckChar, makeIdNumber, PROVINCE_CODES } from './id-number.ts';

const TODAY = new Date('2026-06-15T00:00:00Z');
// Published specimen numbers: the GB 11643 standard's own example and widely cited samples.
const VALID = [
  '11010519491231002X',
  '440524188001010014',
  '110101199003074477',
  '440308199901011234'.slice(0, 17) + idCheckChar('44030819990101123'),
];
const CHECK_SET = '0123456789X';

describe('GB 11643 ID numbers', () => {
  test('accepts published specimens and derives birth date and gender', () => {
    for (const id of VALID) assert.equal(checkIdNumber(id, TODAY).ok, true, id);
    const r = checkIdNumber('11010519491231002X', TODAY);
    assert.ok(r.ok);
    assert.equal(r.info.birthDate, '1949-12-31');
    assert.equal(r.info.gender, 'female'); // 17th digit 2 is even
    assert.equal(r.info.provinceCode, '11');
    const m = checkIdNumber('440524188001010014', TODAY);
    assert.ok(m.ok);
    assert.equal(m.info.gender, 'male'); // 17th digit 1 is odd
  });

  test('every wrong check character is refused, for many numbers', () => {
    let checked = 0;
    for (let n = 0; n < 300; n++) {
      const id = makeIdNumber(
        `${Object.keys(PROVINCE_CODES)[n % 34]}0101`,
        `19${String(40 + (n % 60)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
        n,
      );
      assert.equal(checkIdNumber(id, TODAY).ok, true, id);
      for (const c of CHECK_SET) {
        if (c === id[17]) continue;
        const r = checkIdNumber(id.slice(0, 17) + c, TODAY);
        assert.equal(r.ok, false);
        assert.equal(!r.ok && r.problem, 'check_character');
        checked++;
      }
    }
    assert.equal(checked, 3000);
  });

  test('the check character follows ISO 7064 MOD 11-2 for every remainder', () => {
    // Vary the last digit of the sequence to walk through all remainders.
    const seen = new Set<string>();
    for (let d = 0; d < 100; d++) seen.add(idCheckChar('1101051949123100' + String(d % 10)));
    for (let d = 0; d < 1000; d++) seen.add(idCheckChar('11010519491231' + String(d).padStart(3, '0')));
    assert.deepEqual([...seen].sort(), [...CHECK_SET].sort());
  });

  test('lower-case x is accepted and normalised', () => {
    const r = checkIdNumber('11010519491231002x', TODAY);
    assert.ok(r.ok);
    assert.equal(r.info.idNumber, '11010519491231002X');
  });

  test('impossible birth dates are refused', () => {
    for (const date of [
      '1990-02-30',
      '1991-02-29',
      '1990-13-01',
      '1990-00-10',
      '1990-04-31',
      '1990-01-00',
      '1799-12-31',
    ]) {
      const id = makeIdNumber('110101', date, 123);
      const r = checkIdNumber(id, TODAY);
      assert.equal(!r.ok && r.problem, 'birth_date', date);
    }
    assert.equal(
      checkIdNumber(makeIdNumber('110101', '2000-02-29', 1), TODAY).ok,
      true,
      'leap day exists in 2000',
    );
  });

  test('a birth date after today is refused; today itself is fine', () => {
    const r = checkIdNumber(makeIdNumber('110101', '2026-06-16', 1), TODAY);
    assert.equal(!r.ok && r.problem, 'birth_date_future');
    assert.equal(checkIdNumber(makeIdNumber('110101', '2026-06-15', 1), TODAY).ok, true);
  });

  test('digits 1-2 must be a GB/T 2260 province code', () => {
    for (const p of [
      '00',
      '10',
      '16',
      '20',
      '24',
      '30',
      '38',
      '39',
      '47',
      '55',
      '60',
      '66',
      '70',
      '72',
      '80',
      '83',
      '99',
    ]) {
      const r = checkIdNumber(makeIdNumber(p + '0101', '1990-01-01', 1), TODAY);
      assert.equal(!r.ok && r.problem, 'province', p);
    }
    for (const p of Object.keys(PROVINCE_CODES))
      assert.ok(checkIdNumber(makeIdNumber(p + '0101', '1990-01-01', 1), TODAY).ok, p);
  });

  test('wrong length or characters are a format problem', () => {
    for (const bad of [
      '',
      '1101051949123100',
      '11010519491231002X1',
      '1101051949123100XX',
      'A1010519491231002X',
      '110105 9491231002X',
      '11010519491231002Y',
    ]) {
      const r = checkIdNumber(bad, TODAY);
      assert.equal(!r.ok && r.problem, 'format', bad);
    }
  });

  test('ageOn counts whole years', () => {
    assert.equal(ageOn('2000-06-15', TODAY), 26);
    assert.equal(ageOn('2000-06-16', TODAY), 25);
    assert.equal(ageOn('2008-06-16', TODAY), 17);
  });
});
