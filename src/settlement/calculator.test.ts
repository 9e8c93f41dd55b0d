import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../platform/errors.ts';
import {
  calculateSettlement,
  toNationalFigures,
  type Accumulators,
  type BillItem,
  type SettlementInput,
  type SettlementResult,
} from './calculator.ts';
import { DEMO_POLICY, type PolicyRules } from './policy.ts';
import { renderAll, type StoredText } from '../i18n/index.ts';

/** Explanations are codes with parameters; these tests read them as an English reader does. */
const english = (texts: readonly StoredText[]) => renderAll('en', texts);

const YUAN = 100;
const FRESH_YEAR: Accumulators = { inpatientDeductiblePaid: 0, outpatientEligibleSpent: 0, fundPaid: 0 };
/** The demo deductible is already paid and the outpatient threshold already passed. */
const PAST_THRESHOLDS: Accumulators = {
  inpatientDeductiblePaid: 12_000 * YUAN,
  outpatientEligibleSpent: 12_000 * YUAN,
  fundPaid: 0,
};

function item(fields: Partial<BillItem> = {}): BillItem {
  return {
    code: 'ITEM',
    name: 'an item',
    quantity: 1,
    unitPrice: 100 * YUAN,
    catalogue: 'in',
    serviceType: 'inpatient',
    ...fields,
  };
}

function settle(overrides: Partial<SettlementInput> & { items?: BillItem[] } = {}): SettlementResult {
  const { items, ...rest } = overrides;
  return calculateSettlement({
    policy: DEMO_POLICY,
    person: { insuranceType: 'employee', retired: false },
    accumulators: FRESH_YEAR,
    accountBalance: 0,
    bill: { setting: 'inpatient', items: items ?? [item()] },
    ...rest,
  });
}

function outpatient(items: BillItem[], overrides: Partial<SettlementInput> = {}): SettlementResult {
  return settle({ bill: { setting: 'outpatient', items }, ...overrides });
}

function only<T>(values: readonly T[]): T {
  assert.equal(values.length, 1);
  return values[0] as T;
}

function expectInvalid(run: () => unknown, code: string, details: Record<string, unknown>, message?: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.status, 422);
    assert.equal(error.code, code);
    assert.deepEqual(error.details, details);
    if (message) assert.match(error.message, message);
    return true;
  });
}

void describe("DOMAIN.md's worked example", () => {
  const example = (accountBalance: number) =>
    settle({
      accountBalance,
      items: [item({ code: 'WARD', unitPrice: 50_000 * YUAN })],
    });

  void test('employee, first inpatient bill of the year, 50,000 yuan: deductible 12,000, fund 34,200, person 3,800', () => {
    const result = example(100_000 * YUAN);
    const line = only(result.lines);
    assert.equal(line.deductibleApplied, 12_000 * YUAN);
    assert.equal(line.fund, 34_200 * YUAN);
    assert.equal(line.person, 15_800 * YUAN);
    assert.equal(line.rule, 'inpatient');
    assert.equal(result.totals.deductiblePaid, 12_000 * YUAN);
    assert.equal(result.totals.fund, 34_200 * YUAN);
    assert.equal(result.totals.person, 15_800 * YUAN);
    assert.deepEqual(english(line.explanations), [
      'inpatient deductible: 12,000.00 yuan to the person',
      'inpatient above deductible: fund 90% = 34,200.00 yuan, person 3,800.00 yuan',
    ]);
  });

  void test("the person's 15,800 yuan comes from the account when the balance covers it", () => {
    const result = example(100_000 * YUAN);
    assert.deepEqual(only(result.lines).personal, { account: 15_800 * YUAN, relativeAccount: 0, cash: 0 });
    assert.equal(result.totals.accountBalanceAfter, 84_200 * YUAN);
  });

  void test('and from the account up to its balance, the rest in cash', () => {
    const result = example(10_000 * YUAN);
    assert.deepEqual(only(result.lines).personal, {
      account: 10_000 * YUAN,
      relativeAccount: 0,
      cash: 5_800 * YUAN,
    });
    assert.equal(result.totals.accountBalanceAfter, 0);
    assert.equal(result.totals.cashPaid, 5_800 * YUAN);
  });

  void test('updates the accumulators and the remaining fund limit', () => {
    const result = example(0);
    assert.deepEqual(result.newAccumulators, {
      inpatientDeductiblePaid: 12_000 * YUAN,
      outpatientEligibleSpent: 0,
      fundPaid: 34_200 * YUAN,
    });
    assert.equal(result.totals.fundCeiling, 480_000 * YUAN);
    assert.equal(result.totals.fundLimitRemaining, (480_000 - 34_200) * YUAN);
  });

  void test('holds every figure the national interface names', () => {
    const result = example(10_000 * YUAN);
    assert.deepEqual(toNationalFigures(result), {
      medfee_sumamt: 50_000 * YUAN,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 0,
      preselfpay_amt: 0,
      inscp_scp_amt: 50_000 * YUAN,
      act_pay_dedc: 12_000 * YUAN,
      hifp_pay: 34_200 * YUAN,
      fund_pay_sumamt: 34_200 * YUAN,
      psn_part_amt: 15_800 * YUAN,
      acct_pay: 10_000 * YUAN,
      acct_mulaid_pay: 0,
      psn_cash_pay: 5_800 * YUAN,
      balc: 0,
    });
  });
});

