import { test } from 'node:test';
import assert from 'node:assert/strict';
import { businessDate, businessMonth, businessYear } from './business-date.ts';

test('the business date is the Beijing (UTC+8) calendar date, at both sides of Beijing midnight', () => {
  assert.equal(businessDate(new Date('2026-06-15T15:59:59.999Z')), '2026-06-15');
  assert.equal(businessDate(new Date('2026-06-15T16:00:00Z')), '2026-06-16');
  // 23:30 UTC is 07:30 the next morning in Beijing; 00:30 Beijing is 16:30 UTC the day before.
  assert.equal(businessDate(new Date('2026-06-15T23:30:00Z')), '2026-06-16');
  assert.equal(businessDate(new Date('2026-06-15T16:30:00Z')), '2026-06-16');
  assert.equal(businessDate(new Date('2026-06-15T00:30:00Z')), '2026-06-15');
});

test('month and year follow the Beijing date across month and year ends', () => {
  const newYear = new Date('2026-12-31T16:30:00Z'); // 00:30 on 1 January 2027 in Beijing
  assert.equal(businessDate(newYear), '2027-01-01');
  assert.equal(businessMonth(newYear), '2027-01');
  assert.equal(businessYear(newYear), 2027);
  const lastEvening = new Date('2026-12-31T15:30:00Z'); // 23:30 on 31 December in Beijing
  assert.equal(businessMonth(lastEvening), '2026-12');
  assert.equal(businessYear(lastEvening), 2026);
  assert.equal(businessDate(new Date('2028-02-28T16:00:00Z')), '2028-02-29', 'leap day');
});
