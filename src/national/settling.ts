/**
 * Settling, over the core: pre-settlement is the core's estimate (2206 outpatient, 2303 inpatient, 2101
 * pharmacy), settlement the core's `settle()` (2207, 2304, 2102), cancellation its `refund()` (2208, 2305,
 * 2103), and 2601 reverses any of them by msgid. The bill goes to the core and its figures come back under
 * the national names; no rule is re-implemented here.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { renderAll } from '../i18n/index.ts';
import { committedSettlementAnswer, settle, type SettlementView } from '../settlement/settle.ts';
import { refund } from '../settlement/refund.ts';
import type { TillBill } from '../settlement/resolve.ts';
import type { Call, Transaction } from './call.ts';
import { dataOf, field, formatTime, optional, refuse } from './envelope.ts';
import { fenToYuan as yuan, ratio4, yuanToFen } from './money.ts';
import {
  accountBalance,
  checkInsuredRegion,
  ecTokenOf,
  insutypeOf,
  personById,
  type PersonRow,
} from './people.ts';
import {
  VISIT,
  cancelVisit,
  checkOpen,
  feesOf,
  insertFees,
  priceFees,
  visitOf,
  type FeeLine,
  type VisitKind,
  type VisitRow,
} from './visits.ts';

const FUND_TYPE: Record<string, { code: string; name: string }> = {
  '310': { code: '310100', name: '职工基本医疗保险统筹基金' },
  '390': { code: '390100', name: '城乡居民基本医疗保险基金' },
};

/** The national clearing type: 11 outpatient, 21 inpatient, 41 designated pharmacy. */
const CLR_TYPE: Record<VisitKind, string> = { outpatient: '11', inpatient: '21', pharmacy: '41' };

/** The core's settlement under the national names: `setlinfo` and `setldetail`, amounts in yuan. */
function settlementOutput(
  c: Call,
  view: SettlementView,
  visit: { mdtrt_id: string | null; med_type: string; kind: VisitKind },
  person: PersonRow,
) {
  const n = view.national;
  const t = view.result.totals;
  const sum = (
    k: 'deductibleApplied' | 'belowOutpatientThreshold' | 'ceilingOverflow' | 'policyScope' | 'fund',
  ) => view.result.lines.reduce((a, l) => a + l[k], 0);
  // The pool's payment ratio (a ratio, 4 decimals): what the fund paid, before the ceiling cut, of what it
  // shared in (the in-scope amount past deductible and threshold), over the whole bill.
  const poolProp = ratio4(
    sum('fund') + sum('ceilingOverflow'),
    sum('policyScope') - sum('deductibleApplied') - sum('belowOutpatientThreshold'),
  );
  const insutype = insutypeOf(person);
  const fund = FUND_TYPE[insutype]!;
  return {
    setlinfo: {
      setl_id: view.id,
      mdtrt_id: visit.mdtrt_id,
      psn_no: person.id,
      psn_name: view.person.maskedName,
      psn_cert_type: '01',
      certno: view.person.maskedIdNumber,
      insutype,
      psn_type: person.retired ? '12' : '11',
      med_type: visit.med_type,
      setl_time: formatTime(new Date(view.createdAt)),
      medfee_sumamt: yuan(n.medfee_sumamt),
      fulamt_ownpay_amt: yuan(n.fulamt_ownpay_amt),
      overlmt_selfpay: yuan(n.overlmt_selfpay),
      preselfpay_amt: yuan(n.preselfpay_amt),
      inscp_scp_amt: yuan(n.inscp_scp_amt),
      act_pay_dedc: yuan(n.act_pay_dedc),
      hifp_pay: yuan(n.hifp_pay),
      pool_prop_selfpay: poolProp,
      cvlserv_pay: yuan(0),
      hifes_pay: yuan(0),
      hifmi_pay: yuan(0),
      hifob_pay: yuan(0),
      maf_pay: yuan(0),
      oth_pay: yuan(0),
      fund_pay_sumamt: yuan(n.fund_pay_sumamt),
      psn_part_amt: yuan(n.psn_part_amt),
      acct_pay: yuan(n.acct_pay),
      acct_mulaid_pay: yuan(n.acct_mulaid_pay),
      psn_cash_pay: yuan(n.psn_cash_pay),
      hosp_part_amt: yuan(0),
      balc: yuan(n.balc),
      medins_setl_id: c.env.msgid,
      clr_optins: person.region_code,
      clr_way: '1',
      clr_type: CLR_TYPE[visit.kind],
    },
    setldetail: [
      {
        fund_pay_type: fund.code,
        fund_pay_type_name: fund.name,
        inscp_scp_amt: yuan(n.inscp_scp_amt),
        crt_payb_lmt_amt: yuan(t.fundLimitRemaining),
        fund_payamt: yuan(n.hifp_pay),
        setl_proc_info: renderAll(c.lang, view.result.explanations).join('；') || null,
      },
    ],
  };
}

