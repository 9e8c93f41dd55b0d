import type { NatsConnection } from 'nats';
import type { Db } from '../platform/db.ts';
import { post, regionAccount } from '../ledger/ledger.ts';
import type { ClearingLine, ClearingStatement } from './hub.ts';
import { subjects } from './nats.ts';
import { ask } from './rpc.ts';

/**
 * Monthly clearing between regions (the national 3260-3262 style) and the daily inter-region reconciliation.
 *
 * A month's figure for a pair of regions is the fund and account shares (fund + own account + relative's
 * account) of the cross-region settlements whose business date is in the month, less what refunds (whenever
 * made) took back of them: the insured region counts it from its `settlements`, the treatment region from its
 * `region_crossings`. Each side reports its figures to the hub; when both sides' figures for a pair agree, each
 * side confirms and posts the clearing in its own ledger (posting kind `region_clearing`, once per month and
 * pair): the insured side pays (`region_clearing` −, `region_transfer` +), the treatment side receives
 * (`region_clearing` +, `region_transfer` −), so each side's `region_clearing` towards the other returns to what
 * later months still owe.
 */
async function clearingFigures(db: Db, month: string): Promise<ClearingLine[]> {
  const { rows } = await db.query<{
    counterparty: string;
    role: 'insured' | 'treatment';
    amount: number;
    n: number;
  }>(
    `select s.treatment_region as counterparty, 'insured' as role,
            (sum(s.fund + s.account_paid + s.relative_account_paid)
              - coalesce(sum((select sum(r.fund + r.account_paid + r.relative_account_paid) from refunds r
                               where r.settlement_id = s.id)), 0))::int8 as amount,
            count(*)::int8 as n
       from settlements s
      where s.treatment_region is not null and to_char(s.business_date, 'YYYY-MM') = $1
      group by s.treatment_region
     union all
     select c.insured_region, 'treatment',
            sum(c.fund + c.account_paid + c.relative_account_paid - c.refunded_fund - c.refunded_account)::int8,
            count(*)::int8
       from region_crossings c
      where c.settlement_id is not null and to_char(c.business_date, 'YYYY-MM') = $1
      group by c.insured_region
      order by 1, 2`,
    [month],
  );
  return rows.map((r) => ({
    counterparty: r.counterparty,
    role: r.role,
    amount: r.amount,
    settlements: r.n,
  }));
}

export interface ClearingOutcome {
  statements: ClearingStatement[];
  /** The pairs this run confirmed and posted. */
  posted: Array<{ counterparty: string; role: 'insured' | 'treatment'; amount: number }>;
}

/** Reports the month to the hub, then confirms and posts every agreed pair not yet posted here. */
export async function runClearing(
  db: Db,
  nc: NatsConnection,
  region: string,
  month: string,
  now: Date,
  timeoutMs: number,
): Promise<ClearingOutcome> {
  const lines = await clearingFigures(db, month);
  for (const l of lines) {
    await db.query(
      `insert into region_clearings (month, counterparty, role, amount, settlements, status) values ($1, $2, $3, $4, $5, 'reported')
       on conflict (month, counterparty, role) do update set amount = excluded.amount, settlements = excluded.settlements
         where region_clearings.status = 'reported'`,
      [month, l.counterparty, l.role, l.amount, l.settlements],
    );
  }
  let { statements } = await ask<{ statements: ClearingStatement[] }>(
    nc,
    'hub',
    subjects.hubClearingReport,
    { region, month, lines },
    timeoutMs,
  );
  const posted: ClearingOutcome['posted'] = [];
  for (const s of statements) {
    if (s.status !== 'agreed' && s.status !== 'confirmed') continue;
    const role = s.insuredRegion === region ? 'insured' : 'treatment';
    const counterparty = role === 'insured' ? s.treatmentRegion : s.insuredRegion;
    const amount = role === 'insured' ? s.insuredAmount! : s.treatmentAmount!;
    const { statement } = await ask<{ statement: ClearingStatement }>(
      nc,
      'hub',
      subjects.hubClearingConfirm,
      { region, month, counterparty, role },
      timeoutMs,
    );
    const did = await db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `update region_clearings set status = 'confirmed', confirmed_at = $4
          where month = $1 and counterparty = $2 and role = $3 and status = 'reported' returning 1`,
        [month, counterparty, role, now],
      );
      if (!rows.length) return false;
      if (amount !== 0) {
        const sign = role === 'insured' ? 1 : -1;
        const p = await post(tx, {
          kind: 'region_clearing',
          reference: { type: 'region_clearing', id: `${month}:${s.insuredRegion}>${s.treatmentRegion}` },
          regionCode: region,
          entries: [
            { accountId: await regionAccount(tx, 'region_clearing', counterparty), amount: -sign * amount },
            { accountId: await regionAccount(tx, 'region_transfer', counterparty), amount: sign * amount },
          ],
          at: now,
          memo: `clearing ${month} ${s.insuredRegion} → ${s.treatmentRegion}`,
        });
        await tx.query(
          'update region_clearings set posting_id = $4 where month = $1 and counterparty = $2 and role = $3',
          [month, counterparty, role, p.postingId],
        );
      }
      return true;
    });
    if (did) posted.push({ counterparty, role, amount });
    statements = statements.map((x) => (x === s ? statement : x));
  }
  return { statements, posted };
}

