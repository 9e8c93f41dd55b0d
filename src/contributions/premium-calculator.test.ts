import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { calculatePremium, type PremiumInput, type PremiumResult } from './premium-calculator.ts';
import {
  DEMO_PREMIUM_RULES,
  resolvePremiumBase,
  validatePremiumRules,
  type PremiumRules,
} from './premium-rules.ts';

const demo = (input: Partial<PremiumInput>) =>
  calculatePremium(DEMO_PREMIUM_RULES, {
    insuranceType: 'employee',
    retired: false,
    declaredBase: 800_000,
    ...input,
  });

/** The money fields only, for compact comparisons. */
const money = (r: PremiumResult) => ({
  base: r.base,
  baseAdjustment: r.baseAdjustment,
  employerPremium: r.employerPremium,
  employeePremium: r.employeePremium,
  toPooledFund: r.toPooledFund,
  toIndividualAccount: r.toIndividualAccount,
});

void describe('calculatePremium: demo employee', () => {
  void test('a base inside the limits: 8% employer to the fund, 2% own, all of it credited', () => {
    const result = demo({ declaredBase: 800_000 });
    assert.deepEqual(money(result), {
      base: 800_000,
      baseAdjustment: 'none',
      employerPremium: 64_000,
      employeePremium: 16_000,
      toPooledFund: 64_000,
      toIndividualAccount: 16_000,
    });
    assert.deepEqual(result.explanations, [
      'contribution base: 8,000.00 yuan',
      'employer 8%: 640.00 yuan, all to the pooled fund',
      'employee 2%: 160.00 yuan',
      'credited to the individual account (2% of the base): 160.00 yuan',
      'to the pooled fund: 640.00 yuan',
    ]);
  });

  void test('a base below the floor is raised to 60% of W / 12 = 6,000 yuan', () => {
    const result = demo({ declaredBase: 350_000 });
    assert.deepEqual(money(result), {
      base: 600_000,
      baseAdjustment: 'raised_to_floor',
      employerPremium: 48_000,
      employeePremium: 12_000,
      toPooledFund: 48_000,
      toIndividualAccount: 12_000,
    });
    assert.equal(
      result.explanations[0],
      'declared base 3,500.00 yuan is below the floor; raised to 6,000.00 yuan',
    );
  });

  void test('a declared base of zero is raised to the floor', () => {
    assert.equal(demo({ declaredBase: 0 }).base, 600_000);
  });

  void test('a base above the cap is lowered to 300% of W / 12 = 30,000 yuan', () => {
    const result = demo({ declaredBase: 5_000_000 });
    assert.deepEqual(money(result), {
      base: 3_000_000,
      baseAdjustment: 'lowered_to_cap',
      employerPremium: 240_000,
      employeePremium: 60_000,
      toPooledFund: 240_000,
      toIndividualAccount: 60_000,
    });
    assert.equal(
      result.explanations[0],
      'declared base 50,000.00 yuan is above the cap; lowered to 30,000.00 yuan',
    );
  });

  void test('the floor and the cap themselves are used as declared', () => {
    assert.equal(demo({ declaredBase: 600_000 }).baseAdjustment, 'none');
    assert.equal(demo({ declaredBase: 3_000_000 }).baseAdjustment, 'none');
    assert.equal(demo({ declaredBase: 599_999 }).baseAdjustment, 'raised_to_floor');
    assert.equal(demo({ declaredBase: 3_000_001 }).baseAdjustment, 'lowered_to_cap');
  });

  void test('rounds each component half-up on its own', () => {
    // 612,345 fen × 8% = 48,987.6 → 48,988; × 2% = 12,246.9 → 12,247.
    assert.deepEqual(money(demo({ declaredBase: 612_345 })), {
      base: 612_345,
      baseAdjustment: 'none',
      employerPremium: 48_988,
      employeePremium: 12_247,
      toPooledFund: 48_988,
      toIndividualAccount: 12_247,
    });
    // 612,325 × 2% = 12,246.5 → 12,247 (exact half rounds up); × 8% = 48,986.0.
    const half = demo({ declaredBase: 612_325 });
    assert.equal(half.employeePremium, 12_247);
    assert.equal(half.employerPremium, 48_986);
  });
});

