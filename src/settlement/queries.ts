import type { Queryable } from '../platform/db.ts';
import { notFound } from '../platform/errors.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { toNationalFigures, type SettlementResult } from './calculator.ts';
import type { SettlementView } from './settle.ts';
import type { Lang } from '../i18n/index.ts';
import { receiptHtml, receiptText, type ReceiptData } from './receipt.ts';

interface Row {
  id: string;
  status: SettlementView['status'];
  created_at: Date;
  institution_id: string;
  terminal_id: string | null;
  method: 'qr' | 'card';
  credential: SettlementView['credential'];
  cash_method: SettlementView['cashMethod'];
  bank: string | null;
  account_masked: string | null;
  bank_amount: number | null;
  bank_refunded: number | null;
  bank_status: 'instructed' | 'cancelled' | null;
  id_number: string;
  name: string;
  insurance_type: string;
  retired: boolean;
  relative_account_paid: number;
  version: string;
  business_date: string;
  card_activated: boolean;
  catalogue_version: number | null;
  result: SettlementResult;
}

const SELECT = `select s.id, s.status, s.created_at, s.institution_id, s.terminal_id, s.method, s.credential, s.cash_method,
    b.bank, b.account_masked, b.amount as bank_amount, b.refunded as bank_refunded, b.status as bank_status, p.id_number, p.name, p.insurance_type,
    p.retired, s.relative_account_paid, v.version, s.catalogue_version, s.business_date, s.card_activated, s.result
  from settlements s join persons p on p.id = s.person_id join policy_versions v on v.id = s.policy_version_id
  left join bank_instructions b on b.settlement_id = s.id`;

function toView(r: Row): SettlementView {
  return {
    id: r.id,
    estimate: false,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    institutionId: r.institution_id,
    terminalId: r.terminal_id,
    method: r.method,
    credential: r.credential,
    cashMethod: r.cash_method,
    bankInstruction: r.bank
      ? {
          bank: r.bank,
          accountMasked: r.account_masked!,
          amount: r.bank_amount!,
          refunded: r.bank_refunded!,
          status: r.bank_status!,
        }
      : null,
    person: {
      maskedName: maskName(r.name),
      maskedIdNumber: maskIdNumber(r.id_number),
      insuranceType: r.insurance_type,
      retired: r.retired,
    },
    relativePaid: r.relative_account_paid > 0,
    policyVersion: r.version,
    catalogueVersion: r.catalogue_version,
    businessDate: r.business_date,
    cardActivated: r.card_activated,
    result: withPriceLimits(r.result),
    national: toNationalFigures(withPriceLimits(r.result)),
  };
}

/** A result stored before catalogue price limits had no over-limit figures: they were 0. */
function withPriceLimits(result: SettlementResult): SettlementResult {
  if (result.totals.overLimit !== undefined) return result;
  return {
    ...result,
    lines: result.lines.map((l) => ({ ...l, overLimit: 0 })),
    totals: { ...result.totals, overLimit: 0 },
  };
}

/** One settlement, as seen by its institution or its person; anyone else gets a 404. */
async function getSettlement(
  q: Queryable,
  id: string,
  who: { institutionId: string } | { personId: string },
): Promise<SettlementView> {
  const [col, value] =
    'institutionId' in who ? ['s.institution_id', who.institutionId] : ['s.person_id', who.personId];
  const { rows } = await q.query<Row>(`${SELECT} where s.id = $1 and ${col} = $2`, [id, value]);
  if (rows[0]) return toView(rows[0]);
  if ('institutionId' in who) {
    const crossing = (await crossingsOf(q, who.institutionId, 'c.settlement_id = $2', [id]))[0];
    if (crossing) return crossing.view;
  }
  throw notFound('settlement_not_found', 'No such settlement');
}

interface CrossingRow {
  view: SettlementView;
  bill: { items: Array<{ quantity: number; unitPrice: number }> } | null;
  refunded_lines: number[];
}

/**
 * The institution's settlements of persons insured in another region, as this (the treatment) region recorded
 * the insured region's answer (`region_crossings`, src/regions): the insured region's view, with its status and
 * refunded lines as the refunds that crossed since left them.
 */
async function crossingsOf(
  q: Queryable,
  institutionId: string,
  where: string,
  params: unknown[],
  limit = 1,
): Promise<Array<{ view: SettlementView; items: Array<{ quantity: number; unitPrice: number }> }>> {
  const { rows } = await q.query<CrossingRow & { status: SettlementView['status'] }>(
    `select c.view, c.bill, c.status,
            coalesce((select array_agg(l.v::int order by l.v::int)
                        from region_crossing_refunds r, jsonb_array_elements_text(r.view->'lines') as l(v)
                       where r.settlement_id = c.settlement_id and r.status = 'refunded'), '{}') as refunded_lines
       from region_crossings c
      where c.institution_id = $1 and c.settlement_id is not null and ${where}
      order by c.view->>'createdAt' desc, c.settlement_id limit ${Number(limit)}`,
    [institutionId, ...params],
  );
  return rows.map((r) => ({
    view: { ...r.view, status: r.status, refundedLines: r.refunded_lines } as SettlementView,
    items: r.bill?.items ?? [],
  }));
}

