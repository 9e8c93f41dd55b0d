/**
 * One person's employee basic medical insurance premium for one month (Social Insurance Law art. 23),
 * pure: rules and a declaration in, exact integer fen out.
 *
 * - The declared base (fen per month: an employee's wage, or the base a flexible worker chooses) is
 *   clamped to the rules' floor and cap; the result says which, if either, applied.
 * - Each component is `base × rate`, rounded half-up to the fen on its own: the employer's premium,
 *   the employee's own premium and the part credited to the individual account.
 * - The pooled fund gets the rest, so every fen is accounted for exactly:
 *   `toPooledFund + toIndividualAccount === employerPremium + employeePremium`.
 * - Retired employees pay nothing. Residents' premiums are a fixed yearly amount, not wage-based, and
 *   are refused here (RangeError) rather than silently computed as zero.
 */
import { assertFen, formatPercent, formatYuan, mulRatioHalfUp } from '../settlement/money.ts';
import { resolvePremiumBase, type PremiumRules } from './premium-rules.ts';

/** Who pays: an employee (with an employer) or a flexible worker (alone). */
type PremiumInsuranceType = 'employee' | 'flexible';

export interface PremiumInput {
  insuranceType: PremiumInsuranceType;
  /** A retired person pays no premium. */
  retired: boolean;
  /** The declared monthly contribution base, fen. */
  declaredBase: number;
}

/** Whether the declared base was used as is, raised to the floor or lowered to the cap. */
export type BaseAdjustment = 'none' | 'raised_to_floor' | 'lowered_to_cap';

export interface PremiumResult {
  /** The contribution base actually used, fen per month (0 for a retired person). */
  base: number;
  baseAdjustment: BaseAdjustment;
  /** The employer's premium, fen (0 for flexible workers). */
  employerPremium: number;
  /** The person's own premium, fen. */
  employeePremium: number;
  /** The pooled fund's part: all of the employer's premium and the uncredited rest of the person's. */
  toPooledFund: number;
  /** The part of the person's own premium credited to their individual account. */
  toIndividualAccount: number;
  /** One line per step, in English, for statements and support staff. */
  explanations: string[];
}

const yuan = (fen: number) => `${formatYuan(fen)} yuan`;

/**
 * Computes one month's premium.
 * @example
 * calculatePremium(DEMO_PREMIUM_RULES, { insuranceType: 'employee', retired: false, declaredBase: 800_000 })
 * // base 800000, employer 64000, employee 16000, pooled 64000, individual account 16000
 * @throws RangeError when the declared base is not a non-negative safe integer, the insurance type is
 *   not 'employee' or 'flexible', or the total is beyond the safe integer range
 */
export function calculatePremium(rules: PremiumRules, input: PremiumInput): PremiumResult {
  assertFen(input.declaredBase, 'declaredBase');
  const type: unknown = input.insuranceType;
  if (type !== 'employee' && type !== 'flexible') {
    throw new RangeError(
      `insuranceType must be 'employee' or 'flexible', got ${String(type)}` +
        (type === 'resident' ? " (residents' premiums are a fixed yearly amount, not wage-based)" : ''),
    );
  }
  if (input.retired) {
    return {
      base: 0,
      baseAdjustment: 'none',
      employerPremium: 0,
      employeePremium: 0,
      toPooledFund: 0,
      toIndividualAccount: 0,
      explanations: ['retired: no premium is due'],
    };
  }

  const explanations: string[] = [];
  const { floorFen, capFen } = resolvePremiumBase(rules);
  let base = input.declaredBase;
  let baseAdjustment: BaseAdjustment = 'none';
  if (base < floorFen) {
    base = floorFen;
    baseAdjustment = 'raised_to_floor';
    explanations.push(
      `declared base ${yuan(input.declaredBase)} is below the floor; raised to ${yuan(floorFen)}`,
    );
  } else if (base > capFen) {
    base = capFen;
    baseAdjustment = 'lowered_to_cap';
    explanations.push(
      `declared base ${yuan(input.declaredBase)} is above the cap; lowered to ${yuan(capFen)}`,
    );
  } else {
    explanations.push(`contribution base: ${yuan(base)}`);
  }

  const employerRateBp = type === 'employee' ? rules.employee.employerRateBp : 0;
  const ownRateBp = type === 'employee' ? rules.employee.employeeRateBp : rules.flexible.rateBp;
  const creditedBp = type === 'employee' ? rules.employee.creditedBpOfBase : rules.flexible.creditedBpOfBase;

  const employerPremium = mulRatioHalfUp(base, employerRateBp);
  const employeePremium = mulRatioHalfUp(base, ownRateBp);
  // Valid rules never credit more than the own rate, and half-up rounding is monotone, so the min only
  // guards against rules that skipped validatePremiumRules: the account never gets more than was paid.
  const toIndividualAccount = Math.min(mulRatioHalfUp(base, creditedBp), employeePremium);
  const total = employerPremium + employeePremium;
  if (!Number.isSafeInteger(total))
    throw new RangeError('the premium total is beyond the safe integer range');
  const toPooledFund = total - toIndividualAccount;

  if (type === 'employee') {
    explanations.push(
      `employer ${formatPercent(employerRateBp)}: ${yuan(employerPremium)}, all to the pooled fund`,
    );
    explanations.push(`employee ${formatPercent(ownRateBp)}: ${yuan(employeePremium)}`);
  } else {
    explanations.push(`flexible worker ${formatPercent(ownRateBp)}: ${yuan(employeePremium)}, no employer`);
  }
  explanations.push(
    `credited to the individual account (${formatPercent(creditedBp)} of the base): ${yuan(toIndividualAccount)}`,
  );
  explanations.push(`to the pooled fund: ${yuan(toPooledFund)}`);

  return {
    base,
    baseAdjustment,
    employerPremium,
    employeePremium,
    toPooledFund,
    toIndividualAccount,
    explanations,
  };
}