void describe('calculatePremium: demo flexible worker', () => {
  void test('10% of the base, no employer, 2% of the base credited, the rest pooled', () => {
    const result = demo({ insuranceType: 'flexible', declaredBase: 700_000 });
    assert.deepEqual(money(result), {
      base: 700_000,
      baseAdjustment: 'none',
      employerPremium: 0,
      employeePremium: 70_000,
      toPooledFund: 56_000,
      toIndividualAccount: 14_000,
    });
    assert.deepEqual(result.explanations, [
      'contribution base: 7,000.00 yuan',
      'flexible worker 10%: 700.00 yuan, no employer',
      'credited to the individual account (2% of the base): 140.00 yuan',
      'to the pooled fund: 560.00 yuan',
    ]);
  });

  void test('the same floor and cap apply', () => {
    assert.equal(demo({ insuranceType: 'flexible', declaredBase: 1 }).base, 600_000);
    assert.equal(demo({ insuranceType: 'flexible', declaredBase: 9_000_000 }).base, 3_000_000);
  });
});

void describe('calculatePremium: retired people and refusals', () => {
  for (const insuranceType of ['employee', 'flexible'] as const) {
    void test(`a retired ${insuranceType} pays nothing, whatever the declared base`, () => {
      const result = demo({ insuranceType, retired: true, declaredBase: 2_000_000 });
      assert.deepEqual(money(result), {
        base: 0,
        baseAdjustment: 'none',
        employerPremium: 0,
        employeePremium: 0,
        toPooledFund: 0,
        toIndividualAccount: 0,
      });
      assert.deepEqual(result.explanations, ['retired: no premium is due']);
    });
  }

  void test('refuses residents, whose premium is a fixed yearly amount', () => {
    assert.throws(
      () => demo({ insuranceType: 'resident' as never }),
      (e: unknown) => e instanceof RangeError && /fixed yearly amount/.test(e.message),
    );
  });

  void test('refuses an unknown insurance type', () => {
    assert.throws(() => demo({ insuranceType: 'other' as never }), RangeError);
  });

  for (const declaredBase of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
    void test(`refuses a declared base of ${declaredBase}`, () => {
      assert.throws(() => demo({ declaredBase }), RangeError);
    });
  }

  void test('never credits more than the person paid, even with unvalidated rules', () => {
    const bad: PremiumRules = {
      ...DEMO_PREMIUM_RULES,
      employee: { employerRateBp: 800, employeeRateBp: 100, creditedBpOfBase: 500 },
    };
    const result = calculatePremium(bad, {
      insuranceType: 'employee',
      retired: false,
      declaredBase: 800_000,
    });
    assert.equal(result.toIndividualAccount, result.employeePremium);
    assert.equal(result.toPooledFund, result.employerPremium);
  });
});

const rateBp = fc.integer({ min: 0, max: 10_000 });

/** Random valid rules: small W so that rounding and the limits are exercised often. */
const randomRules: fc.Arbitrary<PremiumRules> = fc
  .record({
    averageWageFen: fc.integer({ min: 1, max: 50_000_000 }),
    floor: fc.integer({ min: 0, max: 20_000 }),
    extra: fc.integer({ min: 0, max: 40_000 }),
    employerRateBp: rateBp,
    employeeRateBp: rateBp,
    creditedShare: fc.integer({ min: 0, max: 10_000 }),
    flexibleRateBp: rateBp,
    flexibleShare: fc.integer({ min: 0, max: 10_000 }),
  })
  .map((r) => ({
    region: 'prop',
    version: 'p1',
    averageWageFen: r.averageWageFen,
    base: { floorBpOfMonthlyWage: r.floor, capBpOfMonthlyWage: r.floor + r.extra },
    employee: {
      employerRateBp: r.employerRateBp,
      employeeRateBp: r.employeeRateBp,
      creditedBpOfBase: Math.floor((r.employeeRateBp * r.creditedShare) / 10_000),
    },
    flexible: {
      rateBp: r.flexibleRateBp,
      creditedBpOfBase: Math.floor((r.flexibleRateBp * r.flexibleShare) / 10_000),
    },
  }));

