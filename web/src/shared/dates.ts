/** Today's date in Beijing (YYYY-MM-DD), the business date settlements are counted under (UTC+8, no DST). */
export function todayInBeijing(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** An instant as its Beijing date and minute (YYYY-MM-DD HH:mm), whatever the browser's own time zone. */
export function beijingDateTime(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** An instant as its Beijing time of day (HH:mm:ss). */
export function beijingTimeOfDay(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 19);
}