/** The bill of priced fee lines, checked against the total the HIS says it sends. */
function billOf(fees: FeeLine[], kind: VisitKind, d: Record<string, unknown>): TillBill {
  if (!fees.length) refuse('no_fee_details', 'The visit has no fee details: upload them first');
  const total = fees.reduce((a, f) => a + f.amount, 0);
  const claimed = yuanToFen(d.medfee_sumamt);
  if (claimed === null)
    return refuse('amount_invalid', 'medfee_sumamt must be yuan with at most two decimals', 'medfee_sumamt');
  if (claimed !== total)
    refuse('medfee_sumamt_mismatch', `medfee_sumamt ${yuan(claimed)} ≠ the fee details’ ${yuan(total)}`);
  if (optional(d, 'acct_used_flag') === '0')
    refuse(
      'acct_used_flag_unsupported',
      'Yibao always lets the individual account pay first (acct_used_flag 1)',
    );
  const setlway = optional(d, 'psn_setlway');
  if (setlway && setlway !== '01')
    refuse('psn_setlway_unsupported', 'Only psn_setlway 01 (by item) is supported');
  if (kind === 'inpatient' && (optional(d, 'mid_setl_flag') ?? '0') !== '0')
    refuse('mid_setl_flag_unsupported', 'Only a whole stay is settled (mid_setl_flag 0)');
  return {
    setting: kind === 'inpatient' ? 'inpatient' : 'outpatient',
    items: fees.map((f) => ({
      code: f.code,
      name: f.name,
      quantity: f.quantity,
      unitPrice: f.unit_price,
    })),
  };
}

/** The scanned code behind the e-voucher token the message names (settling needs mdtrt_cert_type 01). */
async function payerCode(
  c: Call,
  q: Queryable,
  d: Record<string, unknown>,
  person: PersonRow,
): Promise<string> {
  if (field(d, 'mdtrt_cert_type') !== '01')
    refuse(
      'mdtrt_cert_type_unsupported',
      'Settlement needs the e-voucher (mdtrt_cert_type 01): a physical card also needs its chip PIN, which this interface does not carry',
    );
  const token = await ecTokenOf(c, q, field(d, 'mdtrt_cert_no'));
  if (token.person_id !== person.id) refuse('ec_token_mismatch', 'The e-voucher token is another person’s');
  return token.qr;
}

/** A visit's settling input: the visit, its person, the code that pays and the bill of its fees. */
async function visitSettlementInput(c: Call, q: Queryable, kind: VisitKind) {
  const d = dataOf(c.input, c.env.infno);
  const visit = await visitOf(c, q, d, kind);
  const person = await personById(q, visit.person_id);
  checkInsuredRegion(c, person);
  const qr = await payerCode(c, q, d, person);
  const bill = billOf(await feesOf(q, visit.mdtrt_id), kind, d);
  return { visit, person, qr, bill };
}

/** The core's stored answer of the settlement made for `msgid`, if it committed. */
function committedSettlement(c: Call, q: Queryable, msgid: string): Promise<SettlementView | null> {
  return committedSettlementAnswer(q, c.institution.id, `national:${msgid}`);
}

/** Whether the core's refund made for `msgid` committed. */
async function committedRefund(c: Call, q: Queryable, msgid: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    `select response_body->>'settlementId' as id from idempotency_keys where scope = $1 and key = $2`,
    [`refund:${c.institution.id}`, `national:${msgid}`],
  );
  return rows[0]?.id ?? null;
}

/**
 * Settles a visit through the core's `settle()` with idempotency key `national:<msgid>`. The visit records
 * the message under way first, so a second settling message with another msgid cannot pay it twice whatever
 * happened to the first; a refused settlement wrote nothing, and `undo` puts the visit back as it was.
 */
