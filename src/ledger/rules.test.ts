import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACCOUNT_KINDS, nextBalance, reversalOf, validateEntries, type EntryInput } from './rules.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const ids = ['a', 'b', 'c', 'd'];

test('a balanced posting is accepted and nets its entries per account', () => {
  const r = validateEntries([
    { accountId: 'fund', amount: -3_420_000 },
    { accountId: 'recv', amount: 3_420_000 },
    { accountId: 'acct', amount: -1_580_000 },
    { accountId: 'recv', amount: 1_580_000 },
  ]);
  assert.ok(r.ok);
  assert.deepEqual(
    [...r.deltas],
    [
      ['fund', -3_420_000],
      ['recv', 5_000_000],
      ['acct', -1_580_000],
    ],
  );
});

test('entries that cancel out on one account leave no delta for it', () => {
  const r = validateEntries([
    { accountId: 'a', amount: 5 },
    { accountId: 'a', amount: -5 },
  ]);
  assert.ok(r.ok);
  assert.equal(r.deltas.size, 0);
});

test('fewer than two entries is refused', () => {
  for (const entries of [[], [{ accountId: 'a', amount: 1 }]]) {
    const r = validateEntries(entries);
    assert.ok(!r.ok);
    assert.equal(r.problem.code, 'too_few_entries');
  }
});

test('zero, fractional, unsafe, NaN, infinite and non-number amounts are refused with the entry index', () => {
  const bad: unknown[] = [
    0,
    -0,
    0.5,
    -1.25,
    MAX + 1,
    -(MAX + 1),
    2 ** 60,
    NaN,
    Infinity,
    -Infinity,
    '5',
    null,
  ];
  for (const amount of bad) {
    const r = validateEntries([
      { accountId: 'a', amount: 1 },
      { accountId: 'b', amount: amount as number },
    ]);
    assert.ok(!r.ok, `amount ${String(amount)} must be refused`);
    assert.equal(r.problem.code, 'invalid_amount');
    assert.equal((r.problem as { index: number }).index, 1);
  }
});

test('an unbalanced posting is refused with its exact sum, even past the safe range', () => {
  const r = validateEntries([
    { accountId: 'a', amount: 100 },
    { accountId: 'b', amount: -99 },
  ]);
  assert.ok(!r.ok);
  assert.equal(r.problem.code, 'unbalanced_posting');
  assert.equal((r.problem as { sum: string }).sum, '1');
  // MAX + MAX would round in floating point; BigInt keeps it exact.
  const big = validateEntries([
    { accountId: 'a', amount: MAX },
    { accountId: 'b', amount: MAX },
  ]);
  assert.ok(!big.ok);
  assert.equal((big.problem as { sum: string }).sum, String(2n * BigInt(MAX)));
});

test('a net change per account past the safe range is refused even when the posting balances', () => {
  const r = validateEntries([
    { accountId: 'a', amount: MAX },
    { accountId: 'a', amount: MAX },
    { accountId: 'b', amount: -MAX },
    { accountId: 'b', amount: -MAX },
  ]);
  assert.ok(!r.ok);
  assert.equal(r.problem.code, 'amount_out_of_range');
});

const entry = fc.record({
  accountId: fc.constantFrom(...ids),
  amount: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).filter((n) => n !== 0),
});

test('property: accepted exactly when non-empty (≥2), all amounts valid and the sum is zero; deltas sum to zero', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
      const sum = entries.reduce((s, e) => s + e.amount, 0);
      const r = validateEntries(entries);
      assert.equal(r.ok, entries.length >= 2 && sum === 0);
    }),
  );
  // Generate balanced postings by construction: random entries plus one closing entry.
  fc.assert(
    fc.property(
      fc.array(entry, { minLength: 1, maxLength: 8 }),
      fc.constantFrom(...ids),
      (entries, closer) => {
        const sum = entries.reduce((s, e) => s + e.amount, 0);
        fc.pre(sum !== 0);
        const all: EntryInput[] = [...entries, { accountId: closer, amount: -sum }];
        const r = validateEntries(all);
        assert.ok(r.ok);
        let total = 0;
        for (const id of ids) {
          const expected = all.filter((e) => e.accountId === id).reduce((s, e) => s + e.amount, 0);
          assert.equal(r.deltas.get(id) ?? 0, expected);
          total += r.deltas.get(id) ?? 0;
        }
        assert.equal(total, 0);
        // The reversal is balanced too, and nets to the opposite deltas.
        const rev = validateEntries(reversalOf(all));
        assert.ok(rev.ok);
        for (const id of ids) assert.equal(rev.deltas.get(id) ?? 0, 0 - (r.deltas.get(id) ?? 0));
      },
    ),
  );
});

test('an individual account never goes below zero; other kinds may', () => {
  assert.deepEqual(nextBalance('individual', 100, -100), { ok: true, balance: 0 });
  assert.deepEqual(nextBalance('individual', 100, -101), { ok: false, problem: 'insufficient_balance' });
  assert.deepEqual(nextBalance('individual', 0, -1), { ok: false, problem: 'insufficient_balance' });
  for (const kind of ACCOUNT_KINDS.filter((k) => k !== 'individual')) {
    assert.deepEqual(nextBalance(kind, 100, -101), { ok: true, balance: -1 }, kind);
  }
  fc.assert(
    fc.property(
      fc.constantFrom(...ACCOUNT_KINDS),
      fc.integer({ min: 0, max: 10 ** 12 }),
      fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
      (kind, balance, delta) => {
        const r = nextBalance(kind, balance, delta);
        if (kind === 'individual' && balance + delta < 0)
          assert.deepEqual(r, { ok: false, problem: 'insufficient_balance' });
        else assert.deepEqual(r, { ok: true, balance: balance + delta });
      },
    ),
  );
});

test('no balance leaves the safe-integer range', () => {
  assert.deepEqual(nextBalance('pooled_fund', MAX, 1), { ok: false, problem: 'balance_out_of_range' });
  assert.deepEqual(nextBalance('premium_income', -MAX, -1), { ok: false, problem: 'balance_out_of_range' });
  assert.deepEqual(nextBalance('individual', MAX - 1, 1), { ok: true, balance: MAX });
});

test('the reversal of a posting negates every entry, in order', () => {
  assert.deepEqual(
    reversalOf([
      { accountId: 'a', amount: -7 },
      { accountId: 'b', amount: 3 },
      { accountId: 'c', amount: 4 },
    ]),
    [
      { accountId: 'a', amount: 7 },
      { accountId: 'b', amount: -3 },
      { accountId: 'c', amount: -4 },
    ],
  );
});
