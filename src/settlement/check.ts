import type { Queryable } from '../platform/db.ts';

/**
 * Settlement invariants, beside the ledger's own (src/ledger/check.ts): each person's yearly accumulators
 * equal the sum of the unrefunded lines they came from; no person's fund payments in a year pass the
 * ceiling of the policy their settlements used; every settlement's lines add up to its totals; and every
 * settlement's ledger posting moved exactly the fund and account shares it reports.
 */
export async function checkSettlements(
  q: Queryable,
  limit = 50,
): Promise<{ ok: boolean; problems: string[] }> {
  const problems: string[] = [];
  const accumulators = await q.query<{
    person_id: string;
    year: number;
    kind: string;
    stored: number;
    derived: number;
  }>(
    `with derived as (
       select s.person_id, s.year,
              coalesce(sum(l.delta_inpatient_deductible) filter (where l.refund_id is null), 0)::int8 as d,
              coalesce(sum(l.delta_outpatient_eligible) filter (where l.refund_id is null), 0)::int8 as o,
              coalesce(sum(l.delta_fund_paid) filter (where l.refund_id is null), 0)::int8 as f
         from settlements s join settlement_lines l on l.settlement_id = s.id
        group by s.person_id, s.year)
     select a.person_id, a.year, k.kind, k.stored, k.derived
       from person_year_accumulators a
       left join derived d on d.person_id = a.person_id and d.year = a.year
       cross join lateral (values
         ('inpatient deductible', a.inpatient_deductible_paid, coalesce(d.d, 0)),
         ('outpatient eligible', a.outpatient_eligible_spent, coalesce(d.o, 0)),
         ('fund paid', a.fund_paid, coalesce(d.f, 0))) as k(kind, stored, derived)
      where k.stored <> k.derived
      limit $1`,
    [limit],
  );
  for (const r of accumulators.rows) {
    problems.push(
      `accumulator ${r.kind} of person ${r.person_id} in ${r.year} is ${r.stored}, its settlements add up to ${r.derived}`,
    );
  }
  const ceiling = await q.query<{ person_id: string; year: number; fund_paid: number; ceiling: number }>(
    `select a.person_id, a.year, a.fund_paid, c.ceiling
       from person_year_accumulators a
       join lateral (
         select max((p.rules->>'averageWageFen')::numeric * (p.rules->>'fundCeilingBpOfWage')::numeric / 10000) as ceiling
           from settlements s join policy_versions p on p.id = s.policy_version_id
          where s.person_id = a.person_id and s.year = a.year) c on true
      where a.fund_paid > c.ceiling
      limit $1`,
    [limit],
  );
  for (const r of ceiling.rows) {
    problems.push(
      `person ${r.person_id}: the fund paid ${r.fund_paid} in ${r.year}, above the ceiling ${r.ceiling}`,
    );
  }
  const sums = await q.query<{ id: string }>(
    `select s.id from settlements s join settlement_lines l on l.settlement_id = s.id
      group by s.id, s.total, s.fund, s.account_paid, s.relative_account_paid, s.cash_paid
     having s.total <> sum(l.amount) or s.fund <> sum(l.fund) or s.account_paid <> sum(l.account_paid)
         or s.relative_account_paid <> sum(l.relative_account_paid) or s.cash_paid <> sum(l.cash_paid)
      limit $1`,
    [limit],
  );
  for (const r of sums.rows) problems.push(`settlement ${r.id}: its lines do not add up to its totals`);
  const postings = await q.query<{ id: string }>(
    `select s.id from settlements s
       join ledger_entries e on e.posting_id = s.posting_id
       join ledger_accounts a on a.id = e.account_id
      group by s.id, s.fund, s.account_paid, s.relative_account_paid
     having coalesce(-sum(e.amount) filter (where a.kind = 'pooled_fund'), 0) <> s.fund
         or coalesce(-sum(e.amount) filter (where a.kind = 'individual'), 0) <> s.account_paid + s.relative_account_paid
      limit $1`,
    [limit],
  );
  for (const r of postings.rows)
    problems.push(`settlement ${r.id}: its ledger posting does not match its fund and account shares`);
  return { ok: problems.length === 0, problems };
}
