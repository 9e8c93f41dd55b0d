-- The e-SSC pays: its own QR key set, the credential a settlement was paid with, the bank account that backs
-- the physical card's financial function, and the bank instructions for a cash share paid from it.

-- QR signing keys belong to a key set: the e-voucher's (`ecard`, the medical insurance platform) or the
-- e-SSC's (`essc`, the national social security card platform). Each set signs and is published on its own.
alter table qr_signing_keys add column key_set text not null default 'ecard' check (key_set in ('ecard', 'essc'));
alter table qr_signing_keys drop constraint qr_signing_keys_pkey;
alter table qr_signing_keys add primary key (key_set, kid);

-- Which credential paid: the e-voucher's QR code, the e-SSC's QR code, or the physical card. `ecard_id` holds
-- the e-voucher, `essc_id` the e-SSC.
alter table settlements add column credential text;
update settlements set credential = case method when 'qr' then 'ecard' else 'card' end;
alter table settlements alter column credential set not null;
alter table settlements add constraint settlements_credential_check check (credential in ('ecard', 'essc', 'card'));
alter table settlements add column essc_id uuid references esscs (id);
-- How the cash share was paid: at the till, or by the social security card's bank account.
alter table settlements add column cash_method text not null default 'cash'
  check (cash_method in ('cash', 'bank_account'));

-- The bank account behind the physical card's financial function, linked in the e-SSC (one per person).
create table essc_bank_accounts (
  person_id uuid primary key references persons (id),
  essc_id uuid not null references esscs (id),
  bank text not null,
  account_number text not null check (account_number ~ '^[0-9]{12,19}$'),
  linked_at timestamptz not null
);

-- A cash share paid by bank account is an instruction to the bank, recorded with its status: there is no
-- bank here, so it stays `instructed` until a bank answers. Refunds before that reduce what is due
-- (`refunded`); refunded in full, it is `cancelled`.
create table bank_instructions (
  id uuid primary key,
  settlement_id uuid not null unique references settlements (id),
  person_id uuid not null references persons (id),
  institution_id uuid not null references institutions (id),
  region_code text not null references regions (code),
  business_date date not null,
  amount bigint not null check (amount > 0),
  refunded bigint not null default 0 check (refunded >= 0 and refunded <= amount),
  bank text not null,
  account_masked text not null,
  status text not null check (status in ('instructed', 'cancelled')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index bank_instructions_person_idx on bank_instructions (person_id, created_at desc);
