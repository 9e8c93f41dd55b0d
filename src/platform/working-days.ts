/**
 * A pure working-day calendar: Saturdays, Sundays and the configured public holidays are not working
 * days. Dates are `YYYY-MM-DD` strings and all arithmetic is done on UTC midnights, so no time zone or
 * daylight-saving shift can move a date.
 */

/** Mainland China's 2026 public holidays (State Council schedule), the default of `YIBAO_PUBLIC_HOLIDAYS`. */
export const DEFAULT_PUBLIC_HOLIDAYS_2026: readonly string[] = [
  '2026-01-01',
  '2026-01-02',
  '2026-01-03',
  '2026-02-15',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-02-21',
  '2026-02-22',
  '2026-02-23',
  '2026-04-04',
  '2026-04-05',
  '2026-04-06',
  '2026-05-01',
  '2026-05-02',
  '2026-05-03',
  '2026-05-04',
  '2026-05-05',
  '2026-06-19',
  '2026-06-20',
  '2026-06-21',
  '2026-09-25',
  '2026-09-26',
  '2026-09-27',
  '2026-10-01',
  '2026-10-02',
  '2026-10-03',
  '2026-10-04',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07',
];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function toMs(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // eslint-disable-next-line no-restricted-syntax -- calendar arithmetic on UTC-midnight instants, not "today"
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`No such date: ${date}`);
  return ms;
}

// eslint-disable-next-line no-restricted-syntax -- calendar arithmetic on UTC-midnight instants, not "today"
const fromMs = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Parses a comma-separated holiday list (`2026-10-01,2026-10-02`), ignoring blanks;
 * throws a RangeError naming the first entry that is not a real date.
 */
export function parseHolidayList(raw: string): string[] {
  const out = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const d of out) toMs(d);
  return [...new Set(out)].sort();
}

/** A calendar over a set of public holidays. */
export class WorkingDayCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: Iterable<string>) {
    const set = new Set<string>();
    for (const d of holidays) {
      toMs(d);
      set.add(d);
    }
    this.holidays = set;
  }

  isWeekend(date: string): boolean {
    const dow = new Date(toMs(date)).getUTCDay();
    return dow === 0 || dow === 6;
  }

  isHoliday(date: string): boolean {
    toMs(date);
    return this.holidays.has(date);
  }

  isWorkingDay(date: string): boolean {
    return !this.isWeekend(date) && !this.isHoliday(date);
  }

  /**
   * The date `n` working days after `date` (`date` itself never counts, whether or not it is a
   * working day). `n = 0` returns `date` unchanged.
   *
   * @example new WorkingDayCalendar([]).addWorkingDays('2026-06-12', 3) // Friday → '2026-06-17' (Wednesday)
   */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
    let ms = toMs(date);
    let left = n;
    // A year has far fewer than 366 consecutive non-working days; this bound only guards a bad list.
    let guard = 0;
    while (left > 0) {
      ms += DAY_MS;
      if (this.isWorkingDay(fromMs(ms))) left--;
      else if (++guard > 366 * 10) throw new RangeError('No working days found: check the holiday list');
    }
    return fromMs(ms);
  }

  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let ms = toMs(from) + DAY_MS, end = toMs(to); ms <= end; ms += DAY_MS) {
      if (this.isWorkingDay(fromMs(ms))) count++;
    }
    return count;
  }
}