void describe('out-of-catalogue items', () => {
  void test('are 100% the person’s and touch no accumulator, in an inpatient bill', () => {
    const result = settle({ items: [item({ catalogue: 'out', unitPrice: 3_000 * YUAN, quantity: 2 })] });
    const line = only(result.lines);
    assert.equal(line.fund, 0);
    assert.equal(line.person, 6_000 * YUAN);
    assert.equal(line.outOfCatalogue, 6_000 * YUAN);
    assert.equal(line.policyScope, 0);
    assert.equal(line.rule, 'out_of_catalogue');
    assert.deepEqual(result.newAccumulators, FRESH_YEAR);
    assert.equal(result.totals.outOfCatalogue, 6_000 * YUAN);
    assert.deepEqual(english(line.explanations), ['out of catalogue: 6,000.00 yuan to the person']);
  });

  void test('stay the person’s even when the thresholds are passed, in an outpatient bill', () => {
    const result = outpatient([item({ catalogue: 'out', serviceType: 'outpatient' })], {
      accumulators: PAST_THRESHOLDS,
    });
    assert.equal(only(result.lines).fund, 0);
    assert.equal(result.newAccumulators.outpatientEligibleSpent, PAST_THRESHOLDS.outpatientEligibleSpent);
  });

  void test('ignore an approval or special type: out of catalogue wins', () => {
    const result = settle({
      items: [item({ catalogue: 'out', serviceType: 'large_equipment', approvalRef: 'APR-1' })],
      accumulators: PAST_THRESHOLDS,
    });
    assert.equal(only(result.lines).fund, 0);
    assert.equal(only(result.lines).rule, 'out_of_catalogue');
  });
});

void describe('inpatient deductible and ratios', () => {
  void test('below the deductible the person pays everything and the deductible is counted', () => {
    const result = settle({ items: [item({ unitPrice: 8_000 * YUAN })] });
    const line = only(result.lines);
    assert.equal(line.fund, 0);
    assert.equal(line.deductibleApplied, 8_000 * YUAN);
    assert.equal(result.newAccumulators.inpatientDeductiblePaid, 8_000 * YUAN);
  });

  void test('the deductible is crossed inside one item: the item is split', () => {
    const result = settle({
      accumulators: { ...FRESH_YEAR, inpatientDeductiblePaid: 11_000 * YUAN },
      items: [item({ unitPrice: 3_000 * YUAN })],
    });
    const line = only(result.lines);
    assert.equal(line.deductibleApplied, 1_000 * YUAN);
    assert.equal(line.fund, 1_800 * YUAN); // 90% of the 2,000 above
    assert.equal(line.person, 1_200 * YUAN);
    assert.equal(result.newAccumulators.inpatientDeductiblePaid, 12_000 * YUAN);
  });

  void test('the deductible is crossed between items of one bill', () => {
    const result = settle({
      items: [item({ code: 'A', unitPrice: 10_000 * YUAN }), item({ code: 'B', unitPrice: 5_000 * YUAN })],
    });
    const [first, second] = result.lines;
    assert.equal(first?.deductibleApplied, 10_000 * YUAN);
    assert.equal(first?.fund, 0);
    assert.equal(second?.deductibleApplied, 2_000 * YUAN);
    assert.equal(second?.fund, 2_700 * YUAN);
    assert.equal(result.totals.deductiblePaid, 12_000 * YUAN);
  });

  void test('once the deductible is paid, a later bill pays none', () => {
    const result = settle({ accumulators: PAST_THRESHOLDS, items: [item({ unitPrice: 1_000 * YUAN })] });
    assert.equal(only(result.lines).deductibleApplied, 0);
    assert.equal(only(result.lines).fund, 900 * YUAN);
  });

  void test('a retired employee gets 95% above the deductible', () => {
    const result = settle({
      person: { insuranceType: 'employee', retired: true },
      items: [item({ unitPrice: 50_000 * YUAN })],
    });
    assert.equal(only(result.lines).fund, 36_100 * YUAN);
    assert.equal(only(result.lines).person, 13_900 * YUAN);
    assert.match(english(only(result.lines).explanations)[1] ?? '', /fund 95% \(retired\) = 36,100\.00 yuan/);
  });

  void test('residents and flexible workers use the not-retired ratio even when retired', () => {
    for (const insuranceType of ['resident', 'flexible'] as const) {
      const result = settle({
        person: { insuranceType, retired: true },
        accumulators: PAST_THRESHOLDS,
        items: [item({ unitPrice: 1_000 * YUAN })],
      });
      assert.equal(only(result.lines).fund, 900 * YUAN, insuranceType);
    }
  });
});

