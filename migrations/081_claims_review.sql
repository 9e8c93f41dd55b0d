-- The agency's review of settled claims (src/claims/): flags raised by the review rules over a day's settlements
-- (never blocking a till), and the staff's decision on a reviewed settlement.
create table claim_flags (
  settlement_id uuid not null references settlements (id),
  line_index integer not null,
  reason text not null,
  params jsonb not null,
  region_code text not null references regions (code),
  business_date date not null,
  created_at timestamptz not null,
  -- A review run may be repeated: a line is flagged for a reason once.
  primary key (settlement_id, line_index, reason)
);
create index claim_flags_day on claim_flags (region_code, business_date);

create table claim_reviews (
  settlement_id uuid primary key references settlements (id),
  outcome text not null check (outcome in ('accepted', 'recover', 'refer')),
  note text check (length(note) <= 500),
  reviewed_by uuid not null references users (id),
  reviewed_at timestamptz not null
);
