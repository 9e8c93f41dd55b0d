-- The electronic social security card (电子社保卡, e-SSC), issued by the national social security card platform:
-- one per person, linked 1:1 to a live physical card, its status mirrored from that card (src/essc/mirror.ts);
-- the channel authorisations; its second-level issuance (payment function) with its own payment PIN.
create sequence essc_number_seq;

create table esscs (
  id uuid primary key,
  essc_number text not null unique,
  person_id uuid not null references persons (id),
  -- the region (city) of the physical card, chosen by the person when applying
  region_code text not null references regions (code),
  card_id uuid not null references cards (id),
  status text not null check (status in ('active', 'suspended', 'ended')),
  channel text not null check (channel in ('wechat', 'official_account', 'app', 'alipay', 'bank_app')),
  second_level boolean not null default false,
  payment_pin_hash text,
  payment_pin_failures integer not null default 0 check (payment_pin_failures >= 0),
  payment_pin_locked_until timestamptz,
  issued_at timestamptz not null,
  second_level_at timestamptz,
  ended_at timestamptz,
  updated_at timestamptz not null,
  check (not second_level or payment_pin_hash is not null),
  check ((status = 'ended') = (ended_at is not null))
);
create unique index esscs_one_per_person on esscs (person_id) where status <> 'ended';
create unique index esscs_one_per_card on esscs (card_id) where status <> 'ended';
create index esscs_person_idx on esscs (person_id);

-- Each channel's authorisation: who authorised which channel, for which city, when.
create table essc_authorisations (
  essc_id uuid not null references esscs (id),
  channel text not null check (channel in ('wechat', 'official_account', 'app', 'alipay', 'bank_app')),
  person_id uuid not null references persons (id),
  region_code text not null references regions (code),
  authorised_at timestamptz not null,
  primary key (essc_id, channel)
);

-- The one history table also records the e-SSC's changes.
alter table card_events drop constraint card_events_subject_check;
alter table card_events add constraint card_events_subject_check
  check (subject in ('application', 'card', 'ecard', 'essc'));
