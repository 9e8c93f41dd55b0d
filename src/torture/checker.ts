/**
 * The checker: reads only the database and the client's own log, and lists every anomaly it can prove.
 * It holds the product to what DOMAIN.md promises:
 * - every acknowledged settlement or refund exists exactly once, with the figures it was acknowledged with;
 * - every request without an acknowledgement exists at most once, and a refused one not at all;
 * - every settlement and refund in the store is the effect of exactly one logged request (nothing doubled);
 * - every answer to the same key is the first answer (replays);
 * - a QR code shown at two tills paid at most once; a line is refunded at most once;
 * - one contribution run per month, every answer naming it; one institution payment per day, as answered;
 * - the ledger's invariants (`yibao ledger check`: postings balance, no individual account negative, every
 *   balance equals its entries) and the settlements' (accumulators equal their settlements, fund ceiling);
 * - the fund's payments equal the settlements' fund shares (less refunds), and each institution's
 *   receivable equals what its settlements and refunds moved less what the agency paid.
 */
import type { Queryable } from '../platform/db.ts';
import { checkLedger } from '../ledger/check.ts';
import { ACCOUNT_BALANCE_SQL } from '../ledger/ledger.ts';
import { checkSettlements } from '../settlement/check.ts';
import type { ClientLog, Json, LoggedRequest } from './client.ts';

export interface Anomaly {
  check: string;
  /** the logged request it concerns (id and key), when there is one */
  request?: string;
  detail: string;
}

interface Figures {
  total: number;
  fund: number;
  account_paid: number;
  relative_account_paid: number;
  cash_paid: number;
}

const FIGURES = ['total', 'fund', 'account_paid', 'relative_account_paid', 'cash_paid'] as const;

/** The figures a settlement answer acknowledged (its totals), in the table's names. */
function settlementFigures(body: Json): Figures {
  const t = body.result.totals;
  return {
    total: t.total,
    fund: t.fund,
    account_paid: t.accountPaid,
    relative_account_paid: t.relativeAccountPaid,
    cash_paid: t.cashPaid,
  };
}

function refundFigures(body: Json): Figures {
  return {
    total: body.total,
    fund: body.fund,
    account_paid: body.accountPaid,
    relative_account_paid: body.relativeAccountPaid,
    cash_paid: body.cashPaid,
  };
}

const differ = (a: Figures, b: Figures) => FIGURES.filter((k) => Number(a[k]) !== Number(b[k]));
const acked = (r: LoggedRequest) => r.final !== null && r.final.status < 300;
const refused = (r: LoggedRequest) => r.final !== null && r.final.status >= 400;
const who = (r: LoggedRequest) => `${r.id}${r.key ? ` (key ${r.key})` : ''}`;

