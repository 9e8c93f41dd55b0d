/**
 * The national transactions, each mapped onto the core: sign-in, the e-voucher decode and 1101 read the
 * core's people, cards and e-cards; 2206 is the core's estimate, 2207 the core's `settle()`, 2208 its
 * `refund()`, 3201 its `reconcile()`. Rules are never re-implemented here: the bill goes to the core and its
 * figures come back under the national names.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Caller, Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import type { KeyRingCache } from '../qr/store.ts';
import { verifyScannedCode } from '../qr/scan.ts';
import { scan } from '../settlement/eligibility.ts';
import { balanceOf, findAccount } from '../ledger/ledger.ts';
import { settle, type SettlementView } from '../settlement/settle.ts';
import { refund } from '../settlement/refund.ts';
import { reconcile } from '../settlement/reconciliation.ts';
import type { BillItem } from '../settlement/calculator.ts';
import type { Envelope } from './envelope.ts';
import { dataOf, field, formatTime, optional, parseTime, refuse } from './envelope.ts';
import { fenToYuan, wholeCount, yuanToFen } from './money.ts';

export interface Institution {
  id: string;
  code: string;
  name: string;
  kind: 'hospital' | 'pharmacy';
  regionCode: string;
}

/** One message being answered. */
export interface Call {
  ctx: Ctx;
  keys: KeyRingCache;
  terminal: Caller;
  institution: Institution;
  env: Envelope;
  /** The input, decrypted when `enc_type` is SM4. */
  input: unknown;
}

/**
 * A transaction: `local` ones write only this gateway's tables and run in one transaction with the stored
 * answer (`q` is that transaction); the others call the core, which has its own transactions and
 * idempotency keys (`q` is the store).
 */
interface Transaction {
  local: boolean;
  run(c: Call, q: Queryable): Promise<unknown>;
}

const yuan = fenToYuan;

// ---------------------------------------------------------------- people

interface PersonRow {
  id: string;
  id_number: string;
  name: string;
  region_code: string;
  insurance_type: 'employee' | 'resident' | 'flexible';
  retired: boolean;
  status: string;
}
const PERSON = 'p.id, p.id_number, p.name, p.region_code, p.insurance_type, p.retired, p.status';

/** 310 employee basic medical insurance (flexible workers join it too), 390 urban-rural residents. */
const insutypeOf = (p: PersonRow) => (p.insurance_type === 'resident' ? '390' : '310');

/** A live e-voucher token of this institution. */
async function ecTokenOf(c: Call, q: Queryable, token: string) {
  const { rows } = await q.query<{ person_id: string; qr: string; expires_at: Date }>(
    'select person_id, qr, expires_at from national_ec_tokens where token = $1 and institution_id = $2',
    [token, c.institution.id],
  );
  const t = rows[0];
  if (!t)
    return refuse('ec_token_unknown', 'No such e-voucher token at this institution: decode the code again');
  if (t.expires_at <= c.ctx.now)
    return refuse('ec_token_expired', 'The e-voucher token has expired: ask the person for a fresh code');
  return t;
}

/** The person a medical certificate names: 01 e-voucher token, 02 ID number, 03 card number. */
async function personByCert(c: Call, q: Queryable, d: Record<string, unknown>): Promise<PersonRow> {
  const type = field(d, 'mdtrt_cert_type');
  const no = field(d, 'mdtrt_cert_no');
  let rows: PersonRow[];
  if (type === '01') {
    const t = await ecTokenOf(c, q, no);
    ({ rows } = await q.query<PersonRow>(`select ${PERSON} from persons p where p.id = $1`, [t.person_id]));
  } else if (type === '02') {
    ({ rows } = await q.query<PersonRow>(`select ${PERSON} from persons p where p.id_number = $1`, [
      no.toUpperCase(),
    ]));
  } else if (type === '03') {
    ({ rows } = await q.query<PersonRow>(
      `select ${PERSON} from cards c join persons p on p.id = c.person_id
        where c.card_number = $1 and c.status in ('issued', 'active')`,
      [no],
    ));
  } else {
    return refuse('mdtrt_cert_type_unsupported', `mdtrt_cert_type ${type} is not one of 01, 02, 03`);
  }
  if (!rows[0]) return refuse('person_not_found', 'No insured person for this certificate');
  return rows[0];
}