export async function listPersonSettlements(
  q: Queryable,
  personId: string,
  limit: number,
): Promise<SettlementView[]> {
  const { rows } = await q.query<Row>(
    `${SELECT} where s.person_id = $1 order by s.created_at desc, s.id limit $2`,
    [personId, limit],
  );
  return rows.map(toView);
}

/** A settlement as its institution's terminal sees it: with the lines already refunded. */
export type TerminalSettlementView = SettlementView & { refundedLines: number[] };

async function withRefundedLines(q: Queryable, views: SettlementView[]): Promise<TerminalSettlementView[]> {
  if (!views.length) return [];
  if (views.every((v) => 'refundedLines' in v)) return views as TerminalSettlementView[];
  const crossed = views.filter((v): v is TerminalSettlementView => 'refundedLines' in v);
  const { rows } = await q.query<{ settlement_id: string; line_index: number }>(
    `select settlement_id, line_index from settlement_lines
      where settlement_id = any($1::uuid[]) and refund_id is not null order by line_index`,
    [views.map((v) => v.id)],
  );
  return views.map(
    (v) =>
      crossed.find((c) => c === v) ?? {
        ...v,
        refundedLines: rows.filter((r) => r.settlement_id === v.id).map((r) => r.line_index),
      },
  );
}

/** One settlement of the institution, with its refunded lines; another institution's is a 404. */
export async function getInstitutionSettlement(
  q: Queryable,
  id: string,
  institutionId: string,
): Promise<TerminalSettlementView> {
  return (await withRefundedLines(q, [await getSettlement(q, id, { institutionId })]))[0]!;
}

/** The institution's settlements of one business date, newest first, with their refunded lines. */
export async function listInstitutionSettlements(
  q: Queryable,
  institutionId: string,
  businessDate: string,
  limit: number,
): Promise<TerminalSettlementView[]> {
  const { rows } = await q.query<Row>(
    `${SELECT} where s.institution_id = $1 and s.business_date = $2 order by s.created_at desc, s.id limit $3`,
    [institutionId, businessDate, limit],
  );
  const crossings = await crossingsOf(q, institutionId, 'c.business_date = $2', [businessDate], limit);
  const views = [...rows.map(toView), ...crossings.map((c) => c.view)]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id!.localeCompare(b.id!))
    .slice(0, limit);
  return withRefundedLines(q, views);
}

/** The receipt of a settlement of this institution, as text or HTML. */
export async function receiptFor(
  q: Queryable,
  id: string,
  institutionId: string,
  format: 'text' | 'html',
  lang: Lang,
): Promise<string> {
  const view = await getSettlement(q, id, { institutionId });
  const { rows: inst } = await q.query<{ name: string; code: string }>(
    'select name, code from institutions where id = $1',
    [institutionId],
  );
  let items: Array<{ quantity: number; unitPrice: number }>;
  let refundedLines: number[];
  if (view.crossRegion) {
    // Recorded from the insured region's answer: the till's bill gives quantities and unit prices.
    const crossing = (await crossingsOf(q, institutionId, 'c.settlement_id = $2', [id]))[0]!;
    items = crossing.items;
    refundedLines = (crossing.view as TerminalSettlementView).refundedLines;
  } else {
    const { rows: lines } = await q.query<{
      line_index: number;
      quantity: number;
      unit_price: number;
      refund_id: string | null;
    }>(
      'select line_index, quantity, unit_price, refund_id from settlement_lines where settlement_id = $1 order by line_index',
      [id],
    );
    items = lines.map((l) => ({ quantity: l.quantity, unitPrice: l.unit_price }));
    refundedLines = lines.filter((l) => l.refund_id).map((l) => l.line_index);
  }
  const data: ReceiptData = {
    institutionName: inst[0]!.name,
    institutionCode: inst[0]!.code,
    terminalId: view.terminalId,
    settlementId: id,
    createdAt: new Date(view.createdAt),
    maskedName: view.person.maskedName,
    maskedIdNumber: view.person.maskedIdNumber,
    insuranceType: view.person.insuranceType,
    policyVersion: view.policyVersion,
    result: view.result,
    items,
    refundedLines,
    status: view.status,
    credential: view.credential,
    bankInstruction: view.bankInstruction,
    ...(view.crossRegion ? { crossRegion: view.crossRegion } : {}),
  };
  return format === 'html' ? receiptHtml(data, lang) : receiptText(data, lang);
}
