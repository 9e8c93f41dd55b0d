-- Fewer round trips on the money paths (docs/PERFORMANCE.md) and the payment PIN's attempt lockout.

-- Claims an idempotency key in one round trip: takes the key's transaction-scoped advisory lock without
-- waiting, then reads the stored answer. The read is a separate statement of this VOLATILE function, so it
-- sees a snapshot taken after the lock was granted: an answer committed by the transaction that held the
-- lock is always seen (one `select lock(), (select answer)` statement could miss it).
-- ok = false: another transaction holds the key right now.
create function idempotency_claim(p_lock bigint, p_scope text, p_key text)
returns table (ok boolean, request_hash text, response_status integer, response_body jsonb)
language plpgsql volatile as $$
begin
  if not pg_try_advisory_xact_lock(p_lock) then
    return query select false, null::text, null::integer, null::jsonb;
    return;
  end if;
  return query
    select true, k.request_hash, k.response_status, k.response_body
      from idempotency_keys k where k.scope = p_scope and k.key = p_key;
  if not found then
    return query select true, null::text, null::integer, null::jsonb;
  end if;
end
$$;

-- The payment PIN is now a keyed HMAC (src/cards/payment-pin.ts); a short PIN is protected by the server's
-- key and by this lockout, not by slow hashing. Consecutive wrong PINs; at the limit the PIN is locked until
-- payment_pin_locked_until. A right PIN resets the count.
alter table ecards add column payment_pin_failures integer not null default 0 check (payment_pin_failures >= 0);
alter table ecards add column payment_pin_locked_until timestamptz;

-- Balances stay within JavaScript's safe integers (the int8 parser refuses others). `post` checks it before
-- writing; the settlement's combined write (ledger.postingWrites) relies on this CHECK.
alter table ledger_accounts add constraint ledger_balance_safe
  check (balance between -9007199254740991 and 9007199254740991);
