-- Cards: physical social security card applications and cards, the electronic card (e-voucher), and one
-- history table recording every state change of any of them (who, where, when).

-- Card numbers: 2-character region prefix + 7-character base-36 serial from this sequence (see src/cards/number.ts).
create sequence card_number_seq;

create table card_applications (
  id uuid primary key,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  channel text not null check (channel in ('county_centre', 'service_point', 'agent', 'employer')),
  -- who filed it: the person in the app, staff at a counter, or an employer batch
  submitted_via text not null check (submitted_via in ('app', 'counter', 'employer')),
  office_id uuid references offices (id),
  employer_id uuid references employers (id),
  batch_id uuid,
  introduction_ref text,
  agent_id_number text,
  agent_name text,
  status text not null check (status in ('pending', 'ready', 'issued', 'handed_out', 'cancelled')),
  -- service point: ready within 3 working days of the application date
  due_date date,
  id_checked boolean not null default false,
  card_id uuid,
  created_by uuid not null references users (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (channel <> 'agent' or (agent_id_number is not null and agent_name is not null)),
  check (channel <> 'employer' or (employer_id is not null and introduction_ref is not null))
);
create index card_applications_queue_idx on card_applications (region_code, status, created_at);
create index card_applications_person_idx on card_applications (person_id);
create index card_applications_employer_idx on card_applications (employer_id) where employer_id is not null;
-- one open application per person
create unique index card_applications_one_open on card_applications (person_id) where status in ('pending', 'ready');

create table cards (
  id uuid primary key,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  application_id uuid references card_applications (id),
  card_number text not null unique,
  bank text not null,
  status text not null check (status in ('issued', 'active', 'frozen', 'replaced', 'cancelled')),
  -- null until set; employer-batch and agent cards get it at activation
  pin_hash text,
  pin_failures integer not null default 0 check (pin_failures >= 0),
  pin_locked boolean not null default false,
  -- employer-batch cards stay with the employer until it hands them out
  with_employer_id uuid references employers (id),
  handed_out_at timestamptz,
  issued_at timestamptz not null,
  issued_office_id uuid references offices (id),
  activated_at timestamptz,
  activation_place text check (activation_place in ('bank', 'hospital', 'pharmacy')),
  activation_institution_id uuid,
  replaces_card_id uuid references cards (id),
  replaced_by_card_id uuid references cards (id),
  updated_at timestamptz not null
);
create index cards_person_idx on cards (person_id);
create index cards_employer_idx on cards (with_employer_id) where with_employer_id is not null;
-- one live card per person
create unique index cards_one_live on cards (person_id) where status in ('issued', 'active', 'frozen');

create table ecards (
  id uuid primary key,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  physical_card_id uuid references cards (id),
  status text not null check (status in ('applied', 'active', 'suspended', 'revoked')),
  suspended_by_role text check (suspended_by_role in ('person', 'staff')),
  payment_open boolean not null default false,
  payment_pin_hash text,
  applied_channel text not null check (applied_channel in ('app', 'wechat', 'alipay', 'bank_app')),
  applied_at timestamptz not null,
  activated_at timestamptz,
  payment_opened_at timestamptz,
  updated_at timestamptz not null,
  check (not payment_open or payment_pin_hash is not null)
);
-- one e-card per person (a revoked one may be followed by a new one)
create unique index ecards_one_per_person on ecards (person_id) where status <> 'revoked';

create table ecard_channels (
  ecard_id uuid not null references ecards (id),
  channel text not null check (channel in ('app', 'wechat', 'alipay', 'bank_app')),
  person_id uuid not null references persons (id),
  authorised_at timestamptz not null,
  primary key (ecard_id, channel)
);

create table card_events (
  id uuid primary key,
  -- orders the events of one transaction, which share their timestamp
  seq bigint generated always as identity,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  subject text not null check (subject in ('application', 'card', 'ecard')),
  subject_id uuid not null,
  event text not null,
  from_status text,
  to_status text,
  actor_user_id uuid references users (id),
  actor_role text not null check (actor_role in ('person', 'staff', 'employer', 'institution', 'admin', 'system')),
  office_id uuid references offices (id),
  channel text,
  institution_id uuid,
  detail text,
  at timestamptz not null
);
create index card_events_person_idx on card_events (person_id, at);
create index card_events_subject_idx on card_events (subject_id, at);
