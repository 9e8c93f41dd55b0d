/**
 * One region's employee basic medical insurance premium rules, as data (see docs/CONTRIBUTIONS.md).
 *
 * Data model decisions:
 * - Money is integer fen; rates are integer basis points (bp, 10000 = 100%).
 * - Each set of rules is one policy-data version for one region. Which version is in force on a
 *   date is the caller's business (the same way settlement policies are versioned); these functions
 *   only ever see one version.
 * - The contribution base's floor and cap are stored as bp OF THE AVERAGE MONTHLY WAGE (W / 12),
 *   because that is how regions publish them ("60% to 300% of last year's average wage").
 *   `resolvePremiumBase` turns them into fen per month with ONE half-up rounding of W × bp / 120000.
 * - The share credited to the individual account is stored as bp OF THE BASE, not as a share of the
 *   employee's premium: that is how the 2021 reform states it ("credited from the employee's own
 *   premium, in principle about 2% of the contribution base"). Since that reform the employer's premium
 *   goes entirely to the pooled fund, so the credited share may not exceed the employee's own rate;
 *   `validatePremiumRules` refuses rules that would credit more than the person paid.
 * - Retired employees pay no premium (nothing to configure). Residents (城乡居民) pay a fixed yearly
 *   amount that is not wage-based; those rules are not modelled here.
 */
import { renderAll, text } from '../i18n/index.ts';
import { Type, type Static } from 'typebox';
import {
  checkInteger,
  checkString,
  checkUnknownKeys,
  deepFreeze,
  describeValue,
  isRecord,
  objectAt,
  type IntegerRange,
  type Problems,
} from '../platform/rules-check.ts';

const BASIS_POINTS_PER_UNIT = 10_000n;
const MONTHS_PER_YEAR = 12n;

const RateBp = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000, description: `${description} (basis points, 10000 = 100%)` });
const BpOfMonthlyWage = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: `${description} (basis points of the average monthly wage W / 12; 10000 = 1 × W / 12)`,
  });

