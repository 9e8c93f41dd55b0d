/**
 * Visits and their fees: 2201 outpatient registration and 2401 inpatient admission (each a `mdtrt_id`),
 * 2202 / 2404 their cancellation, 2203 visit and diagnosis information, 2402 discharge, 2204 / 2301 fee-detail
 * upload, 2205 / 2302 fee cancellation. Every fee line is priced and classified from the institution's price
 * list (src/institutions), the one place Yibao keeps them; the settlement rules stay in the core.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { priceItemsByCode, type PriceItem } from '../institutions/price-list.ts';
import { chrgitmLv } from './catalogue.ts';
import type { Call, Transaction } from './call.ts';
import { dataOf, field, isUuid, optional, parseTime, refuse } from './envelope.ts';
import { fenToYuan, wholeCount, yuanToFen } from './money.ts';
import { checkInsuredRegion, insutypeOf, personByCert, personById } from './people.ts';

export type VisitKind = 'outpatient' | 'inpatient' | 'pharmacy';

export interface VisitRow {
  mdtrt_id: string;
  person_id: string;
  kind: VisitKind;
  med_type: string;
  ipt_otp_no: string;
  status: 'registered' | 'cancelled';
  setl_id: string | null;
  pending_msgid: string | null;
}

export const VISIT =
  'mdtrt_id, person_id, kind, med_type, ipt_otp_no, status, setl_id, pending_msgid from national_visits';

/** The visit `mdtrt_id` of `psn_no` at this institution, of this kind and not cancelled. */
export async function visitOf(
  c: Call,
  q: Queryable,
  d: Record<string, unknown>,
  kind: VisitKind,
  lock = false,
): Promise<VisitRow> {
  const id = field(d, 'mdtrt_id');
  const psnNo = field(d, 'psn_no');
  if (!isUuid(id)) return refuse('visit_not_found', `No visit ${id} at this institution`);
  const { rows } = await q.query<VisitRow>(
    `select ${VISIT} where mdtrt_id = $1 and institution_id = $2${lock ? ' for update' : ''}`,
    [id, c.institution.id],
  );
  const v = rows[0];
  if (!v || v.person_id !== psnNo || v.kind !== kind)
    return refuse('visit_not_found', `No ${kind} visit ${id} of ${psnNo} at this institution`);
  if (v.status === 'cancelled') return refuse('visit_cancelled', `The visit ${id} was cancelled`);
  return v;
}

/** Fees can change only on a visit with no settlement in force and none under way. */
export function checkOpen(v: VisitRow): void {
  if (v.setl_id)
    refuse('visit_settled', `The visit is settled (setl_id ${v.setl_id}); cancel the settlement first`);
  if (v.pending_msgid)
    refuse('settlement_unresolved', `The settlement message ${v.pending_msgid} of this visit is unresolved`);
}

/** One fee line, priced from the price list (amounts in fen). */
export interface FeeLine {
  feedetl_sn: string;
  code: string;
  name: string;
  quantity: number;
  unit_price: number;
  amount: number;
}

/** A fee line as priced at upload, with what the agency's data says of its code today (for the answer). */
type PricedFee = FeeLine & { mapping: PriceItem['mapping'] };

export async function feesOf(q: Queryable, mdtrtId: string): Promise<FeeLine[]> {
  const { rows } = await q.query<FeeLine>(
    `select feedetl_sn, code, name, quantity, unit_price, amount
       from national_fee_details where mdtrt_id = $1 and status = 'active' order by id`,
    [mdtrtId],
  );
  return rows;
}