async function personById(q: Queryable, psnNo: string): Promise<PersonRow> {
  if (!/^[0-9a-f-]{36}$/i.test(psnNo)) return refuse('person_not_found', `No insured person ${psnNo}`);
  const { rows } = await q.query<PersonRow>(`select ${PERSON} from persons p where p.id = $1`, [psnNo]);
  return rows[0] ?? refuse('person_not_found', `No insured person ${psnNo}`);
}

/** The envelope's insured region must be the person's (the national interface requires it to be right). */
function checkInsuredRegion(c: Call, p: PersonRow): void {
  const given = c.env.insuplc_admdvs;
  if (!given) refuse('field_missing', 'insuplc_admdvs (the insured region) is required for this person');
  if (given !== p.region_code)
    refuse('insuplc_admdvs_mismatch', `The person is insured in ${p.region_code}, not ${given}`);
}

async function accountBalance(q: Queryable, personId: string): Promise<number> {
  const account = await findAccount(q, 'individual', personId);
  return account ? balanceOf(q, account) : 0;
}

// ---------------------------------------------------------------- visits and fees

interface VisitRow {
  mdtrt_id: string;
  person_id: string;
  med_type: string;
  ipt_otp_no: string;
  status: 'registered' | 'cancelled';
  setl_id: string | null;
  pending_msgid: string | null;
}

async function visitOf(c: Call, q: Queryable, d: Record<string, unknown>, lock = false): Promise<VisitRow> {
  const id = field(d, 'mdtrt_id');
  const psnNo = field(d, 'psn_no');
  if (!/^[0-9a-f-]{36}$/i.test(id)) return refuse('visit_not_found', `No visit ${id} at this institution`);
  const { rows } = await q.query<VisitRow>(
    `select mdtrt_id, person_id, med_type, ipt_otp_no, status, setl_id, pending_msgid from national_visits
      where mdtrt_id = $1 and institution_id = $2${lock ? ' for update' : ''}`,
    [id, c.institution.id],
  );
  const v = rows[0];
  if (!v || v.person_id !== psnNo)
    return refuse('visit_not_found', `No visit ${id} of ${psnNo} at this institution`);
  if (v.status === 'cancelled') return refuse('visit_cancelled', `The visit ${id} was cancelled`);
  return v;
}

/** Fees can change only on a visit with no settlement in force and none under way. */
function checkOpen(v: VisitRow): void {
  if (v.setl_id)
    refuse('visit_settled', `The visit is settled (setl_id ${v.setl_id}); cancel it with 2208 first`);
  if (v.pending_msgid)
    refuse('settlement_unresolved', `The settlement message ${v.pending_msgid} of this visit is unresolved`);
}

interface FeeRow {
  feedetl_sn: string;
  code: string;
  name: string;
  quantity: number;
  unit_price: number;
  amount: number;
  catalogue: 'in' | 'out';
  category: 'A' | 'B' | null;
  service_type: BillItem['serviceType'];
}

async function feesOf(q: Queryable, mdtrtId: string): Promise<FeeRow[]> {
  const { rows } = await q.query<FeeRow>(
    `select feedetl_sn, code, name, quantity, unit_price, amount, catalogue, category, service_type
       from national_fee_details where mdtrt_id = $1 and status = 'active' order by id`,
    [mdtrtId],
  );
  return rows;
}

const chrgitmLv = (f: { catalogue: string; category: string | null }) =>
  f.catalogue === 'out' ? '03' : f.category === 'B' ? '02' : '01';

// ---------------------------------------------------------------- settlement output

const FUND_TYPE: Record<string, { code: string; name: string }> = {
  '310': { code: '310100', name: '职工基本医疗保险统筹基金' },
  '390': { code: '390100', name: '城乡居民基本医疗保险基金' },
};