/** TypeBox (JSON Schema) for PremiumRules, for validating rules at the API boundary. */
export const PremiumRulesSchema = Type.Object(
  {
    // pattern \S: at least one non-blank character, as validatePremiumRules demands.
    region: Type.String({ minLength: 1, pattern: '\\S', description: 'region code, e.g. "demo"' }),
    version: Type.String({ minLength: 1, pattern: '\\S', description: 'premium rules version label' }),
    averageWageFen: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "previous year's average ANNUAL wage W (fen); the base limits are relative to W / 12",
    }),
    base: Type.Object(
      {
        floorBpOfMonthlyWage: BpOfMonthlyWage('lowest contribution base; a lower declared base is raised'),
        capBpOfMonthlyWage: BpOfMonthlyWage('highest contribution base; a higher declared base is lowered'),
      },
      { additionalProperties: false },
    ),
    employee: Type.Object(
      {
        employerRateBp: RateBp("employer's premium on the base; all of it goes to the pooled fund"),
        employeeRateBp: RateBp("employee's own premium on the base"),
        creditedBpOfBase: RateBp(
          "part of the employee's own premium credited to the individual account, as bp of the base",
        ),
      },
      { additionalProperties: false },
    ),
    flexible: Type.Object(
      {
        rateBp: RateBp("flexible worker's own premium on the base (there is no employer)"),
        creditedBpOfBase: RateBp('part of it credited to the individual account, as bp of the base'),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** One region's premium rules (one version). All money in fen, all rates in basis points. */
export type PremiumRules = Static<typeof PremiumRulesSchema>;

/** The contribution base's limits, resolved to fen per month. */
export interface ResolvedPremiumBase {
  /** W / 12, rounded half-up to the fen. */
  averageMonthlyWageFen: number;
  floorFen: number;
  capFen: number;
}

/**
 * `W × bp / (10000 × 12)` rounded half-up to the fen, in exact integers (one rounding, not two).
 * @throws RangeError when the result is beyond the safe integer range
 */
export function shareOfMonthlyWage(averageWageFen: number, basisPoints: number): number {
  const divisor = BASIS_POINTS_PER_UNIT * MONTHS_PER_YEAR;
  const fen = (BigInt(averageWageFen) * BigInt(basisPoints) + divisor / 2n) / divisor;
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${averageWageFen} fen × ${basisPoints} bp / 12 is beyond the safe integer range`);
  }
  return Number(fen);
}

/**
 * Resolves the base's floor and cap into fen per month.
 * @example resolvePremiumBase(DEMO_PREMIUM_RULES) // { averageMonthlyWageFen: 1000000, floorFen: 600000, capFen: 3000000 }
 */
export function resolvePremiumBase(rules: PremiumRules): ResolvedPremiumBase {
  return {
    averageMonthlyWageFen: shareOfMonthlyWage(rules.averageWageFen, 10_000),
    floorFen: shareOfMonthlyWage(rules.averageWageFen, rules.base.floorBpOfMonthlyWage),
    capFen: shareOfMonthlyWage(rules.averageWageFen, rules.base.capBpOfMonthlyWage),
  };
}

/**
 * DEMO VALUES for region `demo`, not law: every region publishes its own. They are in the usual
 * range of real regions: W = 120,000 yuan (DOMAIN.md), so W / 12 = 10,000 yuan; base between 60% and
 * 300% of it (6,000 to 30,000 yuan a month); employer 8% (all to the pooled fund); employee 2%, all of
 * it credited to the individual account; flexible workers 10% of their chosen base, 2% of the base
 * credited.
 */
export const DEMO_PREMIUM_RULES: PremiumRules = deepFreeze<PremiumRules>({
  region: 'demo',
  version: 'demo-premium-1',
  averageWageFen: 12_000_000,
  base: { floorBpOfMonthlyWage: 6_000, capBpOfMonthlyWage: 30_000 },
  employee: { employerRateBp: 800, employeeRateBp: 200, creditedBpOfBase: 200 },
  flexible: { rateBp: 1_000, creditedBpOfBase: 200 },
});

const RATE: IntegerRange = { min: 0, max: 10_000, unit: 'bp' };
const BP_OF_MONTHLY_WAGE: IntegerRange = {
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  unit: 'bp_of_monthly_wage',
};

/**
 * Checks premium rules and returns every problem found as a human-readable sentence (empty when
 * valid): missing or unknown fields, rates outside 0..10000 bp, non-integer or negative values, a
 * floor above the cap, limits that do not resolve to safe fen, and a credited share larger than the
 * premium it comes from (employers' premiums all go to the pooled fund, so only the person's own
 * premium can be credited).
 */
export function validatePremiumRules(rules: unknown): string[] {
  return renderAll('en', premiumRulesProblems(rules));
}

/** `validatePremiumRules`'s problems as catalogue codes with parameters (`problem.*`). */
export function premiumRulesProblems(rules: unknown): Problems {
  const problems: Problems = [];
  if (!isRecord(rules)) return [text('problem.rules_not_object', { value: describeValue(rules) })];
  checkUnknownKeys(rules, Object.keys(PremiumRulesSchema.properties), '', problems, 'premium_field');

  checkString(rules, 'region', problems);
  checkString(rules, 'version', problems);
  const wage = checkInteger(rules, 'averageWageFen', 'averageWageFen', problems, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'fen',
  });

  const base = objectAt(rules, 'base', 'base', problems);
  let floorBp: number | undefined;
  let capBp: number | undefined;
  if (base) {
    checkUnknownKeys(base, ['floorBpOfMonthlyWage', 'capBpOfMonthlyWage'], 'base', problems, 'premium_field');
    floorBp = checkInteger(
      base,
      'floorBpOfMonthlyWage',
      'base.floorBpOfMonthlyWage',
      problems,
      BP_OF_MONTHLY_WAGE,
    );
    capBp = checkInteger(base, 'capBpOfMonthlyWage', 'base.capBpOfMonthlyWage', problems, BP_OF_MONTHLY_WAGE);
    if (floorBp !== undefined && capBp !== undefined && floorBp > capBp) {
      problems.push(text('problem.floor_above_cap', { floor: floorBp, cap: capBp }));
    }
  }

  const employee = objectAt(rules, 'employee', 'employee', problems);
  if (employee) {
    checkUnknownKeys(
      employee,
      ['employerRateBp', 'employeeRateBp', 'creditedBpOfBase'],
      'employee',
      problems,
      'premium_field',
    );
    checkInteger(employee, 'employerRateBp', 'employee.employerRateBp', problems, RATE);
    const own = checkInteger(employee, 'employeeRateBp', 'employee.employeeRateBp', problems, RATE);
    const credited = checkInteger(employee, 'creditedBpOfBase', 'employee.creditedBpOfBase', problems, RATE);
    if (own !== undefined && credited !== undefined && credited > own) {
      problems.push(text('problem.employee_credit_above_rate', { credited, own }));
    }
  }

  const flexible = objectAt(rules, 'flexible', 'flexible', problems);
  if (flexible) {
    checkUnknownKeys(flexible, ['rateBp', 'creditedBpOfBase'], 'flexible', problems, 'premium_field');
    const rate = checkInteger(flexible, 'rateBp', 'flexible.rateBp', problems, RATE);
    const credited = checkInteger(flexible, 'creditedBpOfBase', 'flexible.creditedBpOfBase', problems, RATE);
    if (rate !== undefined && credited !== undefined && credited > rate) {
      problems.push(text('problem.flexible_credit_above_rate', { credited, rate }));
    }
  }

  if (wage !== undefined) {
    for (const [bp, path] of [
      [floorBp, 'base.floorBpOfMonthlyWage'],
      [capBp, 'base.capBpOfMonthlyWage'],
    ] as const) {
      if (bp === undefined) continue;
      try {
        shareOfMonthlyWage(wage, bp);
      } catch {
        problems.push(text('problem.beyond_safe_monthly', { path }));
      }
    }
  }
  return problems;
}
