-- Foundation: regions, offices, people, accounts, sessions, population registry, identity, employers, inbox.
-- Region and person are the natural partition keys: every person-owned row carries person_id, and the
-- tables a province would shard on carry region_code.

create table regions (
  code text primary key,
  name text not null
);

create table offices (
  id uuid primary key,
  region_code text not null references regions (code),
  name text not null,
  kind text not null check (kind in ('county_centre', 'service_point', 'window')),
  created_at timestamptz not null default now()
);

create table employers (
  id uuid primary key,
  credit_code text not null unique,
  name text not null,
  region_code text not null references regions (code),
  created_at timestamptz not null default now()
);

create table persons (
  id uuid primary key,
  id_number text not null unique,
  name text not null,
  gender text not null check (gender in ('male', 'female')),
  birth_date date not null,
  region_code text not null references regions (code),
  insurance_type text not null check (insurance_type in ('employee', 'resident', 'flexible')),
  retired boolean not null default false,
  status text not null default 'active' check (status in ('active', 'suspended', 'ended')),
  employer_id uuid references employers (id),
  identity_status text not null default 'unverified'
    check (identity_status in ('unverified', 'pending_review', 'verified', 'rejected')),
  identity_reason text,
  created_at timestamptz not null default now()
);
create index persons_region_idx on persons (region_code);
create index persons_employer_idx on persons (employer_id) where employer_id is not null;

create table employments (
  id uuid primary key,
  employer_id uuid not null references employers (id),
  person_id uuid not null references persons (id),
  hire_date date not null,
  registered_on date not null,
  -- Social Insurance Law art. 58: registration is due within 30 days of hiring.
  overdue boolean not null,
  ended_on date,
  created_at timestamptz not null default now(),
  unique (employer_id, person_id, hire_date)
);
create index employments_person_idx on employments (person_id);

create table users (
  id uuid primary key,
  role text not null check (role in ('person', 'staff', 'employer', 'institution', 'admin')),
  login text not null unique,
  password_hash text not null,
  display_name text not null,
  person_id uuid unique references persons (id),
  employer_id uuid references employers (id),
  office_id uuid references offices (id),
  institution_id uuid,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  check (role <> 'person' or person_id is not null),
  check (role <> 'staff' or office_id is not null),
  check (role <> 'employer' or employer_id is not null)
);

create table sessions (
  token_hash text primary key,
  user_id uuid not null references users (id),
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index sessions_user_idx on sessions (user_id);

create table population_registry (
  id_number text primary key,
  name text not null,
  updated_at timestamptz not null default now()
);

create table identity_photos (
  person_id uuid primary key references persons (id),
  content_type text not null check (content_type in ('image/jpeg', 'image/png')),
  bytes bytea not null,
  sha256 text not null,
  uploaded_at timestamptz not null default now()
);

create table identity_reviews (
  id uuid primary key,
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  status text not null check (status in ('pending', 'approved', 'rejected')),
  reason text not null,
  submitted_at timestamptz not null default now(),
  decided_by uuid references users (id),
  decision_reason text,
  decided_at timestamptz
);
create index identity_reviews_queue_idx on identity_reviews (region_code, status, submitted_at);
create unique index identity_reviews_one_pending on identity_reviews (person_id) where status = 'pending';

create table notifications (
  id uuid primary key,
  person_id uuid not null references persons (id),
  kind text not null,
  title text not null,
  body text not null,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_person_idx on notifications (person_id, created_at desc);