/** The fee lines of an upload (`feedetail[]`, `drugdetail[]`), each checked and priced; nothing is written. */
export async function priceFees(c: Call, q: Queryable, list: unknown, name: string): Promise<PricedFee[]> {
  if (!Array.isArray(list) || list.length === 0 || list.length > 500)
    refuse('input_invalid', `${c.env.infno} needs input.${name} as an array of 1 to 500 items`);
  const sent: { where: string; sn: string; codes: string[]; cnt: number; pric: number; sumamt: number }[] =
    [];
  for (const [i, f] of (list as unknown[]).entries()) {
    const where = `input.${name}[${i}]`;
    if (!f || typeof f !== 'object' || Array.isArray(f))
      return refuse('input_invalid', `${where} is not an object`);
    const o = f as Record<string, unknown>;
    const sn = field(o, 'feedetl_sn', where);
    if (sent.some((l) => l.sn === sn))
      refuse('feedetl_sn_duplicate', `${where}: feedetl_sn ${sn} is twice in this message`);
    const codes = [optional(o, 'med_list_codg'), optional(o, 'medins_list_codg')].filter(
      (x): x is string => !!x,
    );
    if (!codes.length)
      refuse(
        'field_missing',
        `${where}.med_list_codg (or medins_list_codg) is required`,
        `${where}.med_list_codg`,
      );
    const cnt = wholeCount(o.cnt);
    if (cnt === null)
      return refuse('cnt_invalid', `${where}.cnt must be a whole number of at least 1`, `${where}.cnt`);
    const pric = yuanToFen(o.pric);
    const sumamt = yuanToFen(o.det_item_fee_sumamt);
    if (pric === null || sumamt === null || pric < 0)
      return refuse(
        'amount_invalid',
        `${where}.pric and det_item_fee_sumamt must be yuan with at most two decimals`,
        `${where}.pric / det_item_fee_sumamt`,
      );
    if (sumamt !== pric * cnt)
      refuse('amount_mismatch', `${where}.det_item_fee_sumamt ${fenToYuan(sumamt)} ≠ cnt × pric`);
    sent.push({ where, sn, codes, cnt, pric, sumamt });
  }
  // The national code first, then the institution's own.
  const items = await priceItemsByCode(
    q,
    c.institution.id,
    sent.flatMap((l) => l.codes),
    c.ctx.now,
  );
  return sent.map((l) => {
    const code = l.codes.find((x) => items.has(x));
    const item = code
      ? items.get(code)!
      : refuse('item_not_in_price_list', `${l.where}: ${l.codes[0]} is not on the institution’s price list`);
    if (item.unitPrice !== l.pric)
      refuse(
        'price_mismatch',
        `${l.where}: ${item.code} is priced ${fenToYuan(item.unitPrice)} on the price list, not ${fenToYuan(l.pric)}`,
      );
    return {
      feedetl_sn: l.sn,
      code: item.code,
      name: item.name,
      quantity: l.cnt,
      unit_price: item.unitPrice,
      amount: l.sumamt,
      mapping: item.mapping,
    };
  });
}

/** Records priced fee lines on a visit; a feedetl_sn already active on it is refused. */
export async function insertFees(c: Call, q: Queryable, mdtrtId: string, lines: FeeLine[]): Promise<void> {
  const { rows } = await q.query<{ feedetl_sn: string }>(
    `select feedetl_sn from national_fee_details where mdtrt_id = $1 and status = 'active' and feedetl_sn = any($2::text[])`,
    [mdtrtId, lines.map((l) => l.feedetl_sn)],
  );
  if (rows[0]) refuse('feedetl_sn_duplicate', `feedetl_sn ${rows[0].feedetl_sn} is already uploaded`);
  for (const l of lines)
    await q.query(
      `insert into national_fee_details (mdtrt_id, feedetl_sn, code, name, quantity, unit_price, amount, status,
         uploaded_msgid, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9)`,
      [mdtrtId, l.feedetl_sn, l.code, l.name, l.quantity, l.unit_price, l.amount, c.env.msgid, c.ctx.now],
    );
}

/**
 * A fee line as 2204 / 2301 answer it, from its code's approved mapping and catalogue entry today (the
 * settlement resolves the line again on its own date).
 */
