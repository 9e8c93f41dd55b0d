-- Designated institutions (hospitals and pharmacies), their terminals, and the audit trail of scans.
create table institutions (
  id uuid primary key,
  -- The national fixmedins code, e.g. H44030300001 (hospital) or P44030300002 (pharmacy).
  code text not null unique check (code ~ '^[HP][0-9]{11}$'),
  name text not null,
  kind text not null check (kind in ('hospital', 'pharmacy')),
  tier integer check (tier between 1 and 3),
  region_code text not null references regions (code),
  accepts_ecard boolean not null default true,
  status text not null default 'designated' check (status in ('designated', 'suspended')),
  created_at timestamptz not null default now(),
  check ((kind = 'hospital') = (tier is not null)),
  check ((kind = 'hospital') = (code like 'H%'))
);
create index institutions_region_idx on institutions (region_code);

alter table users add constraint users_institution_fk foreign key (institution_id) references institutions (id);
alter table users add constraint users_institution_role check (role <> 'institution' or institution_id is not null);

create table terminals (
  id uuid primary key,
  institution_id uuid not null references institutions (id),
  name text not null,
  -- SHA-256 of the credential's 32-byte random secret: high entropy, so a fast hash is enough.
  secret_hash text not null,
  status text not null default 'active' check (status in ('active', 'revoked')),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_seen_at timestamptz
);
create index terminals_institution_idx on terminals (institution_id);

-- Every scan, accepted or refused. Never an ID number or a name: the e-card and person ids only.
create table scan_audit (
  id uuid primary key,
  institution_id uuid not null references institutions (id),
  terminal_id uuid not null references terminals (id),
  region_code text not null references regions (code),
  at timestamptz not null,
  method text not null check (method in ('qr', 'card')),
  outcome text not null check (outcome in ('accepted', 'refused')),
  reason text,
  ecard_id uuid,
  person_id uuid references persons (id)
);
create index scan_audit_institution_idx on scan_audit (institution_id, at desc);
create index scan_audit_region_idx on scan_audit (region_code, at desc);
