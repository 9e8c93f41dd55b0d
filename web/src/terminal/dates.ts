/** Today's date in Beijing (YYYY-MM-DD), the business date settlements are counted under. */
export const beijingToday = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