void describe('ordinary outpatient', () => {
  void test('the person pays until the year’s eligible outpatient spending passes 10% of W', () => {
    const result = outpatient([item({ serviceType: 'outpatient', unitPrice: 500 * YUAN })]);
    const line = only(result.lines);
    assert.equal(line.fund, 0);
    assert.equal(line.belowOutpatientThreshold, 500 * YUAN);
    assert.equal(line.outpatientEligibleApplied, 500 * YUAN);
    assert.equal(result.newAccumulators.outpatientEligibleSpent, 500 * YUAN);
    assert.equal(result.newAccumulators.inpatientDeductiblePaid, 0);
  });

  void test('above the threshold the fund pays 70%', () => {
    const result = outpatient([item({ serviceType: 'outpatient', unitPrice: 100 * YUAN })], {
      accumulators: PAST_THRESHOLDS,
    });
    assert.equal(only(result.lines).fund, 70 * YUAN);
    assert.equal(only(result.lines).person, 30 * YUAN);
    assert.equal(result.newAccumulators.outpatientEligibleSpent, 12_100 * YUAN);
  });

  void test('the threshold is crossed inside one item: only the part above gets 70%', () => {
    const result = outpatient([item({ serviceType: 'outpatient', unitPrice: 1_000 * YUAN })], {
      accumulators: { ...FRESH_YEAR, outpatientEligibleSpent: 11_500 * YUAN },
    });
    const line = only(result.lines);
    assert.equal(line.belowOutpatientThreshold, 500 * YUAN);
    assert.equal(line.fund, 350 * YUAN);
    assert.equal(line.person, 650 * YUAN);
    assert.deepEqual(english(line.explanations), [
      'outpatient below the yearly threshold of 12,000.00 yuan: 500.00 yuan to the person',
      'outpatient above threshold: fund 70% = 350.00 yuan, person 150.00 yuan',
    ]);
  });

  void test('the threshold carries across items of one bill', () => {
    const result = outpatient(
      [
        item({ code: 'A', serviceType: 'outpatient', unitPrice: 11_000 * YUAN }),
        item({ code: 'B', serviceType: 'outpatient', unitPrice: 2_000 * YUAN }),
      ],
      { accumulators: FRESH_YEAR },
    );
    assert.equal(result.lines[0]?.fund, 0);
    assert.equal(result.lines[1]?.belowOutpatientThreshold, 1_000 * YUAN);
    assert.equal(result.lines[1]?.fund, 700 * YUAN);
  });

  void test('inpatient bills do not count toward the outpatient threshold, nor outpatient toward the deductible', () => {
    const inpatientBill = settle({ items: [item({ unitPrice: 500 * YUAN })] });
    assert.equal(inpatientBill.newAccumulators.outpatientEligibleSpent, 0);
    const outpatientBill = outpatient([item({ serviceType: 'outpatient', unitPrice: 500 * YUAN })]);
    assert.equal(outpatientBill.newAccumulators.inpatientDeductiblePaid, 0);
  });
});

void describe('large-equipment exams and special outpatient treatment', () => {
  void test('an approved large-equipment exam: fund 80%, no deductible taken even on an inpatient bill', () => {
    const result = settle({
      items: [item({ serviceType: 'large_equipment', unitPrice: 1_000 * YUAN, approvalRef: 'CT-7' })],
    });
    const line = only(result.lines);
    assert.equal(line.rule, 'large_equipment');
    assert.equal(line.fund, 800 * YUAN);
    assert.equal(line.person, 200 * YUAN);
    assert.equal(line.deductibleApplied, 0);
    assert.deepEqual(english(line.explanations), [
      'large-equipment exam (approval CT-7): fund 80% = 800.00 yuan, person 200.00 yuan',
    ]);
  });

  void test('an approved large-equipment exam on an outpatient bill does not count as ordinary outpatient spending', () => {
    const result = outpatient([
      item({ serviceType: 'large_equipment', unitPrice: 600 * YUAN, approvalRef: 'MRI-1' }),
    ]);
    assert.equal(only(result.lines).fund, 480 * YUAN);
    assert.equal(result.newAccumulators.outpatientEligibleSpent, 0);
  });

  void test('approved special outpatient treatment (dialysis): fund 90%', () => {
    const result = outpatient([
      item({ serviceType: 'special_outpatient', unitPrice: 5_000 * YUAN, approvalRef: 'DIAL-2026' }),
    ]);
    const line = only(result.lines);
    assert.equal(line.rule, 'special_outpatient');
    assert.equal(line.fund, 4_500 * YUAN);
    assert.equal(line.person, 500 * YUAN);
    assert.equal(result.newAccumulators.outpatientEligibleSpent, 0);
  });
});

