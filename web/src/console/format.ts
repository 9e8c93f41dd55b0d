/** Plain helpers of the console: units of the policy rules, dates, and the policy form's conversions. */
import { formatFen, parseYuan } from '../shared/money.ts';
import type { PolicyRules } from './types.ts';

/** Basis points shown as a percentage, exactly: 9000 → "90%", 9250 → "92.5%", 5 → "0.05%". */
export function formatBp(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}

/** What a person typed as a percentage ("90", "92.5") in basis points, exactly; null when it is not one. */
export function parsePercent(text: string): number | null {
  return parseYuan(text.replace(/%\s*$/, ''));
}

/** Basis points as the text of a percentage input ("9250" → "92.5"). */
export const bpInput = (bp: number): string => formatBp(bp).slice(0, -1);

/** Fen as the text of a yuan input, without the currency sign or thousands separators. */
const fenInput = (fen: number): string => formatFen(fen).replace(/[¥,]/g, '');

/** An amount given in basis points of the average wage, in fen, rounded half up as the server does. */
export function fenOfWage(wageFen: number, bp: number): number {
  return Number((BigInt(wageFen) * BigInt(bp) + 5000n) / 10000n);
}

/** An instant shown in Beijing time, minutes precision ("2026-12-02 11:20"). */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The editable fields of a policy version, as typed text in the units people read (%, yuan). */
export const POLICY_FIELDS = [
  { path: 'version', unit: 'text' },
  { path: 'averageWageFen', unit: 'yuan' },
  { path: 'fundCeilingBpOfWage', unit: 'percent' },
  { path: 'inpatient.deductibleBpOfWage', unit: 'percent' },
  { path: 'inpatient.fundRatioBp.notRetired', unit: 'percent' },
  { path: 'inpatient.fundRatioBp.retired', unit: 'percent' },
  { path: 'outpatient.thresholdBpOfWage', unit: 'percent' },
  { path: 'outpatient.fundRatioBp', unit: 'percent' },
  { path: 'largeEquipment.fundRatioBp', unit: 'percent' },
  { path: 'specialMaterial.unitPriceLimitFen', unit: 'yuan' },
  { path: 'specialMaterial.domesticFundRatioBp', unit: 'percent' },
  { path: 'specialMaterial.importedFundRatioBp', unit: 'percent' },
  { path: 'specialOutpatient.fundRatioBp', unit: 'percent' },
  { path: 'catalogue.A.selfPayFirstBp', unit: 'percent' },
  { path: 'catalogue.B.selfPayFirstBp', unit: 'percent' },
] as const;
export type PolicyFieldPath = (typeof POLICY_FIELDS)[number]['path'];
export type PolicyDraft = Record<PolicyFieldPath, string>;

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
}

/** The form's texts for a version's rules. */
export function draftOf(rules: PolicyRules): PolicyDraft {
  const draft = {} as PolicyDraft;
  for (const f of POLICY_FIELDS) {
    const v = getPath(rules, f.path);
    draft[f.path] =
      f.unit === 'text' ? String(v) : f.unit === 'yuan' ? fenInput(Number(v)) : bpInput(Number(v));
  }
  return draft;
}

/**
 * The rules the form describes: `base` (the version in force) with every edited field converted back to
 * fen or basis points. Fields that are not a number stay as typed, so the server names them in its problems.
 */
export function rulesOf(base: PolicyRules, region: string, draft: PolicyDraft): Record<string, unknown> {
  const rules = structuredClone(base) as unknown as Record<string, unknown>;
  rules.region = region;
  for (const f of POLICY_FIELDS) {
    const text = draft[f.path];
    const value = f.unit === 'text' ? text.trim() : f.unit === 'yuan' ? parseYuan(text) : parsePercent(text);
    setPath(rules, f.path, value ?? text);
  }
  return rules;
}

/** The form field a server problem sentence is about ("inpatient.fundRatioBp.retired must be …"). */
export function problemField(problem: string): PolicyFieldPath | undefined {
  const first = problem.split(/\s/)[0] ?? '';
  return POLICY_FIELDS.find((f) => f.path === first)?.path;
}
