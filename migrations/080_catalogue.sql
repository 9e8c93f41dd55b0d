-- The agency's medical insurance catalogues (drugs, medical service items, medical consumables), versioned
-- per region (src/catalogue/). Each import of a kind is a new version of the region's catalogue; it stores only
-- what changed against the entries then in force: new and changed codes, and codes the file no longer lists
-- (removed = true). The entry of a code in force on a day is the one of the highest version whose
-- effective_from is on or before that day. A version never changes once written.
create table catalogue_versions (
  region_code text not null references regions (code),
  version integer not null check (version > 0),
  kind text not null check (kind in ('drug', 'service', 'material')),
  effective_from date not null,
  rows_in_file integer not null check (rows_in_file >= 0),
  added integer not null check (added >= 0),
  changed integer not null check (changed >= 0),
  removed integer not null check (removed >= 0),
  imported_by uuid references users (id),
  created_at timestamptz not null,
  primary key (region_code, version)
);

create table catalogue_entries (
  region_code text not null,
  version integer not null,
  code text not null check (length(code) between 1 and 50),
  kind text not null check (kind in ('drug', 'service', 'material')),
  removed boolean not null default false,
  name text not null check (length(name) between 1 and 200),
  class text not null check (class in ('A', 'B', 'C')),
  dosage_form text,
  specification text,
  unit text,
  price_limit bigint check (price_limit > 0),
  self_pay_first_bp integer check (self_pay_first_bp between 0 and 10000),
  service_type text check (service_type in ('large_equipment', 'special_material')),
  restrictions jsonb not null default '{}',
  valid_from date,
  valid_to date check (valid_to >= valid_from),
  -- Only class B has a self-pay-first part.
  check (self_pay_first_bp is null or class = 'B'),
  primary key (region_code, code, version),
  foreign key (region_code, version) references catalogue_versions (region_code, version)
);
-- Terminals download what changed since their version, in version then code order.
create index catalogue_entries_download on catalogue_entries (region_code, version, code);

-- An institution's own item codes mapped to catalogue codes (目录对照). A mapping takes effect once the agency
-- approves it; a code with no approved mapping settles as out of catalogue. A new request for the same own code
-- replaces a pending one; an approved mapping stays in force until a newer one is approved.
create table catalogue_mappings (
  id uuid primary key,
  institution_id uuid not null references institutions (id),
  item_code text not null check (length(item_code) between 1 and 50),
  catalogue_code text not null check (length(catalogue_code) between 1 and 50),
  status text not null check (status in ('pending', 'approved', 'rejected', 'replaced')),
  reason text check (length(reason) <= 500),
  requested_by uuid references users (id),
  requested_at timestamptz not null,
  reviewed_by uuid references users (id),
  reviewed_at timestamptz
);
create unique index catalogue_mappings_one_pending on catalogue_mappings (institution_id, item_code)
  where status = 'pending';
create unique index catalogue_mappings_one_approved on catalogue_mappings (institution_id, item_code)
  where status = 'approved';
create index catalogue_mappings_queue on catalogue_mappings (status, requested_at);

-- A person's approvals and filings: special outpatient diseases, large-equipment exams, special materials with
-- their reference prices, each valid for a period and, where given, at one institution.
create table person_approvals (
  id uuid primary key,
  person_id uuid not null references persons (id),
  kind text not null check (kind in ('special_outpatient', 'large_equipment', 'special_material')),
  -- The disease (special outpatient) or the catalogue code of the exam or material.
  subject text not null check (length(subject) between 1 and 50),
  institution_id uuid references institutions (id),
  domestic_reference_price bigint check (domestic_reference_price > 0),
  imported_reference_price bigint check (imported_reference_price > 0),
  valid_from date not null,
  valid_to date not null check (valid_to >= valid_from),
  status text not null check (status in ('active', 'revoked')),
  created_by uuid references users (id),
  created_at timestamptz not null,
  revoked_by uuid references users (id),
  revoked_at timestamptz,
  revoke_reason text check (length(revoke_reason) <= 500),
  check (kind = 'special_material' or (domestic_reference_price is null and imported_reference_price is null))
);
create index person_approvals_person on person_approvals (person_id, kind, subject);
