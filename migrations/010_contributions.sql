-- Contributions (Social Insurance Law art. 23, 58, 74): premium rules per region as versioned policy data,
-- monthly contribution runs (an employer's, or a flexible worker's own), one line per person. A run that is
-- not paid is arrears until it is; paying posts it to the ledger (premiums to the pooled fund, the credited
-- part to each individual account).
create table premium_rule_versions (
  id uuid primary key,
  region_code text not null references regions (code),
  version text not null,
  effective_from date not null,
  rules jsonb not null,
  published_at timestamptz not null,
  unique (region_code, effective_from),
  unique (region_code, version)
);

create table contribution_runs (
  id uuid primary key,
  employer_id uuid references employers (id),
  -- A flexible worker's own run.
  person_id uuid references persons (id),
  region_code text not null references regions (code),
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  premium_version_id uuid not null references premium_rule_versions (id),
  request_hash text not null,
  status text not null check (status in ('due', 'paid')),
  employer_premium bigint not null,
  employee_premium bigint not null,
  to_pooled_fund bigint not null,
  to_individual_accounts bigint not null,
  posting_id uuid,
  created_at timestamptz not null,
  paid_at timestamptz,
  check ((employer_id is null) <> (person_id is null)),
  check (to_pooled_fund + to_individual_accounts = employer_premium + employee_premium),
  check ((status = 'paid') = (paid_at is not null))
);
create unique index contribution_runs_employer_month on contribution_runs (employer_id, month) where employer_id is not null;
create unique index contribution_runs_person_month on contribution_runs (person_id, month) where person_id is not null;

create table contributions (
  run_id uuid not null references contribution_runs (id),
  person_id uuid not null references persons (id),
  month text not null,
  employer_id uuid references employers (id),
  declared_base bigint not null,
  base bigint not null,
  base_adjustment text not null check (base_adjustment in ('none', 'raised_to_floor', 'lowered_to_cap')),
  employer_premium bigint not null,
  employee_premium bigint not null,
  to_pooled_fund bigint not null,
  to_individual_account bigint not null,
  primary key (run_id, person_id),
  check (to_pooled_fund + to_individual_account = employer_premium + employee_premium)
);
create index contributions_person_idx on contributions (person_id, month);
