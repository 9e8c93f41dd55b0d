/**
 * Reconciliation over the core's `reconcile()` and its day's lines: 3201 compares the institution's totals
 * with the agency's, 3202 its settlements one by one. The agency's figures are the core's; `stmt_rslt` 0 when
 * they match.
 */
import { reconcile, reconciliationLines } from '../settlement/reconciliation.ts';
import type { Transaction } from './call.ts';
import { dataOf, field, optional, refuse } from './envelope.ts';
import { fenToYuan as yuan, wholeCount, yuanToFen } from './money.ts';

/** The dates from stmt_begndate to stmt_enddate, at most 31. */
function daysOf(d: Record<string, unknown>): string[] {
  const from = field(d, 'stmt_begndate').slice(0, 10);
  const to = field(d, 'stmt_enddate').slice(0, 10);
  // A calendar date that exists: it reads back as itself (2026-02-30 does not).
  const isDate = (x: string) => {
    const t = Date.parse(`${x}T00:00:00Z`);
    return /^\d{4}-\d{2}-\d{2}$/.test(x) && !Number.isNaN(t) && new Date(t).toISOString().startsWith(x);
  };
  if (!isDate(from) || !isDate(to) || from > to)
    refuse(
      'field_invalid',
      'stmt_begndate and stmt_enddate must be yyyy-MM-dd, the first not after the second',
      'stmt_begndate / stmt_enddate',
    );
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    // eslint-disable-next-line no-restricted-syntax -- stepping through calendar dates given as dates (midnight UTC)
    days.push(new Date(t).toISOString().slice(0, 10));
    if (days.length > 31) refuse('field_invalid', 'Reconcile at most 31 days at once');
  }
  return days;
}

/** Yuan of a required amount field, or a refusal. */
function amount(o: Record<string, unknown>, name: string, where: string): number {
  const fen = yuanToFen(o[name]);
  return (
    fen ??
    refuse('amount_invalid', `${where}.${name} must be yuan with at most two decimals`, `${where}.${name}`)
  );
}

const FIGURES = ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay'] as const;
type Figures = Record<(typeof FIGURES)[number], number>;

export const STATEMENTS: Record<string, Transaction> = {
  /** Daily totals reconciliation: the net of settlements less refunds, and their number. */
  '3201': {
    local: false,
    async run(c, q) {
      const d = dataOf(c.input, '3201');
      const days = daysOf(d);
      const agency = { medfee: 0, fund: 0, acct: 0, count: 0 };
      for (const date of days) {
        const r = await reconcile(q, c.institution.id, date);
        agency.medfee += r.settlements.total - r.refunds.total;
        agency.fund += r.settlements.fund - r.refunds.fund;
        agency.acct += r.settlements.accountPaid - r.refunds.accountPaid;
        agency.count += r.settlements.count + r.refunds.count;
      }
      const count = String(d.fixmedins_setl_cnt ?? '');
      const theirs = {
        medfee: amount(d, 'medfee_sumamt', 'input.data'),
        fund: amount(d, 'fund_pay_sumamt', 'input.data'),
        acct: amount(d, 'acct_pay', 'input.data'),
        count:
          count === '0'
            ? 0
            : (wholeCount(count) ?? refuse('amount_invalid', 'fixmedins_setl_cnt must be a count')),
      };
      const names = {
        medfee: 'medfee_sumamt',
        fund: 'fund_pay_sumamt',
        acct: 'acct_pay',
        count: 'fixmedins_setl_cnt',
      };
      const differ = (['medfee', 'fund', 'acct', 'count'] as const).filter((k) => theirs[k] !== agency[k]);
      return {
        stmt_sum: {
          setl_optins: optional(d, 'setl_optins') ?? c.institution.regionCode,
          stmt_rslt: differ.length ? '1' : '0',
          stmt_rslt_dscr: differ.length ? `不平: ${differ.map((k) => names[k]).join(', ')}` : '平',
          medfee_sumamt: yuan(agency.medfee),
          fund_pay_sumamt: yuan(agency.fund),
          acct_pay: yuan(agency.acct),
          fixmedins_setl_cnt: String(agency.count),
        },
      };
    },
  },

  /**
   * Detail reconciliation: the institution lists its settlements and cancellations (`stmtdetail[]`, each
   * `setl_id` as 2207 / 2208 answered it, `refd_setl_flag` 0 settlement / 1 cancellation, and its figures);
   * the answer lists every line of either side with `stmt_rslt` 0 (matches) or 1 and what differs.
   */
  '3202': {
    local: false,
    async run(c, q) {
      const d = dataOf(c.input, '3202');
      const days = daysOf(d);
      const list = (c.input as { stmtdetail?: unknown }).stmtdetail;
      if (!Array.isArray(list) || list.length > 5000)
        refuse('input_invalid', '3202 needs input.stmtdetail as an array of at most 5000 lines');
      const theirs = new Map<string, Figures & { flag: string }>();
      for (const [i, line] of (list as unknown[]).entries()) {
        const where = `input.stmtdetail[${i}]`;
        if (!line || typeof line !== 'object' || Array.isArray(line))
          refuse('input_invalid', `${where} is not an object`);
        const o = line as Record<string, unknown>;
        const id = field(o, 'setl_id', where);
        if (theirs.has(id)) refuse('input_invalid', `${where}: setl_id ${id} is listed twice`);
        const flag = optional(o, 'refd_setl_flag') ?? '0';
        if (flag !== '0' && flag !== '1') refuse('field_invalid', `${where}.refd_setl_flag must be 0 or 1`);
        const figures = Object.fromEntries(FIGURES.map((k) => [k, amount(o, k, where)])) as Figures;
        theirs.set(id, { ...figures, flag });
      }
      const ours = new Map<string, Figures & { flag: string }>();
      for (const date of days)
        for (const l of await reconciliationLines(q, c.institution.id, date)) {
          const sign = l.kind === 'refund' ? -1 : 1;
          ours.set(l.id, {
            medfee_sumamt: sign * l.total,
            fund_pay_sumamt: sign * l.fund,
            acct_pay: sign * l.accountPaid,
            psn_cash_pay: sign * l.cashPaid,
            flag: l.kind === 'refund' ? '1' : '0',
          });
        }
      const stmtdetail = [...new Set([...ours.keys(), ...theirs.keys()])].map((id) => {
        const a = ours.get(id);
        const b = theirs.get(id);
        const differ = a && b ? FIGURES.filter((k) => a[k] !== b[k]) : [];
        if (a && b && a.flag !== b.flag) differ.push('refd_setl_flag' as never);
        return {
          setl_id: id,
          refd_setl_flag: (a ?? b)!.flag,
          stmt_rslt: a && b && !differ.length ? '0' : '1',
          memo: !a ? '中心无此结算' : !b ? '机构未上报' : differ.length ? `不平: ${differ.join(', ')}` : '平',
          ...Object.fromEntries(FIGURES.map((k) => [k, a ? yuan(a[k]) : null])),
        };
      });
      const unmatched = stmtdetail.filter((l) => l.stmt_rslt !== '0').length;
      return {
        stmt_sum: {
          stmt_rslt: unmatched ? '1' : '0',
          stmt_rslt_dscr: unmatched ? `不平: ${unmatched}` : '平',
          lines: String(stmtdetail.length),
        },
        stmtdetail,
      };
    },
  },
};
