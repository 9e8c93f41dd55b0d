-- Idempotency keys (DOMAIN.md "Guarantees we keep"): the first request with a key stores its answer in the
-- same transaction as its effects; the same key and body replays it; another body is refused.
create table idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  response_status integer not null,
  response_body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);