const randomInput: fc.Arbitrary<PremiumInput> = fc.record({
  insuranceType: fc.constantFrom('employee' as const, 'flexible' as const),
  retired: fc.boolean(),
  declaredBase: fc.oneof(fc.integer({ min: 0, max: 20_000_000 }), fc.integer({ min: 0, max: 2 ** 40 })),
});

void describe('calculatePremium: properties over random valid rules', () => {
  void test('the generated rules are valid', () => {
    fc.assert(fc.property(randomRules, (rules) => validatePremiumRules(rules).length === 0));
  });

  void test('never negative, always integers, and the parts sum exactly', () => {
    fc.assert(
      fc.property(randomRules, randomInput, (rules, input) => {
        const r = calculatePremium(rules, input);
        for (const value of [
          r.base,
          r.employerPremium,
          r.employeePremium,
          r.toPooledFund,
          r.toIndividualAccount,
        ]) {
          assert.ok(Number.isSafeInteger(value) && value >= 0, `bad value ${value}`);
        }
        assert.equal(r.toPooledFund + r.toIndividualAccount, r.employerPremium + r.employeePremium);
        assert.ok(r.toIndividualAccount <= r.employeePremium);
        if (input.insuranceType === 'flexible') assert.equal(r.employerPremium, 0);
        // Since the 2021 reform the employer's premium is all pooled.
        assert.ok(r.toPooledFund >= r.employerPremium);
      }),
    );
  });

  void test('the base is within the floor and the cap, and the adjustment flag says why', () => {
    fc.assert(
      fc.property(randomRules, randomInput, (rules, input) => {
        const r = calculatePremium(rules, { ...input, retired: false });
        const { floorFen, capFen } = resolvePremiumBase(rules);
        assert.ok(r.base >= floorFen && r.base <= capFen);
        if (input.declaredBase < floorFen) assert.equal(r.baseAdjustment, 'raised_to_floor');
        else if (input.declaredBase > capFen) assert.equal(r.baseAdjustment, 'lowered_to_cap');
        else {
          assert.equal(r.baseAdjustment, 'none');
          assert.equal(r.base, input.declaredBase);
        }
      }),
    );
  });

  void test('each component equals base × rate rounded half-up', () => {
    fc.assert(
      fc.property(randomRules, randomInput, (rules, input) => {
        const r = calculatePremium(rules, { ...input, retired: false });
        const employee = input.insuranceType === 'employee';
        const halfUp = (bp: number) => Number((BigInt(r.base) * BigInt(bp) + 5_000n) / 10_000n);
        assert.equal(r.employerPremium, employee ? halfUp(rules.employee.employerRateBp) : 0);
        assert.equal(
          r.employeePremium,
          halfUp(employee ? rules.employee.employeeRateBp : rules.flexible.rateBp),
        );
        assert.equal(
          r.toIndividualAccount,
          halfUp(employee ? rules.employee.creditedBpOfBase : rules.flexible.creditedBpOfBase),
        );
      }),
    );
  });

  void test('monotone in the declared base (the pooled part within one fen of rounding)', () => {
    fc.assert(
      fc.property(randomRules, randomInput, fc.integer({ min: 0, max: 5_000_000 }), (rules, input, more) => {
        const low = calculatePremium(rules, input);
        const high = calculatePremium(rules, { ...input, declaredBase: input.declaredBase + more });
        assert.ok(high.base >= low.base);
        assert.ok(high.employerPremium >= low.employerPremium);
        assert.ok(high.employeePremium >= low.employeePremium);
        assert.ok(high.toIndividualAccount >= low.toIndividualAccount);
        assert.ok(high.employerPremium + high.employeePremium >= low.employerPremium + low.employeePremium);
        // The pooled part is the remainder of two separately rounded amounts, so one more fen of
        // base can move the credited part up by a fen without moving the own premium.
        assert.ok(high.toPooledFund >= low.toPooledFund - 1);
      }),
    );
  });

  void test('with the demo rules the pooled part is exactly the employer premium (all own premium credited)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (declaredBase) => {
        const r = calculatePremium(DEMO_PREMIUM_RULES, {
          insuranceType: 'employee',
          retired: false,
          declaredBase,
        });
        assert.equal(r.toPooledFund, r.employerPremium);
        assert.equal(r.toIndividualAccount, r.employeePremium);
      }),
    );
  });
});
