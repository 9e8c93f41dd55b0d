// Property tests: for random valid policies, people, years and bills, the settlement keeps its
// invariants (no negative share, every fen accounted for, ceiling and balances respected).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Value } from 'typebox/value';
import {
  calculateSettlement,
  type Accumulators,
  type BillItem,
  type CareSetting,
  type SettlementInput,
  type SettlementLine,
  type SettlementResult,
} from './calculator.ts';
import { SPECIAL_SERVICE_TYPES } from '../institutions/service-types.ts';
import {
  DEMO_POLICY,
  PolicyRulesSchema,
  resolvePolicyAmounts,
  validatePolicy,
  type PolicyRules,
} from './policy.ts';

const NUM_RUNS = 400;

const ratioBp = fc.integer({ min: 0, max: 10_000 });

/** Random valid policies, with a small W so that ceilings and thresholds are often crossed. */
const randomPolicy: fc.Arbitrary<PolicyRules> = fc
  .record({
    averageWageFen: fc.integer({ min: 1, max: 2_000_000 }),
    fundCeilingBpOfWage: fc.integer({ min: 0, max: 60_000 }),
    deductibleShare: fc.integer({ min: 0, max: 10_000 }),
    thresholdBpOfWage: fc.integer({ min: 0, max: 5_000 }),
    notRetired: ratioBp,
    retired: ratioBp,
    outpatientRatio: ratioBp,
    largeEquipment: ratioBp,
    specialOutpatient: ratioBp,
    unitPriceLimitFen: fc.integer({ min: 0, max: 300_000 }),
    domestic: ratioBp,
    imported: ratioBp,
    approvalRequired: fc.subarray([...SPECIAL_SERVICE_TYPES]),
    selfPayFirstA: fc.oneof(fc.constant(0), ratioBp),
    selfPayFirstB: ratioBp,
  })
  .map((r) => ({
    region: 'prop',
    version: 'p1',
    averageWageFen: r.averageWageFen,
    fundCeilingBpOfWage: r.fundCeilingBpOfWage,
    // The deductible is a share of the ceiling, so the policy is always valid.
    inpatient: {
      deductibleBpOfWage: Math.floor((r.fundCeilingBpOfWage * r.deductibleShare) / 10_000),
      fundRatioBp: { notRetired: r.notRetired, retired: r.retired },
    },
    outpatient: { thresholdBpOfWage: r.thresholdBpOfWage, fundRatioBp: r.outpatientRatio },
    largeEquipment: { fundRatioBp: r.largeEquipment },
    specialMaterial: {
      unitPriceLimitFen: r.unitPriceLimitFen,
      domesticFundRatioBp: r.domestic,
      importedFundRatioBp: r.imported,
    },
    specialOutpatient: { fundRatioBp: r.specialOutpatient },
    approvalRequired: r.approvalRequired,
    catalogue: { A: { selfPayFirstBp: r.selfPayFirstA }, B: { selfPayFirstBp: r.selfPayFirstB } },
  }));

const anyPolicy = fc.oneof(fc.constant(DEMO_POLICY), randomPolicy);

const price = fc.oneof(
  fc.integer({ min: 0, max: 2_000 }),
  fc.integer({ min: 0, max: 400_000 }),
  fc.integer({ min: 0, max: 20_000_000 }),
);

