import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import {
  DEMO_PREMIUM_RULES,
  PremiumRulesSchema,
  resolvePremiumBase,
  shareOfMonthlyWage,
  validatePremiumRules,
  type PremiumRules,
} from './premium-rules.ts';

/** A deep, mutable copy of the demo rules with some fields changed. */
function demoWith(change: (rules: Record<string, any>) => void): unknown {
  const copy = structuredClone(DEMO_PREMIUM_RULES) as Record<string, any>;
  change(copy);
  return copy;
}

void describe('DEMO_PREMIUM_RULES', () => {
  void test('is valid by both the validator and the TypeBox schema', () => {
    assert.deepEqual(validatePremiumRules(DEMO_PREMIUM_RULES), []);
    assert.equal(Value.Check(PremiumRulesSchema, DEMO_PREMIUM_RULES), true);
  });

  void test('holds the documented demo values', () => {
    assert.equal(DEMO_PREMIUM_RULES.averageWageFen, 12_000_000);
    assert.deepEqual(DEMO_PREMIUM_RULES.base, { floorBpOfMonthlyWage: 6_000, capBpOfMonthlyWage: 30_000 });
    assert.deepEqual(DEMO_PREMIUM_RULES.employee, {
      employerRateBp: 800,
      employeeRateBp: 200,
      creditedBpOfBase: 200,
    });
    assert.deepEqual(DEMO_PREMIUM_RULES.flexible, { rateBp: 1_000, creditedBpOfBase: 200 });
  });

  void test('is frozen, so a shared constant cannot be changed by accident', () => {
    assert.throws(() => {
      (DEMO_PREMIUM_RULES.employee as { employerRateBp: number }).employerRateBp = 1;
    }, TypeError);
    assert.equal(DEMO_PREMIUM_RULES.employee.employerRateBp, 800);
  });
});

void describe('resolvePremiumBase', () => {
  void test('resolves the demo limits: W / 12 = 10,000 yuan, floor 6,000 yuan, cap 30,000 yuan', () => {
    assert.deepEqual(resolvePremiumBase(DEMO_PREMIUM_RULES), {
      averageMonthlyWageFen: 1_000_000,
      floorFen: 600_000,
      capFen: 3_000_000,
    });
  });

  void test('rounds W × bp / 120000 once, half-up', () => {
    // 100 fen a year is 8.333… fen a month: 8 fen.
    assert.equal(shareOfMonthlyWage(100, 10_000), 8);
    // 102 fen a year is 8.5 fen a month: rounds up to 9.
    assert.equal(shareOfMonthlyWage(102, 10_000), 9);
    // 6,000 bp of 1 fen a year: 0.05 fen, rounds down to 0.
    assert.equal(shareOfMonthlyWage(1, 6_000), 0);
    // Exactly half a fen rounds up: 1 fen × 60000 bp / 120000 = 0.5.
    assert.equal(shareOfMonthlyWage(1, 60_000), 1);
    // A single rounding: 12,345,678 × 6000 / 120000 = 617,283.9 → 617,284 (two roundings could differ).
    assert.equal(shareOfMonthlyWage(12_345_678, 6_000), 617_284);
  });

  void test('refuses a result beyond the safe integer range', () => {
    assert.throws(() => shareOfMonthlyWage(Number.MAX_SAFE_INTEGER, 240_000), RangeError);
  });
});