function feeResult(l: PricedFee) {
  const m = l.mapping?.status === 'approved' ? l.mapping : null;
  const cls = m?.class ?? null;
  const limit = cls && cls !== 'C' ? m!.priceLimit : null;
  return {
    feedetl_sn: l.feedetl_sn,
    det_item_fee_sumamt: fenToYuan(l.amount),
    cnt: String(l.quantity),
    pric: fenToYuan(l.unit_price),
    pric_uplmt_amt: limit === null ? null : fenToYuan(limit),
    selfpay_prop: null,
    fulamt_ownpay_amt: fenToYuan(cls === null || cls === 'C' ? l.amount : 0),
    overlmt_amt: fenToYuan(limit !== null && l.unit_price > limit ? (l.unit_price - limit) * l.quantity : 0),
    preselfpay_amt: null,
    inscp_scp_amt: null,
    chrgitm_lv: chrgitmLv(cls),
    med_chrgitm_type: null,
    memo: null,
  };
}

/** The diagnoses of a message (`diseinfo[]`), kept as sent; at most 50. */
function diagnosesOf(input: unknown): unknown[] {
  const list = (input as { diseinfo?: unknown } | null)?.diseinfo;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.length > 50)
    refuse('input_invalid', 'input.diseinfo must be an array of at most 50 diagnoses');
  return list as unknown[];
}

/** 2201 / 2401: a visit of the person the certificate names. */
function register(kind: 'outpatient' | 'inpatient'): Transaction {
  return {
    local: true,
    reversible: kind === 'inpatient',
    async run(c, q) {
      if (c.institution.kind !== 'hospital')
        refuse(
          'institution_kind_mismatch',
          `${c.env.infno} is for hospitals; a pharmacy settles with 2101 / 2102`,
        );
      // 2401 carries the admission as input.mdtrtinfo, 2201 as input.data.
      const d = dataOf(c.input, c.env.infno, kind === 'inpatient' ? 'mdtrtinfo' : 'data');
      const person = await personById(q, field(d, 'psn_no'));
      const certified = await personByCert(c, q, d);
      if (certified.id !== person.id) refuse('mdtrt_cert_mismatch', 'The certificate is another person’s');
      checkInsuredRegion(c, person);
      if (person.status !== 'active')
        refuse('person_not_active', `The person’s insurance is ${person.status}`);
      const insutype = field(d, 'insutype');
      if (insutype !== insutypeOf(person))
        refuse('insutype_mismatch', `The person’s insurance type is ${insutypeOf(person)}, not ${insutype}`);
      const begntime = field(d, 'begntime');
      if (!parseTime(begntime)) refuse('field_invalid', 'input.data.begntime must be yyyy-MM-dd HH:mm:ss');
      const medType = kind === 'inpatient' ? (optional(d, 'med_type') ?? '21') : '11';
      if (kind === 'inpatient' && medType !== '21')
        refuse(
          'med_type_unsupported',
          `med_type ${medType} is not an inpatient type this gateway settles (21)`,
        );
      const iptOtpNo = field(d, kind === 'inpatient' ? 'ipt_no' : 'ipt_otp_no');
      const id = randomUUID();
      await q.query(
        `insert into national_visits (mdtrt_id, institution_id, person_id, kind, med_type, ipt_otp_no, begntime,
           diagnoses, status, created_msgid, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'registered', $9, $10)`,
        [
          id,
          c.institution.id,
          person.id,
          kind,
          medType,
          iptOtpNo,
          begntime,
          JSON.stringify(diagnosesOf(c.input)),
          c.env.msgid,
          c.ctx.now,
        ],
      );
      return { data: { mdtrt_id: id, psn_no: person.id, ipt_otp_no: iptOtpNo, exp_content: '' } };
    },
  };
}

/** Cancels a visit with no settlement: its open fees go with it. Also what 2601 does to a 2401. */
export async function cancelVisit(q: Queryable, v: VisitRow): Promise<void> {
  checkOpen(v);
  await q.query(`update national_visits set status = 'cancelled' where mdtrt_id = $1`, [v.mdtrt_id]);
  await q.query(
    `update national_fee_details set status = 'cancelled' where mdtrt_id = $1 and status = 'active'`,
    [v.mdtrt_id],
  );
}

