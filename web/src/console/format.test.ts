import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEMO_POLICY, validatePolicy } from '../../../src/settlement/policy.ts';
import { bpInput, draftOf, fenOfWage, formatBp, parsePercent, problemField, rulesOf } from './format.ts';
import type { PolicyRules } from './types.ts';

test('basis points are shown as exact percentages', () => {
  assert.equal(formatBp(9000), '90%');
  assert.equal(formatBp(9250), '92.5%');
  assert.equal(formatBp(9655), '96.55%');
  assert.equal(formatBp(5), '0.05%');
  assert.equal(formatBp(0), '0%');
  assert.equal(formatBp(40_000), '400%');
});

test('a typed percentage reads back to the same basis points, never through a float', () => {
  assert.equal(parsePercent('96.5'), 9650);
  assert.equal(parsePercent('96.5%'), 9650);
  assert.equal(parsePercent('0.07'), 7);
  assert.equal(parsePercent('abc'), null);
  assert.equal(parsePercent('1.234'), null);
  fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (bp) => parsePercent(bpInput(bp)) === bp));
});

test('an amount relative to the wage is worked out in fen, half up, as the server does', () => {
  assert.equal(fenOfWage(12_000_000, 1000), 1_200_000);
  assert.equal(fenOfWage(12_000_000, 40_000), 48_000_000);
  assert.equal(fenOfWage(1, 5000), 1, 'half a fen rounds up');
  assert.equal(fenOfWage(1, 4999), 0);
});

test('the policy form round-trips the version in force, and an edit lands in its field only', () => {
  const base = DEMO_POLICY as unknown as PolicyRules;
  const draft = draftOf(base);
  assert.equal(draft['inpatient.fundRatioBp.retired'], '95');
  assert.equal(draft.averageWageFen, '120000.00');
  assert.deepEqual(rulesOf(base, 'demo', draft), structuredClone(base));
  const edited = rulesOf(base, 'demo', {
    ...draft,
    'inpatient.fundRatioBp.retired': '96.5',
    version: ' v2 ',
  });
  assert.deepEqual(edited, {
    ...structuredClone(base),
    version: 'v2',
    inpatient: { ...base.inpatient, fundRatioBp: { ...base.inpatient.fundRatioBp, retired: 9650 } },
  });
});

test('what the server says about a bad field is put next to that field', () => {
  const base = DEMO_POLICY as unknown as PolicyRules;
  const rules = rulesOf(base, 'demo', {
    ...draftOf(base),
    'inpatient.fundRatioBp.retired': '120',
    averageWageFen: 'lots',
  });
  const problems = validatePolicy(rules);
  assert.deepEqual(problems.map(problemField).sort(), ['averageWageFen', 'inpatient.fundRatioBp.retired']);
  assert.equal(problemField('region does not match regionCode'), undefined);
});
