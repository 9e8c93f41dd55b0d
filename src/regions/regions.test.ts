import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_POLICY, validatePolicy } from '../settlement/policy.ts';
import { compareLines } from './clearing.ts';
import { unfiledPolicy } from './filing.ts';
import { DUPLICATE_WINDOW_HOURS, REGION_CODE, requestMsgId } from './nats.ts';

test('an unfiled bill loses the cut on every fund ratio, never below zero; no cut leaves the policy as it is', () => {
  assert.equal(unfiledPolicy(DEMO_POLICY), DEMO_POLICY);
  const cut = unfiledPolicy({ ...DEMO_POLICY, crossRegion: { unfiledFundRatioCutBp: 1_000 } });
  assert.deepEqual(cut.inpatient.fundRatioBp, { notRetired: 8_000, retired: 8_500 });
  assert.equal(cut.outpatient.fundRatioBp, 6_000);
  assert.equal(cut.largeEquipment.fundRatioBp, 7_000);
  assert.equal(cut.specialOutpatient.fundRatioBp, 8_000);
  assert.equal(cut.specialMaterial.importedFundRatioBp, 4_000);
  assert.equal(
    unfiledPolicy({ ...DEMO_POLICY, crossRegion: { unfiledFundRatioCutBp: 10_000 } }).outpatient.fundRatioBp,
    0,
  );
  // The deductible, threshold and ceiling are the insured region's as at home.
  assert.equal(cut.inpatient.deductibleBpOfWage, DEMO_POLICY.inpatient.deductibleBpOfWage);
});

test('the policy field is checked like the others', () => {
  assert.deepEqual(validatePolicy({ ...DEMO_POLICY, crossRegion: { unfiledFundRatioCutBp: 1_000 } }), []);
  assert.equal(validatePolicy({ ...DEMO_POLICY, crossRegion: { unfiledFundRatioCutBp: 10_001 } }).length, 1);
  assert.equal(validatePolicy({ ...DEMO_POLICY, crossRegion: { other: 1 } }).length, 2);
});

test('the reconciliation names what one side has and the other lacks, and different shares', () => {
  const head = { treatmentRegion: 'B', insuredRegion: 'A', date: '2026-06-15' };
  const r = compareLines(
    head,
    [
      { id: 's1', owed: 100 },
      { id: 's2', owed: 200 },
      { id: 's4', owed: 5 },
    ],
    [
      { id: 's1', owed: 100 },
      { id: 's2', owed: 201 },
      { id: 's3', owed: 300 },
    ],
  );
  assert.deepEqual(
    { only: r.onlyTreatment, lacks: r.onlyInsured, diff: r.different, n: r.settlements, ok: r.balanced },
    { only: ['s4'], lacks: ['s3'], diff: ['s2'], n: 4, ok: false },
  );
  assert.equal(compareLines(head, [{ id: 'x', owed: 1 }], [{ id: 'x', owed: 1 }]).balanced, true);
});

test('message ids: the key in its scope, a new attempt only after a refusal; the window outlives the key', () => {
  assert.equal(requestMsgId('B', 'inst', 'k1', 0), 'B:inst:k1');
  assert.equal(requestMsgId('B', 'inst', 'k1', 2), 'B:inst:k1#2');
  // Idempotency keys are kept 48 hours (src/platform/idempotency.ts).
  assert.ok(DUPLICATE_WINDOW_HOURS >= 48);
  assert.ok(REGION_CODE.test('440300') && !REGION_CODE.test('a.b') && !REGION_CODE.test('a>'));
});
