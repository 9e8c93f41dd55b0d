/**
 * An HIS client of the national terminal interface, written from its published field lists (not from our
 * schemas): it signs every message with SM3withSM2 (`sm-crypto`, as HIS vendors do), can encrypt input with
 * SM4 and decrypt the output, and speaks yuan with two decimals. Used by the conformance tests in src/national.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { call, type TestEnv } from './env.ts';
import { activeEcard, countRows, createTill, depositTo, qrOf } from './factories.ts';

const { sm2 } = smCrypto;

/** The Beijing wall clock, as the HIS formats it. */
export function beijing(at: Date, compact = false): string {
  const s = new Date(at.getTime() + 8 * 3600_000).toISOString();
  const [date, time] = [s.slice(0, 10), s.slice(11, 19)];
  return compact ? (date + time).replace(/[-:]/g, '') : `${date} ${time}`;
}

/** Keys sorted at every level, no whitespace: the signed text (docs/NATIONAL-INTERFACE.md). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Yuan text → fen, by the digits. */
export const fen = (yuan: string) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(yuan);
  assert.ok(m, `two-decimal yuan, got ${yuan}`);
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
};

/** The settlement output fields the core holds a figure for (DOMAIN.md), compared to the fen. */
const CORE_FIGURES = [
  'medfee_sumamt',
  'fulamt_ownpay_amt',
  'overlmt_selfpay',
  'preselfpay_amt',
  'inscp_scp_amt',
  'act_pay_dedc',
  'hifp_pay',
  'fund_pay_sumamt',
  'psn_part_amt',
  'acct_pay',
  'acct_mulaid_pay',
  'psn_cash_pay',
  'balc',
] as const;

export class His {
  private seq = 0;
  signNo = '';
  readonly keys = sm2.generateKeyPairHex();
  sm4Key = '';
  /** Encrypt every message's input (and expect encrypted output). */
  sm4 = false;
  constructor(
    private readonly env: TestEnv,
    readonly code: string,
    readonly terminal: string,
    readonly insuplc = 'demo',
  ) {}

  newMsgid(): string {
    return this.code + beijing(this.env.clock.now(), true) + String(++this.seq % 10_000).padStart(4, '0');
  }

  message(infno: string, input: unknown, extra: Record<string, unknown> = {}) {
    const m: Record<string, unknown> = {
      infno,
      msgid: this.newMsgid(),
      mdtrtarea_admvs: this.insuplc,
      insuplc_admdvs: this.insuplc,
      recer_sys_code: 'YBXT',
      dev_no: '',
      dev_safe_info: '',
      signtype: 'SM2',
      infver: 'V1.0',
      opter_type: '1',
      opter: 'D001',
      opter_name: '张医生',
      inf_time: beijing(this.env.clock.now()),
      fixmedins_code: this.code,
      fixmedins_name: '测试机构',
      sign_no: this.signNo,
      input,
      ...(this.sm4 ? { enc_type: 'SM4' } : {}),
      ...extra,
    };
    if (m.enc_type === 'SM4') {
      const c = createCipheriv('sm4-ecb', Buffer.from(this.sm4Key, 'hex'), null);
      m.input = Buffer.concat([c.update(JSON.stringify(input), 'utf8'), c.final()]).toString('hex');
    }
    return this.sign(m);
  }

  sign(m: Record<string, unknown>): Record<string, unknown> & { msgid: string; cainfo: string } {
    const rest = { ...m };
    delete rest.cainfo;
    const cainfo = sm2.doSignature(canonical(rest), this.keys.privateKey, { hash: true });
    return { ...m, msgid: String(m.msgid), cainfo };
  }

  async post(m: Record<string, unknown>, opts: { path?: string; token?: string | null; lang?: string } = {}) {
    const r = await call(this.env.app, 'POST', opts.path ?? '/fsi/api/callService', {
      token: opts.token === null ? undefined : (opts.token ?? this.terminal),
      body: m,
      headers: opts.lang ? { 'accept-language': opts.lang } : {},
    });
    assert.equal(r.status, 200, r.raw);
    return r.body;
  }

  /** The output of an answer, decrypted when the message was encrypted. */
  outputOf(m: Record<string, unknown>, a: { output: unknown }) {
    if (m.enc_type !== 'SM4') return a.output as any;
    const d = createDecipheriv('sm4-ecb', Buffer.from(this.sm4Key, 'hex'), null);
    return JSON.parse(
      Buffer.concat([d.update(Buffer.from(String(a.output), 'hex')), d.final()]).toString('utf8'),
    );
  }

  /** Sends a message that must succeed and returns its (decrypted) output. */
  async send(infno: string, input: unknown, extra: Record<string, unknown> = {}) {
    const m = this.message(infno, input, extra);
    const a = await this.post(m);
    assert.equal(a.infcode, 0, `${infno}: ${a.err_msg}`);
    assert.match(a.inf_refmsgid, /^\d{30}$/);
    assert.match(a.respond_time, /^\d{17}$/);
    return this.outputOf(m, a);
  }