void describe('missing approval', () => {
  void test('a large-equipment exam without approval is the person’s, with an explanation, not an exception', () => {
    const result = settle({
      accumulators: PAST_THRESHOLDS,
      items: [item({ code: 'CT', serviceType: 'large_equipment', unitPrice: 1_000 * YUAN })],
    });
    const line = only(result.lines);
    assert.equal(line.rule, 'approval_missing');
    assert.equal(line.fund, 0);
    assert.equal(line.withoutApproval, 1_000 * YUAN);
    assert.equal(line.policyScope, 0);
    assert.equal(result.totals.withoutApproval, 1_000 * YUAN);
    assert.deepEqual(result.newAccumulators, PAST_THRESHOLDS);
    assert.ok(
      english(result.explanations).includes(
        'Item 1 CT: large-equipment exam without approval: 1,000.00 yuan to the person',
      ),
    );
  });

  void test('a line outside the catalogue’s restriction is wholly the person’s, fully self-paid', () => {
    const result = outpatient(
      [
        item({ serviceType: 'outpatient', unitPrice: 80 * YUAN, restrictedTo: 'inpatient' }),
        item({ serviceType: 'outpatient', unitPrice: 40 * YUAN, restrictedTo: 'special_outpatient' }),
      ],
      { accumulators: PAST_THRESHOLDS },
    );
    assert.deepEqual(
      result.lines.map((l) => [
        l.rule,
        l.fund,
        l.outOfCatalogue,
        l.accumulatorDeltas.outpatientEligibleSpent,
      ]),
      [
        ['restricted', 0, 80 * YUAN, 0],
        ['restricted', 0, 40 * YUAN, 0],
      ],
    );
    assert.equal(result.totals.outOfCatalogue, 120 * YUAN);
    assert.deepEqual(english(result.lines[0]!.explanations), [
      'restricted to inpatient care: 80.00 yuan to the person',
    ]);
  });

  void test('a special material above the limit without a reference price settles as approval missing', () => {
    const result = settle({
      items: [item({ serviceType: 'special_material', unitPrice: 2_000 * YUAN })],
      policy: { ...DEMO_POLICY, approvalRequired: [] },
    });
    assert.deepEqual([only(result.lines).rule, only(result.lines).fund], ['approval_missing', 0]);
  });

  void test('a blank approval reference counts as missing', () => {
    const result = outpatient([item({ serviceType: 'special_outpatient', approvalRef: '  ' })]);
    assert.equal(only(result.lines).rule, 'approval_missing');
  });

  void test('special outpatient and high-value special material need approval too', () => {
    const result = settle({
      accumulators: PAST_THRESHOLDS,
      items: [
        item({ serviceType: 'special_outpatient' }),
        item({
          serviceType: 'special_material',
          unitPrice: 2_000 * YUAN,
          domesticReferencePrice: 1_500 * YUAN,
        }),
      ],
    });
    assert.deepEqual(
      result.lines.map((line) => [line.rule, line.fund]),
      [
        ['approval_missing', 0],
        ['approval_missing', 0],
      ],
    );
    assert.match(
      english(result.explanations)[1] ?? '',
      /special material without approval: 2,000\.00 yuan to the person/,
    );
  });

  void test('a policy that does not require approval covers the item without a reference', () => {
    const policy: PolicyRules = { ...structuredClone(DEMO_POLICY), approvalRequired: ['special_material'] };
    const result = settle({
      policy,
      items: [item({ serviceType: 'large_equipment', unitPrice: 1_000 * YUAN })],
    });
    assert.equal(only(result.lines).rule, 'large_equipment');
    assert.equal(only(result.lines).fund, 800 * YUAN);
  });
});

void describe('special material', () => {
  void test('above 1,000 yuan with a domestic type: fund 90% of the domestic price', () => {
    const result = settle({
      items: [
        item({
          serviceType: 'special_material',
          quantity: 2,
          unitPrice: 2_000 * YUAN,
          domesticReferencePrice: 1_500 * YUAN,
          importedReferencePrice: 2_000 * YUAN,
          approvalRef: 'STENT-1',
        }),
      ],
    });
    const line = only(result.lines);
    assert.equal(line.rule, 'special_material_domestic');
    assert.equal(line.fund, 2_700 * YUAN); // 90% × 1,500 × 2
    assert.equal(line.person, 1_300 * YUAN);
    assert.equal(line.deductibleApplied, 0, 'the reference-price rule takes no deductible');
    assert.match(
      english(line.explanations)[0] ?? '',
      /fund 90% of the domestic type's price 1,500\.00 yuan × 2 = 2,700\.00 yuan/,
    );
  });

  void test('above 1,000 yuan with no domestic type: fund 50% of the imported price', () => {
    const result = settle({
      items: [
        item({
          serviceType: 'special_material',
          unitPrice: 3_000 * YUAN,
          importedReferencePrice: 2_800 * YUAN,
          approvalRef: 'VALVE-1',
        }),
      ],
    });
    const line = only(result.lines);
    assert.equal(line.rule, 'special_material_imported');
    assert.equal(line.fund, 1_400 * YUAN);
    assert.equal(line.person, 1_600 * YUAN);
  });

  void test('the fund never pays more than the item: a reference price above the price is capped', () => {
    const result = settle({
      items: [
        item({
          serviceType: 'special_material',
          unitPrice: 1_500 * YUAN,
          domesticReferencePrice: 2_000 * YUAN,
          approvalRef: 'X',
        }),
      ],
    });
    assert.equal(only(result.lines).fund, 1_500 * YUAN);
    assert.equal(only(result.lines).person, 0);
    assert.match(
      english(only(result.lines).explanations)[0] ?? '',
      /capped at the item's eligible 1,500\.00 yuan/,
    );
  });

  void test('at exactly 1,000 yuan it falls back to the ordinary inpatient rule, with no approval needed', () => {
    const result = settle({
      accumulators: PAST_THRESHOLDS,
      items: [item({ serviceType: 'special_material', unitPrice: 1_000 * YUAN })],
    });
    const line = only(result.lines);
    assert.equal(line.rule, 'inpatient');
    assert.equal(line.fund, 900 * YUAN);
    assert.equal(
      english(line.explanations)[0],
      'special material at or below the 1,000.00 yuan unit-price limit: ordinary inpatient rule',
    );
  });

  void test('at or below 1,000 yuan on a first inpatient bill, the deductible applies', () => {
    const result = settle({ items: [item({ serviceType: 'special_material', unitPrice: 800 * YUAN })] });
    assert.equal(only(result.lines).deductibleApplied, 800 * YUAN);
    assert.equal(only(result.lines).fund, 0);
  });

  void test('at or below 1,000 yuan on an outpatient bill, the outpatient rule applies and counts as spending', () => {
    const result = outpatient([item({ serviceType: 'special_material', unitPrice: 999 * YUAN + 99 })], {
      accumulators: PAST_THRESHOLDS,
    });
    const line = only(result.lines);
    assert.equal(line.rule, 'outpatient');
    assert.equal(line.fund, 69_999); // 70% of 99,999 fen = 69,999.3 → 69,999
    assert.equal(line.outpatientEligibleApplied, 99_999);
  });

  void test('one fen above 1,000 yuan uses the reference price', () => {
    const result = settle({
      accumulators: PAST_THRESHOLDS,
      items: [
        item({
          serviceType: 'special_material',
          unitPrice: 1_000 * YUAN + 1,
          domesticReferencePrice: 1_000 * YUAN,
          approvalRef: 'A',
        }),
      ],
    });
    assert.equal(only(result.lines).rule, 'special_material_domestic');
    assert.equal(only(result.lines).fund, 900 * YUAN);
  });
});

