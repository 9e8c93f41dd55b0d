-- Each designated institution's own price list: what its till offers on a bill, at its own prices (fen).
create table price_list_items (
  id uuid primary key,
  institution_id uuid not null references institutions (id),
  -- The institution's item code (national drug / service code where it has one), unique per institution.
  code text not null check (length(code) between 1 and 50),
  name text not null check (length(name) between 1 and 200),
  -- The unit it is sold in (盒, 次, 天 …), shown on the till; free text.
  unit text not null default '',
  unit_price bigint not null check (unit_price >= 0),
  catalogue text not null check (catalogue in ('in', 'out')),
  category text check (category in ('A', 'B')),
  service_type text not null check (
    service_type in ('inpatient', 'outpatient', 'large_equipment', 'special_material', 'special_outpatient')
  ),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (institution_id, code)
);
