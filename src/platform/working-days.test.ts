import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PUBLIC_HOLIDAYS_2026, parseHolidayList, WorkingDayCalendar } from './working-days.ts';
import { loadConfig } from './config.ts';

const plain = new WorkingDayCalendar([]);
const cn2026 = new WorkingDayCalendar(DEFAULT_PUBLIC_HOLIDAYS_2026);

test('weekends: Saturday and Sunday are not working days, Monday to Friday are', () => {
  // 2026-06-15 is a Monday
  const week = [
    '2026-06-15',
    '2026-06-16',
    '2026-06-17',
    '2026-06-18',
    '2026-06-19',
    '2026-06-20',
    '2026-06-21',
  ];
  assert.deepEqual(
    week.map((d) => plain.isWorkingDay(d)),
    [true, true, true, true, true, false, false],
  );
  assert.deepEqual(
    week.map((d) => plain.isWeekend(d)),
    [false, false, false, false, false, true, true],
  );
});

test('3 working days from every day of a plain week', () => {
  const expected: Record<string, string> = {
    '2026-06-15': '2026-06-18', // Mon → Thu
    '2026-06-16': '2026-06-19', // Tue → Fri
    '2026-06-17': '2026-06-22', // Wed → Mon
    '2026-06-18': '2026-06-23', // Thu → Tue
    '2026-06-19': '2026-06-24', // Fri → Wed
    '2026-06-20': '2026-06-24', // Sat → Wed (Mon, Tue, Wed)
    '2026-06-21': '2026-06-24', // Sun → Wed
  };
  for (const [from, to] of Object.entries(expected)) assert.equal(plain.addWorkingDays(from, 3), to, from);
});

test('0 working days is the same date; 1 working day from Friday is Monday', () => {
  assert.equal(plain.addWorkingDays('2026-06-20', 0), '2026-06-20');
  assert.equal(plain.addWorkingDays('2026-06-19', 1), '2026-06-22');
  assert.equal(plain.addWorkingDays('2026-06-19', 5), '2026-06-26');
  assert.equal(plain.addWorkingDays('2026-06-19', 10), '2026-07-03');
});

test('public holidays are skipped', () => {
  const cal = new WorkingDayCalendar(['2026-06-17']);
  assert.equal(cal.isHoliday('2026-06-17'), true);
  assert.equal(cal.isWorkingDay('2026-06-17'), false);
  assert.equal(cal.addWorkingDays('2026-06-15', 3), '2026-06-19', 'Tue, (Wed holiday), Thu, Fri');
  assert.equal(cal.addWorkingDays('2026-06-16', 1), '2026-06-18');
});

test('a holiday on a weekend costs nothing extra', () => {
  const cal = new WorkingDayCalendar(['2026-06-20', '2026-06-21']);
  assert.equal(cal.addWorkingDays('2026-06-18', 3), plain.addWorkingDays('2026-06-18', 3));
  assert.equal(cal.isWeekend('2026-06-20'), true);
  assert.equal(cal.isHoliday('2026-06-20'), true);
});

test('spans across month ends, year ends and leap days', () => {
  assert.equal(plain.addWorkingDays('2026-01-29', 3), '2026-02-03', 'Thu 29 Jan → Tue 3 Feb');
  assert.equal(plain.addWorkingDays('2026-12-30', 3), '2027-01-04', 'Wed 30 Dec → Mon 4 Jan');
  assert.equal(plain.addWorkingDays('2028-02-28', 1), '2028-02-29', 'leap year');
  assert.equal(plain.addWorkingDays('2027-02-26', 1), '2027-03-01', 'no 29 Feb in 2027 (Fri → Mon)');
  const newYear = new WorkingDayCalendar(['2027-01-01']);
  assert.equal(
    newYear.addWorkingDays('2026-12-30', 3),
    '2027-01-05',
    'Thu 31, (Fri 1 holiday), Mon 4, Tue 5',
  );
});

test('2026 national holidays: Golden Week, Spring Festival, Labour Day', () => {
  assert.equal(cn2026.addWorkingDays('2026-09-30', 3), '2026-10-12', 'Oct 1-7 holidays, 10-11 weekend');
  assert.equal(cn2026.addWorkingDays('2026-09-29', 3), '2026-10-09', 'Wed 30 Sep, Thu 8, Fri 9 Oct');
  assert.equal(cn2026.addWorkingDays('2026-02-13', 3), '2026-02-26', 'Spring Festival 15-23 Feb');
  assert.equal(cn2026.addWorkingDays('2026-04-30', 1), '2026-05-06', 'Labour Day 1-5 May');
  assert.equal(cn2026.addWorkingDays('2025-12-31', 1), '2026-01-05', 'New Year 1-3 Jan, 4 Jan Sunday');
  assert.equal(cn2026.isWorkingDay('2026-10-08'), true);
  assert.equal(cn2026.isWorkingDay('2026-06-19'), false, 'Dragon Boat Festival');
});

test('workingDaysBetween counts working days after from up to and including to', () => {
  assert.equal(plain.workingDaysBetween('2026-06-15', '2026-06-15'), 0);
  assert.equal(plain.workingDaysBetween('2026-06-19', '2026-06-24'), 3);
  assert.equal(cn2026.workingDaysBetween('2026-09-30', '2026-10-12'), 3);
  assert.equal(plain.workingDaysBetween('2026-06-24', '2026-06-19'), 0);
});

test('addWorkingDays and workingDaysBetween agree over two years, for every start day and n = 0..10', () => {
  for (let ms = Date.UTC(2025, 11, 1); ms < Date.UTC(2027, 1, 1); ms += 86_400_000) {
    const from = new Date(ms).toISOString().slice(0, 10);
    for (let n = 0; n <= 10; n++) {
      const to = cn2026.addWorkingDays(from, n);
      assert.equal(cn2026.workingDaysBetween(from, to), n, `${from} + ${n}`);
      if (n > 0) assert.equal(cn2026.isWorkingDay(to), true, `${from} + ${n} lands on a working day`);
    }
  }
});

test('bad dates and counts are refused', () => {
  assert.throws(() => plain.addWorkingDays('2026-02-30', 1), RangeError);
  assert.throws(() => plain.addWorkingDays('26-01-01', 1), RangeError);
  assert.throws(() => plain.addWorkingDays('2026-01-01', -1), RangeError);
  assert.throws(() => plain.addWorkingDays('2026-01-01', 1.5), RangeError);
  assert.throws(() => new WorkingDayCalendar(['2026-13-01']), RangeError);
});

test('holiday lists parse from config, with the 2026 default', () => {
  assert.deepEqual(parseHolidayList(' 2026-10-02, 2026-10-01,,2026-10-01 '), ['2026-10-01', '2026-10-02']);
  assert.throws(() => parseHolidayList('2026-10-01,tomorrow'), RangeError);
  assert.deepEqual(loadConfig({}).publicHolidays, [...DEFAULT_PUBLIC_HOLIDAYS_2026]);
  assert.deepEqual(loadConfig({ YIBAO_PUBLIC_HOLIDAYS: '2027-01-01' }).publicHolidays, ['2027-01-01']);
  assert.throws(() => loadConfig({ YIBAO_PUBLIC_HOLIDAYS: '2027-02-30' }), /YIBAO_PUBLIC_HOLIDAYS/);
  assert.equal(DEFAULT_PUBLIC_HOLIDAYS_2026.length, 33);
});
