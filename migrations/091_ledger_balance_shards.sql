-- Issue 19: the accounts every settlement moves — the region's pooled fund and patient cash, each institution's
-- receivable and cash — were one row each, so concurrent settlements queued on their row locks from the write
-- to the commit. Their balances now move in one of several rows per account (a shard picked per posting), so
-- two settlements rarely wait on each other. Such an account's balance is its ledger_accounts.balance (what it
-- held before this migration; postings no longer move it) plus the sum of its shards; `yibao ledger check`
-- proves that total against the account's entries. Individual accounts are never sharded: their balance stays
-- one row, moved under the person's lock, so "never negative" is checked on the whole balance.
create table ledger_balance_shards (
  account_id uuid not null references ledger_accounts (id),
  shard smallint not null check (shard >= 0),
  balance bigint not null,
  primary key (account_id, shard),
  constraint ledger_balance_shards_safe check (balance between -9007199254740991 and 9007199254740991)
);
