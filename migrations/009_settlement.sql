-- Real-time settlement: per-person yearly accumulators, settlements with their lines, refunds, and the
-- agency's daily payments to institutions. Money is integer fen. A settlement's rows live with its person
-- (person_id) and region (region_code), the partition keys.

create table person_year_accumulators (
  person_id uuid not null references persons (id),
  year integer not null,
  inpatient_deductible_paid bigint not null default 0 check (inpatient_deductible_paid >= 0),
  outpatient_eligible_spent bigint not null default 0 check (outpatient_eligible_spent >= 0),
  fund_paid bigint not null default 0 check (fund_paid >= 0),
  primary key (person_id, year)
);

create table settlements (
  id uuid primary key,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  institution_id uuid not null references institutions (id),
  terminal_id uuid references terminals (id),
  policy_version_id uuid not null references policy_versions (id),
  method text not null check (method in ('qr', 'card')),
  ecard_id uuid,
  card_id uuid,
  -- The relative whose account paid (family mutual aid), when one did.
  relative_person_id uuid references persons (id),
  setting text not null check (setting in ('outpatient', 'inpatient')),
  year integer not null,
  business_date date not null,
  status text not null check (status in ('settled', 'partially_refunded', 'refunded')),
  total bigint not null,
  fund bigint not null,
  account_paid bigint not null,
  relative_account_paid bigint not null,
  cash_paid bigint not null,
  -- The whole calculator result (lines, totals, explanations, national figures), as computed.
  result jsonb not null,
  card_activated boolean not null default false,
  -- Null only for a bill of zero yuan, which moves no money.
  posting_id uuid,
  created_at timestamptz not null,
  check (total = fund + account_paid + relative_account_paid + cash_paid)
);
create index settlements_person_idx on settlements (person_id, created_at desc);
create index settlements_institution_day_idx on settlements (institution_id, business_date);

create table settlement_lines (
  settlement_id uuid not null references settlements (id),
  line_index integer not null,
  person_id uuid not null references persons (id),
  code text not null,
  name text not null,
  quantity integer not null,
  unit_price bigint not null,
  amount bigint not null,
  fund bigint not null,
  account_paid bigint not null,
  relative_account_paid bigint not null,
  cash_paid bigint not null,
  -- What this line added to the person's accumulators; a refund subtracts exactly this.
  delta_inpatient_deductible bigint not null,
  delta_outpatient_eligible bigint not null,
  delta_fund_paid bigint not null,
  refund_id uuid,
  primary key (settlement_id, line_index),
  check (amount = fund + account_paid + relative_account_paid + cash_paid)
);

create table refunds (
  id uuid primary key,
  settlement_id uuid not null references settlements (id),
  person_id uuid not null references persons (id),
  institution_id uuid not null references institutions (id),
  terminal_id uuid references terminals (id),
  region_code text not null references regions (code),
  business_date date not null,
  reason text not null,
  line_indexes integer[] not null,
  total bigint not null,
  fund bigint not null,
  account_paid bigint not null,
  relative_account_paid bigint not null,
  cash_paid bigint not null,
  posting_id uuid,
  created_at timestamptz not null
);
create index refunds_institution_day_idx on refunds (institution_id, business_date);

create table institution_payments (
  id uuid primary key,
  institution_id uuid not null references institutions (id),
  business_date date not null,
  amount bigint not null,
  posting_id uuid,
  paid_by uuid references users (id),
  paid_at timestamptz not null,
  unique (institution_id, business_date)
);
