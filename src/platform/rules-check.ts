import { unprocessable } from './errors.ts';
import type { ErrorCode } from './error-codes.ts';
import { businessDate } from './business-date.ts';
import { renderAll, text, type Text } from '../i18n/index.ts';
/**
 * Small helpers for validating rule sets given as plain data (policy versions, premium rules): each records
 * every problem (a catalogue code with parameters, `problem.*`, rendered per reader) instead of stopping at
 * the first, so an administrator sees them all at once.
 */
export type Problems = Text[];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a value for a problem: the value itself, or what kind of thing it is. */
export function describeValue(value: unknown): string | Text {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return text('value.undefined');
  return text(Array.isArray(value) ? 'value.array' : 'value.object');
}

/** The object at `parent[key]` (named `path` in problems), or undefined with the problem recorded. */
export function objectAt(parent: Record<string, unknown>, key: string, path: string, problems: Problems) {
  const value = parent[key];
  if (value === undefined) {
    problems.push(text('problem.missing', { path }));
    return undefined;
  }
  if (!isRecord(value)) {
    problems.push(text('problem.not_object', { path, value: describeValue(value) }));
    return undefined;
  }
  return value;
}

/** Records every key of `value` that is not in `known`, as "`path.key` is not a known `noun`" (`noun.*`). */
export function checkUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  problems: Problems,
  noun: 'policy_field' | 'premium_field',
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      problems.push(
        text('problem.unknown_key', { path: `${path ? `${path}.` : ''}${key}`, noun: text(`noun.${noun}`) }),
      );
  }
}

export interface IntegerRange {
  min: number;
  max: number;
  /** The unit's code (`unit.*`). */
  unit: 'bp' | 'fen' | 'bp_of_wage' | 'bp_of_monthly_wage';
}

/** The integer at `parent[key]` within `range`, or undefined with the problem recorded. */
export function checkInteger(
  parent: Record<string, unknown>,
  key: string,
  path: string,
  problems: Problems,
  range: IntegerRange,
): number | undefined {
  const value = parent[key];
  const unit = text(`unit.${range.unit}`);
  if (value === undefined) {
    problems.push(text('problem.missing', { path }));
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push(text('problem.not_integer', { path, unit, value: describeValue(value) }));
    return undefined;
  }
  if (value < range.min || value > range.max) {
    problems.push(text('problem.out_of_range', { path, min: range.min, max: range.max, unit, value }));
    return undefined;
  }
  return value;
}

/** Freezes an object graph so a shared constant (a demo policy) cannot be changed by accident. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Records a problem unless `parent[key]` is a non-empty string. */
export function checkString(parent: Record<string, unknown>, key: string, problems: Problems): void {
  const value = parent[key];
  if (value === undefined) problems.push(text('problem.missing', { path: key }));
  else if (typeof value !== 'string' || value.trim() === '')
    problems.push(text('problem.not_string', { path: key, value: describeValue(value) }));
}

/**
 * The refusals every published version of regional rules shares (settlement policies, premium rules): the
 * validator's problems, rules naming another region, and an effective date before today, which would change
 * the rules under what was already done. Throws a 422 naming `code` (e.g. `invalid_policy`).
 */
export function assertPublishable(o: {
  code: ErrorCode;
  what: string;
  problems: Problems;
  rules: unknown;
  regionCode: string;
  effectiveFrom: string;
  now: Date;
}): void {
  if (o.problems.length) {
    throw unprocessable(o.code, `The ${o.what} are not valid: ${renderAll('en', o.problems).join('; ')}`, {
      problems: o.problems,
    });
  }
  const region = (o.rules as { region: string }).region;
  if (region !== o.regionCode) {
    throw unprocessable(o.code, `The rules name region ${region}, not ${o.regionCode}`, {
      problems: [text('problem.region_mismatch')],
    });
  }
  if (o.effectiveFrom < businessDate(o.now)) {
    throw unprocessable('effective_date_in_past', `The ${o.what} cannot take effect before today`);
  }
}
