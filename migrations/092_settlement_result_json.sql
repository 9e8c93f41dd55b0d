-- Issue 19: a settlement's result document is written once and only ever read back whole (no query looks
-- inside it), so it does not need jsonb's binary form: converting the text to jsonb cost PostgreSQL about
-- 0.19 ms for a pharmacy bill's 3 KB and 2-3 ms for an inpatient bill's tens of KB, per settlement, against
-- 0.07 ms and about 1 ms for json, which only checks the text. The answer read back is the same document
-- (json keeps the keys in the order written). This rewrites the table once.
alter table settlements alter column result type json using result::json;
-- The column keeps lz4 (migration 090) where the server has it; set it again in case the rewrite did not.
do $$
begin
  alter table settlements alter column result set compression lz4;
exception when others then
  null;
end
$$;
