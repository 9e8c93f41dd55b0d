/** Today's date in Beijing (YYYY-MM-DD), the business date settlements are counted under (UTC+8, no DST). */
export function todayInBeijing(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
