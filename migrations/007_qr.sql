-- QR signing keys (private keys sealed with the installation's secret key) and consumed token nonces.
create table qr_signing_keys (
  kid text primary key check (kid ~ '^[0-9a-f]{8}$'),
  private_key_sealed text,
  public_key_pem text not null,
  created_at timestamptz not null,
  retired_at timestamptz,
  grace_seconds integer not null check (grace_seconds >= 0)
);

-- A token pays once: its nonce is recorded in the transaction that uses it.
create table qr_consumed_nonces (
  ecard_id uuid not null,
  nonce text not null,
  kid text not null,
  expires_at timestamptz not null,
  consumed_at timestamptz not null,
  institution_id uuid,
  primary key (ecard_id, nonce)
);
create index qr_consumed_nonces_expiry_idx on qr_consumed_nonces (expires_at);