/** One settlement as a side of the daily reconciliation sees it. */
interface ReconLine {
  id: string;
  /** Fund + account shares, net of refunds. */
  owed: number;
}

export interface Reconciliation {
  treatmentRegion: string;
  insuredRegion: string;
  date: string;
  settlements: number;
  /** Settlements the treatment region has and the insured region lacks. */
  onlyTreatment: string[];
  /** Settlements the insured region has and the treatment region lacks (an answer not yet recorded there). */
  onlyInsured: string[];
  /** Present on both sides with different shares. */
  different: string[];
  balanced: boolean;
}

/** The insured region's lines for one treatment region and day. */
export async function insuredLines(db: Db, treatment: string, date: string): Promise<ReconLine[]> {
  const { rows } = await db.query<ReconLine>(
    `select s.id, (s.fund + s.account_paid + s.relative_account_paid
              - coalesce((select sum(r.fund + r.account_paid + r.relative_account_paid) from refunds r
                           where r.settlement_id = s.id), 0))::int8 as owed
       from settlements s where s.treatment_region = $1 and s.business_date = $2 order by s.id`,
    [treatment, date],
  );
  return rows;
}

async function treatmentLines(db: Db, insured: string, date: string): Promise<ReconLine[]> {
  const { rows } = await db.query<ReconLine>(
    `select settlement_id as id,
            (fund + account_paid + relative_account_paid - refunded_fund - refunded_account)::int8 as owed
       from region_crossings where insured_region = $1 and business_date = $2 and settlement_id is not null
      order by settlement_id`,
    [insured, date],
  );
  return rows;
}

export function compareLines(
  head: { treatmentRegion: string; insuredRegion: string; date: string },
  treatment: ReconLine[],
  insured: ReconLine[],
): Reconciliation {
  const t = new Map(treatment.map((l) => [l.id, l.owed]));
  const i = new Map(insured.map((l) => [l.id, l.owed]));
  const onlyTreatment = [...t.keys()].filter((id) => !i.has(id));
  const onlyInsured = [...i.keys()].filter((id) => !t.has(id));
  const different = [...t.keys()].filter((id) => i.has(id) && i.get(id) !== t.get(id));
  return {
    ...head,
    settlements: new Set([...t.keys(), ...i.keys()]).size,
    onlyTreatment,
    onlyInsured,
    different,
    balanced: !onlyTreatment.length && !onlyInsured.length && !different.length,
  };
}

/** The treatment region reconciles one day with one insured region (which must answer). */
export async function reconcileWith(
  db: Db,
  nc: NatsConnection,
  region: string,
  insured: string,
  date: string,
  timeoutMs: number,
): Promise<Reconciliation> {
  const mine = await treatmentLines(db, insured, date);
  const { lines } = await ask<{ lines: ReconLine[] }>(
    nc,
    insured,
    subjects.reconcile(insured),
    { treatmentRegion: region, date },
    timeoutMs,
  );
  return compareLines({ treatmentRegion: region, insuredRegion: insured, date }, mine, lines);
}

/** The insured regions this region treated people of on a day. */
export async function insuredRegionsOn(db: Db, date: string): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(
    'select distinct insured_region as r from region_crossings where business_date = $1 order by 1',
    [date],
  );
  return rows.map((r) => r.r);
}