async function settleVisit(
  c: Call,
  q: Queryable,
  visit: VisitRow,
  qr: string,
  bill: TillBill,
  undo: () => Promise<void>,
): Promise<SettlementView> {
  const msgid = c.env.msgid;
  await c.ctx.db.transaction(async (tx) => {
    const v = await visitOf(c, tx, { mdtrt_id: visit.mdtrt_id, psn_no: visit.person_id }, visit.kind, true);
    if (v.pending_msgid !== msgid) checkOpen(v);
    await tx.query('update national_visits set pending_msgid = $2 where mdtrt_id = $1', [v.mdtrt_id, msgid]);
  });
  // Committed before (the answer was lost)? Then that is the answer, even if the code has expired since.
  let view = await committedSettlement(c, q, msgid);
  if (!view) {
    try {
      view = (await settle(c.ctx, c.keys, c.terminal, { qr, bill }, `national:${msgid}`)).body;
    } catch (err) {
      if (!(await committedSettlement(c, q, msgid))) await undo();
      throw err;
    }
  }
  await q.query('update national_visits set setl_id = $2 where mdtrt_id = $1 and pending_msgid = $3', [
    visit.mdtrt_id,
    view.id,
    msgid,
  ]);
  return view;
}

const reopen = (q: Queryable, mdtrtId: string, msgid: string) => () =>
  q
    .query('update national_visits set pending_msgid = null where mdtrt_id = $1 and pending_msgid = $2', [
      mdtrtId,
      msgid,
    ])
    .then(() => undefined);

/** 2206 / 2303: the core's estimate of the visit's fees; nothing is written, the code is not used. */
const preSettleVisit = (kind: VisitKind): Transaction => ({
  local: false,
  async run(c, q) {
    const { visit, person, qr, bill } = await visitSettlementInput(c, q, kind);
    checkOpen(visit);
    const out = await settle(c.ctx, c.keys, c.terminal, { qr, bill, estimate: true }, undefined);
    return settlementOutput(c, out.body, visit, person);
  },
});

/** 2207 / 2304: the core's `settle()` of the visit's fees. */
const settleVisitTx = (kind: VisitKind): Transaction => ({
  local: false,
  reversible: true,
  async run(c, q) {
    const { visit, person, qr, bill } = await visitSettlementInput(c, q, kind);
    const view = await settleVisit(c, q, visit, qr, bill, reopen(q, visit.mdtrt_id, c.env.msgid));
    return settlementOutput(c, view, visit, person);
  },
});

/**
 * Refunds the whole settlement (core `refund()`, key `national:<msgid>`): an outpatient or inpatient visit
 * is open again for its fees to change and settle anew; a pharmacy sale is cancelled.
 */
async function cancelSettlement(
  c: Call,
  q: Queryable,
  visit: VisitRow,
  setlId: string,
  person: PersonRow,
  reason: string,
) {
  const r = await refund(c.ctx, c.terminal, setlId, { reason }, `national:${c.env.msgid}`);
  await q.query(
    visit.kind === 'pharmacy'
      ? `update national_visits set status = 'cancelled', pending_msgid = null where mdtrt_id = $1`
      : 'update national_visits set setl_id = null, pending_msgid = null where mdtrt_id = $1',
    [visit.mdtrt_id],
  );
  const b = r.body;
  return {
    setlinfo: {
      mdtrt_id: visit.mdtrt_id,
      setl_id: b.id,
      psn_no: person.id,
      setl_time: formatTime(new Date(b.createdAt)),
      medfee_sumamt: yuan(-b.total),
      fund_pay_sumamt: yuan(-b.fund),
      hifp_pay: yuan(-b.fund),
      psn_part_amt: yuan(-(b.accountPaid + b.relativeAccountPaid + b.cashPaid)),
      acct_pay: yuan(-b.accountPaid),
      acct_mulaid_pay: yuan(-b.relativeAccountPaid),
      psn_cash_pay: yuan(-b.cashPaid),
      balc: yuan(await accountBalance(q, person.id)),
      clr_optins: person.region_code,
      clr_type: CLR_TYPE[visit.kind],
    },
  };
}

/** 2208 / 2305 / 2103: cancel the settlement `setl_id` of a visit (a resend after a lost answer: the same refund). */
const cancelTx = (kind: VisitKind): Transaction => ({
  local: false,
  reversible: true,
  async run(c, q) {
    const d = dataOf(c.input, c.env.infno);
    const setlId = field(d, 'setl_id');
    const psnNo = field(d, 'psn_no');
    const done = await committedRefund(c, q, c.env.msgid);
    let visit: VisitRow;
    if (kind === 'pharmacy') {
      // A pharmacy sale is named by its settlement (mdtrt_id optional), and stays named by it once cancelled.
      const { rows } = await q.query<VisitRow>(
        `select ${VISIT} where institution_id = $1 and kind = 'pharmacy' and setl_id::text = $2 and person_id::text = $3`,
        [c.institution.id, setlId, psnNo],
      );
      visit = rows[0] ?? refuse('settlement_not_found', `No pharmacy settlement ${setlId} of ${psnNo} here`);
      if (visit.status === 'cancelled' && done !== setlId)
        refuse('settlement_not_found', `The pharmacy settlement ${setlId} is already cancelled`);
    } else {
      visit = await visitOf(c, q, d, kind);
      if (visit.setl_id !== setlId && done !== setlId)
        refuse('settlement_not_found', `The visit has no settlement ${setlId} in force at this institution`);
    }
    const person = await personById(q, visit.person_id);
    checkInsuredRegion(c, person);
    return cancelSettlement(c, q, visit, setlId, person, `${c.env.infno} ${c.env.msgid}`);
  },
});