void describe('validatePremiumRules', () => {
  const cases: { name: string; rules: unknown; problem: RegExp }[] = [
    { name: 'not an object', rules: null, problem: /must be an object, got null/ },
    { name: 'an array', rules: [], problem: /must be an object, got an array/ },
    {
      name: 'an unknown top-level field',
      rules: demoWith((r) => (r.resident = {})),
      problem: /^resident is not a known/,
    },
    { name: 'a missing region', rules: demoWith((r) => delete r.region), problem: /^region is missing/ },
    { name: 'a blank version', rules: demoWith((r) => (r.version = '  ')), problem: /^version must be/ },
    { name: 'W of zero', rules: demoWith((r) => (r.averageWageFen = 0)), problem: /^averageWageFen must be/ },
    {
      name: 'W not an integer',
      rules: demoWith((r) => (r.averageWageFen = 1.5)),
      problem: /averageWageFen must be an integer/,
    },
    { name: 'a missing base', rules: demoWith((r) => delete r.base), problem: /^base is missing/ },
    {
      name: 'a base not an object',
      rules: demoWith((r) => (r.base = 5)),
      problem: /^base must be an object/,
    },
    {
      name: 'an unknown base field',
      rules: demoWith((r) => (r.base.extra = 1)),
      problem: /^base\.extra is not a known/,
    },
    {
      name: 'a negative floor',
      rules: demoWith((r) => (r.base.floorBpOfMonthlyWage = -1)),
      problem: /^base\.floorBpOfMonthlyWage must be between/,
    },
    {
      name: 'a floor above the cap',
      rules: demoWith((r) => (r.base.floorBpOfMonthlyWage = 30_001)),
      problem: /must not be above base\.capBpOfMonthlyWage/,
    },
    {
      name: 'a cap beyond safe fen',
      rules: demoWith((r) => {
        r.averageWageFen = Number.MAX_SAFE_INTEGER;
        r.base.capBpOfMonthlyWage = 240_000;
      }),
      problem: /^base\.capBpOfMonthlyWage × averageWageFen \/ 12 is beyond/,
    },
    {
      name: 'an employer rate above 100%',
      rules: demoWith((r) => (r.employee.employerRateBp = 10_001)),
      problem: /^employee\.employerRateBp must be between 0 and 10000/,
    },
    {
      name: 'a missing employee rate',
      rules: demoWith((r) => delete r.employee.employeeRateBp),
      problem: /^employee\.employeeRateBp is missing/,
    },
    {
      name: 'a credited share above the employee rate',
      rules: demoWith((r) => (r.employee.creditedBpOfBase = 201)),
      problem: /employee\.creditedBpOfBase \(201\) must not exceed employee\.employeeRateBp \(200\)/,
    },
    {
      name: 'an unknown employee field',
      rules: demoWith((r) => (r.employee.employerCreditedBp = 0)),
      problem: /^employee\.employerCreditedBp is not a known/,
    },
    {
      name: 'a missing flexible section',
      rules: demoWith((r) => delete r.flexible),
      problem: /^flexible is missing/,
    },
    {
      name: 'a flexible credited share above its rate',
      rules: demoWith((r) => (r.flexible.creditedBpOfBase = 1_001)),
      problem: /flexible\.creditedBpOfBase \(1001\) must not exceed flexible\.rateBp \(1000\)/,
    },
    {
      name: 'a flexible rate given as a string',
      rules: demoWith((r) => (r.flexible.rateBp = '1000')),
      problem: /^flexible\.rateBp must be an integer \(basis points\), got "1000"/,
    },
  ];

  for (const { name, rules, problem } of cases) {
    void test(`refuses ${name}`, () => {
      const problems = validatePremiumRules(rules);
      assert.ok(
        problems.some((p) => problem.test(p)),
        `expected a problem matching ${String(problem)}, got ${JSON.stringify(problems)}`,
      );
    });
  }

  void test('agrees with the TypeBox schema on every refused field-level case', () => {
    // The cross-field checks (floor ≤ cap, credited ≤ rate, safe range) are the validator's alone.
    const fieldLevel = cases.filter((c) => !/must not|beyond/.test(c.problem.source));
    for (const { name, rules } of fieldLevel) {
      assert.equal(Value.Check(PremiumRulesSchema, rules), false, name);
    }
  });

  void test('accepts edge values: zero rates, floor equal to the cap, everything credited', () => {
    const rules: PremiumRules = {
      region: 'edge',
      version: 'e1',
      averageWageFen: 1,
      base: { floorBpOfMonthlyWage: 0, capBpOfMonthlyWage: 0 },
      employee: { employerRateBp: 0, employeeRateBp: 10_000, creditedBpOfBase: 10_000 },
      flexible: { rateBp: 0, creditedBpOfBase: 0 },
    };
    assert.deepEqual(validatePremiumRules(rules), []);
    assert.equal(Value.Check(PremiumRulesSchema, rules), true);
  });

  void test('reports several problems at once', () => {
    const problems = validatePremiumRules(
      demoWith((r) => {
        delete r.region;
        r.employee.employerRateBp = -5;
        r.flexible.rateBp = 20_000;
      }),
    );
    assert.equal(problems.length, 3, JSON.stringify(problems));
  });
});