/** The core's settlement under the national names: `setlinfo` and `setldetail`, amounts in yuan. */
function settlementOutput(
  c: Call,
  view: SettlementView,
  visit: VisitRow,
  person: PersonRow,
  setlId: string | null,
) {
  const n = view.national;
  const t = view.result.totals;
  const sum = (
    k: 'deductibleApplied' | 'belowOutpatientThreshold' | 'ceilingOverflow' | 'policyScope' | 'fund',
  ) => view.result.lines.reduce((a, l) => a + l[k], 0);
  // The person's part of the in-scope amount left by the pool's ratio (after deductible, threshold and ceiling).
  const poolPropSelfpay =
    sum('policyScope') -
    sum('deductibleApplied') -
    sum('belowOutpatientThreshold') -
    sum('ceilingOverflow') -
    sum('fund');
  const insutype = insutypeOf(person);
  const fund = FUND_TYPE[insutype]!;
  return {
    setlinfo: {
      setl_id: setlId,
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
      overlmt_selfpay: yuan(0),
      preselfpay_amt: yuan(n.preselfpay_amt),
      inscp_scp_amt: yuan(n.inscp_scp_amt),
      act_pay_dedc: yuan(n.act_pay_dedc),
      hifp_pay: yuan(n.hifp_pay),
      pool_prop_selfpay: yuan(poolPropSelfpay),
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
      clr_type: c.institution.kind === 'pharmacy' ? '41' : '11',
    },
    setldetail: [
      {
        fund_pay_type: fund.code,
        fund_pay_type_name: fund.name,
        inscp_scp_amt: yuan(n.inscp_scp_amt),
        crt_payb_lmt_amt: yuan(t.fundLimitRemaining),
        fund_payamt: yuan(n.hifp_pay),
        setl_proc_info: view.result.explanations.join('；') || null,
      },
    ],
  };
}

/** The bill of a visit's fees, checked against what the HIS says it totals. */
async function billOf(q: Queryable, visit: VisitRow, d: Record<string, unknown>) {
  const fees = await feesOf(q, visit.mdtrt_id);
  if (!fees.length) refuse('no_fee_details', 'The visit has no fee details: upload them with 2204');
  const total = fees.reduce((a, f) => a + f.amount, 0);
  const claimed = yuanToFen(d.medfee_sumamt);
  if (claimed === null) refuse('amount_invalid', 'medfee_sumamt must be yuan with at most two decimals');
  if (claimed !== total)
    refuse(
      'medfee_sumamt_mismatch',
      `medfee_sumamt ${yuan(claimed!)} ≠ the uploaded fee details’ ${yuan(total)}`,
    );
  const acct = optional(d, 'acct_used_flag');
  if (acct === '0')
    refuse(
      'acct_used_flag_unsupported',
      'Yibao always lets the individual account pay first (acct_used_flag 1)',
    );
  const items: BillItem[] = fees.map((f) => ({
    code: f.code,
    name: f.name,
    quantity: f.quantity,
    unitPrice: f.unit_price,
    catalogue: f.catalogue,
    ...(f.catalogue === 'in' && f.category ? { category: f.category } : {}),
    serviceType: f.service_type,
  }));
  return { setting: 'outpatient' as const, items };
}

/** 2206 / 2207's shared reading: visit, person, e-voucher token, bill. */
async function settlementInput(c: Call, q: Queryable) {
  const d = dataOf(c.input, c.env.infno);
  const visit = await visitOf(c, q, d);
  const person = await personById(q, visit.person_id);
  checkInsuredRegion(c, person);
  if (field(d, 'mdtrt_cert_type') !== '01')
    refuse(
      'mdtrt_cert_type_unsupported',
      'Settlement needs the e-voucher (mdtrt_cert_type 01): a physical card also needs its chip PIN, which this interface does not carry',
    );
  const token = await ecTokenOf(c, q, field(d, 'mdtrt_cert_no'));
  if (token.person_id !== person.id) refuse('ec_token_mismatch', 'The e-voucher token is another person’s');
  const setlway = optional(d, 'psn_setlway');
  if (setlway && setlway !== '01')
    refuse('psn_setlway_unsupported', 'Only psn_setlway 01 (by item) is supported');
  const bill = await billOf(q, visit, d);
  return { d, visit, person, token, bill };
}

