import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import {
  DEMO_POLICY,
  PolicyRulesSchema,
  resolvePolicyAmounts,
  validatePolicy,
  type PolicyRules,
} from './policy.ts';

/** A deep, mutable copy of the demo policy, changed by `change`. */
function demoWith(change: (policy: Record<string, unknown> & PolicyRules) => void): unknown {
  const copy = structuredClone(DEMO_POLICY) as Record<string, unknown> & PolicyRules;
  change(copy);
  return copy;
}

function expectProblem(policy: unknown, pattern: RegExp, schemaRejects = true) {
  const problems = validatePolicy(policy);
  assert.ok(
    problems.some((problem) => pattern.test(problem)),
    `expected a problem matching ${String(pattern)}, got ${JSON.stringify(problems)}`,
  );
  if (schemaRejects)
    assert.equal(Value.Check(PolicyRulesSchema, policy), false, 'the schema should reject it too');
}

void describe('DEMO_POLICY', () => {
  void test("holds DOMAIN.md's default policy in fen and basis points", () => {
    assert.equal(DEMO_POLICY.region, 'demo');
    assert.equal(DEMO_POLICY.averageWageFen, 12_000_000);
    assert.equal(DEMO_POLICY.inpatient.deductibleBpOfWage, 1_000);
    assert.deepEqual(DEMO_POLICY.inpatient.fundRatioBp, { notRetired: 9_000, retired: 9_500 });
    assert.equal(DEMO_POLICY.fundCeilingBpOfWage, 40_000);
    assert.deepEqual(DEMO_POLICY.outpatient, { thresholdBpOfWage: 1_000, fundRatioBp: 7_000 });
    assert.equal(DEMO_POLICY.largeEquipment.fundRatioBp, 8_000);
    assert.deepEqual(DEMO_POLICY.specialMaterial, {
      unitPriceLimitFen: 100_000,
      domesticFundRatioBp: 9_000,
      importedFundRatioBp: 5_000,
    });
    assert.equal(DEMO_POLICY.specialOutpatient.fundRatioBp, 9_000);
    assert.deepEqual([...DEMO_POLICY.approvalRequired].sort(), [
      'large_equipment',
      'special_material',
      'special_outpatient',
    ]);
    assert.deepEqual(DEMO_POLICY.catalogue, { A: { selfPayFirstBp: 0 }, B: { selfPayFirstBp: 0 } });
  });

  void test('resolves to 12,000 yuan deductible and threshold and a 480,000 yuan ceiling', () => {
    assert.deepEqual(resolvePolicyAmounts(DEMO_POLICY), {
      inpatientDeductibleFen: 1_200_000,
      outpatientThresholdFen: 1_200_000,
      fundCeilingFen: 48_000_000,
    });
  });

  void test('resolving rounds half-up to the fen', () => {
    const policy = demoWith((p) => {
      p.averageWageFen = 5;
      p.inpatient.deductibleBpOfWage = 5_000; // 2.5 fen → 3
      p.outpatient.thresholdBpOfWage = 1_000; // 0.5 fen → 1
      p.fundCeilingBpOfWage = 10_000;
    }) as PolicyRules;
    assert.deepEqual(resolvePolicyAmounts(policy), {
      inpatientDeductibleFen: 3,
      outpatientThresholdFen: 1,
      fundCeilingFen: 5,
    });
  });

  void test('is valid for both validatePolicy and the TypeBox schema', () => {
    assert.deepEqual(validatePolicy(DEMO_POLICY), []);
    assert.equal(Value.Check(PolicyRulesSchema, DEMO_POLICY), true);
  });

  void test('is frozen, so a caller cannot change the shared default', () => {
    const ratios = DEMO_POLICY.inpatient.fundRatioBp as unknown as Record<string, number>;
    assert.throws(() => {
      ratios.retired = 1;
    }, TypeError);
    assert.throws(() => (DEMO_POLICY.approvalRequired as string[]).push('x'), TypeError);
    assert.equal(DEMO_POLICY.inpatient.fundRatioBp.retired, 9_500);
  });
});

