-- The double-entry ledger every money path posts to (settlement, refund, daily payment to institutions,
-- contributions, demo deposits). All money is integer fen.
--
-- Sign convention: an account's balance is the sum of its entries, and every posting's entries sum to
-- zero, so the balances of all accounts together are always zero. A positive balance means the account
-- holds money (pooled fund, individual account) or is owed / has received it (institution accounts);
-- the "source" accounts through which money enters the system (premium_income, opening_balance,
-- patient_cash) go negative by design.
--
-- Account kinds (one account per kind and owner; owner_id is the region code, person id or institution id):
--   pooled_fund             region       the pooled (统筹) fund; pays the fund's share of settlements
--   premium_income          region       counter-side of premiums received (employer + employee)
--   opening_balance         region       counter-side of deposits made before contributions exist (demo, migration)
--   patient_cash            region       counter-side of cash patients pay at the till
--   individual              person       the person's individual account (个人账户); never negative
--   institution_receivable  institution  what the fund and individual accounts owe the institution
--   institution_cash        institution  cash the institution collected for settlements
--   institution_bank        institution  what has been paid out to the institution's bank account

create table ledger_accounts (
  id uuid primary key,
  kind text not null check (kind in (
    'pooled_fund', 'premium_income', 'opening_balance', 'patient_cash',
    'individual',
    'institution_receivable', 'institution_cash', 'institution_bank')),
  owner_id text not null,
  region_code text not null references regions (code),
  person_id uuid references persons (id),
  -- No foreign key yet: institutions get their own table in another module.
  institution_id uuid,
  balance bigint not null default 0,
  created_at timestamptz not null default now(),
  constraint ledger_accounts_owner_unique unique (kind, owner_id),
  constraint ledger_individual_not_negative check (kind <> 'individual' or balance >= 0),
  check ((kind = 'individual') = (person_id is not null)),
  check ((kind like 'institution\_%') = (institution_id is not null)),
  check (owner_id = coalesce(person_id::text, institution_id::text, region_code))
);
create index ledger_accounts_region_idx on ledger_accounts (region_code, kind);

create table ledger_postings (
  id uuid primary key,
  kind text not null check (kind in ('settlement', 'refund', 'institution_payment', 'contribution', 'deposit')),
  reference_type text not null,
  reference_id text not null,
  region_code text not null references regions (code),
  memo text not null default '',
  created_at timestamptz not null default now(),
  -- One posting per business event: a retried settlement or a second refund cannot post twice.
  constraint ledger_postings_reference_unique unique (kind, reference_type, reference_id)
);
create index ledger_postings_region_idx on ledger_postings (region_code, created_at);

create table ledger_entries (
  -- Insertion order: movements page on it, newest first.
  id bigint generated always as identity primary key,
  posting_id uuid not null references ledger_postings (id),
  account_id uuid not null references ledger_accounts (id),
  amount bigint not null check (amount <> 0)
);
create index ledger_entries_account_idx on ledger_entries (account_id, id desc);
create index ledger_entries_posting_idx on ledger_entries (posting_id);
