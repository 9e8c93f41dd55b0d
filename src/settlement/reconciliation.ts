import { randomUUID } from 'node:crypto';
import type { Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { lockInstitution } from '../platform/locks.ts';
import { institutionBank, institutionReceivable, post } from '../ledger/ledger.ts';

interface DayFigures {
  count: number;
  total: number;
  fund: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
  /** The cash share by payment method: at the till, or by social security card bank account. */
  byMethod: { cash: number; bankAccount: number };
  /** How many were paid with each credential. */
  byCredential: { ecard: number; essc: number; card: number };
  /** How many were of persons insured in another region (their fund and account shares are owed by it). */
  crossRegion: number;
}

export interface Reconciliation {
  institutionId: string;
  businessDate: string;
  settlements: DayFigures;
  refunds: DayFigures;
  /** What the agency owes the institution for the day: fund and account shares, less refunds. */
  owedByAgency: number;
  paid: { amount: number; paidAt: string } | null;
}

/**
 * The day's settlements or refunds of the institution, one row each: its own region's (`settlements`,
 * `refunds`) and those of persons insured in another region, settled through the federation and recorded by
 * this (the treatment) region in `region_crossings` / `region_crossing_refunds` (src/regions, docs/REGIONS.md).
 * The cash share of a cross-region settlement is always paid at the till.
 */
const DAY_ROWS = {
  settlements: `select x.id, x.id as settlement_id, x.total, x.fund, x.account_paid, x.relative_account_paid, x.cash_paid,
         x.cash_method, x.credential, false as cross_region, x.created_at
    from settlements x where x.institution_id = $1 and x.business_date = $2
  union all
  select c.settlement_id, c.settlement_id, c.total, c.fund, c.account_paid, c.relative_account_paid, c.cash_paid,
         'cash', c.view->>'credential', true, (c.view->>'createdAt')::timestamptz
    from region_crossings c where c.institution_id = $1 and c.business_date = $2 and c.settlement_id is not null`,
  // A refund takes its method and credential from its settlement.
  refunds: `select x.id, x.settlement_id, x.total, x.fund, x.account_paid, x.relative_account_paid, x.cash_paid,
         s.cash_method, s.credential, false as cross_region, x.created_at
    from refunds x join settlements s on s.id = x.settlement_id and s.person_id = x.person_id
   where x.institution_id = $1 and x.business_date = $2
  union all
  select r.refund_id, r.settlement_id, (r.view->>'total')::int8, r.fund, (r.view->>'accountPaid')::int8,
         (r.view->>'relativeAccountPaid')::int8, r.cash, 'cash', c.view->>'credential', true,
         (r.view->>'createdAt')::timestamptz
    from region_crossing_refunds r join region_crossings c on c.settlement_id = r.settlement_id
   where r.institution_id = $1 and r.business_date = $2 and r.status = 'refunded'`,
};

async function figures(
  q: Queryable,
  table: 'settlements' | 'refunds',
  institutionId: string,
  date: string,
): Promise<DayFigures> {
  const { rows } = await q.query<
    Omit<DayFigures, 'byMethod' | 'byCredential'> & {
      bank: number;
      ecard: number;
      essc: number;
      card: number;
    }
  >(
    `select count(*)::int8 as count, coalesce(sum(x.total), 0)::int8 as total, coalesce(sum(x.fund), 0)::int8 as fund,
            coalesce(sum(x.account_paid), 0)::int8 as "accountPaid",
            coalesce(sum(x.relative_account_paid), 0)::int8 as "relativeAccountPaid",
            coalesce(sum(x.cash_paid), 0)::int8 as "cashPaid",
            coalesce(sum(x.cash_paid) filter (where x.cash_method = 'bank_account'), 0)::int8 as bank,
            count(*) filter (where x.credential = 'ecard')::int8 as ecard,
            count(*) filter (where x.credential = 'essc')::int8 as essc,
            count(*) filter (where x.credential = 'card')::int8 as card,
            count(*) filter (where x.cross_region)::int8 as "crossRegion"
       from (${DAY_ROWS[table]}) x`,
    [institutionId, date],
  );
  const { bank, ecard, essc, card, ...f } = rows[0]!;
  return {
    ...f,
    byMethod: { cash: f.cashPaid - bank, bankAccount: bank },
    byCredential: { ecard, essc, card },
  };
}

/** The institution's daily reconciliation (national interface 3201): settlements, refunds, what is owed, whether paid. */
export async function reconcile(q: Queryable, institutionId: string, date: string): Promise<Reconciliation> {
  const settlements = await figures(q, 'settlements', institutionId, date);
  const refunds = await figures(q, 'refunds', institutionId, date);
  const owed = (f: DayFigures) => f.fund + f.accountPaid + f.relativeAccountPaid;
  const { rows } = await q.query<{ amount: number; paid_at: Date }>(
    'select amount, paid_at from institution_payments where institution_id = $1 and business_date = $2',
    [institutionId, date],
  );
  return {
    institutionId,
    businessDate: date,
    settlements,
    refunds,
    owedByAgency: owed(settlements) - owed(refunds),
    paid: rows[0] ? { amount: rows[0].amount, paidAt: rows[0].paid_at.toISOString() } : null,
  };
}

/**
 * The agency marks a day's total as paid to the institution: the receivable goes down and the institution's
 * bank account up, in the ledger, once per institution and day.
 */
export async function payInstitutionDay(
  ctx: Ctx,
  institutionId: string,
  date: string,
  paidBy: string,
): Promise<Reconciliation> {
  return ctx.db.transaction(async (tx) => {
    const institution = await lockInstitution<{ region_code: string }>(tx, institutionId, 'region_code');
    if (!institution) throw notFound('institution_not_found', 'No such institution');
    const region = institution.region_code;
    const day = await reconcile(tx, institutionId, date);
    if (day.paid) throw conflict('already_paid', `The total of ${date} was already paid`);
    if (day.owedByAgency <= 0)
      throw unprocessable('nothing_owed', `Nothing is owed to the institution for ${date}`);
    const id = randomUUID();
    const posting = await post(tx, {
      kind: 'institution_payment',
      reference: { type: 'institution_payment', id },
      regionCode: region,
      at: ctx.now,
      entries: [
        { accountId: await institutionReceivable(tx, institutionId, region), amount: -day.owedByAgency },
        { accountId: await institutionBank(tx, institutionId, region), amount: day.owedByAgency },
      ],
    });
    await tx.query(
      `insert into institution_payments (id, institution_id, business_date, amount, posting_id, paid_by, paid_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, institutionId, date, day.owedByAgency, posting.postingId, paidBy, ctx.now],
    );
    return reconcile(tx, institutionId, date);
  });
}

/** One settlement or refund of a day, for the national interface's detail reconciliation (3202). */
export interface ReconciliationLine {
  kind: 'settlement' | 'refund';
  id: string;
  settlementId: string;
  total: number;
  fund: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
}

/** The institution's settlements and refunds of a business date, one line each, oldest first. */
export async function reconciliationLines(
  q: Queryable,
  institutionId: string,
  date: string,
): Promise<ReconciliationLine[]> {
  const { rows } = await q.query<ReconciliationLine>(
    `select kind, id, "settlementId", total, fund, "accountPaid", "relativeAccountPaid", "cashPaid" from (
       select 'settlement' as kind, id::text, settlement_id::text as "settlementId", total, fund,
              account_paid as "accountPaid", relative_account_paid as "relativeAccountPaid", cash_paid as "cashPaid",
              created_at
         from (${DAY_ROWS.settlements}) s
       union all
       select 'refund', id::text, settlement_id::text, total, fund, account_paid, relative_account_paid, cash_paid, created_at
         from (${DAY_ROWS.refunds}) r) l
      order by created_at, id`,
    [institutionId, date],
  );
  return rows;
}