void describe('validatePolicy', () => {
  void test('accepts another valid policy (a different region with a class-B self-pay-first part)', () => {
    const policy = demoWith((p) => {
      p.region = 'north';
      p.averageWageFen = 9_000_000;
      p.fundCeilingBpOfWage = 60_000;
      p.catalogue.B.selfPayFirstBp = 1_000;
      p.approvalRequired = [];
    });
    assert.deepEqual(validatePolicy(policy), []);
    assert.equal(Value.Check(PolicyRulesSchema, policy), true);
  });

  void test('catches ratios above 10000 bp', () => {
    expectProblem(
      demoWith((p) => (p.inpatient.fundRatioBp.retired = 10_001)),
      /inpatient\.fundRatioBp\.retired must be between 0 and 10000 basis points, got 10001/,
    );
    expectProblem(
      demoWith((p) => (p.outpatient.fundRatioBp = 12_000)),
      /outpatient\.fundRatioBp/,
    );
    expectProblem(
      demoWith((p) => (p.catalogue.B.selfPayFirstBp = 20_000)),
      /catalogue\.B\.selfPayFirstBp/,
    );
  });

  void test('catches negative ratios', () => {
    expectProblem(
      demoWith((p) => (p.largeEquipment.fundRatioBp = -1)),
      /largeEquipment\.fundRatioBp.*got -1/,
    );
    expectProblem(
      demoWith((p) => (p.specialMaterial.importedFundRatioBp = -50)),
      /specialMaterial\.importedFundRatioBp/,
    );
  });

  void test('catches ratios that are not integers (floats are not basis points)', () => {
    expectProblem(
      demoWith((p) => (p.specialOutpatient.fundRatioBp = 0.9)),
      /specialOutpatient\.fundRatioBp must be an integer \(basis points\), got 0\.9/,
    );
    expectProblem(
      demoWith((p) => ((p.inpatient.fundRatioBp as Record<string, unknown>).notRetired = '9000')),
      /inpatient\.fundRatioBp\.notRetired must be an integer.*got "9000"/,
    );
  });

  void test('catches non-integer and negative amounts', () => {
    expectProblem(
      demoWith((p) => (p.averageWageFen = 1.5)),
      /averageWageFen must be an integer \(fen\)/,
    );
    expectProblem(
      demoWith((p) => (p.averageWageFen = 0)),
      /averageWageFen must be between 1 and/,
    );
    expectProblem(
      demoWith((p) => (p.specialMaterial.unitPriceLimitFen = -100)),
      /specialMaterial\.unitPriceLimitFen must be between 0 and .* fen, got -100/,
    );
    expectProblem(
      demoWith((p) => (p.fundCeilingBpOfWage = 4.5)),
      /fundCeilingBpOfWage must be an integer/,
    );
    expectProblem(
      demoWith((p) => (p.outpatient.thresholdBpOfWage = -1)),
      /outpatient\.thresholdBpOfWage must be between 0/,
    );
  });

  void test('catches a deductible above the fund ceiling', () => {
    const policy = demoWith((p) => {
      p.inpatient.deductibleBpOfWage = 50_000;
      p.fundCeilingBpOfWage = 40_000;
    });
    // The schema cannot compare two fields; only validatePolicy catches this one.
    expectProblem(policy, /deductible \(60000000 fen\) is above the fund ceiling \(48000000 fen\)/, false);
    assert.equal(validatePolicy(demoWith((p) => (p.inpatient.deductibleBpOfWage = 40_000))).length, 0);
  });

  void test('catches wage-relative amounts that do not resolve to safe fen', () => {
    expectProblem(
      demoWith((p) => (p.fundCeilingBpOfWage = Number.MAX_SAFE_INTEGER)),
      /fundCeilingBpOfWage × averageWageFen is beyond the safe integer range/,
      false,
    );
  });

  void test('catches missing fields and sections', () => {
    expectProblem(
      demoWith(
        (p) => delete (p.inpatient.fundRatioBp as Partial<PolicyRules['inpatient']['fundRatioBp']>).retired,
      ),
      /inpatient\.fundRatioBp\.retired is missing/,
    );
    expectProblem(
      demoWith((p) => delete (p as Partial<PolicyRules>).catalogue),
      /^catalogue is missing$/,
    );
    expectProblem(
      demoWith((p) => delete (p as Partial<PolicyRules>).averageWageFen),
      /averageWageFen is missing/,
    );
    expectProblem(
      demoWith((p) => delete (p as Partial<PolicyRules>).approvalRequired),
      /approvalRequired is missing/,
    );
    expectProblem(
      demoWith((p) => delete (p as Partial<PolicyRules>).version),
      /^version is missing$/,
    );
    expectProblem(
      demoWith((p) => (p.region = ' ')),
      /region must be a non-empty string/,
    );
    expectProblem(
      demoWith((p) => ((p as Record<string, unknown>).specialMaterial = 5)),
      /specialMaterial must be an object, got 5/,
    );
  });

  void test('catches unknown fields (likely typos)', () => {
    expectProblem(
      demoWith((p) => (p.ceiling = 1)),
      /^ceiling is not a known policy field$/,
    );
    expectProblem(
      demoWith((p) => ((p.outpatient as Record<string, unknown>).fundRatio = 7_000)),
      /outpatient\.fundRatio is not a known policy field/,
    );
  });

  void test('catches bad approval lists', () => {
    expectProblem(
      demoWith((p) => ((p as Record<string, unknown>).approvalRequired = ['inpatient'])),
      /approvalRequired may only list .*got "inpatient"/,
    );
    expectProblem(
      demoWith((p) => (p.approvalRequired = ['large_equipment', 'large_equipment'])),
      /approvalRequired lists "large_equipment" twice/,
    );
    expectProblem(
      demoWith((p) => ((p as Record<string, unknown>).approvalRequired = 'large_equipment')),
      /approvalRequired must be an array/,
    );
  });

  void test('reports every problem at once, not only the first', () => {
    const problems = validatePolicy(
      demoWith((p) => {
        p.outpatient.fundRatioBp = 10_001;
        p.largeEquipment.fundRatioBp = -1;
        p.averageWageFen = 0.5;
      }),
    );
    assert.equal(problems.length, 3, JSON.stringify(problems));
  });

  void test('refuses something that is not an object', () => {
    assert.deepEqual(validatePolicy(null), ['the policy must be an object, got null']);
    assert.deepEqual(validatePolicy([]), ['the policy must be an object, got an array']);
  });
});