void describe('class B self-pay-first', () => {
  void test('is zero in the demo policy: class B settles exactly like class A', () => {
    const classA = settle({ items: [item({ unitPrice: 50_000 * YUAN, category: 'A' })] });
    const classB = settle({ items: [item({ unitPrice: 50_000 * YUAN, category: 'B' })] });
    assert.equal(only(classB.lines).selfPayFirst, 0);
    assert.equal(only(classB.lines).fund, only(classA.lines).fund);
  });

  void test('with a 10% self-pay-first policy, that part goes to the person before the rule, rounded half-up', () => {
    const policy = structuredClone(DEMO_POLICY);
    policy.catalogue.B.selfPayFirstBp = 1_000;
    const result = settle({
      policy,
      accumulators: PAST_THRESHOLDS,
      items: [item({ category: 'B', unitPrice: 10_005 }), item({ category: 'A', unitPrice: 10_005 })],
    });
    const [classB, classA] = result.lines;
    assert.equal(classB?.selfPayFirst, 1_001); // 1,000.5 → 1,001
    assert.equal(classB?.policyScope, 9_004);
    assert.equal(classB?.fund, 8_104); // 90% of 9,004 = 8,103.6 → 8,104
    assert.equal(classB?.person, 10_005 - 8_104);
    assert.equal(classA?.selfPayFirst, 0);
    assert.equal(result.totals.selfPayFirst, 1_001);
    assert.equal(toNationalFigures(result).preselfpay_amt, 1_001);
    assert.equal(
      english(classB?.explanations ?? [])[0],
      'class B self-pay-first 10%: 10.01 yuan to the person',
    );
  });

  void test('the self-pay-first part does not count toward the deductible', () => {
    const policy = structuredClone(DEMO_POLICY);
    policy.catalogue.B.selfPayFirstBp = 2_000;
    const result = settle({ policy, items: [item({ category: 'B', unitPrice: 1_000 * YUAN })] });
    assert.equal(only(result.lines).deductibleApplied, 800 * YUAN);
  });
});

void describe('fund ceiling (4 × W a year, all categories together)', () => {
  const nearCeiling = { ...PAST_THRESHOLDS, fundPaid: 480_000 * YUAN - 1_000 * YUAN };

  void test('is crossed inside one item: the fund pays up to the ceiling, the overflow goes to the person', () => {
    const result = settle({
      accumulators: nearCeiling,
      items: [item({ code: 'OP', unitPrice: 2_000 * YUAN })],
    });
    const line = only(result.lines);
    assert.equal(line.fund, 1_000 * YUAN);
    assert.equal(line.ceilingOverflow, 800 * YUAN); // 90% of 2,000 = 1,800; 1,000 left
    assert.equal(line.person, 1_000 * YUAN);
    assert.equal(result.newAccumulators.fundPaid, 480_000 * YUAN);
    assert.equal(result.totals.fundLimitRemaining, 0);
    assert.ok(
      english(result.explanations).includes(
        'Item 1 OP: fund ceiling reached: 800.00 yuan to the person (the fund pays at most 480,000.00 yuan a year)',
      ),
    );
  });

  void test('is shared by every category: after inpatient spending reaches it, an outpatient exam gets nothing', () => {
    const result = outpatient(
      [
        item({ serviceType: 'outpatient', unitPrice: 100 * YUAN }),
        item({ serviceType: 'large_equipment', unitPrice: 1_000 * YUAN, approvalRef: 'CT' }),
        item({ serviceType: 'special_outpatient', unitPrice: 1_000 * YUAN, approvalRef: 'D' }),
      ],
      { accumulators: { ...PAST_THRESHOLDS, fundPaid: 480_000 * YUAN } },
    );
    assert.deepEqual(
      result.lines.map((line) => line.fund),
      [0, 0, 0],
    );
    assert.deepEqual(
      result.lines.map((line) => line.ceilingOverflow),
      [70 * YUAN, 800 * YUAN, 900 * YUAN],
    );
    assert.equal(result.totals.person, 2_100 * YUAN);
  });

  void test('is crossed between items of one bill, across categories', () => {
    const result = outpatient(
      [
        item({ serviceType: 'large_equipment', unitPrice: 1_000 * YUAN, approvalRef: 'CT' }), // fund 800
        item({ serviceType: 'special_outpatient', unitPrice: 1_000 * YUAN, approvalRef: 'D' }), // fund 900 → 200
      ],
      { accumulators: nearCeiling },
    );
    assert.deepEqual(
      result.lines.map((line) => [line.fund, line.ceilingOverflow]),
      [
        [800 * YUAN, 0],
        [200 * YUAN, 700 * YUAN],
      ],
    );
  });

  void test('still counts the deductible above the ceiling', () => {
    const result = settle({
      accumulators: { ...FRESH_YEAR, fundPaid: 480_000 * YUAN },
      items: [item({ unitPrice: 20_000 * YUAN })],
    });
    assert.equal(only(result.lines).deductibleApplied, 12_000 * YUAN);
    assert.equal(only(result.lines).fund, 0);
    assert.equal(result.newAccumulators.inpatientDeductiblePaid, 12_000 * YUAN);
  });

  void test('a year already past the ceiling (e.g. after a policy change) pays nothing more', () => {
    const result = settle({
      accumulators: { ...PAST_THRESHOLDS, fundPaid: 500_000 * YUAN },
      items: [item({ unitPrice: 100 * YUAN })],
    });
    assert.equal(result.totals.fund, 0);
    assert.equal(result.totals.fundLimitRemaining, 0);
  });
});

