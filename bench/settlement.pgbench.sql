-- The same rows a QR settlement writes, as a pgbench script: no application, no HTTP, no JSON built.
-- Run by bench/same-rows.ts on the benchmark database after the population load (helper tables there:
-- bench_people, the e-card sample the HTTP phases drew from; bench_const, the institutions' and region's ids;
-- bench_docs, a settlement result and answer of each bill size, as the text the server sends).
-- Variables: -D people=<sample size> -D inpatient_pct=<share of hospital bills, 25 as bench/mix.ts, 0 pharmacy>.
-- Round trips, as the server's transaction: begin, key claim, person lock, the read, the write, commit.
-- As the server (migration 091), the shared accounts' deltas go to one of their 16 balance shards, after the
-- individual account's row lock.
\set n random(1, :people)
\if random(1, 100) <= :inpatient_pct
\set hosp 1
\set lines random(20, 100)
\else
\set hosp 0
\set lines random(1, 5)
\endif
\set key random(1, 9000000000000000)
\set fund random(100, 20000)
\set own random(1, 100)
\set cash random(100, 5000)
\set shard random(0, 15)
begin;
select ok from idempotency_claim(:key, 'settlement:00000000-0000-4000-8000-000000000000', 'k' || :key::text);
select p.id as pid, b.ecard_id as eid, b.account_id as aid
  from bench_people b join persons p on p.id = (select person_id from ecards where id = b.ecard_id)
 where b.n = :n for update of p \gset
with acc as (insert into person_year_accumulators (person_id, year) values (:pid, extract(year from now())::int)
             on conflict (person_id, year) do update set year = excluded.year
             returning inpatient_deductible_paid, outpatient_eligible_spent, fund_paid),
     nonce as (insert into qr_consumed_nonces (ecard_id, nonce, kid, expires_at, consumed_at, institution_id)
               select :eid, md5(random()::text), c.kid, now() + interval '60 seconds', now(),
                      case when :hosp = 1 then c.h_inst else c.p_inst end
                 from bench_const c
               on conflict do nothing returning 1),
     pv as (select id, version, rules, first_used_at from policy_versions
             where region_code = 'demo' and effective_from <= current_date order by effective_from desc limit 1),
     a as (select id, balance from ledger_accounts where kind = 'individual' and owner_id = :pid::text),
     aid as (select binder_person_id from family_bindings
              where relative_person_id = :pid and status = 'active' and mutual_aid order by created_at, id limit 1),
     e as (select id, status, payment_open, payment_pin_hash, payment_pin_failures, payment_pin_locked_until
             from ecards where id = :eid)
select acc.*, (select count(*) from nonce)::int as consumed, pv.id, pv.version, pv.rules, pv.first_used_at,
       a.id, a.balance, aid.binder_person_id, e.*
  from acc left join pv on true left join a on true left join aid on true left join e on true;
with c as (select * from bench_const),
     ids as (select gen_random_uuid() as sid, gen_random_uuid() as posting),
     d as (select x.id, x.delta
             from c cross join lateral (values (c.fund, -(:fund::int8)), (:aid::uuid, -(:own::int8)),
                  (case when :hosp = 1 then c.h_recv else c.p_recv end, (:fund::int8 + :own::int8)),
                  (c.patient_cash, -(:cash::int8)),
                  (case when :hosp = 1 then c.h_cash else c.p_cash end, (:cash::int8))) as x(id, delta)),
     moves as (update ledger_accounts a set balance = case when v.ok then a.balance + v.delta else a.balance end
                 from (select l.id, l.kind, l.balance, d.delta, (l.kind <> 'individual' or l.balance + d.delta >= 0) as ok
                         from (select id, kind, balance from ledger_accounts where id in (select id from d)
                                  and kind = 'individual' order by id for update) l
                         join d on d.id = l.id) v
                where a.id = v.id
               returning a.id, v.kind, v.balance as before, v.delta, v.ok),
     shards as (insert into ledger_balance_shards as s (account_id, shard, balance)
                select d.id, :shard, d.delta from d where d.id <> :aid::uuid and (select count(*) from moves) >= 0
                 order by d.id
                on conflict (account_id, shard) do update set balance = s.balance + excluded.balance),
     posting as (insert into ledger_postings (id, kind, reference_type, reference_id, region_code, memo, created_at,
                   beneficiary_person_id)
                 select ids.posting, 'settlement', 'settlement', ids.sid::text, 'demo', '', now(), :pid from ids),
     entries as (insert into ledger_entries (posting_id, account_id, amount) select ids.posting, d.id, d.delta from ids, d),
     settlement as (insert into settlements (id, person_id, region_code, institution_id, terminal_id, policy_version_id,
                      method, ecard_id, card_id, relative_person_id, setting, year, business_date, status, total, fund,
                      account_paid, relative_account_paid, cash_paid, result, posting_id, created_at, card_activated,
                      credential, essc_id, cash_method)
                    select ids.sid, :pid, 'demo', case when :hosp = 1 then c.h_inst else c.p_inst end,
                           case when :hosp = 1 then c.h_term else c.p_term end, c.policy, 'qr', :eid, null, null,
                           case when :hosp = 1 then 'inpatient' else 'outpatient' end, extract(year from now())::int,
                           current_date, 'settled', :fund::int8 + :own::int8 + :cash::int8, :fund::int8, :own::int8, 0, :cash::int8,
                           (select result::json from bench_docs where lines = :lines), ids.posting, now(), false,
                           'ecard', null, 'cash'
                      from ids, c),
     lines as (insert into settlement_lines (settlement_id, person_id, line_index, code, name, quantity, unit_price,
                 amount, fund, account_paid, relative_account_paid, cash_paid, delta_inpatient_deductible,
                 delta_outpatient_eligible, delta_fund_paid)
               select ids.sid, :pid, g - 1, 'M' || (g - 1), '药品' || (g - 1), 1, 1000 + g, 1000 + g, 600 + g, 0, 0, 400,
                      0, 1000 + g, 600 + g
                 from ids, generate_series(1, :lines::int) g),
     accumulators as (update person_year_accumulators
                         set outpatient_eligible_spent = outpatient_eligible_spent + :fund::int8, fund_paid = fund_paid + :fund::int8
                       where person_id = :pid and year = extract(year from now())::int),
     answer as (insert into idempotency_keys (scope, key, request_hash, response_status, response_body)
                select 'settlement:00000000-0000-4000-8000-000000000000', 'k' || :key::text, md5(:key::text), 201,
                       (select answer::jsonb from bench_docs where lines = :lines))
select id, kind, before, delta, ok from moves order by id;
commit;