// ---------------------------------------------------------------- the transactions

const TRANSACTIONS: Record<string, Transaction> = {
  /** Sign-in: a sign_no for the institution's later messages. */
  '9001': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '9001', 'signIn');
      const opterNo = field(d, 'opter_no', 'input.signIn');
      const signNo = randomBytes(16).toString('hex').toUpperCase();
      await q.query(
        `insert into national_sign_ins (sign_no, institution_id, terminal_id, opter, signed_in_at) values ($1, $2, $3, $4, $5)`,
        [signNo, c.institution.id, c.terminal.terminalId, opterNo, c.ctx.now],
      );
      return { signinoutb: { sign_time: formatTime(c.ctx.now), sign_no: signNo } };
    },
  },

  /** Sign-out: the sign_no stops being accepted. */
  '9002': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '9002', 'signOut');
      const signNo = field(d, 'sign_no', 'input.signOut');
      const { rows } = await q.query(
        `update national_sign_ins set signed_out_at = $3 where sign_no = $1 and institution_id = $2 and signed_out_at is null
         returning sign_no`,
        [signNo, c.institution.id, c.ctx.now],
      );
      if (!rows[0]) refuse('sign_no_invalid', `No open sign-in ${signNo} of this institution`);
      return { signoutoutb: { sign_time: formatTime(c.ctx.now) } };
    },
  },

  /**
   * The e-voucher decode (the ec.query an HIS calls on a scanned code): the core's scan checks the code,
   * the e-card and the person and audits the scan; the answer is a short token standing for the code.
   */
  'ec.query': {
    local: false,
    async run(c, q) {
      const d = dataOf(c.input, 'ec.query');
      const qr = field(d, 'qrcode');
      const eligibility = await scan(c.ctx, c.keys, c.terminal, { qr });
      const claims = await verifyScannedCode(c.ctx, c.keys, c.institution.id, qr);
      const { rows } = await q.query<{ person_id: string; region_code: string }>(
        'select e.person_id, p.region_code from ecards e join persons p on p.id = e.person_id where e.id = $1',
        [claims.ecardId],
      );
      const token = randomBytes(16).toString('hex');
      const expiresAt = new Date(claims.expiresAt.getTime() + c.ctx.config.qrClockSkewSeconds * 1000);
      await q.query(
        `insert into national_ec_tokens (token, institution_id, ecard_id, person_id, qr, expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [token, c.institution.id, claims.ecardId, rows[0]!.person_id, qr, expiresAt, c.ctx.now],
      );
      return {
        data: {
          ecToken: token,
          idType: '01',
          idNo: eligibility.person.maskedIdNumber,
          userName: eligibility.person.maskedName,
          insuOrg: rows[0]!.region_code,
          expireTime: formatTime(expiresAt),
        },
      };
    },
  },

  /** Person information, masked as the core masks for institutions. */
  '1101': {
    local: false,
    async run(c, q) {
      const p = await personByCert(c, q, dataOf(c.input, '1101'));
      return {
        baseinfo: {
          psn_no: p.id,
          psn_cert_type: '01',
          certno: maskIdNumber(p.id_number),
          psn_name: maskName(p.name),
          gend: null,
          naty: null,
          brdy: null,
          age: null,
        },
        insuinfo: [
          {
            balc: yuan(await accountBalance(q, p.id)),
            insutype: insutypeOf(p),
            psn_type: p.insurance_type === 'resident' ? '1501' : p.retired ? '12' : '11',
            psn_insu_stas: p.status === 'active' ? '1' : p.status === 'suspended' ? '2' : '4',
            psn_insu_date: null,
            paus_insu_date: null,
            cvlserv_flag: '0',
            insuplc_admdvs: p.region_code,
            emp_name: null,
          },
        ],
        idetinfo: [],
      };
    },
  },

  /** Outpatient registration: a visit (mdtrt_id) of the person the certificate names. */
  '2201': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '2201');
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
      const iptOtpNo = field(d, 'ipt_otp_no');
      const id = randomUUID();
      await q.query(
        `insert into national_visits (mdtrt_id, institution_id, person_id, med_type, ipt_otp_no, begntime, status, created_msgid, created_at)
         values ($1, $2, $3, '11', $4, $5, 'registered', $6, $7)`,
        [id, c.institution.id, person.id, iptOtpNo, begntime, c.env.msgid, c.ctx.now],
      );
      return { data: { mdtrt_id: id, psn_no: person.id, ipt_otp_no: iptOtpNo, exp_content: '' } };
    },
  },

  /** Cancels a registration that has no settlement. */
  '2202': {
    local: true,
    async run(c, q) {
      const v = await visitOf(c, q, dataOf(c.input, '2202'), true);
      checkOpen(v);
      await q.query(`update national_visits set status = 'cancelled' where mdtrt_id = $1`, [v.mdtrt_id]);
      await q.query(
        `update national_fee_details set status = 'cancelled' where mdtrt_id = $1 and status = 'active'`,
        [v.mdtrt_id],
      );
      return {};
    },
  },

  /** Visit information: the medical type (11 ordinary, 14 special/chronic outpatient). */
  '2203': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '2203', 'mdtinfo');
      const v = await visitOf(c, q, d, true);
      checkOpen(v);
      const medType = field(d, 'med_type', 'input.mdtinfo');
      if (!['11', '14'].includes(medType))
        refuse(
          'med_type_unsupported',
          `med_type ${medType} is not an outpatient type this gateway settles (11, 14)`,
        );
      await q.query('update national_visits set med_type = $2 where mdtrt_id = $1', [v.mdtrt_id, medType]);
      return {};
    },
  },

  /** Fee-detail upload: every item must be on the institution's price list, at its price. */
  '2204': {
    local: true,
    async run(c, q) {
      const list = (c.input as { feedetail?: unknown } | null)?.feedetail;
      if (!Array.isArray(list) || list.length === 0 || list.length > 500)
        refuse('input_invalid', '2204 needs input.feedetail as an array of 1 to 500 items');
      const rows = list as Record<string, unknown>[];
      const first = rows[0]!;
      if (typeof first !== 'object' || first === null)
        refuse('input_invalid', 'input.feedetail[0] is not an object');
      const visit = await visitOf(c, q, first, true);
      checkOpen(visit);
      const result = [];
      for (const [i, f] of rows.entries()) {
        const where = `input.feedetail[${i}]`;
        if (!f || typeof f !== 'object') refuse('input_invalid', `${where} is not an object`);
        if (field(f, 'mdtrt_id', where) !== visit.mdtrt_id || field(f, 'psn_no', where) !== visit.person_id)
          refuse('input_invalid', `${where} is of another visit: one 2204 uploads one visit’s fees`);
        const sn = field(f, 'feedetl_sn', where);
        const code = optional(f, 'med_list_codg') ?? optional(f, 'medins_list_codg');
        if (!code) refuse('field_missing', `${where}.med_list_codg (or medins_list_codg) is required`);
        const cnt = wholeCount(f.cnt);
        if (cnt === null) refuse('cnt_invalid', `${where}.cnt must be a whole number of at least 1`);
        const pric = yuanToFen(f.pric);
        const sumamt = yuanToFen(f.det_item_fee_sumamt);
        if (pric === null || sumamt === null || pric < 0)
          refuse(
            'amount_invalid',
            `${where}.pric and det_item_fee_sumamt must be yuan with at most two decimals`,
          );
        if (sumamt !== pric! * cnt!)
          refuse('amount_mismatch', `${where}.det_item_fee_sumamt ${yuan(sumamt!)} ≠ cnt × pric`);
        const { rows: items } = await q.query<{
          code: string;
          name: string;
          unit_price: number;
          catalogue: 'in' | 'out';
          category: 'A' | 'B' | null;
          service_type: string;
        }>(
          `select code, name, unit_price, catalogue, category, service_type from price_list_items
            where institution_id = $1 and code = any($2::text[]) order by code = $3 desc limit 1`,
          [
            c.institution.id,
            [optional(f, 'med_list_codg'), optional(f, 'medins_list_codg')].filter(Boolean),
            code,
          ],
        );
        const item = items[0];
        if (!item)
          refuse('item_not_in_price_list', `${where}: ${code} is not on the institution’s price list`);
        if (item!.unit_price !== pric)
          refuse(
            'price_mismatch',
            `${where}: ${code} is priced ${yuan(item!.unit_price)} on the price list, not ${yuan(pric!)}`,
          );
        try {
          await q.query(
            `insert into national_fee_details (mdtrt_id, feedetl_sn, code, name, quantity, unit_price, amount, catalogue, category,
               service_type, status, uploaded_msgid, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $12)`,
            [
              visit.mdtrt_id,
              sn,
              item!.code,
              item!.name,
              cnt,
              pric,
              sumamt,
              item!.catalogue,
              item!.category,
              item!.service_type,
              c.env.msgid,
              c.ctx.now,
            ],
          );
        } catch (err) {
          if (isUniqueViolation(err))
            refuse('feedetl_sn_duplicate', `${where}: feedetl_sn ${sn} is already uploaded`);
          throw err;
        }
        result.push({
          feedetl_sn: sn,
          det_item_fee_sumamt: yuan(sumamt!),
          cnt: String(cnt),
          pric: yuan(pric!),
          pric_uplmt_amt: null,
          selfpay_prop: null,
          fulamt_ownpay_amt: yuan(item!.catalogue === 'out' ? sumamt! : 0),
          overlmt_amt: yuan(0),
          preselfpay_amt: null,
          inscp_scp_amt: null,
          chrgitm_lv: chrgitmLv(item!),
          med_chrgitm_type: null,
          memo: null,
        });
      }
      return { result };
    },
  },

  /** Cancels fee details not yet settled: one feedetl_sn, or all with 0000. */
  '2205': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '2205');
      const v = await visitOf(c, q, d, true);
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
  },

  /** Pre-settlement: the core's estimate of the visit's fees; nothing is written, the code is not used. */
  '2206': {
    local: false,
    async run(c, q) {
      const { visit, person, token, bill } = await settlementInput(c, q);
      checkOpen(visit);
      const out = await settle(c.ctx, c.keys, c.terminal, { qr: token.qr, bill, estimate: true }, undefined);
      return settlementOutput(c, out.body, visit, person, null);
    },
  },

  /**
   * Settlement: the core's `settle()` with the code behind the e-voucher token, idempotency key
   * `national:<msgid>`. The visit records the message under way first, so a second 2207 with another msgid
   * cannot pay it twice whatever happened to the first.
   */
  '2207': {
    local: false,
    async run(c, q) {
      const { visit, person, token, bill } = await settlementInput(c, q);
      const msgid = c.env.msgid;
      await c.ctx.db.transaction(async (tx) => {
        const v = await visitOf(c, tx, { mdtrt_id: visit.mdtrt_id, psn_no: visit.person_id }, true);
        if (v.pending_msgid !== msgid) checkOpen(v);
        await tx.query('update national_visits set pending_msgid = $2 where mdtrt_id = $1', [
          v.mdtrt_id,
          msgid,
        ]);
      });
      // Committed before (the answer was lost)? Then that is the answer, even if the code has expired since.
      let view = await committedSettlement(c, q, msgid);
      if (!view) {
        try {
          view = (await settle(c.ctx, c.keys, c.terminal, { qr: token.qr, bill }, `national:${msgid}`)).body;
        } catch (err) {
          // Refused, so nothing was written: the visit is open again.
          if (!(await committedSettlement(c, q, msgid)))
            await q.query(
              'update national_visits set pending_msgid = null where mdtrt_id = $1 and pending_msgid = $2',
              [visit.mdtrt_id, msgid],
            );
          throw err;
        }
      }
      await q.query('update national_visits set setl_id = $2 where mdtrt_id = $1 and pending_msgid = $3', [
        visit.mdtrt_id,
        view.id,
        msgid,
      ]);
      const out = { body: view };
      return settlementOutput(c, out.body, visit, person, out.body.id);
    },
  },

  /** Settlement cancel: the core's `refund()` of the whole settlement; the visit's fees can be settled again. */
  '2208': {
    local: false,
    async run(c, q) {
      const d = dataOf(c.input, '2208');
      const setlId = field(d, 'setl_id');
      const visit = await visitOf(c, q, d);
      const person = await personById(q, visit.person_id);
      checkInsuredRegion(c, person);
      // Refunded by this msgid before, the answer lost after the core's commit: the same refund again.
      const { rows: done } = await q.query<{ id: string }>(
        `select response_body->>'settlementId' as id from idempotency_keys where scope = $1 and key = $2`,
        [`refund:${c.institution.id}`, `national:${c.env.msgid}`],
      );
      if (visit.setl_id !== setlId && done[0]?.id !== setlId)
        refuse('settlement_not_found', `The visit has no settlement ${setlId} in force at this institution`);
      return cancelSettlement(c, q, visit, setlId, person, `2208 ${c.env.msgid}`);
    },
  },

  /** Daily totals reconciliation over the core's `reconcile()`: stmt_rslt 0 when the figures match. */
  '3201': {
    local: false,
    async run(c, q) {
      const d = dataOf(c.input, '3201');
      const from = field(d, 'stmt_begndate').slice(0, 10);
      const to = field(d, 'stmt_enddate').slice(0, 10);
      const day = /^\d{4}-\d{2}-\d{2}$/;
      if (!day.test(from) || !day.test(to) || from > to)
        refuse(
          'field_invalid',
          'stmt_begndate and stmt_enddate must be yyyy-MM-dd, the first not after the second',
        );
      const days: string[] = [];
      for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
        // eslint-disable-next-line no-restricted-syntax -- stepping through calendar dates given as dates (midnight UTC)
        days.push(new Date(t).toISOString().slice(0, 10));
        if (days.length > 31) refuse('field_invalid', 'Reconcile at most 31 days at once');
      }
      const agency = { medfee: 0, fund: 0, acct: 0, count: 0 };
      for (const date of days) {
        const r = await reconcile(q, c.institution.id, date);
        agency.medfee += r.settlements.total - r.refunds.total;
        agency.fund += r.settlements.fund - r.refunds.fund;
        agency.acct += r.settlements.accountPaid - r.refunds.accountPaid;
        agency.count += r.settlements.count + r.refunds.count;
      }
      const theirs = {
        medfee: yuanToFen(d.medfee_sumamt),
        fund: yuanToFen(d.fund_pay_sumamt),
        acct: yuanToFen(d.acct_pay),
        count: wholeCount(d.fixmedins_setl_cnt) ?? (String(d.fixmedins_setl_cnt) === '0' ? 0 : null),
      };
      if (theirs.medfee === null || theirs.fund === null || theirs.acct === null || theirs.count === null)
        refuse(
          'amount_invalid',
          'medfee_sumamt, fund_pay_sumamt, acct_pay must be yuan; fixmedins_setl_cnt a count',
        );
      const differ = (['medfee', 'fund', 'acct', 'count'] as const).filter((k) => theirs[k] !== agency[k]);
      const names = {
        medfee: 'medfee_sumamt',
        fund: 'fund_pay_sumamt',
        acct: 'acct_pay',
        count: 'fixmedins_setl_cnt',
      };
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
};

/** The core's stored answer of the settlement made for `msgid`, if it committed. */
async function committedSettlement(c: Call, q: Queryable, msgid: string): Promise<SettlementView | null> {
  const { rows } = await q.query<{ response_body: SettlementView }>(
    'select response_body from idempotency_keys where scope = $1 and key = $2',
    [`settlement:${c.institution.id}`, `national:${msgid}`],
  );
  return rows[0]?.response_body ?? null;
}

/** Refunds the whole settlement (core `refund()`, key `national:<msgid>`) and reopens the visit. */
async function cancelSettlement(
  c: Call,
  q: Queryable,
  visit: VisitRow,
  setlId: string,
  person: PersonRow,
  reason: string,
) {
  const r = await refund(c.ctx, c.terminal, setlId, { reason }, `national:${c.env.msgid}`);
  await q.query('update national_visits set setl_id = null, pending_msgid = null where mdtrt_id = $1', [
    visit.mdtrt_id,
  ]);
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
    },
  };
}

/** Reversal (2601) of an earlier 2207 by its msgid, whether or not its settlement committed. */
TRANSACTIONS['2601'] = {
  local: false,
  async run(c, q) {
    const d = dataOf(c.input, '2601');
    const omsgid = field(d, 'omsgid');
    const oinfno = field(d, 'oinfno');
    if (oinfno !== '2207') refuse('oinfno_unsupported', 'This gateway reverses 2207 settlements only');
    if (!omsgid.startsWith(c.institution.code))
      refuse('message_not_found', `No message ${omsgid} of this institution`);
    const person = await personById(q, field(d, 'psn_no'));
    const committed = await committedSettlement(c, q, omsgid);
    const { rows: visits } = await q.query<VisitRow>(
      `select mdtrt_id, person_id, med_type, ipt_otp_no, status, setl_id, pending_msgid from national_visits
        where institution_id = $1 and person_id = $2 and pending_msgid = $3`,
      [c.institution.id, person.id, omsgid],
    );
    const { rows: stored } = await q.query<{ reversed_by: string | null }>(
      'select reversed_by from national_messages where msgid = $1 and institution_id = $2',
      [omsgid, c.institution.id],
    );
    if (stored[0]?.reversed_by)
      refuse('already_reversed', `${omsgid} was already reversed by ${stored[0].reversed_by}`);
    if (!committed && !visits[0] && !stored[0])
      refuse('message_not_found', `No message ${omsgid} of this institution`);
    let output: unknown = {
      data: { omsgid, oinfno, rever_rslt: '0', memo: 'the settlement never committed' },
    };
    if (committed?.id) {
      const { rows: s } = await q.query<{ status: string; person_id: string }>(
        'select status, person_id from settlements where id = $1',
        [committed.id],
      );
      if (s[0]?.person_id !== person.id) refuse('message_not_found', `${omsgid} settled another person`);
      const visit = visits[0];
      if (s[0]?.status === 'settled' && visit)
        output = await cancelSettlement(c, q, visit, committed.id, person, `2601 ${c.env.msgid}`);
      else if (s[0]?.status === 'settled')
        refuse('settlement_not_found', `The settlement of ${omsgid} is not in force on a visit`);
      else
        output = { data: { omsgid, oinfno, rever_rslt: '0', memo: 'the settlement was already cancelled' } };
    }
    for (const v of visits)
      await q.query(
        'update national_visits set pending_msgid = null where mdtrt_id = $1 and pending_msgid = $2',
        [v.mdtrt_id, omsgid],
      );
    // A later resend of the reversed message is refused (see messages.ts).
    await q.query(
      `insert into national_messages (msgid, institution_id, infno, request_hash, response, reversed_by, created_at)
       values ($1, $2, $3, null, null, $4, $5)
       on conflict (msgid) do update set reversed_by = excluded.reversed_by`,
      [omsgid, c.institution.id, oinfno, c.env.msgid, c.ctx.now],
    );
    return output;
  },
};

export function transactionOf(infno: string): Transaction | undefined {
  return Object.hasOwn(TRANSACTIONS, infno) ? TRANSACTIONS[infno] : undefined;
}

export const SUPPORTED_INFNOS = Object.keys(TRANSACTIONS).sort();