void describe("paying the person's share", () => {
  const threeItems = [
    item({ code: 'A', catalogue: 'out', unitPrice: 300 * YUAN }),
    item({ code: 'B', catalogue: 'out', unitPrice: 500 * YUAN }),
    item({ code: 'C', catalogue: 'out', unitPrice: 400 * YUAN }),
  ];

  void test('an empty account: everything in cash', () => {
    const result = settle({ accountBalance: 0, items: threeItems });
    assert.equal(result.totals.accountPaid, 0);
    assert.equal(result.totals.cashPaid, 1_200 * YUAN);
    assert.equal(result.totals.accountBalanceAfter, 0);
    assert.equal(result.totals.relativeAccountBalanceAfter, null);
    assert.ok(
      english(result.explanations).includes('individual account pays 0.00 yuan (balance 0.00 → 0.00)'),
    );
  });

  void test('own account first, then the relative’s, then cash, allocated item by item in bill order', () => {
    const result = settle({
      accountBalance: 500 * YUAN,
      relative: { accountBalance: 600 * YUAN },
      items: threeItems,
    });
    assert.deepEqual(
      result.lines.map((line) => line.personal),
      [
        { account: 300 * YUAN, relativeAccount: 0, cash: 0 },
        { account: 200 * YUAN, relativeAccount: 300 * YUAN, cash: 0 },
        { account: 0, relativeAccount: 300 * YUAN, cash: 100 * YUAN },
      ],
    );
    assert.equal(result.totals.accountPaid, 500 * YUAN);
    assert.equal(result.totals.relativeAccountPaid, 600 * YUAN);
    assert.equal(result.totals.cashPaid, 100 * YUAN);
    assert.equal(result.totals.accountBalanceAfter, 0);
    assert.equal(result.totals.relativeAccountBalanceAfter, 0);
    assert.equal(toNationalFigures(result).acct_mulaid_pay, 600 * YUAN);
    assert.ok(
      english(result.explanations).includes(
        "relative's account (family mutual aid) pays 600.00 yuan (balance 600.00 → 0.00)",
      ),
    );
  });

  void test('the relative’s account is untouched while the person’s own account covers the share', () => {
    const result = settle({
      accountBalance: 5_000 * YUAN,
      relative: { accountBalance: 600 * YUAN },
      items: threeItems,
    });
    assert.equal(result.totals.relativeAccountPaid, 0);
    assert.equal(result.totals.relativeAccountBalanceAfter, 600 * YUAN);
    assert.equal(result.totals.accountBalanceAfter, 3_800 * YUAN);
  });

  void test('an empty own account with a relative: the relative pays up to the balance', () => {
    const result = settle({
      accountBalance: 0,
      relative: { accountBalance: 1_000 * YUAN },
      items: threeItems,
    });
    assert.equal(result.totals.relativeAccountPaid, 1_000 * YUAN);
    assert.equal(result.totals.cashPaid, 200 * YUAN);
  });

  void test('the fund’s share is never paid from an account', () => {
    const result = settle({ accountBalance: 1_000_000 * YUAN, accumulators: PAST_THRESHOLDS });
    assert.equal(result.totals.fund, 90 * YUAN);
    assert.equal(result.totals.accountPaid, 10 * YUAN);
  });
});