/** 2101 / 2102's shared reading: the person, the code that pays and the priced `drugdetail[]`. */
async function pharmacyInput(c: Call, q: Queryable) {
  if (c.institution.kind !== 'pharmacy')
    refuse(
      'institution_kind_mismatch',
      `${c.env.infno} is for designated pharmacies; a hospital uses 2201-2208`,
    );
  const d = dataOf(c.input, c.env.infno);
  const person = await personById(q, field(d, 'psn_no'));
  checkInsuredRegion(c, person);
  const insutype = optional(d, 'insutype');
  if (insutype && insutype !== insutypeOf(person))
    refuse('insutype_mismatch', `The person’s insurance type is ${insutypeOf(person)}, not ${insutype}`);
  const qr = await payerCode(c, q, d, person);
  const lines = await priceFees(c, q, (c.input as { drugdetail?: unknown }).drugdetail, 'drugdetail');
  return { d, person, qr, lines, bill: billOf(lines, 'pharmacy', d) };
}

export const SETTLING: Record<string, Transaction> = {
  '2206': preSettleVisit('outpatient'),
  '2207': settleVisitTx('outpatient'),
  '2208': cancelTx('outpatient'),
  '2303': preSettleVisit('inpatient'),
  '2304': settleVisitTx('inpatient'),
  '2305': cancelTx('inpatient'),

  /** Pharmacy pre-settlement: the core's estimate of the `drugdetail[]`. */
  '2101': {
    local: false,
    async run(c, q) {
      const { person, qr, bill } = await pharmacyInput(c, q);
      const out = await settle(c.ctx, c.keys, c.terminal, { qr, bill, estimate: true }, undefined);
      return settlementOutput(c, out.body, { mdtrt_id: null, med_type: '41', kind: 'pharmacy' }, person);
    },
  },

  /**
   * Pharmacy settlement: the sale becomes a visit (mdtrt_id) with its lines, then the core's `settle()`. A
   * resend of the same msgid after a lost answer finds the same sale; a refused one leaves nothing behind.
   */
  '2102': {
    local: false,
    reversible: true,
    async run(c, q) {
      const { d, person, qr, lines, bill } = await pharmacyInput(c, q);
      const msgid = c.env.msgid;
      const { rows } = await q.query<VisitRow>(
        `select ${VISIT} where created_msgid = $1 and institution_id = $2 and kind = 'pharmacy'`,
        [msgid, c.institution.id],
      );
      let visit = rows[0];
      if (!visit) {
        const id = randomUUID();
        await c.ctx.db.transaction(async (tx) => {
          await tx.query(
            `insert into national_visits (mdtrt_id, institution_id, person_id, kind, med_type, ipt_otp_no, begntime,
               status, pending_msgid, created_msgid, created_at)
             values ($1, $2, $3, 'pharmacy', '41', $4, $5, 'registered', $6, $6, $7)`,
            [
              id,
              c.institution.id,
              person.id,
              optional(d, 'fixmedins_setl_id') ?? msgid,
              formatTime(c.ctx.now),
              msgid,
              c.ctx.now,
            ],
          );
          await insertFees(c, tx, id, lines);
        });
        visit = {
          mdtrt_id: id,
          person_id: person.id,
          kind: 'pharmacy',
          med_type: '41',
          ipt_otp_no: msgid,
          status: 'registered',
          setl_id: null,
          pending_msgid: msgid,
        };
      }
      const mdtrtId = visit.mdtrt_id;
      const view = await settleVisit(c, q, visit, qr, bill, async () => {
        await q.query('delete from national_fee_details where mdtrt_id = $1', [mdtrtId]);
        await q.query('delete from national_visits where mdtrt_id = $1', [mdtrtId]);
      });
      return settlementOutput(c, view, visit, person);
    },
  },
  '2103': cancelTx('pharmacy'),
};

/** The settling messages 2601 can reverse, and the cancellations. */
const SETTLES: Record<string, VisitKind> = { '2207': 'outpatient', '2304': 'inpatient', '2102': 'pharmacy' };
const CANCELS = ['2208', '2305', '2103'];
const REVERSIBLE = [...Object.keys(SETTLES), ...CANCELS, '2401'].sort();

