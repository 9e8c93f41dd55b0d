// Yibao's business runs on Beijing time (UTC+8, no daylight saving): a policy's effective date, a
// settlement's business date, an employer's registration date and a contribution month are all Beijing
// calendar values. Taking them from the UTC date is wrong between 00:00 and 08:00 Beijing time, so every
// caller gets them here (ESLint forbids the UTC shortcut elsewhere).

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing calendar date (`YYYY-MM-DD`) at the instant `now`. */
export function businessDate(now: Date): string {
  // eslint-disable-next-line no-restricted-syntax -- the one place the shifted instant is read as a date
  return new Date(now.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Beijing calendar month (`YYYY-MM`) at the instant `now`. */
export function businessMonth(now: Date): string {
  return businessDate(now).slice(0, 7);
}

/** The Beijing calendar year at the instant `now`. */
export function businessYear(now: Date): number {
  return Number(businessDate(now).slice(0, 4));
}