/** 2202 / 2404: cancel a registration or admission that has no settlement. */
const cancelRegistration = (kind: VisitKind): Transaction => ({
  local: true,
  async run(c, q) {
    await cancelVisit(q, await visitOf(c, q, dataOf(c.input, c.env.infno), kind, true));
    return {};
  },
});

/** 2204 / 2301: fee-detail upload; every item must be on the institution's price list, at its price. */
const uploadFees = (kind: VisitKind): Transaction => ({
  local: true,
  async run(c, q) {
    const list = (c.input as { feedetail?: unknown } | null)?.feedetail;
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    if (!first || typeof first !== 'object')
      refuse('input_invalid', `${c.env.infno} needs input.feedetail as an array of 1 to 500 items`);
    const visit = await visitOf(c, q, first as Record<string, unknown>, kind, true);
    checkOpen(visit);
    for (const [i, f] of (list as Record<string, unknown>[]).entries())
      if (
        f &&
        typeof f === 'object' &&
        (optional(f, 'mdtrt_id') !== visit.mdtrt_id || optional(f, 'psn_no') !== visit.person_id)
      )
        refuse(
          'input_invalid',
          `input.feedetail[${i}] is of another visit: one message uploads one visit’s fees`,
        );
    const lines = await priceFees(c, q, list, 'feedetail');
    await insertFees(c, q, visit.mdtrt_id, lines);
    return { result: lines.map(feeResult) };
  },
});

/** 2205 / 2302: cancels fee details not yet settled: one feedetl_sn, or all with 0000. */
const cancelFees = (kind: VisitKind): Transaction => ({
  local: true,
  async run(c, q) {
    const d = dataOf(c.input, c.env.infno);
    const v = await visitOf(c, q, d, kind, true);
    checkOpen(v);
    const sn = field(d, 'feedetl_sn');
    const { rows } = await q.query(
      `update national_fee_details set status = 'cancelled'
        where mdtrt_id = $1 and status = 'active' and ($2 = '0000' or feedetl_sn = $2) returning id`,
      [v.mdtrt_id, sn],
    );
    if (!rows.length) refuse('fee_detail_not_found', `No uploaded fee detail ${sn} on this visit`);
    return {};
  },
});

export const VISITS: Record<string, Transaction> = {
  '2201': register('outpatient'),
  '2202': cancelRegistration('outpatient'),

  /** Visit and diagnosis information: the medical type (11 ordinary, 14 special/chronic) and diseinfo[]. */
  '2203': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '2203', 'mdtinfo');
      const v = await visitOf(c, q, d, 'outpatient', true);
      checkOpen(v);
      const medType = field(d, 'med_type', 'input.mdtinfo');
      if (!['11', '14'].includes(medType))
        refuse(
          'med_type_unsupported',
          `med_type ${medType} is not an outpatient type this gateway settles (11, 14)`,
        );
      await q.query('update national_visits set med_type = $2, diagnoses = $3 where mdtrt_id = $1', [
        v.mdtrt_id,
        medType,
        JSON.stringify(diagnosesOf(c.input)),
      ]);
      return {};
    },
  },
  '2204': uploadFees('outpatient'),
  '2205': cancelFees('outpatient'),

  '2401': register('inpatient'),
  '2404': cancelRegistration('inpatient'),
  '2301': uploadFees('inpatient'),
  '2302': cancelFees('inpatient'),

  /** Discharge: the end time and discharge diagnoses are recorded; the stay is settled with 2304. */
  '2402': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '2402', 'dscginfo');
      const v = await visitOf(c, q, d, 'inpatient', true);
      const endtime = field(d, 'endtime', 'input.dscginfo');
      if (!parseTime(endtime)) refuse('field_invalid', 'input.dscginfo.endtime must be yyyy-MM-dd HH:mm:ss');
      const dx = diagnosesOf(c.input);
      await q.query(
        `update national_visits set endtime = $2, diagnoses = case when $3::jsonb = '[]'::jsonb then diagnoses else $3::jsonb end
          where mdtrt_id = $1`,
        [v.mdtrt_id, endtime, JSON.stringify(dx)],
      );
      return {};
    },
  },
};
