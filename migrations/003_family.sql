-- Family binding: a person (binder) binds relatives, with two separate permissions: family mutual aid
-- (the binder's individual account may pay the relative's share) and family card display (the binder may
-- show the relative's QR code; the relative confirms, except for a minor child of the binder).
create table family_bindings (
  id uuid primary key,
  binder_person_id uuid not null references persons (id),
  relative_person_id uuid not null references persons (id),
  kinship text not null check (kinship in ('spouse', 'parent', 'child', 'grandparent', 'grandchild', 'sibling')),
  channel text not null check (channel in ('app', 'web_portal', 'self_service_terminal', 'hospital_office', 'window')),
  mutual_aid boolean not null default false,
  card_display text not null default 'off' check (card_display in ('off', 'pending', 'confirmed', 'declined')),
  status text not null default 'active' check (status in ('active', 'unbound')),
  created_by uuid references users (id),
  created_at timestamptz not null,
  display_decided_at timestamptz,
  unbound_at timestamptz,
  check (binder_person_id <> relative_person_id)
);
create unique index family_bindings_one_active on family_bindings (binder_person_id, relative_person_id) where status = 'active';
create index family_bindings_relative_idx on family_bindings (relative_person_id) where status = 'active';
