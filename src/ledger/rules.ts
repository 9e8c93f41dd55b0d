/**
 * The pure rules of the ledger: what a well-formed posting is, and how a balance may move.
 * No SQL here, so every case can be tested exhaustively.
 */

export const ACCOUNT_KINDS = [
  'pooled_fund',
  'premium_income',
  'opening_balance',
  'patient_cash',
  'individual',
  'institution_receivable',
  'institution_cash',
  'institution_bank',
  'region_clearing',
  'region_transfer',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * Kinds owned by a region (owner id = region code). `region_clearing` and `region_transfer` are owned by the
 * OTHER region of a cross-region settlement (src/regions, docs/REGIONS.md).
 */
export type RegionKind =
  | 'pooled_fund'
  | 'premium_income'
  | 'opening_balance'
  | 'patient_cash'
  | 'region_clearing'
  | 'region_transfer';
/** Kinds owned by an institution (owner id = institution id). */
export type InstitutionKind = 'institution_receivable' | 'institution_cash' | 'institution_bank';

export const POSTING_KINDS = [
  'settlement',
  'refund',
  'institution_payment',
  'contribution',
  'deposit',
  'region_clearing',
] as const;
export type PostingKind = (typeof POSTING_KINDS)[number];

export interface EntryInput {
  accountId: string;
  /** Signed integer fen: positive adds to the account's balance, negative takes from it. */
  amount: number;
}

/** Why a posting is malformed; `null` when it is fine. */
export type PostingProblem =
  | { code: 'too_few_entries'; message: string }
  | { code: 'invalid_amount'; message: string; index: number }
  | { code: 'unbalanced_posting'; message: string; sum: string }
  | { code: 'amount_out_of_range'; message: string; accountId: string };

/**
 * Checks a posting's entries and returns the net change per account (several entries on one account
 * are allowed, e.g. the fund's and the individual account's shares both credited to one receivable).
 * Sums are computed in BigInt so that no intermediate total loses precision.
 *
 * @example validateEntries([{ accountId: 'a', amount: -5 }, { accountId: 'b', amount: 5 }])
 *   // → { ok: true, deltas: Map { 'a' => -5, 'b' => 5 } }
 */
export function validateEntries(
  entries: readonly EntryInput[],
): { ok: true; deltas: Map<string, number> } | { ok: false; problem: PostingProblem } {
  if (entries.length < 2) {
    return {
      ok: false,
      problem: { code: 'too_few_entries', message: 'A posting needs at least two entries' },
    };
  }
  let sum = 0n;
  const deltas = new Map<string, bigint>();
  for (const [index, e] of entries.entries()) {
    if (typeof e.amount !== 'number' || !Number.isSafeInteger(e.amount) || e.amount === 0) {
      return {
        ok: false,
        problem: {
          code: 'invalid_amount',
          message: `Entry ${index} must be a non-zero safe integer amount of fen`,
          index,
        },
      };
    }
    sum += BigInt(e.amount);
    deltas.set(e.accountId, (deltas.get(e.accountId) ?? 0n) + BigInt(e.amount));
  }
  if (sum !== 0n) {
    return {
      ok: false,
      problem: {
        code: 'unbalanced_posting',
        message: `The entries sum to ${sum} fen, not zero`,
        sum: sum.toString(),
      },
    };
  }
  const out = new Map<string, number>();
  for (const [accountId, d] of deltas) {
    if (!isSafe(d)) {
      return {
        ok: false,
        problem: {
          code: 'amount_out_of_range',
          message: `The net change of account ${accountId} is out of range`,
          accountId,
        },
      };
    }
    if (d !== 0n) out.set(accountId, Number(d));
  }
  return { ok: true, deltas: out };
}

/** Why a balance may not move by a delta; `null` when it may. */
export type BalanceProblem = 'insufficient_balance' | 'balance_out_of_range';

/**
 * The balance after applying `delta`, or the reason it is refused: an individual account never goes
 * below zero, and no balance leaves the safe-integer range.
 */
export function nextBalance(
  kind: AccountKind,
  balance: number,
  delta: number,
): { ok: true; balance: number } | { ok: false; problem: BalanceProblem } {
  const next = BigInt(balance) + BigInt(delta);
  if (kind === 'individual' && next < 0n) return { ok: false, problem: 'insufficient_balance' };
  if (!isSafe(next)) return { ok: false, problem: 'balance_out_of_range' };
  return { ok: true, balance: Number(next) };
}

/** The entries that exactly undo a posting (a refund of a settlement). */
export function reversalOf(entries: readonly EntryInput[]): EntryInput[] {
  return entries.map((e) => ({ accountId: e.accountId, amount: -e.amount }));
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
function isSafe(n: bigint): boolean {
  return n <= MAX && n >= -MAX;
}
