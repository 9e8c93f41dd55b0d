import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMinorChild, kinshipProblem, KINSHIPS, yearsBetween } from './kinship.ts';

const TODAY = new Date('2026-06-15T00:00:00Z');

describe('kinship plausibility', () => {
  test('years between birth dates count whole years, with the birthday boundary', () => {
    assert.equal(yearsBetween('1960-06-15', '1974-06-15'), 14);
    assert.equal(yearsBetween('1960-06-16', '1974-06-15'), 13);
    assert.equal(yearsBetween('1974-06-15', '1960-06-15'), -14);
  });

  test('parent and child: at least 14 years apart, in the right direction, exactly at the boundary', () => {
    assert.equal(kinshipProblem('parent', '1990-01-01', '1976-01-01', TODAY), null);
    assert.match(kinshipProblem('parent', '1990-01-01', '1976-01-02', TODAY)!, /14 years older/);
    assert.match(
      kinshipProblem('parent', '1976-01-01', '1990-01-01', TODAY)!,
      /older/,
      'a parent younger than the binder',
    );
    assert.equal(kinshipProblem('child', '1976-01-01', '1990-01-01', TODAY), null);
    assert.match(kinshipProblem('child', '1976-01-02', '1990-01-01', TODAY)!, /younger/);
    assert.match(kinshipProblem('child', '1990-01-01', '1976-01-01', TODAY)!, /younger/);
  });

  test('grandparent and grandchild: at least 28 years apart', () => {
    assert.equal(kinshipProblem('grandparent', '2000-03-01', '1972-03-01', TODAY), null);
    assert.ok(kinshipProblem('grandparent', '2000-03-01', '1972-03-02', TODAY));
    assert.equal(kinshipProblem('grandchild', '1972-03-01', '2000-03-01', TODAY), null);
    assert.ok(kinshipProblem('grandchild', '1972-03-02', '2000-03-01', TODAY));
  });

  test('spouses are both adults today; siblings have no age rule', () => {
    assert.equal(kinshipProblem('spouse', '1990-01-01', '1992-05-05', TODAY), null);
    assert.ok(kinshipProblem('spouse', '1990-01-01', '2008-06-16', TODAY), '17 years old tomorrow 18');
    assert.equal(kinshipProblem('spouse', '1990-01-01', '2008-06-15', TODAY), null, '18 today');
    for (const [a, b] of [
      ['1950-01-01', '2020-01-01'],
      ['2020-01-01', '1950-01-01'],
    ]) {
      assert.equal(kinshipProblem('sibling', a!, b!, TODAY), null);
    }
  });

  test('every kinship is handled', () => {
    for (const k of KINSHIPS) assert.doesNotThrow(() => kinshipProblem(k, '1980-01-01', '1980-01-01', TODAY));
  });

  test('a minor child is a child under 18 today', () => {
    assert.equal(isMinorChild('child', '2008-06-16', TODAY), true);
    assert.equal(isMinorChild('child', '2008-06-15', TODAY), false);
    assert.equal(isMinorChild('grandchild', '2015-01-01', TODAY), false);
  });
});