export async function checkTorture(q: Queryable, log: ClientLog): Promise<Anomaly[]> {
  const anomalies: Anomaly[] = [];
  const add = (check: string, detail: string, r?: LoggedRequest) =>
    anomalies.push({ check, detail, ...(r ? { request: who(r) } : {}) });

  const settlements = new Map(
    (await q.query<Figures & { id: string }>(`select id, ${FIGURES.join(', ')} from settlements`)).rows.map(
      (r) => [r.id, r],
    ),
  );
  const refunds = new Map(
    (
      await q.query<Figures & { id: string; settlement_id: string; line_indexes: number[] }>(
        `select id, settlement_id, line_indexes, ${FIGURES.join(', ')} from refunds`,
      )
    ).rows.map((r) => [r.id, r]),
  );
  // What each key's stored answer names (scopes `settlement:<institution>` and `refund:<institution>`).
  const stored = new Map<string, string | null>();
  for (const r of (
    await q.query<{ scope: string; key: string; id: string | null }>(
      `select scope, key, response_body->>'id' as id from idempotency_keys
        where scope like 'settlement:%' or scope like 'refund:%'`,
    )
  ).rows)
    stored.set(`${r.scope} ${r.key}`, r.id);

  // Requests by key: duplicates share one.
  const byKey = new Map<string, LoggedRequest[]>();
  for (const r of log.requests) {
    if (!r.key || !r.scope) continue;
    const k = `${r.scope} ${r.key}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }

  for (const [k, rs] of byKey) {
    const kind = rs[0]!.kind;
    const table = kind === 'settle' ? settlements : refunds;
    const figuresOf = kind === 'settle' ? settlementFigures : refundFigures;
    const storedId = stored.get(k);
    const answers = rs.flatMap((r) => r.answers.map((body) => ({ r, body })));
    // Replays returned the first answer: every 2xx answer under this key names the same row, same figures.
    const first = answers[0];
    for (const a of answers.slice(1)) {
      if (a.body.id !== first!.body.id || differ(figuresOf(a.body), figuresOf(first!.body)).length)
        add(
          'replay returned the first answer',
          `answered ${a.body.id}, first answer was ${first!.body.id}`,
          a.r,
        );
    }
    if (first && storedId !== undefined && storedId !== first.body.id)
      add('replay returned the first answer', `answered ${first.body.id}, stored ${storedId}`, first.r);
    for (const r of rs) {
      if (acked(r)) {
        const body = r.final!.body;
        const row = table.get(body.id);
        if (!row) {
          add(`acknowledged ${kind} exists`, `${body.id} was acknowledged but is not in the store`, r);
          continue;
        }
        const bad = differ(row, figuresOf(body));
        if (bad.length)
          add(
            `acknowledged ${kind} has its figures`,
            `${body.id}: ${bad.map((f) => `${f} stored ${row[f]}, acknowledged ${figuresOf(body)[f]}`).join('; ')}`,
            r,
          );
        if (storedId === undefined)
          add(`acknowledged ${kind} exists`, `no stored answer under its key for ${body.id}`, r);
      } else if (refused(r) && storedId !== undefined) {
        // A refusal rolls everything back: its key must have no effects (a committed first attempt must
        // be answered by its stored answer, not refused).
        add(
          `refused ${kind} left nothing`,
          `refused ${r.final!.status} ${r.final!.body?.error?.code}, but ${storedId} was committed under its key`,
          r,
        );
      }
    }
    if (storedId && !table.has(storedId))
      add(
        `stored answer has its effects`,
        `the stored answer names ${storedId}, which is not in the store`,
        rs[0],
      );
  }

  // Nothing in the store that no logged request explains, and nothing explained twice.
  const explained = new Map<string, number>();
  for (const [k, id] of stored) if (id && byKey.has(k)) explained.set(id, (explained.get(id) ?? 0) + 1);
  for (const [what, table] of [
    ['settlement', settlements],
    ['refund', refunds],
  ] as const) {
    for (const id of table.keys()) {
      const n = explained.get(id) ?? 0;
      if (n !== 1)
        add(
          'every row is the effect of exactly one request',
          `${what} ${id} is explained by ${n} logged requests (a double, or work nobody asked for)`,
        );
    }
  }

  // A QR code shown at two tills paid at most once.
  const groups = new Map<string, LoggedRequest[]>();
  for (const r of log.requests) if (r.group) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  for (const [g, rs] of groups) {
    if (!g.startsWith('two tills')) continue;
    const paid = rs.filter((r) => stored.get(`${r.scope} ${r.key}`));
    if (paid.length > 1)
      add('one QR code pays once', `the code paid ${paid.length} times: ${paid.map(who).join(', ')}`, rs[0]);
  }

  // A line is refunded at most once.
  const lines = new Map<string, number[]>();
  for (const r of refunds.values())
    lines.set(r.settlement_id, [...(lines.get(r.settlement_id) ?? []), ...r.line_indexes]);
  for (const [sid, ls] of lines)
    if (new Set(ls).size !== ls.length)
      add('a line is refunded once', `settlement ${sid} has lines refunded twice: ${ls.join(', ')}`);

  // Contribution runs: one per month; every answer for a month names that run, which is paid and posted.
  const runs = (
    await q.query<{ id: string; month: string; status: string; posting_id: string | null; n: number }>(
      `select id, month, status, posting_id, count(*) over (partition by employer_id, month)::int8 as n
         from contribution_runs`,
    )
  ).rows;
  for (const run of runs)
    if (run.n > 1) add('one contribution run per month', `${run.month} has ${run.n} runs`);
  for (const r of log.requests.filter((x) => x.kind === 'contribution')) {
    for (const body of r.answers) {
      const run = runs.find((x) => x.id === body.run.id);
      if (!run || run.status !== 'paid' || !run.posting_id)
        add(
          'acknowledged contribution run exists',
          `run ${body.run.id} is not in the store, paid and posted`,
          r,
        );
    }
    const ids = new Set(r.answers.map((b) => b.run.id));
    const siblings = log.requests
      .filter((x) => x.group === r.group)
      .flatMap((x) => x.answers.map((b) => b.run.id));
    if (ids.size > 1 || new Set(siblings).size > 1)
      add(
        'replay returned the first answer',
        `the run of ${r.group} was answered as ${[...new Set(siblings)].join(', ')}`,
        r,
      );
  }

  // Institution payments: as answered.
  const payments = (
    await q.query<{ institution_id: string; business_date: string; amount: number }>(
      `select institution_id, business_date::text as business_date, amount from institution_payments`,
    )
  ).rows;
  for (const r of log.requests.filter((x) => x.kind === 'pay_day' && acked(x))) {
    const b = r.final!.body;
    const p = payments.find(
      (x) => x.institution_id === b.institutionId && x.business_date === b.businessDate,
    );
    if (!p || Number(p.amount) !== b.paid?.amount)
      add(
        'acknowledged payment exists',
        `paid ${b.paid?.amount} answered, stored ${p?.amount ?? 'nothing'}`,
        r,
      );
  }

  // The ledger's and the settlements' own invariants (`yibao ledger check`).
  for (const p of (await checkLedger(q)).problems) add('yibao ledger check: ledger', p);
  for (const p of (await checkSettlements(q)).problems) add('yibao ledger check: settlements', p);

  // The fund's payments equal the settlements' fund shares; refunds likewise.
  const fund = (
    await q.query<{ kind: string; entries: string; shares: string }>(
      `select k.kind, coalesce((select sum(e.amount) from ledger_entries e
                 join ledger_postings p on p.id = e.posting_id join ledger_accounts a on a.id = e.account_id
                where a.kind = 'pooled_fund' and p.kind = k.kind), 0)::text as entries,
              (case k.kind when 'settlement' then -(select coalesce(sum(fund), 0) from settlements)
                           else (select coalesce(sum(fund), 0) from refunds) end)::text as shares
         from (values ('settlement'), ('refund')) k(kind)`,
    )
  ).rows;
  for (const f of fund)
    if (f.entries !== f.shares)
      add(
        'fund payments equal fund shares',
        `${f.kind}: the fund's entries sum to ${f.entries}, the ${f.kind}s' shares to ${f.shares}`,
      );

  // Each institution's receivable: its settlements' fund and account shares, less refunds, less payments.
  const receivables = (
    await q.query<{ owner_id: string; balance: string; derived: string }>(
      `select a.owner_id, ${ACCOUNT_BALANCE_SQL('a')}::text as balance,
              ((select coalesce(sum(fund + account_paid + relative_account_paid), 0) from settlements s where s.institution_id::text = a.owner_id)
             - (select coalesce(sum(fund + account_paid + relative_account_paid), 0) from refunds r where r.institution_id::text = a.owner_id)
             - (select coalesce(sum(amount), 0) from institution_payments p where p.institution_id::text = a.owner_id))::text as derived
         from ledger_accounts a where a.kind = 'institution_receivable'`,
    )
  ).rows;
  for (const r of receivables)
    if (r.balance !== r.derived)
      add(
        'receivable equals its business',
        `institution ${r.owner_id}: receivable ${r.balance}, its business says ${r.derived}`,
      );

  return anomalies;
}
