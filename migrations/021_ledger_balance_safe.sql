-- The ledger_balance_safe CHECK was added to 014 after 014 had already been applied on some databases, so
-- those lack it. Add it wherever it is missing; databases made from the current 014 already have it.
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'ledger_balance_safe') then
    alter table ledger_accounts add constraint ledger_balance_safe
      check (balance between -9007199254740991 and 9007199254740991);
  end if;
end
$$;
