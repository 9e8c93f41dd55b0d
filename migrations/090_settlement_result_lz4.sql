-- Issue 19: a settlement's result document (several KB for a pharmacy bill, tens of KB for an inpatient one)
-- is TOASTed and compressed on every settlement. lz4 compresses JSON about as well as the default pglz at a
-- fraction of its CPU. Only new values use it; old ones stay readable as they are. A server built without lz4,
-- and PGlite, refuse the method: they keep pglz (the error is caught, so the same file runs on both).
do $$
begin
  alter table settlements alter column result set compression lz4;
exception when others then
  null;
end
$$;