void describe('rounding: half-up to the fen on the fund share, per item', () => {
  void test('outpatient 70%: 5 fen → fund 4 (3.5 up), person 1', () => {
    const result = outpatient([item({ serviceType: 'outpatient', unitPrice: 5 })], {
      accumulators: PAST_THRESHOLDS,
    });
    assert.equal(only(result.lines).fund, 4);
    assert.equal(only(result.lines).person, 1);
  });

  void test('inpatient 90%: 5 fen → fund 5 (4.5 up); 4 fen → fund 4 (3.6 up); 1 fen → fund 1 (0.9 up)', () => {
    const result = settle({
      accumulators: PAST_THRESHOLDS,
      items: [item({ unitPrice: 5 }), item({ unitPrice: 4 }), item({ unitPrice: 1 })],
    });
    assert.deepEqual(
      result.lines.map((line) => line.fund),
      [5, 4, 1],
    );
  });

  void test('retired 95%: 10 fen → fund 10 (9.5 up); 9 fen → fund 9 (8.55 up)', () => {
    const result = settle({
      person: { insuranceType: 'employee', retired: true },
      accumulators: PAST_THRESHOLDS,
      items: [item({ unitPrice: 10 }), item({ unitPrice: 9 })],
    });
    assert.deepEqual(
      result.lines.map((line) => line.fund),
      [10, 9],
    );
  });

  void test('large equipment 80%: 3 fen → fund 2 (2.4 down); imported material 50% of 1,000.01 yuan → 500.01 (500.005 up)', () => {
    const result = settle({
      items: [
        item({ serviceType: 'large_equipment', unitPrice: 3, approvalRef: 'A' }),
        item({
          serviceType: 'special_material',
          unitPrice: 2_000 * YUAN,
          importedReferencePrice: 100_001,
          approvalRef: 'B',
        }),
      ],
    });
    assert.deepEqual(
      result.lines.map((line) => line.fund),
      [2, 50_001],
    );
  });

  void test('rounds per item, not per bill: two 5-fen items at 70% give the fund 4 + 4, not 7', () => {
    const result = outpatient(
      [item({ serviceType: 'outpatient', unitPrice: 5 }), item({ serviceType: 'outpatient', unitPrice: 5 })],
      { accumulators: PAST_THRESHOLDS },
    );
    assert.equal(result.totals.fund, 8);
    assert.equal(result.totals.person, 2);
  });

  void test('a deductible crossed inside an item rounds once on the part above', () => {
    const result = settle({
      accumulators: { ...FRESH_YEAR, inpatientDeductiblePaid: 12_000 * YUAN - 3 },
      items: [item({ unitPrice: 8 })], // 3 to the deductible, 90% of 5 = 4.5 → 5
    });
    assert.equal(only(result.lines).deductibleApplied, 3);
    assert.equal(only(result.lines).fund, 5);
    assert.equal(only(result.lines).person, 3);
  });
});

void describe('invalid input', () => {
  const valid = item();

  void test('quantity 0, negative or fractional → 422 invalid_bill naming the item', () => {
    for (const quantity of [0, -1, 1.5, Number.NaN]) {
      expectInvalid(
        () => settle({ items: [valid, item({ quantity })] }),
        'invalid_bill',
        { item: 1 },
        /quantity/,
      );
    }
  });

  void test('negative, fractional or unsafe prices → 422 invalid_bill', () => {
    for (const unitPrice of [-1, 10.5, Number.MAX_SAFE_INTEGER + 1, Infinity]) {
      expectInvalid(() => settle({ items: [item({ unitPrice })] }), 'invalid_bill', { item: 0 }, /unitPrice/);
    }
  });

  void test('quantity × unit price beyond the safe integer range → 422 invalid_bill', () => {
    expectInvalid(
      () =>
        settle({
          items: [valid, valid, item({ quantity: 3, unitPrice: Number.MAX_SAFE_INTEGER / 2 - 0.5 })],
        }),
      'invalid_bill',
      { item: 2 },
      /beyond the safe integer range/,
    );
  });

  void test('a bill total beyond the safe integer range → 422 invalid_bill at the item that overflows', () => {
    const half = item({ unitPrice: Math.floor(Number.MAX_SAFE_INTEGER / 2) + 1 });
    expectInvalid(() => settle({ items: [half, half] }), 'invalid_bill', { item: 1 }, /bill total/);
  });

  void test('special material above the limit with no reference price → 422 invalid_bill', () => {
    expectInvalid(
      () =>
        settle({
          items: [item({ serviceType: 'special_material', unitPrice: 2_000 * YUAN, approvalRef: 'A' })],
        }),
      'invalid_bill',
      { item: 0 },
      /needs a domesticReferencePrice or an importedReferencePrice/,
    );
  });

  void test('a bad reference price → 422 invalid_bill', () => {
    expectInvalid(
      () =>
        settle({
          items: [
            item({ serviceType: 'special_material', unitPrice: 2_000 * YUAN, domesticReferencePrice: -5 }),
          ],
        }),
      'invalid_bill',
      { item: 0 },
      /domesticReferencePrice/,
    );
  });

  void test('an ordinary item of the other setting → 422 invalid_bill', () => {
    expectInvalid(
      () => outpatient([item({ serviceType: 'outpatient' }), item({ serviceType: 'inpatient' })]),
      'invalid_bill',
      { item: 1 },
      /ordinary inpatient item cannot be on a outpatient bill/,
    );
  });

  void test('unknown catalogue, category or service type, or a missing code → 422 invalid_bill', () => {
    const bad = [
      { ...valid, catalogue: 'maybe' },
      { ...valid, category: 'D' },
      { ...valid, serviceType: 'dental' },
      { ...valid, code: '' },
    ] as unknown as BillItem[];
    for (const badItem of bad) expectInvalid(() => settle({ items: [badItem] }), 'invalid_bill', { item: 0 });
  });

  void test('bad accumulators, balances, person or setting → 422 invalid_settlement_input naming the field', () => {
    expectInvalid(
      () => settle({ accumulators: { ...FRESH_YEAR, fundPaid: -1 } }),
      'invalid_settlement_input',
      { field: 'accumulators.fundPaid' },
    );
    expectInvalid(() => settle({ accountBalance: 1.5 }), 'invalid_settlement_input', {
      field: 'accountBalance',
    });
    expectInvalid(() => settle({ relative: { accountBalance: -100 } }), 'invalid_settlement_input', {
      field: 'relative.accountBalance',
    });
    expectInvalid(
      () => settle({ person: { insuranceType: 'other', retired: false } as never }),
      'invalid_settlement_input',
      { field: 'person.insuranceType' },
    );
    expectInvalid(() => settle({ bill: { setting: 'inpatient', items: [] } }), 'invalid_settlement_input', {
      field: 'bill.items',
    });
    expectInvalid(
      () => settle({ bill: { setting: 'daycare' as never, items: [valid] } }),
      'invalid_settlement_input',
      {
        field: 'bill.setting',
      },
    );
  });

  void test('an invalid policy → 422 invalid_policy listing the problems', () => {
    const policy = structuredClone(DEMO_POLICY);
    policy.outpatient.fundRatioBp = 70.5;
    assert.throws(
      () => settle({ policy }),
      (error: unknown) =>
        error instanceof AppError &&
        error.code === 'invalid_policy' &&
        Array.isArray(error.details?.problems) &&
        error.details.problems.length === 1,
    );
  });
});

