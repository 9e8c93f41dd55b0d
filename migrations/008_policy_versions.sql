-- Regional policy versions. A version takes over by itself on its effective date; settlements record the
-- version they used, and a version that has been used is never changed or withdrawn.
create table policy_versions (
  id uuid primary key,
  region_code text not null references regions (code),
  version text not null,
  effective_from date not null,
  rules jsonb not null,
  published_by uuid references users (id),
  published_at timestamptz not null,
  first_used_at timestamptz,
  unique (region_code, effective_from),
  unique (region_code, version)
);
