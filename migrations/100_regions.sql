-- Cross-region direct settlement (异地就医直接结算, issue 20; docs/REGIONS.md). Every region is its own
-- deployment on its own database; the same migrations run everywhere, so a region's database also holds the
-- (empty) hub tables and the hub's database the (empty) region tables.

-- Ledger: the position towards another region, and what clearing moved between the two.
--   region_clearing  owner = the other region  insured side: + what the other (treatment) region is owed;
--                                               treatment side: − what the other (insured) region owes
--   region_transfer  owner = the other region  what monthly clearing paid to (+) or received from (−) it
alter table ledger_accounts drop constraint ledger_accounts_kind_check;
alter table ledger_accounts add constraint ledger_accounts_kind_check check (kind in (
  'pooled_fund', 'premium_income', 'opening_balance', 'patient_cash',
  'individual',
  'institution_receivable', 'institution_cash', 'institution_bank',
  'region_clearing', 'region_transfer'));
alter table ledger_postings drop constraint ledger_postings_kind_check;
alter table ledger_postings add constraint ledger_postings_kind_check check (kind in (
  'settlement', 'refund', 'institution_payment', 'contribution', 'deposit', 'region_clearing'));

-- The insured region records a cross-region settlement of its person in `settlements` (accumulators, the
-- person's records and the settlement checks see it as any other); the institution is the other region's.
alter table settlements alter column institution_id drop not null;
alter table settlements add column treatment_region text references regions (code);
alter table settlements add column treatment_institution jsonb;
alter table settlements add column filing_id uuid;
alter table settlements add constraint settlements_treatment_check
  check ((institution_id is null) = (treatment_region is not null));
create index settlements_treatment_day_idx on settlements (treatment_region, business_date)
  where treatment_region is not null;
alter table refunds alter column institution_id drop not null;

-- 异地就医备案: a person's filing for treatment in another region, decided by the insured region.
create table region_filings (
  id uuid primary key,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  kind text not null check (kind in ('resident_elsewhere', 'temporary_work', 'referral')),
  target_region text not null,
  valid_from date not null,
  valid_to date not null,
  reason text not null default '',
  status text not null check (status in ('pending', 'approved', 'rejected', 'withdrawn')),
  decided_by uuid references users (id),
  decided_at timestamptz,
  decision_note text,
  created_at timestamptz not null,
  check (valid_to >= valid_from)
);
create index region_filings_person_idx on region_filings (person_id, target_region, valid_from);
create index region_filings_queue_idx on region_filings (region_code, status, created_at);

-- The other regions' public QR keys, fetched from the hub and kept so codes verify offline.
create table region_keys (
  region_code text not null references regions (code),
  key_set text not null check (key_set in ('ecard', 'essc')),
  jwks jsonb not null,
  fetched_at timestamptz not null,
  primary key (region_code, key_set)
);

-- The treatment region's record of a settlement whose person is insured elsewhere: one per (institution,
-- Idempotency-Key), written before the request is published ('sent'), completed by the insured region's answer.
create table region_crossings (
  institution_id uuid not null references institutions (id),
  key text not null,
  request_hash text not null,
  attempt integer not null default 0,
  insured_region text not null references regions (code),
  terminal_id uuid references terminals (id),
  status text not null check (status in ('sent', 'settled', 'refused', 'partially_refunded', 'refunded')),
  -- The insured region's settlement id, once answered.
  settlement_id uuid unique,
  business_date date,
  total bigint,
  fund bigint,
  account_paid bigint,
  relative_account_paid bigint,
  cash_paid bigint,
  refunded_fund bigint not null default 0,
  refunded_account bigint not null default 0,
  refunded_cash bigint not null default 0,
  view jsonb,
  refusal jsonb,
  posting_id uuid,
  sent_at timestamptz not null,
  answered_at timestamptz,
  primary key (institution_id, key)
);
create index region_crossings_day_idx on region_crossings (insured_region, business_date);

-- A refund crossing the same way: one per (settlement, Idempotency-Key) on the treatment side.
create table region_crossing_refunds (
  settlement_id uuid not null,
  key text not null,
  request_hash text not null,
  attempt integer not null default 0,
  status text not null check (status in ('sent', 'refunded', 'refused')),
  refund_id uuid,
  fund bigint,
  account bigint,
  cash bigint,
  view jsonb,
  refusal jsonb,
  posting_id uuid,
  sent_at timestamptz not null,
  answered_at timestamptz,
  primary key (settlement_id, key)
);

-- Each side's record of a month's clearing with another region (as the hub agreed it).
create table region_clearings (
  month text not null,
  counterparty text not null references regions (code),
  role text not null check (role in ('insured', 'treatment')),
  amount bigint not null,
  settlements integer not null,
  status text not null check (status in ('reported', 'confirmed')),
  posting_id uuid,
  confirmed_at timestamptz,
  primary key (month, counterparty, role)
);

-- The hub: its region directory with each region's public keys, and the monthly clearing per pair of regions.
create table hub_regions (
  code text primary key,
  name text not null,
  ecard_jwks jsonb not null,
  essc_jwks jsonb not null,
  updated_at timestamptz not null
);

create table hub_clearing_reports (
  month text not null,
  insured_region text not null,
  treatment_region text not null,
  reported_by text not null check (reported_by in ('insured', 'treatment')),
  amount bigint not null,
  settlements integer not null,
  reported_at timestamptz not null,
  confirmed_at timestamptz,
  primary key (month, insured_region, treatment_region, reported_by)
);
