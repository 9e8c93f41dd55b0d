-- The national terminal interface (src/national, docs/NATIONAL-INTERFACE.md): a gateway over the core.

-- Each institution's registered SM2 public key (its HIS signs every message with the private key) and the
-- SM4 key of `enc_type: SM4` messages, sealed with the server's secret key (src/platform/secrets.ts).
create table national_keys (
  institution_id uuid primary key references institutions (id),
  sm2_public_key text not null check (sm2_public_key ~ '^04[0-9a-f]{128}$'),
  sm4_key_sealed text not null,
  registered_by uuid references users (id),
  registered_at timestamptz not null
);

-- 9001 sign-in / 9002 sign-out: every other message carries an open sign_no of its institution.
create table national_sign_ins (
  sign_no text primary key,
  institution_id uuid not null references institutions (id),
  terminal_id uuid not null references terminals (id),
  opter text not null,
  signed_in_at timestamptz not null,
  signed_out_at timestamptz
);
create index national_sign_ins_institution_idx on national_sign_ins (institution_id, signed_in_at desc);

-- One row per answered msgid: the same msgid again returns this answer; with another body it is refused.
-- response null: claimed but not answered (a reversible message records its claim before it runs, so that
-- a 2601 finds it whether or not it committed). reversed_by: the 2601 message that reversed this one.
create table national_messages (
  msgid text primary key check (msgid ~ '^[HP][0-9]{11}[0-9]{14}[0-9]{4}$'),
  institution_id uuid not null references institutions (id),
  infno text not null,
  request_hash text,
  response jsonb,
  reversed_by text,
  created_at timestamptz not null
);
create index national_messages_created_idx on national_messages (created_at);

-- The short business token an e-voucher decode returns, standing for the scanned QR code until it expires.
create table national_ec_tokens (
  token text primary key,
  institution_id uuid not null references institutions (id),
  ecard_id uuid not null references ecards (id),
  person_id uuid not null references persons (id),
  qr text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null
);

-- Visits (mdtrt_id): 2201 outpatient registrations, 2401 inpatient admissions, and the pharmacy sale a 2102
-- settles. setl_id: the settlement in force (cleared by 2208 / 2305 / 2601); pending_msgid: the settling
-- message under way, so that a second one with another msgid cannot pay the visit twice.
create table national_visits (
  mdtrt_id uuid primary key,
  institution_id uuid not null references institutions (id),
  person_id uuid not null references persons (id),
  kind text not null check (kind in ('outpatient', 'inpatient', 'pharmacy')),
  med_type text not null,
  ipt_otp_no text not null,
  begntime text not null,
  -- 2402 discharge time (inpatient), as sent.
  endtime text,
  -- The diagnoses of 2203 / 2401 / 2402 (diseinfo), as sent.
  diagnoses jsonb not null default '[]',
  status text not null check (status in ('registered', 'cancelled')),
  setl_id uuid references settlements (id),
  pending_msgid text,
  created_msgid text not null,
  created_at timestamptz not null
);
create index national_visits_institution_idx on national_visits (institution_id, created_at);
create index national_visits_created_msgid_idx on national_visits (created_msgid);
create index national_visits_setl_idx on national_visits (setl_id);

-- 2204 fee details of a visit (2205 cancels them), priced and classified from the institution's price list.
create table national_fee_details (
  id bigint generated always as identity primary key,
  mdtrt_id uuid not null references national_visits (mdtrt_id),
  feedetl_sn text not null,
  code text not null,
  name text not null,
  quantity integer not null check (quantity > 0),
  unit_price bigint not null check (unit_price >= 0),
  amount bigint not null check (amount >= 0),
  catalogue text not null,
  category text,
  service_type text not null,
  status text not null check (status in ('active', 'cancelled')),
  uploaded_msgid text not null,
  created_at timestamptz not null
);
create unique index national_fee_details_active on national_fee_details (mdtrt_id, feedetl_sn) where status = 'active';
