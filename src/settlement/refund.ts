import { refundBankShare } from './bank-instructions.ts';
import { randomUUID } from 'node:crypto';
import type { Caller, Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { idempotent, requestHash } from '../platform/idempotency.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { businessDate as businessDateAt } from '../platform/business-date.ts';
import { lockPerson } from '../platform/locks.ts';
import {
  individualAccount,
  institutionCash,
  institutionReceivable,
  patientCash,
  pooledFund,
  post,
} from '../ledger/ledger.ts';

export interface RefundRequest {
  /** Line indexes (0-based) to refund; all lines not yet refunded when omitted. */
  lines?: number[];
  reason: string;
}

export interface RefundView {
  id: string;
  settlementId: string;
  lines: number[];
  total: number;
  fund: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
  settlementStatus: 'partially_refunded' | 'refunded';
  createdAt: string;
}

interface LineRow {
  line_index: number;
  amount: number;
  fund: number;
  account_paid: number;
  relative_account_paid: number;
  cash_paid: number;
  delta_inpatient_deductible: number;
  delta_outpatient_eligible: number;
  delta_fund_paid: number;
  refund_id: string | null;
}

const sum = (rows: LineRow[], k: keyof LineRow) => rows.reduce((a, r) => a + (r[k] as number), 0);

/**
 * Refunds a settlement, whole or by line, at the institution that made it: the ledger entries of those
 * lines are reversed and the person's accumulators lose exactly what the lines added. A line is refunded
 * at most once; a retry with the same Idempotency-Key returns the first refund.
 */
export async function refund(
  ctx: Ctx,
  terminal: Caller,
  settlementId: string,
  req: RefundRequest,
  idempotencyKey: string | undefined,
): Promise<{ status: number; body: RefundView; replayed: boolean }> {
  if (!idempotencyKey)
    throw badRequest(
      'idempotency_key_required',
      'Send an Idempotency-Key header so that a retry cannot refund twice',
    );
  const institutionId = terminal.institutionId!;
  return ctx.db.transaction((tx) =>
    idempotent(
      tx,
      `refund:${institutionId}`,
      idempotencyKey,
      requestHash({ settlementId, ...req }),
      async () => ({
        status: 201,
        body: await refundIn(tx, ctx, terminal, institutionId, settlementId, req),
      }),
    ),
  );
}

async function refundIn(
  tx: Queryable,
  ctx: Ctx,
  terminal: Caller,
  institutionId: string,
  settlementId: string,
  req: RefundRequest,
): Promise<RefundView> {
  const { rows: head } = await tx.query<{
    person_id: string;
    relative_person_id: string | null;
    region_code: string;
    year: number;
  }>(
    'select person_id, relative_person_id, region_code, year from settlements where id = $1 and institution_id = $2',
    [settlementId, institutionId],
  );
  const s = head[0];
  if (!s) throw notFound('settlement_not_found', 'No such settlement at this institution');
  // Lock order: person, then relative, then the settlement's own rows.
  await lockPerson(tx, s.person_id);
  if (s.relative_person_id) await lockPerson(tx, s.relative_person_id);
  await tx.query('select id from settlements where id = $1 for update', [settlementId]);
  const { rows: all } = await tx.query<LineRow>(
    `select line_index, amount, fund, account_paid, relative_account_paid, cash_paid, delta_inpatient_deductible,
            delta_outpatient_eligible, delta_fund_paid, refund_id
       from settlement_lines where settlement_id = $1 order by line_index`,
    [settlementId],
  );
  const wanted = req.lines
    ? [...new Set(req.lines)].sort((a, b) => a - b)
    : all.filter((l) => !l.refund_id).map((l) => l.line_index);
  const unknown = wanted.filter((i) => !all.some((l) => l.line_index === i));
  if (unknown.length)
    throw badRequest('unknown_line', `The settlement has no line ${unknown.join(', ')}`, { lines: unknown });
  const lines = all.filter((l) => wanted.includes(l.line_index));
  const done = lines.filter((l) => l.refund_id);
  if (!lines.length || done.length) {
    throw conflict(
      'already_refunded',
      done.length
        ? `Line ${done.map((l) => l.line_index).join(', ')} is already refunded`
        : 'The settlement is already refunded',
    );
  }
  const id = randomUUID();
  const t = {
    total: sum(lines, 'amount'),
    fund: sum(lines, 'fund'),
    accountPaid: sum(lines, 'account_paid'),
    relativeAccountPaid: sum(lines, 'relative_account_paid'),
    cashPaid: sum(lines, 'cash_paid'),
  };
  const region = s.region_code;
  const entries = [
    { accountId: await pooledFund(tx, region), amount: t.fund },
    { accountId: await individualAccount(tx, s.person_id), amount: t.accountPaid },
    ...(s.relative_person_id
      ? [{ accountId: await individualAccount(tx, s.relative_person_id), amount: t.relativeAccountPaid }]
      : []),
    {
      accountId: await institutionReceivable(tx, institutionId, region),
      amount: -(t.fund + t.accountPaid + t.relativeAccountPaid),
    },
    { accountId: await patientCash(tx, region), amount: t.cashPaid },
    { accountId: await institutionCash(tx, institutionId, region), amount: -t.cashPaid },
  ].filter((e) => e.amount !== 0);
  const posting =
    entries.length >= 2
      ? await post(tx, {
          beneficiaryPersonId: s.person_id,
          kind: 'refund',
          reference: { type: 'refund', id },
          regionCode: region,
          entries,
          at: ctx.now,
        })
      : null;
  await tx.query(
    `update person_year_accumulators set inpatient_deductible_paid = inpatient_deductible_paid - $3,
        outpatient_eligible_spent = outpatient_eligible_spent - $4, fund_paid = fund_paid - $5
      where person_id = $1 and year = $2`,
    [
      s.person_id,
      s.year,
      sum(lines, 'delta_inpatient_deductible'),
      sum(lines, 'delta_outpatient_eligible'),
      sum(lines, 'delta_fund_paid'),
    ],
  );
  const businessDate = businessDateAt(ctx.now);
  await tx.query(
    `insert into refunds (id, settlement_id, person_id, institution_id, terminal_id, region_code, business_date, reason, line_indexes,
       total, fund, account_paid, relative_account_paid, cash_paid, posting_id, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      id,
      settlementId,
      s.person_id,
      institutionId,
      terminal.terminalId,
      region,
      businessDate,
      req.reason,
      wanted,
      t.total,
      t.fund,
      t.accountPaid,
      t.relativeAccountPaid,
      t.cashPaid,
      posting?.postingId ?? null,
      ctx.now,
    ],
  );
  await tx.query(
    'update settlement_lines set refund_id = $2 where settlement_id = $1 and line_index = any($3::int[])',
    [settlementId, id, wanted],
  );
  const left = all.length - all.filter((l) => l.refund_id).length - lines.length;
  const settlementStatus = left === 0 ? 'refunded' : 'partially_refunded';
  await tx.query('update settlements set status = $2 where id = $1', [settlementId, settlementStatus]);
  await refundBankShare(tx, settlementId, t.cashPaid, ctx.now);
  await notify(
    tx,
    s.person_id,
    'settlement_refunded',
    text('notice.settlement_refunded', { total: t.total, accountPaid: t.accountPaid }),
  );
  return { id, settlementId, lines: wanted, ...t, settlementStatus, createdAt: ctx.now.toISOString() };
}
