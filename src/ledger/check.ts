import type { Queryable } from '../platform/db.ts';
import { SHARDED_KINDS } from './ledger.ts';

export interface LedgerCheck {
  ok: boolean;
  /** One human-readable line per violated invariant (at most `limit` per kind, plus a count line). */
  problems: string[];
  stats: {
    accounts: number;
    postings: number;
    entries: number;
    /** Sum of balances per account kind, in fen (decimal strings: totals may pass the safe range). */
    balanceByKind: Record<string, string>;
  };
}

/**
 * Proves the ledger's invariants by reading only the ledger tables:
 * 1. every posting has at least two entries and its entries sum to zero;
 * 2. no individual account is negative;
 * 3. every account's balance equals the sum of its entries (a shared account's balance is its row's plus its
 *    balance shards', migration 091), and only shared accounts have shards (an individual account's balance
 *    is its row alone, so rule 2 sees all of it).
 * Sums are computed as numeric in SQL and compared as text, so nothing is lost to rounding.
 * Settlement adds its own invariants (fund ceiling, accumulators) next to these.
 */
export async function checkLedger(q: Queryable, limit = 50): Promise<LedgerCheck> {
  const problems: string[] = [];
  const report = <T>(rows: T[], line: (r: T) => string, what: string, total: number) => {
    for (const r of rows) problems.push(line(r));
    if (total > rows.length) problems.push(`… and ${total - rows.length} more ${what}`);
  };

  const unbalanced = await q.query<{ id: string; kind: string; n: number; total: string; count: number }>(
    `with sums as (
       select p.id, p.kind, count(e.id)::int8 as n, coalesce(sum(e.amount), 0)::text as total
         from ledger_postings p left join ledger_entries e on e.posting_id = p.id
        group by p.id, p.kind)
     select id, kind, n, total, count(*) over ()::int8 as count from sums
      where total <> '0' or n < 2
      order by id limit $1`,
    [limit],
  );
  report(
    unbalanced.rows,
    (r) =>
      r.n < 2
        ? `posting ${r.id} (${r.kind}) has ${r.n} entr${r.n === 1 ? 'y' : 'ies'}; a posting needs at least two`
        : `posting ${r.id} (${r.kind}) does not balance: its entries sum to ${r.total} fen`,
    'unbalanced postings',
    unbalanced.rows[0]?.count ?? 0,
  );

  const negative = await q.query<{ id: string; owner_id: string; balance: string; count: number }>(
    `select id, owner_id, balance::text as balance, count(*) over ()::int8 as count from ledger_accounts
      where kind = 'individual' and balance < 0 order by id limit $1`,
    [limit],
  );
  report(
    negative.rows,
    (r) => `individual account ${r.id} (person ${r.owner_id}) is negative: ${r.balance} fen`,
    'negative individual accounts',
    negative.rows[0]?.count ?? 0,
  );

  const drift = await q.query<{ id: string; kind: string; balance: string; total: string; count: number }>(
    `with shards as (
       select account_id, sum(balance) as balance from ledger_balance_shards group by account_id),
     sums as (
       select a.id, a.kind, a.balance + coalesce(min(s.balance), 0) as balance, coalesce(sum(e.amount), 0) as total
         from ledger_accounts a left join shards s on s.account_id = a.id
         left join ledger_entries e on e.account_id = a.id
        group by a.id, a.kind, a.balance)
     select id, kind, balance::text as balance, total::text as total, count(*) over ()::int8 as count
       from sums where balance <> total order by id limit $1`,
    [limit],
  );
  report(
    drift.rows,
    (r) => `account ${r.id} (${r.kind}) has balance ${r.balance} fen but its entries sum to ${r.total} fen`,
    'accounts whose balance differs from their entries',
    drift.rows[0]?.count ?? 0,
  );

  const stray = await q.query<{ id: string; kind: string; count: number }>(
    `select id, kind, count(*) over ()::int8 as count
       from (select distinct a.id, a.kind from ledger_balance_shards s join ledger_accounts a on a.id = s.account_id
              where a.kind <> all($2::text[])) t
      order by id limit $1`,
    [limit, SHARDED_KINDS],
  );
  report(
    stray.rows,
    (r) => `account ${r.id} (${r.kind}) has balance shards; only the shared accounts may`,
    'accounts with stray shards',
    stray.rows[0]?.count ?? 0,
  );

  const counts = await q.query<{ accounts: number; postings: number; entries: number }>(
    `select (select count(*) from ledger_accounts)::int8 as accounts,
            (select count(*) from ledger_postings)::int8 as postings,
            (select count(*) from ledger_entries)::int8 as entries`,
  );
  const byKind = await q.query<{ kind: string; total: string }>(
    `select a.kind, (sum(a.balance) + coalesce(sum((select sum(s.balance) from ledger_balance_shards s where s.account_id = a.id)), 0))::text as total
       from ledger_accounts a group by a.kind order by a.kind`,
  );
  return {
    ok: problems.length === 0,
    problems,
    stats: {
      ...counts.rows[0]!,
      balanceByKind: Object.fromEntries(byKind.rows.map((r) => [r.kind, r.total])),
    },
  };
}
