import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { todayInBeijing } from './dates.ts';

test('todayInBeijing is the calendar date in Asia/Shanghai, on either side of Beijing midnight', () => {
  const beijing = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
  assert.equal(todayInBeijing(new Date('2026-12-01T15:59:59.999Z')), '2026-12-01');
  assert.equal(todayInBeijing(new Date('2026-12-01T16:00:00Z')), '2026-12-02');
  fc.assert(
    fc.property(
      fc.date({ min: new Date('1992-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }),
      (d) => {
        assert.equal(todayInBeijing(d), beijing.format(d));
      },
    ),
  );
});

test('beijingDateTime and beijingTimeOfDay show Beijing time whatever the process time zone', async () => {
  const { beijingDateTime, beijingTimeOfDay } = await import('./dates.ts');
  assert.equal(beijingDateTime('2026-12-01T16:30:00Z'), '2026-12-02 00:30');
  assert.equal(beijingTimeOfDay('2026-12-01T16:30:05Z'), '00:30:05');
  assert.equal(beijingDateTime('not a date'), 'not a date');
});