const reversed = (omsgid: string, oinfno: string, memo: string) => ({
  data: { omsgid, oinfno, rever_rslt: '0', memo },
});

/**
 * Reversal (2601) of an earlier message of this institution by its msgid, whether or not it committed: a
 * settlement is refunded through the core (or, never committed, its visit is released); an admission is
 * cancelled; a cancellation that never committed is voided. A cancellation that committed cannot be undone:
 * the core has no un-refund, and the visit is already open to settle again.
 */
async function reverse(c: Call, q: Queryable) {
  const d = dataOf(c.input, '2601');
  const omsgid = field(d, 'omsgid');
  const oinfno = field(d, 'oinfno');
  if (!REVERSIBLE.includes(oinfno))
    refuse('oinfno_unsupported', `2601 reverses ${REVERSIBLE.join(', ')}, not ${oinfno}`);
  const psnNo = field(d, 'psn_no');
  const { rows: stored } = await q.query<{ infno: string; reversed_by: string | null }>(
    'select infno, reversed_by from national_messages where msgid = $1 and institution_id = $2',
    [omsgid, c.institution.id],
  );
  const { rows: visits } = await q.query<VisitRow>(
    `select ${VISIT} where institution_id = $1 and (pending_msgid = $2 or created_msgid = $2)`,
    [c.institution.id, omsgid],
  );
  const committed = SETTLES[oinfno] ? await committedSettlement(c, q, omsgid) : null;
  if (!stored[0] && !visits[0] && !committed)
    refuse('message_not_found', `No message ${omsgid} of this institution`);
  if (stored[0] && stored[0].infno !== oinfno)
    refuse('message_not_found', `${omsgid} is a ${stored[0].infno}, not a ${oinfno}`);
  if (stored[0]?.reversed_by)
    refuse('already_reversed', `${omsgid} was already reversed by ${stored[0].reversed_by}`);
  const person = await personById(q, psnNo);
  if (visits.some((v) => v.person_id !== person.id))
    refuse('message_not_found', `${omsgid} is another person’s`);

  let output: unknown = reversed(omsgid, oinfno, 'the message never committed');
  if (SETTLES[oinfno]) {
    const visit = visits.find((v) => v.kind === SETTLES[oinfno]);
    if (committed?.id) {
      const { rows: s } = await q.query<{ status: string; person_id: string }>(
        'select status, person_id from settlements where id = $1',
        [committed.id],
      );
      if (s[0]?.person_id !== person.id) refuse('message_not_found', `${omsgid} settled another person`);
      if (s[0]?.status === 'settled' && visit)
        output = await cancelSettlement(
          c,
          q,
          { ...visit, setl_id: committed.id },
          committed.id,
          person,
          `2601 ${c.env.msgid}`,
        );
      else if (s[0]?.status === 'settled')
        refuse('settlement_not_found', `The settlement of ${omsgid} is not in force on a visit`);
      else output = reversed(omsgid, oinfno, 'the settlement was already cancelled');
    } else if (visit?.kind === 'pharmacy' && visit.status === 'registered') {
      // The sale never settled: it goes, as if the 2102 had never come.
      await q.query(
        `update national_visits set status = 'cancelled', pending_msgid = null where mdtrt_id = $1`,
        [visit.mdtrt_id],
      );
      await q.query(`update national_fee_details set status = 'cancelled' where mdtrt_id = $1`, [
        visit.mdtrt_id,
      ]);
    }
    await q.query(
      'update national_visits set pending_msgid = null where institution_id = $1 and pending_msgid = $2',
      [c.institution.id, omsgid],
    );
  } else if (oinfno === '2401') {
    const visit = visits.find((v) => v.kind === 'inpatient' && v.status === 'registered');
    if (visit) {
      // As 2404 would: refused while a settlement is in force or under way; its open fees go with it.
      await cancelVisit(q, visit);
      output = reversed(omsgid, oinfno, 'the admission was cancelled');
    }
  } else if (await committedRefund(c, q, omsgid)) {
    refuse(
      'cancel_irreversible',
      `${omsgid} cancelled its settlement, which stands: settle the visit again instead`,
    );
  }
  // A later resend of the reversed message is refused.
  await q.query(
    `insert into national_messages (msgid, institution_id, infno, request_hash, response, reversed_by, created_at)
     values ($1, $2, $3, null, null, $4, $5)
     on conflict (msgid) do update set reversed_by = excluded.reversed_by`,
    [omsgid, c.institution.id, oinfno, c.env.msgid, c.ctx.now],
  );
  return output;
}

SETTLING['2601'] = { local: false, run: reverse };