void describe('purity', () => {
  void test('does not change its input and gives the same result every time', () => {
    const input: SettlementInput = {
      policy: structuredClone(DEMO_POLICY),
      person: { insuranceType: 'employee', retired: false },
      accumulators: { ...FRESH_YEAR, inpatientDeductiblePaid: 5_000 * YUAN },
      accountBalance: 3_000 * YUAN,
      relative: { accountBalance: 1_000 * YUAN },
      bill: { setting: 'inpatient', items: [item({ unitPrice: 20_000 * YUAN }), item({ catalogue: 'out' })] },
    };
    const snapshot = structuredClone(input);
    const first = calculateSettlement(input);
    assert.deepEqual(input, snapshot);
    assert.deepEqual(calculateSettlement(input), first);
  });
});

void describe('catalogue price limits, Class C and the catalogue’s own ratio', () => {
  void test('the part of a unit price above the limit is the person’s, the rest goes through the rule', () => {
    // Deductible and threshold already passed: the fund pays 90% of what is within the limit.
    const line = only(
      settle({
        accumulators: PAST_THRESHOLDS,
        items: [item({ quantity: 3, unitPrice: 120 * YUAN, priceLimit: 100 * YUAN })],
      }).lines,
    );
    assert.equal(line.overLimit, 3 * 20 * YUAN);
    assert.equal(line.policyScope, 3 * 100 * YUAN);
    assert.equal(line.fund, 270 * YUAN);
    assert.equal(line.person, 60 * YUAN + 30 * YUAN);
    assert.match(
      english([line.explanations[0]!])[0]!,
      /above the catalogue price limit of 100\.00 yuan: 60\.00 yuan/,
    );
    // At or below the limit nothing moves.
    assert.equal(
      only(settle({ items: [item({ unitPrice: 100 * YUAN, priceLimit: 100 * YUAN })] }).lines).overLimit,
      0,
    );
  });

  void test('Class C is wholly the person’s, counted as fully self-paid, touching no accumulator', () => {
    const r = settle({
      accumulators: PAST_THRESHOLDS,
      items: [item({ category: 'C', unitPrice: 80 * YUAN })],
    });
    const line = only(r.lines);
    assert.deepEqual(
      [line.rule, line.outOfCatalogue, line.fund, line.person, line.accumulatorDeltas.fundPaid],
      ['class_c', 80 * YUAN, 0, 80 * YUAN, 0],
    );
    assert.equal(toNationalFigures(r).fulamt_ownpay_amt, 80 * YUAN);
  });

  void test('a Class B item’s own self-pay-first ratio replaces the policy’s, on the amount within the limit', () => {
    const line = only(
      settle({
        accumulators: PAST_THRESHOLDS,
        items: [
          item({ category: 'B', selfPayFirstBp: 1_000, unitPrice: 150 * YUAN, priceLimit: 100 * YUAN }),
        ],
      }).lines,
    );
    assert.deepEqual(
      [line.overLimit, line.selfPayFirst, line.policyScope],
      [50 * YUAN, 10 * YUAN, 90 * YUAN],
    );
    const r = settle({
      items: [item({ category: 'B', selfPayFirstBp: 500, priceLimit: 100 * YUAN, unitPrice: 150 * YUAN })],
    });
    assert.deepEqual(
      [toNationalFigures(r).overlmt_selfpay, toNationalFigures(r).preselfpay_amt],
      [50 * YUAN, 5 * YUAN],
    );
  });

  void test('a bad price limit or ratio is refused naming the item', () => {
    for (const bad of [
      item({ priceLimit: 0 }),
      item({ priceLimit: -1 }),
      item({ priceLimit: 1.5 }),
      item({ category: 'A', selfPayFirstBp: 100 }),
      item({ category: 'B', selfPayFirstBp: 10_001 }),
    ])
      expectInvalid(() => settle({ items: [bad] }), 'invalid_bill', { item: 0 });
  });
});