function itemArb(setting: CareSetting): fc.Arbitrary<BillItem> {
  return fc
    .record({
      code: fc.constantFrom('A1', 'B2', 'C3'),
      quantity: fc.integer({ min: 1, max: 5 }),
      unitPrice: price,
      catalogue: fc.constantFrom('in', 'in', 'in', 'out'),
      category: fc.constantFrom(undefined, 'A', 'B', 'C'),
      priceLimit: fc.option(fc.integer({ min: 1, max: 400_000 }), { nil: undefined }),
      selfPayFirstBp: fc.option(ratioBp, { nil: undefined }),
      serviceType: fc.constantFrom(
        setting,
        setting,
        'large_equipment',
        'special_material',
        'special_outpatient',
      ),
      references: fc.constantFrom('domestic', 'imported', 'both', 'none'),
      restrictedTo: fc.constantFrom(undefined, undefined, undefined, 'inpatient', 'special_outpatient'),
      domesticPrice: price,
      importedPrice: price,
      approvalRef: fc.constantFrom(undefined, 'APR-1', ' '),
    })
    .map((r) => {
      const item: BillItem = {
        code: r.code,
        name: 'item',
        quantity: r.quantity,
        unitPrice: r.unitPrice,
        catalogue: r.catalogue as 'in' | 'out',
        serviceType: r.serviceType as BillItem['serviceType'],
      };
      if (r.category !== undefined) item.category = r.category as 'A' | 'B' | 'C';
      if (r.priceLimit !== undefined) item.priceLimit = r.priceLimit;
      // The catalogue's own self-pay-first ratio exists for Class B only.
      if (r.selfPayFirstBp !== undefined && r.category === 'B') item.selfPayFirstBp = r.selfPayFirstBp;
      if (r.approvalRef !== undefined) item.approvalRef = r.approvalRef;
      if (r.restrictedTo !== undefined) item.restrictedTo = r.restrictedTo as BillItem['restrictedTo'];
      // An approved special material carries a reference price (its approval's); an unapproved one may not.
      const references = r.references === 'none' && hasRef(r.approvalRef) ? 'both' : r.references;
      if (references === 'domestic' || references === 'both') item.domesticReferencePrice = r.domesticPrice;
      if (references === 'imported' || references === 'both') item.importedReferencePrice = r.importedPrice;
      return item;
    });
}

/** Whether an approval reference counts (a blank one does not). */
const hasRef = (ref: string | undefined) => ref !== undefined && ref.trim() !== '';

/** Up to `scale` × 1.2, so accumulators start below, at and beyond their limits. */
const upTo = (scale: number) =>
  fc.oneof(fc.constant(0), fc.constant(scale), fc.integer({ min: 0, max: Math.ceil(scale * 1.2) + 10 }));

const inputArb: fc.Arbitrary<SettlementInput> = anyPolicy.chain((policy) => {
  const limits = resolvePolicyAmounts(policy);
  return fc
    .record({
      person: fc.record({
        insuranceType: fc.constantFrom('employee' as const, 'resident' as const, 'flexible' as const),
        retired: fc.boolean(),
      }),
      accumulators: fc.record({
        inpatientDeductiblePaid: upTo(limits.inpatientDeductibleFen),
        outpatientEligibleSpent: upTo(limits.outpatientThresholdFen),
        fundPaid: upTo(limits.fundCeilingFen),
      }),
      accountBalance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000_000 })),
      relative: fc.option(fc.record({ accountBalance: fc.integer({ min: 0, max: 5_000_000 }) }), {
        nil: undefined,
      }),
      setting: fc.constantFrom('inpatient' as const, 'outpatient' as const),
    })
    .chain((base) =>
      fc.array(itemArb(base.setting), { minLength: 1, maxLength: 8 }).map((items) => {
        const input: SettlementInput = {
          policy,
          person: base.person,
          accumulators: base.accumulators,
          accountBalance: base.accountBalance,
          bill: { setting: base.setting, items },
        };
        if (base.relative !== undefined) input.relative = base.relative;
        return input;
      }),
    );
});

const lineAmounts = (line: SettlementLine): Record<string, number> => ({
  amount: line.amount,
  fund: line.fund,
  person: line.person,
  account: line.personal.account,
  relativeAccount: line.personal.relativeAccount,
  cash: line.personal.cash,
  outOfCatalogue: line.outOfCatalogue,
  overLimit: line.overLimit,
  selfPayFirst: line.selfPayFirst,
  withoutApproval: line.withoutApproval,
  policyScope: line.policyScope,
  deductibleApplied: line.deductibleApplied,
  belowOutpatientThreshold: line.belowOutpatientThreshold,
  outpatientEligibleApplied: line.outpatientEligibleApplied,
  ceilingOverflow: line.ceilingOverflow,
  ...line.accumulatorDeltas,
});

const sum = (lines: readonly SettlementLine[], pick: (line: SettlementLine) => number) =>
  lines.reduce((total, line) => total + pick(line), 0);

