-- Issue 19, group commit: a batch of settlements claims all its members' idempotency keys in one round trip.
-- The same as idempotency_claim for each (lock, scope, key) in turn, in the caller's order; each read is its
-- own statement after its lock, so it sees an answer committed by the lock's previous holder.
create function idempotency_claims(p_locks bigint[], p_scopes text[], p_keys text[])
returns table (n integer, ok boolean, request_hash text, response_status integer, response_body jsonb)
language plpgsql volatile as $$
declare
  i integer;
begin
  for i in 1 .. coalesce(array_length(p_locks, 1), 0) loop
    if not pg_try_advisory_xact_lock(p_locks[i]) then
      return query select i, false, null::text, null::integer, null::jsonb;
      continue;
    end if;
    return query
      select i, true, k.request_hash, k.response_status, k.response_body
        from idempotency_keys k where k.scope = p_scopes[i] and k.key = p_keys[i];
    if not found then
      return query select i, true, null::text, null::integer, null::jsonb;
    end if;
  end loop;
end
$$;
