import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { declaredCoverage, resolveBill, type TillBill } from './resolve.ts';
import { calculateSettlement } from './calculator.ts';
import { DEMO_POLICY } from './policy.ts';
import type { MappedEntry } from '../catalogue/store.ts';
import { catalogueRow } from '../catalogue/rows.ts';
import type { ApprovalInForce } from '../catalogue/approvals.ts';

const DAY = '2026-06-15';
const entry = (code: string, e: Partial<MappedEntry> = {}): MappedEntry =>
  catalogueRow({ code, name: `目录${code}`, class: 'A', ...e });
const line = (code: string, unitPrice = 1_000, name?: string) => ({
  code,
  quantity: 1,
  unitPrice,
  ...(name ? { name } : {}),
});
const approval = (
  a: Partial<ApprovalInForce> & Pick<ApprovalInForce, 'kind' | 'subject'>,
): ApprovalInForce => ({
  id: `ap-${a.subject}`,
  domesticReferencePrice: null,
  importedReferencePrice: null,
  ...a,
});

describe('resolveBill: a till’s line from the agency’s data', () => {
  test('an unmapped code is out of catalogue, of the bill’s setting, named by the till or its code', () => {
    const { bill, coverage } = resolveBill(
      { setting: 'inpatient', items: [line('OWN-1', 500, '陪护费'), line('OWN-2')] },
      new Map(),
      [],
      DAY,
    );
    assert.deepEqual(bill.items, [
      {
        code: 'OWN-1',
        name: '陪护费',
        quantity: 1,
        unitPrice: 500,
        catalogue: 'out',
        serviceType: 'inpatient',
      },
      {
        code: 'OWN-2',
        name: 'OWN-2',
        quantity: 1,
        unitPrice: 1_000,
        catalogue: 'out',
        serviceType: 'inpatient',
      },
    ]);
    assert.deepEqual(coverage, [
      { catalogueCode: null, class: null, approvalId: null },
      { catalogueCode: null, class: null, approvalId: null },
    ]);
  });

  test('a mapped code takes the entry’s class, limit, class B ratio and name; the till’s code stays the line’s', () => {
    const mapped = new Map([
      ['MY-B', entry('XB', { class: 'B', selfPayFirstBp: 1_500, priceLimit: 800 })],
      ['MY-A', entry('XA', { selfPayFirstBp: null })],
    ]);
    const { bill, coverage } = resolveBill(
      { setting: 'outpatient', items: [line('MY-B'), line('MY-A')] },
      mapped,
      [],
      DAY,
    );
    assert.deepEqual(bill.items[0], {
      code: 'MY-B',
      name: '目录XB',
      quantity: 1,
      unitPrice: 1_000,
      catalogue: 'in',
      category: 'B',
      serviceType: 'outpatient',
      priceLimit: 800,
      selfPayFirstBp: 1_500,
    });
    assert.equal(bill.items[1]!.category, 'A');
    assert.equal('selfPayFirstBp' in bill.items[1]!, false);
    assert.deepEqual(coverage[0], { catalogueCode: 'XB', class: 'B', approvalId: null });
  });

  test('an entry outside its own validity on the day is out of catalogue', () => {
    const mapped = new Map([
      ['EARLY', entry('E', { validFrom: '2026-07-01' })],
      ['LATE', entry('L', { validTo: '2026-06-14' })],
      ['NOW', entry('N', { validFrom: DAY, validTo: DAY })],
    ]);
    const { bill } = resolveBill(
      { setting: 'outpatient', items: [line('EARLY'), line('LATE'), line('NOW')] },
      mapped,
      [],
      DAY,
    );
    assert.deepEqual(
      bill.items.map((i) => i.catalogue),
      ['out', 'out', 'in'],
    );
  });

  test('special rules need the person’s matching approval; a material takes its reference prices', () => {
    const mapped = new Map([
      ['CT', entry('CT-CODE', { serviceType: 'large_equipment' })],
      ['STENT', entry('ST-CODE', { serviceType: 'special_material' })],
      ['DIAL', entry('DI-CODE')],
    ]);
    const till: TillBill = {
      setting: 'outpatient',
      specialOutpatient: 'dialysis',
      items: [line('CT'), line('STENT', 200_000), line('DIAL')],
    };
    const none = resolveBill(till, mapped, [], DAY).bill.items;
    assert.deepEqual(
      none.map((i) => [i.serviceType, i.approvalRef]),
      [
        ['large_equipment', undefined],
        ['special_material', undefined],
        ['special_outpatient', undefined],
      ],
    );
    const approvals = [
      approval({ kind: 'large_equipment', subject: 'CT-CODE' }),
      approval({ kind: 'special_material', subject: 'ST-CODE', importedReferencePrice: 150_000 }),
      approval({ kind: 'special_outpatient', subject: 'dialysis' }),
      // Not this person's codes: they match nothing.
      approval({ kind: 'large_equipment', subject: 'MRI' }),
      approval({ kind: 'special_outpatient', subject: 'chemotherapy' }),
    ];
    const { bill, coverage } = resolveBill(till, mapped, approvals, DAY);
    assert.deepEqual(
      bill.items.map((i) => [i.approvalRef, i.domesticReferencePrice, i.importedReferencePrice]),
      [
        ['ap-CT-CODE', undefined, undefined],
        ['ap-ST-CODE', undefined, 150_000],
        ['ap-dialysis', undefined, undefined],
      ],
    );
    assert.deepEqual(
      coverage.map((c) => c.approvalId),
      ['ap-CT-CODE', 'ap-ST-CODE', 'ap-dialysis'],
    );
    // A chemotherapy visit does not use the dialysis approval.
    const chemo = resolveBill(
      { ...till, specialOutpatient: 'chemotherapy', items: [line('DIAL')] },
      mapped,
      [approvals[2]!],
      DAY,
    );
    assert.equal(chemo.bill.items[0]!.approvalRef, undefined);
  });

  test('restrictions the till can be held to: the setting and approved special outpatient care', () => {
    const mapped = new Map([
      ['BED', entry('BED', { restrictions: { setting: 'inpatient' } })],
      ['DIAL', entry('DIAL', { restrictions: { serviceType: 'special_outpatient' } })],
      ['GENDER', entry('G', { restrictions: { gender: 'female', ageMin: 18, maxDaily: 1 } })],
    ]);
    const items = [line('BED'), line('DIAL'), line('GENDER')];
    const outpatient = resolveBill({ setting: 'outpatient', items }, mapped, [], DAY).bill.items;
    assert.deepEqual(
      outpatient.map((i) => i.restrictedTo),
      ['inpatient', 'special_outpatient', undefined],
      'gender, age and daily quantity are the review’s to flag',
    );
    const special = resolveBill(
      { setting: 'outpatient', specialOutpatient: 'dialysis', items },
      mapped,
      [],
      DAY,
    );
    assert.deepEqual(
      special.bill.items.map((i) => i.restrictedTo),
      ['inpatient', undefined, undefined],
    );
    const inpatient = resolveBill({ setting: 'inpatient', items }, mapped, [], DAY).bill.items;
    assert.deepEqual(
      inpatient.map((i) => i.restrictedTo),
      [undefined, 'special_outpatient', undefined],
    );
    // A special outpatient disease means nothing on an inpatient bill.
    const stay = resolveBill({ setting: 'inpatient', specialOutpatient: 'dialysis', items }, mapped, [], DAY);
    assert.equal(stay.bill.items[2]!.serviceType, 'inpatient');
  });

  test('property: whatever the data, the resolved bill is one the calculator takes, and the fund pays nothing unmapped', () => {
    const codes = ['C0', 'C1', 'C2', 'C3', 'C4', 'C5'];
    const entryArb = fc.record({
      class: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
      priceLimit: fc.option(fc.integer({ min: 1, max: 500_000 }), { nil: null }),
      selfPayFirstBp: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
      serviceType: fc.constantFrom(null, 'large_equipment' as const, 'special_material' as const),
      setting: fc.constantFrom(undefined, 'inpatient' as const, 'outpatient' as const),
      special: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...codes), entryArb),
        fc.array(
          fc.record({
            code: fc.constantFrom(...codes, 'UNMAPPED'),
            unitPrice: fc.integer({ min: 0, max: 300_000 }),
            quantity: fc.integer({ min: 1, max: 4 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.constantFrom('inpatient' as const, 'outpatient' as const),
        fc.constantFrom(undefined, 'dialysis' as const),
        fc.subarray(codes),
        (entries, lines, setting, specialOutpatient, approvedCodes) => {
          const mapped = new Map(
            Object.entries(entries).map(([code, e]) => [
              code,
              entry(`CAT-${code}`, {
                class: e.class,
                priceLimit: e.priceLimit,
                // The catalogue keeps a ratio for class B only.
                selfPayFirstBp: e.class === 'B' ? e.selfPayFirstBp : null,
                serviceType: e.serviceType,
                restrictions: {
                  ...(e.setting ? { setting: e.setting } : {}),
                  ...(e.special ? { serviceType: 'special_outpatient' as const } : {}),
                },
              }),
            ]),
          );
          const approvals = approvedCodes.flatMap((c) => [
            approval({ kind: 'large_equipment', subject: `CAT-${c}` }),
            approval({ kind: 'special_material', subject: `CAT-${c}`, domesticReferencePrice: 100_000 }),
          ]);
          const till: TillBill = {
            setting,
            ...(specialOutpatient ? { specialOutpatient } : {}),
            items: lines.map((l) => ({ ...l, name: 'x' })),
          };
          const { bill } = resolveBill(till, mapped, approvals, DAY);
          const result = calculateSettlement({
            policy: DEMO_POLICY,
            person: { insuranceType: 'employee', retired: false },
            accumulators: { inpatientDeductiblePaid: 0, outpatientEligibleSpent: 10_000_000, fundPaid: 0 },
            accountBalance: 0,
            bill,
          });
          result.lines.forEach((l, i) => {
            const e = mapped.get(lines[i]!.code);
            if (!e || e.class === 'C') assert.equal(l.fund, 0);
            if (e?.priceLimit != null) assert.ok(l.fund <= e.priceLimit * lines[i]!.quantity);
          });
          assert.equal(result.totals.fund + result.totals.person, result.totals.total);
        },
      ),
      { seed: 16_2026, numRuns: 300 },
    );
  });
});

describe('declaredCoverage: what a till may no longer say', () => {
  test('names the first coverage field by its path, and nothing for a plain bill', () => {
    assert.equal(declaredCoverage({ setting: 'outpatient', items: [line('A'), line('B')] }), null);
    for (const field of [
      'catalogue',
      'category',
      'serviceType',
      'priceLimit',
      'selfPayFirstBp',
      'domesticReferencePrice',
      'importedReferencePrice',
      'approvalRef',
      'restrictedTo',
    ])
      assert.equal(
        declaredCoverage({ setting: 'outpatient', items: [line('A'), { ...line('B'), [field]: undefined }] }),
        `bill.items.1.${field}`,
        'even an undefined value: the key itself is the declaration',
      );
  });
});
