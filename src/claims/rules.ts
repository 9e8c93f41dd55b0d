/**
 * The agency's review rules over settled claims: pure. Given a settled line resolved against the catalogue
 * (through the institution's approved mapping) and what the person had billed that day, each rule either
 * flags the line with a stable reason code and its parameters or says nothing. Flags never block a till:
 * they are the agency's after-the-fact audit. Only lines the pooled fund paid for are flagged: the review is
 * about the fund's money.
 */
import type { Restrictions } from '../catalogue/rows.ts';
import { text, type Text } from '../i18n/index.ts';

export const FLAG_REASONS = [
  'quantity_above_daily_limit',
  'same_item_two_institutions',
  'restricted_gender',
  'restricted_age',
  'restricted_setting',
  'price_above_limit',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export interface ReviewedLine {
  index: number;
  catalogueCode: string | null;
  quantity: number;
  unitPrice: number;
  fund: number;
}

export interface LineContext {
  /** The catalogue entry the line's item maps to, in force on the day; null when it maps to none. */
  entry: { priceLimit: number | null; restrictions: Restrictions } | null;
  /** Units of the same catalogue item the person was settled for that day, everywhere, this line included. */
  dayQuantity: number;
  /** Institutions that settled the same catalogue item for the person that day, this one included. */
  dayInstitutions: number;
}

export interface Flag {
  line: number;
  reason: FlagReason;
  /** Parameters of the reason's text (`claim.<reason>`); words are Texts, rendered per reader. */
  params: Record<string, string | number | Text>;
}

/** The flags of one line. */
export function flagLine(
  line: ReviewedLine,
  ctx: LineContext,
  person: { gender: 'male' | 'female'; age: number },
  setting: 'inpatient' | 'outpatient',
): Flag[] {
  if (line.fund <= 0 || !ctx.entry || !line.catalogueCode) return [];
  const flags: Flag[] = [];
  const flag = (reason: FlagReason, params: Flag['params']) =>
    flags.push({ line: line.index, reason, params });
  const r = ctx.entry.restrictions;
  const code = line.catalogueCode;
  if (r.maxDaily !== undefined && ctx.dayQuantity > r.maxDaily)
    flag('quantity_above_daily_limit', { code, limit: r.maxDaily, quantity: ctx.dayQuantity });
  if (ctx.dayInstitutions > 1)
    flag('same_item_two_institutions', { code, institutions: ctx.dayInstitutions });
  if (r.gender !== undefined && r.gender !== person.gender)
    flag('restricted_gender', { code, gender: text(`claim.gender_${r.gender}`) });
  if ((r.ageMin !== undefined && person.age < r.ageMin) || (r.ageMax !== undefined && person.age > r.ageMax))
    flag('restricted_age', { code, min: r.ageMin ?? 0, max: r.ageMax ?? 150, age: person.age });
  if (r.setting !== undefined && r.setting !== setting)
    flag('restricted_setting', { code, setting: text(`service.${r.setting}`) });
  if (ctx.entry.priceLimit !== null && line.unitPrice > ctx.entry.priceLimit)
    flag('price_above_limit', { code, limit: ctx.entry.priceLimit, unitPrice: line.unitPrice });
  return flags;
}

/**
 * A reproducible sample of settlements for review: `percent` of them chosen by a hash of their id and the
 * day (the same list gives the same sample), or those whose fund share is at least `minFund`.
 */
export function inSample(
  s: { id: string; fund: number },
  sample: { percent?: number; minFund?: number },
  hashPercent: (id: string) => number,
): boolean {
  if (sample.minFund !== undefined && s.fund < sample.minFund) return false;
  if (sample.percent !== undefined && hashPercent(s.id) >= sample.percent) return false;
  return true;
}