function property(name: string, check: (input: SettlementInput, result: SettlementResult) => void) {
  void test(name, () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        check(input, calculateSettlement(input));
      }),
      { numRuns: NUM_RUNS },
    );
  });
}

void describe('settlement properties', () => {
  void test('the generated policies are valid for validatePolicy and the TypeBox schema', () => {
    fc.assert(
      fc.property(randomPolicy, (policy) => {
        assert.deepEqual(validatePolicy(policy), []);
        assert.equal(Value.Check(PolicyRulesSchema, policy), true, 'the TypeBox schema agrees');
      }),
    );
  });

  property('no share is ever negative and every figure is a safe integer', (_input, result) => {
    for (const line of result.lines) {
      for (const [field, value] of Object.entries(lineAmounts(line))) {
        assert.ok(Number.isSafeInteger(value) && value >= 0, `line ${line.index} ${field} = ${value}`);
      }
    }
    for (const [field, value] of Object.entries(result.totals)) {
      if (value === null) continue;
      assert.ok(Number.isSafeInteger(value) && value >= 0, `totals.${field} = ${value}`);
    }
  });

  property('every line and the totals sum to the bill, to the fen', (input, result) => {
    assert.equal(result.lines.length, input.bill.items.length);
    input.bill.items.forEach((item, index) => {
      const line = result.lines[index];
      assert.ok(line);
      assert.equal(line.index, index);
      assert.equal(line.amount, item.quantity * item.unitPrice);
      assert.equal(line.fund + line.person, line.amount);
      assert.equal(line.personal.account + line.personal.relativeAccount + line.personal.cash, line.person);
      assert.equal(
        line.outOfCatalogue + line.overLimit + line.selfPayFirst + line.withoutApproval + line.policyScope,
        line.amount,
      );
      assert.ok(line.fund <= line.policyScope, 'the fund pays only policy-scope amounts');
      // Out of catalogue, Class C and outside the catalogue's restriction are wholly the person's; above the
      // price limit is never the fund's.
      const whollyOwn = item.catalogue === 'out' || item.category === 'C' || item.restrictedTo !== undefined;
      assert.equal(line.outOfCatalogue, whollyOwn ? line.amount : 0);
      const above =
        !whollyOwn && item.priceLimit !== undefined && item.unitPrice > item.priceLimit
          ? (item.unitPrice - item.priceLimit) * item.quantity
          : 0;
      assert.equal(line.overLimit, above);
      assert.ok(line.fund <= line.amount - line.overLimit - line.outOfCatalogue);
      // A special material above the limit with no reference price gets nothing from the fund.
      if (
        item.serviceType === 'special_material' &&
        item.domesticReferencePrice === undefined &&
        item.importedReferencePrice === undefined &&
        item.unitPrice > input.policy.specialMaterial.unitPriceLimitFen
      )
        assert.equal(line.fund, 0);
      if (whollyOwn)
        assert.deepEqual(line.accumulatorDeltas, {
          inpatientDeductiblePaid: 0,
          outpatientEligibleSpent: 0,
          fundPaid: 0,
        });
    });
    const { totals } = result;
    assert.equal(
      totals.total,
      sum(result.lines, (l) => l.amount),
    );
    assert.equal(totals.fund + totals.person, totals.total);
    assert.equal(totals.accountPaid + totals.relativeAccountPaid + totals.cashPaid, totals.person);
    assert.equal(
      totals.outOfCatalogue +
        totals.overLimit +
        totals.selfPayFirst +
        totals.withoutApproval +
        totals.policyScope,
      totals.total,
    );
    assert.equal(
      totals.fund,
      sum(result.lines, (l) => l.fund),
    );
    assert.equal(
      totals.person,
      sum(result.lines, (l) => l.person),
    );
    assert.equal(
      totals.accountPaid,
      sum(result.lines, (l) => l.personal.account),
    );
    assert.equal(
      totals.relativeAccountPaid,
      sum(result.lines, (l) => l.personal.relativeAccount),
    );
    assert.equal(
      totals.cashPaid,
      sum(result.lines, (l) => l.personal.cash),
    );
    assert.equal(
      totals.deductiblePaid,
      sum(result.lines, (l) => l.deductibleApplied),
    );
  });

  property(
    'the fund never passes the ceiling, and the overflow appears only when it is reached',
    (input, result) => {
      const ceiling = resolvePolicyAmounts(input.policy).fundCeilingFen;
      const left = Math.max(0, ceiling - input.accumulators.fundPaid);
      assert.ok(result.totals.fund <= left);
      if (input.accumulators.fundPaid <= ceiling) assert.ok(result.newAccumulators.fundPaid <= ceiling);
      assert.equal(result.totals.fundCeiling, ceiling);
      assert.equal(result.totals.fundLimitRemaining, left - result.totals.fund);
      if (result.totals.ceilingOverflow > 0) assert.equal(result.totals.fundLimitRemaining, 0);
    },
  );

  property('the deductible and threshold are never over-collected', (input, result) => {
    const limits = resolvePolicyAmounts(input.policy);
    const before = input.accumulators;
    assert.ok(
      result.newAccumulators.inpatientDeductiblePaid <=
        Math.max(before.inpatientDeductiblePaid, limits.inpatientDeductibleFen),
    );
    const thresholdLeft = Math.max(0, limits.outpatientThresholdFen - before.outpatientEligibleSpent);
    assert.ok(sum(result.lines, (l) => l.belowOutpatientThreshold) <= thresholdLeft);
  });

  property('new accumulators = old + deltas, and the deltas are the sum of the lines', (input, result) => {
    const keys: (keyof Accumulators)[] = ['inpatientDeductiblePaid', 'outpatientEligibleSpent', 'fundPaid'];
    for (const key of keys) {
      assert.equal(result.accumulatorsBefore[key], input.accumulators[key]);
      assert.equal(
        result.accumulatorDeltas[key],
        sum(result.lines, (l) => l.accumulatorDeltas[key]),
      );
      assert.equal(result.newAccumulators[key], input.accumulators[key] + result.accumulatorDeltas[key]);
    }
  });

  property(
    'account payments never pass the balances, and cash is used only when both are empty',
    (input, result) => {
      const { totals } = result;
      const relativeBalance = input.relative?.accountBalance ?? 0;
      assert.ok(totals.accountPaid <= input.accountBalance);
      assert.ok(totals.relativeAccountPaid <= relativeBalance);
      assert.equal(totals.accountBalanceAfter, input.accountBalance - totals.accountPaid);
      if (input.relative === undefined) assert.equal(totals.relativeAccountBalanceAfter, null);
      else assert.equal(totals.relativeAccountBalanceAfter, relativeBalance - totals.relativeAccountPaid);
      if (totals.relativeAccountPaid > 0) assert.equal(totals.accountBalanceAfter, 0);
      if (totals.cashPaid > 0) {
        assert.equal(totals.accountBalanceAfter, 0);
        assert.equal(totals.relativeAccountPaid, relativeBalance);
      }
    },
  );

  property('settling the items one bill at a time gives the same lines as one bill', (input, result) => {
    let accumulators = input.accumulators;
    let accountBalance = input.accountBalance;
    let relative = input.relative;
    input.bill.items.forEach((item, index) => {
      const single = calculateSettlement({
        ...input,
        accumulators,
        accountBalance,
        ...(relative === undefined ? {} : { relative }),
        bill: { setting: input.bill.setting, items: [item] },
      });
      const alone = single.lines[0];
      const together = result.lines[index];
      assert.ok(alone && together);
      assert.deepEqual({ ...alone, index }, together);
      accumulators = single.newAccumulators;
      accountBalance = single.totals.accountBalanceAfter;
      if (relative !== undefined)
        relative = { accountBalance: single.totals.relativeAccountBalanceAfter ?? 0 };
    });
    assert.deepEqual(accumulators, result.newAccumulators);
  });

  property('the calculation is deterministic and leaves its input unchanged', (input, result) => {
    // JSON, because fast-check builds null-prototype records that structuredClone would not copy as such.
    const snapshot = JSON.stringify(input);
    assert.deepEqual(calculateSettlement(input), result);
    assert.equal(JSON.stringify(input), snapshot);
  });
});