  async refused(
    m: Record<string, unknown>,
    prefix: string,
    opts: { path?: string; token?: string | null; lang?: string } = {},
  ) {
    const a = await this.post(m, opts);
    assert.equal(a.infcode, -1, JSON.stringify(a));
    assert.ok(String(a.err_msg).startsWith(`${prefix}:`), `expected ${prefix}, got ${a.err_msg}`);
    assert.equal(a.output, null);
    return a;
  }

  async signIn() {
    this.signNo = (
      await this.send('9001', { signIn: { opter_no: 'D001', mac: '', ip: '' } })
    ).signinoutb.sign_no;
  }

  /** The e-voucher decode of a fresh code of the person's, then 1101 by the token. */
  async decode(person: { token: string }) {
    const ec = await this.send('ec.query', {
      data: { qrcode: await qrOf(this.env, person), businessType: '01101' },
    });
    const token = ec.data.ecToken as string;
    const info = await this.send('1101', {
      data: {
        mdtrt_cert_type: '01',
        mdtrt_cert_no: token,
        card_sn: '',
        psn_cert_type: '',
        certno: '',
        psn_name: '',
      },
    });
    return {
      token,
      info,
      psnNo: info.baseinfo.psn_no as string,
      insutype: info.insuinfo[0].insutype as string,
    };
  }
}

export interface PriceItem {
  code: string;
  name: string;
  unitPrice: number;
}

/** An outpatient price list: class A, class B, out of catalogue (by the test catalogue's mappings). */
export const OUTPATIENT_ITEMS: PriceItem[] = [
  {
    code: 'XJ0001',
    name: '阿莫西林胶囊',
    unitPrice: 1234,
  },
  {
    code: 'XJ0002',
    name: '布洛芬缓释胶囊',
    unitPrice: 2000,
  },
  { code: 'ZF0001', name: '保健品', unitPrice: 500 },
];

/** A hospital or pharmacy with a terminal, its registered SM2 key and price list, and a person with 30 yuan. */
export async function nationalSetUp(env: TestEnv, kind: 'hospital' | 'pharmacy', items: PriceItem[]) {
  const till = await createTill(env, { kind });
  const his = new His(env, till.code, till.terminal);
  const reg = await call(env.app, 'PUT', `/v1/admin/institutions/${till.institutionId}/national-key`, {
    token: env.adminToken,
    body: { sm2PublicKey: his.keys.publicKey },
  });
  assert.equal(reg.status, 200, reg.raw);
  assert.match(reg.body.sm4Key, /^[0-9a-f]{32}$/);
  his.sm4Key = reg.body.sm4Key;
  for (const body of items) {
    const r = await call(env.app, 'POST', '/v1/institution/price-list', { token: till.staffToken, body });
    assert.equal(r.status, 201, r.raw);
  }
  const person = await activeEcard(env);
  await depositTo(env, person.personId, 3000);
  return { till, his, person };
}

/** A fee line as an HIS uploads it (2204 / 2301 feedetail, 2101 / 2102 drugdetail). */
export function feeLine(
  sn: string,
  codg: string,
  pric: string | number,
  cnt: number,
  sum: string | number,
  visit = {},
) {
  return {
    feedetl_sn: sn,
    ...visit,
    chrg_bchno: 'B001',
    rxno: '',
    rx_circ_flag: '0',
    fee_ocur_time: '2026-06-15 10:00:00',
    med_list_codg: codg,
    medins_list_codg: codg,
    det_item_fee_sumamt: sum,
    cnt,
    pric,
    bilg_dept_codg: 'NK',
    bilg_dept_name: '内科',
    bilg_dr_codg: 'D001',
    bilg_dr_name: '张医生',
  };
}

/** The core's own record of a settlement, its national figures compared with an output's, to the fen. */
export async function assertCoreFigures(env: TestEnv, terminal: string, setlinfo: Record<string, string>) {
  const core = await call(env.app, 'GET', `/v1/terminal/settlements/${setlinfo.setl_id}`, {
    token: terminal,
  });
  assert.equal(core.status, 200, core.raw);
  for (const k of CORE_FIGURES) assert.equal(fen(setlinfo[k]!), core.body.national[k], k);
  assert.match(setlinfo.pool_prop_selfpay!, /^[01]\.\d{4}$/, 'pool_prop_selfpay is a ratio');
  assert.equal(
    fen(setlinfo.psn_part_amt!),
    fen(setlinfo.acct_pay!) + fen(setlinfo.acct_mulaid_pay!) + fen(setlinfo.psn_cash_pay!),
  );
  assert.equal(fen(setlinfo.medfee_sumamt!), fen(setlinfo.fund_pay_sumamt!) + fen(setlinfo.psn_part_amt!));
  return core.body;
}

/** Row counts of the gateway's and the money tables, to show a refusal wrote nothing. */
const NATIONAL_TABLES = [
  'national_messages',
  'national_sign_ins',
  'national_visits',
  'national_fee_details',
  'national_ec_tokens',
  'settlements',
  'refunds',
  'ledger_postings',
];
export const tableCounts = (env: TestEnv) => Promise.all(NATIONAL_TABLES.map((t) => countRows(env, t)));
