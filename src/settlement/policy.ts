/**
 * One policy version's settlement rules, as data.
 *
 * Data model decisions (see docs/POLICY.md):
 * - Money is integer fen; ratios are integer basis points (bp, 10000 = 100%).
 * - The inpatient deductible, the ordinary-outpatient threshold and the fund ceiling are stored as
 *   bp OF THE AVERAGE WAGE W (`*BpOfWage`), because that is how regions publish them ("10% of W",
 *   "4 × W" = 40000 bp). `resolvePolicyAmounts` turns them into fen (half-up), and the calculator only
 *   ever uses the resolved fen amounts. Changing W for a new year therefore moves all three together.
 * - `inpatient.fundRatioBp.notRetired` applies to employees in work AND to residents and flexible
 *   workers; `retired` applies only to retired employees.
 */
import { Type, type Static } from 'typebox';
import { mulRatioHalfUp } from './money.ts';
import { renderAll, text } from '../i18n/index.ts';
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
import { SPECIAL_SERVICE_TYPES } from '../institutions/service-types.ts';

const RatioBp = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000, description: `${description} (basis points, 10000 = 100%)` });
const Fen = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (fen)` });
const BpOfWage = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: `${description} (basis points of the average wage W; 10000 = 1 × W)`,
  });
const CatalogueCategoryRules = Type.Object(
  { selfPayFirstBp: RatioBp('share of the item the person pays first, before any rule') },
  { additionalProperties: false },
);

/** TypeBox (JSON Schema) for PolicyRules, for validating policies at the API boundary. */
export const PolicyRulesSchema = Type.Object(
  {
    // pattern \S: at least one non-blank character, as validatePolicy demands.
    region: Type.String({ minLength: 1, pattern: '\\S', description: 'region code, e.g. "demo"' }),
    version: Type.String({ minLength: 1, pattern: '\\S', description: 'policy version label' }),
    averageWageFen: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "previous year's average annual wage W (fen)",
    }),
    fundCeilingBpOfWage: BpOfWage('most the pooled fund pays per person per year, all categories together'),
    inpatient: Type.Object(
      {
        deductibleBpOfWage: BpOfWage('inpatient deductible per person per year, paid by the person'),
        fundRatioBp: Type.Object(
          {
            notRetired: RatioBp('fund share above the deductible: employees in work, residents, flexible'),
            retired: RatioBp('fund share above the deductible: retired employees'),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    outpatient: Type.Object(
      {
        thresholdBpOfWage: BpOfWage("year's eligible outpatient spending the person pays before the fund"),
        fundRatioBp: RatioBp('fund share of eligible outpatient spending above the threshold'),
      },
      { additionalProperties: false },
    ),
    largeEquipment: Type.Object(
      { fundRatioBp: RatioBp('fund share of an approved large-equipment exam') },
      { additionalProperties: false },
    ),
    specialMaterial: Type.Object(
      {
        unitPriceLimitFen: Fen(
          'above this unit price the reference-price rule applies; at or below, the ordinary rule',
        ),
        domesticFundRatioBp: RatioBp("fund share of the domestic type's price"),
        importedFundRatioBp: RatioBp(
          "fund share of the imported type's price, when there is no domestic type",
        ),
      },
      { additionalProperties: false },
    ),
    specialOutpatient: Type.Object(
      { fundRatioBp: RatioBp('fund share of an approved special outpatient disease treatment') },
      { additionalProperties: false },
    ),
    approvalRequired: Type.Array(Type.Enum(SPECIAL_SERVICE_TYPES), {
      uniqueItems: true,
      description: 'service types that need an approval reference to be covered',
    }),
    catalogue: Type.Object(
      { A: CatalogueCategoryRules, B: CatalogueCategoryRules },
      { additionalProperties: false, description: 'catalogue classes (甲类 A, 乙类 B)' },
    ),
    crossRegion: Type.Optional(
      Type.Object(
        {
          unfiledFundRatioCutBp: RatioBp(
            'percentage points every fund ratio loses for a bill settled in another region without a valid filing (异地就医备案)',
          ),
        },
        {
          additionalProperties: false,
          description: 'cross-region direct settlement (src/regions); absent = no cut',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** One policy version's rules. All money in fen, all ratios in basis points. */
export type PolicyRules = Static<typeof PolicyRulesSchema>;

/** The policy's wage-relative amounts, resolved to fen. */
export interface ResolvedPolicyAmounts {
  inpatientDeductibleFen: number;
  outpatientThresholdFen: number;
  fundCeilingFen: number;
}

/**
 * Resolves the amounts stored as basis points of W into fen, each rounded half-up.
 * @throws RangeError when W or a bp value is not a non-negative safe integer
 */
export function resolvePolicyAmounts(rules: PolicyRules): ResolvedPolicyAmounts {
  const wage = rules.averageWageFen;
  return {
    inpatientDeductibleFen: mulRatioHalfUp(wage, rules.inpatient.deductibleBpOfWage),
    outpatientThresholdFen: mulRatioHalfUp(wage, rules.outpatient.thresholdBpOfWage),
    fundCeilingFen: mulRatioHalfUp(wage, rules.fundCeilingBpOfWage),
  };
}

/**
 * The region `demo` default policy, exactly as DOMAIN.md states it: W = 120,000 yuan; inpatient
 * deductible 10% W; fund ceiling 4 W; inpatient fund 90% / 95% retired; ordinary outpatient threshold
 * 10% W then fund 70%; approved large equipment 80%; approved special material above 1,000 yuan at 90%
 * of the domestic price or 50% of the imported one; approved special outpatient 90%. Class B has no
 * self-pay-first part here, so the demo stays exactly DOMAIN.md.
 */
export const DEMO_POLICY: PolicyRules = deepFreeze<PolicyRules>({
  region: 'demo',
  version: 'demo-1',
  averageWageFen: 12_000_000,
  fundCeilingBpOfWage: 40_000,
  inpatient: { deductibleBpOfWage: 1_000, fundRatioBp: { notRetired: 9_000, retired: 9_500 } },
  outpatient: { thresholdBpOfWage: 1_000, fundRatioBp: 7_000 },
  largeEquipment: { fundRatioBp: 8_000 },
  specialMaterial: { unitPriceLimitFen: 100_000, domesticFundRatioBp: 9_000, importedFundRatioBp: 5_000 },
  specialOutpatient: { fundRatioBp: 9_000 },
  approvalRequired: ['large_equipment', 'special_material', 'special_outpatient'],
  catalogue: { A: { selfPayFirstBp: 0 }, B: { selfPayFirstBp: 0 } },
});

const RATIO: IntegerRange = { min: 0, max: 10_000, unit: 'bp' };
const FEN: IntegerRange = { min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'fen' };
const BP_OF_WAGE: IntegerRange = { min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'bp_of_wage' };

/**
 * Checks a policy and returns every problem found as a human-readable sentence (empty when valid):
 * missing or unknown fields, ratios outside 0..10000 bp, non-integer or negative amounts, wage-relative
 * amounts that do not resolve to safe fen, a deductible above the fund ceiling, and bad approval lists.
 */
export function validatePolicy(rules: unknown): string[] {
  return renderAll('en', policyProblems(rules));
}

/** `validatePolicy`'s problems as catalogue codes with parameters (`problem.*`), for the reader's language. */
export function policyProblems(rules: unknown): Problems {
  const problems: Problems = [];
  if (!isRecord(rules)) return [text('problem.policy_not_object', { value: describeValue(rules) })];
  checkUnknownKeys(rules, Object.keys(PolicyRulesSchema.properties), '', problems, 'policy_field');

  checkString(rules, 'region', problems);
  checkString(rules, 'version', problems);
  const wage = checkInteger(rules, 'averageWageFen', 'averageWageFen', problems, { ...FEN, min: 1 });
  const ceilingBp = checkInteger(rules, 'fundCeilingBpOfWage', 'fundCeilingBpOfWage', problems, BP_OF_WAGE);

  let deductibleBp: number | undefined;
  const inpatient = objectAt(rules, 'inpatient', 'inpatient', problems);
  if (inpatient) {
    checkUnknownKeys(inpatient, ['deductibleBpOfWage', 'fundRatioBp'], 'inpatient', problems, 'policy_field');
    deductibleBp = checkInteger(
      inpatient,
      'deductibleBpOfWage',
      'inpatient.deductibleBpOfWage',
      problems,
      BP_OF_WAGE,
    );
    const ratios = objectAt(inpatient, 'fundRatioBp', 'inpatient.fundRatioBp', problems);
    if (ratios) {
      checkUnknownKeys(ratios, ['notRetired', 'retired'], 'inpatient.fundRatioBp', problems, 'policy_field');
      checkInteger(ratios, 'notRetired', 'inpatient.fundRatioBp.notRetired', problems, RATIO);
      checkInteger(ratios, 'retired', 'inpatient.fundRatioBp.retired', problems, RATIO);
    }
  }

  let thresholdBp: number | undefined;
  const outpatient = objectAt(rules, 'outpatient', 'outpatient', problems);
  if (outpatient) {
    checkUnknownKeys(
      outpatient,
      ['thresholdBpOfWage', 'fundRatioBp'],
      'outpatient',
      problems,
      'policy_field',
    );
    thresholdBp = checkInteger(
      outpatient,
      'thresholdBpOfWage',
      'outpatient.thresholdBpOfWage',
      problems,
      BP_OF_WAGE,
    );
    checkInteger(outpatient, 'fundRatioBp', 'outpatient.fundRatioBp', problems, RATIO);
  }

  for (const key of ['largeEquipment', 'specialOutpatient'] as const) {
    const section = objectAt(rules, key, key, problems);
    if (section) {
      checkUnknownKeys(section, ['fundRatioBp'], key, problems, 'policy_field');
      checkInteger(section, 'fundRatioBp', `${key}.fundRatioBp`, problems, RATIO);
    }
  }

  const material = objectAt(rules, 'specialMaterial', 'specialMaterial', problems);
  if (material) {
    const fields = ['unitPriceLimitFen', 'domesticFundRatioBp', 'importedFundRatioBp'];
    checkUnknownKeys(material, fields, 'specialMaterial', problems, 'policy_field');
    checkInteger(material, 'unitPriceLimitFen', 'specialMaterial.unitPriceLimitFen', problems, FEN);
    checkInteger(material, 'domesticFundRatioBp', 'specialMaterial.domesticFundRatioBp', problems, RATIO);
    checkInteger(material, 'importedFundRatioBp', 'specialMaterial.importedFundRatioBp', problems, RATIO);
  }

  const approvals = rules.approvalRequired;
  if (approvals === undefined) problems.push(text('problem.missing', { path: 'approvalRequired' }));
  else if (!Array.isArray(approvals))
    problems.push(text('problem.approval_not_array', { value: describeValue(approvals) }));
  else {
    const seen = new Set<unknown>();
    for (const entry of approvals as unknown[]) {
      if (!(SPECIAL_SERVICE_TYPES as readonly unknown[]).includes(entry)) {
        problems.push(
          text('problem.approval_unknown', {
            allowed: SPECIAL_SERVICE_TYPES.join(', '),
            value: describeValue(entry),
          }),
        );
      } else if (seen.has(entry)) {
        problems.push(text('problem.approval_twice', { value: describeValue(entry) }));
      }
      seen.add(entry);
    }
  }

  const catalogue = objectAt(rules, 'catalogue', 'catalogue', problems);
  if (catalogue) {
    checkUnknownKeys(catalogue, ['A', 'B'], 'catalogue', problems, 'policy_field');
    for (const category of ['A', 'B'] as const) {
      const section = objectAt(catalogue, category, `catalogue.${category}`, problems);
      if (section) {
        checkUnknownKeys(section, ['selfPayFirstBp'], `catalogue.${category}`, problems, 'policy_field');
        checkInteger(section, 'selfPayFirstBp', `catalogue.${category}.selfPayFirstBp`, problems, RATIO);
      }
    }
  }

  if (rules.crossRegion !== undefined) {
    const cross = objectAt(rules, 'crossRegion', 'crossRegion', problems);
    if (cross) {
      checkUnknownKeys(cross, ['unfiledFundRatioCutBp'], 'crossRegion', problems, 'policy_field');
      checkInteger(cross, 'unfiledFundRatioCutBp', 'crossRegion.unfiledFundRatioCutBp', problems, RATIO);
    }
  }

  // Cross-field checks, only when the fields themselves are sound.
  if (wage !== undefined) {
    const resolve = (bp: number | undefined, path: string) => {
      if (bp === undefined) return undefined;
      const fen = (BigInt(wage) * BigInt(bp) + 5_000n) / 10_000n;
      if (fen > BigInt(Number.MAX_SAFE_INTEGER)) {
        problems.push(text('problem.beyond_safe', { path }));
        return undefined;
      }
      return Number(fen);
    };
    const ceiling = resolve(ceilingBp, 'fundCeilingBpOfWage');
    const deductible = resolve(deductibleBp, 'inpatient.deductibleBpOfWage');
    resolve(thresholdBp, 'outpatient.thresholdBpOfWage');
    if (ceiling !== undefined && deductible !== undefined && deductible > ceiling) {
      problems.push(text('problem.deductible_above_ceiling', { deductible, ceiling }));
    }
  }
  return problems;
}
