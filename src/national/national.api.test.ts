/**
 * Conformance: an HIS client written from the national interface's field lists (not from our schemas)
 * signs its messages with SM3withSM2, signs in, decodes the e-voucher, looks the person up, registers a
 * visit, uploads fees, pre-settles, settles, resends, cancels and reconciles; every figure is checked against
 * the core's own settlement, to the fen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import { countRows, qrOf } from '../../test/support/factories.ts';
import {
  His,
  assertCoreFigures,
  beijing,
  fen,
  feeLine,
  OUTPATIENT_ITEMS,
  nationalSetUp,
} from '../../test/support/national-his.ts';

const setUp = (env: TestEnv) => nationalSetUp(env, 'hospital', OUTPATIENT_ITEMS);

const fees = (mdtrtId: string, psnNo: string) =>
  (
    [
      ['1', 'XJ0001', '12.34', 2, '24.68'],
      ['2', 'XJ0002', '20.00', 1, '20.00'],
      ['3', 'ZF0001', 5, 1, 5],
    ] as const
  ).map(([sn, codg, pric, cnt, sum]) =>
    feeLine(sn, codg, pric, cnt, sum, { mdtrt_id: mdtrtId, psn_no: psnNo }),
  );

/** Sign-in, decode, 1101, 2201, 2204: a visit with fees, and the e-voucher token to settle it with. */
async function visitWithFees(env: TestEnv, his: His, person: { token: string }) {
  if (!his.signNo) await his.signIn();
  const { token, info } = await his.decode(person);
  const psnNo = info.baseinfo.psn_no as string;
  const reg = await his.send('2201', {
    data: {
      psn_no: psnNo,
      insutype: info.insuinfo[0].insutype,
      begntime: beijing(env.clock.now()),
      mdtrt_cert_type: '01',
      mdtrt_cert_no: token,
      ipt_otp_no: `MZ${Date.now()}`,
      atddr_no: 'D001',
      dr_name: '张医生',
      dept_code: 'NK',
      dept_name: '内科',
      caty: 'A03',
    },
  });
  const mdtrtId = reg.data.mdtrt_id as string;
  const uploaded = await his.send('2204', { feedetail: fees(mdtrtId, psnNo) });
  const settleData = {
    psn_no: psnNo,
    mdtrt_cert_type: '01',
    mdtrt_cert_no: token,
    med_type: '11',
    medfee_sumamt: '49.68',
    psn_setlway: '01',
    mdtrt_id: mdtrtId,
    chrg_bchno: 'B001',
    insutype: info.insuinfo[0].insutype,
    acct_used_flag: '1',
  };
  return { token, info, psnNo, mdtrtId, uploaded, settleData };
}

forEachStore('the national terminal interface', (env) => {
  test('an HIS runs a whole outpatient visit, signed and SM4-encrypted, every figure the core’s to the fen', async () => {
    const { his, person, till } = await setUp(env());
    his.sm4 = true;
    const v = await visitWithFees(env(), his, person);
    assert.equal(
      v.info.baseinfo.certno,
      person.idNumber.slice(0, 4) + '**********' + person.idNumber.slice(-4),
    );
    assert.ok(!JSON.stringify(v.info).includes(person.name), 'the name is masked');
    assert.equal(v.info.insuinfo[0].balc, '30.00');
    assert.equal(v.info.insuinfo[0].insuplc_admdvs, 'demo');
    assert.deepEqual(
      v.uploaded.result.map((r: Record<string, string>) => [
        r.feedetl_sn,
        r.det_item_fee_sumamt,
        r.chrgitm_lv,
        r.fulamt_ownpay_amt,
      ]),
      [
        ['1', '24.68', '01', '0.00'],
        ['2', '20.00', '02', '0.00'],
        ['3', '5.00', '03', '5.00'],
      ],
    );

    const pre = await his.send('2206', { data: v.settleData });
    assert.equal(pre.setlinfo.setl_id, null);
    const settledBefore = await countRows(env(), 'settlements');
    const m2207 = his.message('2207', { data: { ...v.settleData, invoice_no: 'FP001' } });
    const first = await his.post(m2207);
    assert.equal(first.infcode, 0, first.err_msg);
    const out = his.outputOf(m2207, first);
    const s = out.setlinfo;
    assert.equal(await countRows(env(), 'settlements'), settledBefore + 1);

    // The core's own record of the same settlement: every figure to the fen.
    const core = await assertCoreFigures(env(), till.terminal, s);
    const t = core.result.totals;
    assert.equal(fen(s.medfee_sumamt), 4968);
    assert.equal(fen(s.fulamt_ownpay_amt), 500);
    assert.equal(fen(s.acct_pay), 3000, 'the whole balance pays first');
    assert.equal(fen(s.balc), 0);
    assert.equal(fen(out.setldetail[0].crt_payb_lmt_amt), t.fundLimitRemaining);
    assert.equal(
      out.setldetail[0].fund_pay_type,
      v.info.insuinfo[0].insutype === '390' ? '390100' : '310100',
    );
    assert.equal(s.medins_setl_id, m2207.msgid);
    assert.equal(s.mdtrt_id, v.mdtrtId);
    assert.equal(s.psn_no, v.psnNo);
    // The pre-settlement said the same.
    for (const k of Object.keys(pre.setlinfo).filter(
      (k) => !['setl_id', 'setl_time', 'medins_setl_id'].includes(k),
    ))
      assert.deepEqual(pre.setlinfo[k], s[k], k);

    // The same msgid again: the first answer, nothing moves twice.
    const again = await his.post(m2207);
    assert.deepEqual(again, first);
    assert.equal(await countRows(env(), 'settlements'), settledBefore + 1);
    // The same msgid with another body is refused.
    await his.refused(
      his.sign({
        ...his.message('2207', { data: { ...v.settleData, invoice_no: 'FP002' } }),
        msgid: m2207.msgid,
      }),
      'msgid_reused',
    );
    // A second settlement of the settled visit under a new msgid is refused.
    await his.refused(his.message('2207', { data: v.settleData }), 'visit_settled');
    // Fees of a settled visit cannot change.
    await his.refused(
      his.message('2205', { data: { feedetl_sn: '0000', mdtrt_id: v.mdtrtId, psn_no: v.psnNo } }),
      'visit_settled',
    );

    // Reconciliation of the day: the HIS's totals match.
    const day = beijing(env().clock.now()).slice(0, 10);
    const stmt = (medfee: string, fund: string, acct: string, cnt: number) =>
      his.send('3201', {
        data: {
          insutype: v.info.insuinfo[0].insutype,
          clr_type: '11',
          setl_optins: 'demo',
          stmt_begndate: day,
          stmt_enddate: day,
          medfee_sumamt: medfee,
          fund_pay_sumamt: fund,
          acct_pay: acct,
          fixmedins_setl_cnt: cnt,
        },
      });
    const ok = await stmt(s.medfee_sumamt, s.fund_pay_sumamt, s.acct_pay, 1);
    assert.equal(ok.stmt_sum.stmt_rslt, '0', ok.stmt_sum.stmt_rslt_dscr);
    const off = await stmt('49.67', s.fund_pay_sumamt, s.acct_pay, 1);
    assert.equal(off.stmt_sum.stmt_rslt, '1');
    assert.equal(off.stmt_sum.medfee_sumamt, s.medfee_sumamt);

    // Cancel the settlement: the core refunds it and the account gets its money back.
    const m2208 = his.message('2208', { data: { setl_id: s.setl_id, mdtrt_id: v.mdtrtId, psn_no: v.psnNo } });
    const cancelled = await his.post(m2208);
    assert.equal(cancelled.infcode, 0, cancelled.err_msg);
    const cancel = his.outputOf(m2208, cancelled);
    assert.equal(fen(cancel.setlinfo.medfee_sumamt), -4968);
    assert.equal(fen(cancel.setlinfo.acct_pay), -3000);
    assert.equal(cancel.setlinfo.balc, '30.00');
    // Its answer lost after the core's commit, with our record of it: the resend gets the same refund.
    const refunds = await countRows(env(), 'refunds');
    await env().db.query('delete from national_messages where msgid = $1', [m2208.msgid]);
    const resent = await his.post(m2208);
    assert.equal(resent.infcode, 0, resent.err_msg);
    assert.equal(his.outputOf(m2208, resent).setlinfo.setl_id, cancel.setlinfo.setl_id);
    assert.equal(await countRows(env(), 'refunds'), refunds);
    const after = await call(env().app, 'GET', `/v1/terminal/settlements/${s.setl_id}`, {
      token: till.terminal,
    });
    assert.equal(after.body.status, 'refunded');
    const net = await stmt('0.00', '0.00', '0.00', 2);
    assert.equal(net.stmt_sum.stmt_rslt, '0', net.stmt_sum.stmt_rslt_dscr);

    // Sign-out: later messages are refused.
    await his.send('9002', { signOut: { sign_no: his.signNo, opter_no: 'D001' } });
    await his.refused(
      his.message('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.idNumber } }),
      'sign_in_required',
    );
  });

  test('the per-transaction path form, ID-number lookup and SM4-encrypted input and output', async () => {
    const { his, person } = await setUp(env());
    const signIn = his.message('9001', { signIn: { opter_no: 'D001', mac: '', ip: '' } });
    const a = await his.post(signIn, { path: '/fsi/api/9001' });
    assert.equal(a.infcode, 0, a.err_msg);
    his.signNo = a.output.signinoutb.sign_no;
    await his.refused(his.message('1101', { data: {} }), 'infno_mismatch', { path: '/fsi/api/9001' });
    await his.refused(his.message('1101', { data: {} }), 'field_missing', { path: '/fsi/api/1101' });
    // The path form with no infno in the body: the signature covers the body as sent.
    const { infno: _i, ...noInfno } = his.message('1101', {
      data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.idNumber },
    });
    void _i;
    const byPath = await his.post(his.sign(noInfno), { path: '/fsi/api/1101' });
    assert.equal(byPath.infcode, 0, byPath.err_msg);
    assert.equal(byPath.output.baseinfo.psn_no, person.personId);
    const enc = await his.send(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.idNumber } },
      { enc_type: 'SM4' },
    );
    assert.equal(enc.baseinfo.psn_no, person.personId);
    const plain = his.message(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.idNumber } },
      { enc_type: 'SM4' },
    );
    await his.refused(his.sign({ ...plain, input: 'ABCDEF' }), 'decrypt_failed');
  });

  test('every refusal is infcode -1 with a stable err_msg prefix, and writes nothing', async () => {
    const { his, person, till } = await setUp(env());
    const other = await setUp(env());
    const ok = await visitWithFees(env(), his, person);
    const settled = await his.send('2207', { data: ok.settleData });
    const tables = [
      'national_messages',
      'national_sign_ins',
      'national_visits',
      'national_fee_details',
      'settlements',
      'refunds',
      'national_ec_tokens',
    ];
    const counts = async () => Promise.all(tables.map((t) => countRows(env(), t)));
    const before = await counts();
    const input1101 = { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.idNumber } };
    const good = his.message('1101', input1101);

    await his.refused({ ...good, cainfo: other.his.sign(good).cainfo }, 'signature_invalid');
    // A field changed after signing.
    await his.refused({ ...good, opter_name: '李医生' }, 'signature_invalid');
    await his.refused(his.sign({ ...good, signtype: 'RSA' }), 'signtype_unsupported');
    await his.refused(
      his.sign({ ...good, inf_time: beijing(new Date(env().clock.now().getTime() - 600_000)) }),
      'inf_time_stale',
    );
    await his.refused(his.sign({ ...good, inf_time: '2026/06/15' }), 'inf_time_invalid');
    await his.refused(
      his.sign({ ...good, fixmedins_code: 'H99999999999', msgid: 'H99999999999' + good.msgid.slice(12) }),
      'fixmedins_code_unknown',
    );
    await his.refused(
      his.sign({ ...good, fixmedins_code: other.till.code, msgid: other.till.code + good.msgid.slice(12) }),
      'fixmedins_code_mismatch',
    );
    await his.refused(his.sign({ ...good, msgid: good.msgid.slice(0, 29) }), 'msgid_invalid');
    await his.refused(his.sign({ ...good, msgid: his.code + '20261345250000' + '0001' }), 'msgid_invalid');
    await his.refused(his.sign({ ...good, sign_no: 'NOPE' }), 'sign_in_required');
    await his.refused(his.sign({ ...good, infno: '9999' }), 'infno_unsupported');
    const missing = his.sign({ ...good, input: { data: { mdtrt_cert_type: '02' } } });
    // In the reader's language: Chinese by default, naming the field; English keeps the full sentence.
    const zh = await his.refused(missing, 'field_missing');
    assert.equal(zh.err_msg, 'field_missing: 缺少必填字段（input.data.mdtrt_cert_no）');
    const en = await his.refused(missing, 'field_missing', { lang: 'en' });
    assert.equal(en.err_msg, 'field_missing: input.data.mdtrt_cert_no is required');
    // A refusal of the core reads in the language too.
    assert.match(
      (await his.refused(his.sign({ ...good, infno: '9999' }), 'infno_unsupported')).err_msg,
      /不支持/,
    );
    await his.refused(good, 'terminal_credential_required', { token: null });
    await his.refused(good, 'invalid_token', { token: 'ybt_nonsense' });
    const { cainfo: _c, ...unsigned } = good;
    void _c;
    await his.refused(unsigned, 'envelope_invalid');
    const broken = await call(env().app, 'POST', '/fsi/api/callService', {
      token: till.terminal,
      payload: '{"infno":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.infcode, -1);
    assert.match(broken.body.err_msg, /^malformed_request: /);
    // Cancel of another institution's settlement.
    other.his.signNo = (
      await other.his.send('9001', { signIn: { opter_no: 'X', mac: '', ip: '' } })
    ).signinoutb.sign_no;
    await other.his.refused(
      other.his.message('2208', {
        data: { setl_id: settled.setlinfo.setl_id, mdtrt_id: ok.mdtrtId, psn_no: ok.psnNo },
      }),
      'visit_not_found',
    );
    // Reversal of an unknown message.
    await his.refused(
      his.message('2601', { data: { psn_no: ok.psnNo, omsgid: his.newMsgid(), oinfno: '2207' } }),
      'message_not_found',
    );
    // Fees not on the price list, at another price, or with a total that is not cnt × pric.
    const v2 = await his.send('2201', {
      data: {
        ...ok.settleData,
        begntime: beijing(env().clock.now()),
        ipt_otp_no: 'MZ2',
        insutype: ok.info.insuinfo[0].insutype,
      },
    });
    const afterReg = await counts();
    const fee = fees(v2.data.mdtrt_id, ok.psnNo)[0]!;
    await his.refused(
      his.message('2204', { feedetail: [{ ...fee, med_list_codg: 'NOPE', medins_list_codg: 'NOPE' }] }),
      'item_not_in_price_list',
    );
    await his.refused(
      his.message('2204', { feedetail: [{ ...fee, pric: '12.00', det_item_fee_sumamt: '24.00' }] }),
      'price_mismatch',
    );
    await his.refused(
      his.message('2204', { feedetail: [{ ...fee, det_item_fee_sumamt: '24.67' }] }),
      'amount_mismatch',
    );
    await his.refused(his.message('2204', { feedetail: [{ ...fee, pric: '12.345' }] }), 'amount_invalid');
    await his.refused(his.message('2204', { feedetail: [fee, fee] }), 'feedetl_sn_duplicate');
    assert.deepEqual(await counts(), afterReg, 'the refused uploads wrote nothing');
    // A total that is not the uploaded fees'.
    await his.send('2204', { feedetail: [fee] });
    await his.refused(
      his.message('2206', { data: { ...ok.settleData, mdtrt_id: v2.data.mdtrt_id, medfee_sumamt: '24.67' } }),
      'medfee_sumamt_mismatch',
    );
    assert.deepEqual((await counts()).slice(4), before.slice(4), 'no settlement or refund moved');
  });

  test('2601 reverses a settlement whose answer was lost, whether or not it committed', async () => {
    const { his, person, till } = await setUp(env());
    // Committed, but the answer (and our record of it) was lost: the crash came after the core's commit.
    const a = await visitWithFees(env(), his, person);
    const lost = his.message('2207', { data: a.settleData });
    const settled = await his.post(lost);
    assert.equal(settled.infcode, 0, settled.err_msg);
    await env().db.query('delete from national_messages where msgid = $1', [lost.msgid]);
    await env().db.query('update national_visits set setl_id = null where mdtrt_id = $1', [a.mdtrtId]);
    const rev = await his.send('2601', { data: { psn_no: a.psnNo, omsgid: lost.msgid, oinfno: '2207' } });
    assert.equal(fen(rev.setlinfo.medfee_sumamt), -4968);
    const s = await call(env().app, 'GET', `/v1/terminal/settlements/${settled.output.setlinfo.setl_id}`, {
      token: till.terminal,
    });
    assert.equal(s.body.status, 'refunded');
    await his.refused(lost, 'message_reversed');
    await his.refused(
      his.message('2601', { data: { psn_no: a.psnNo, omsgid: lost.msgid, oinfno: '2207' } }),
      'already_reversed',
    );

    // Never committed: the crash came before the core's settlement. The visit is open again afterwards.
    await env().db.query('update national_visits set pending_msgid = $2 where mdtrt_id = $1', [
      a.mdtrtId,
      his.newMsgid(),
    ]);
    const { rows } = await env().db.query<{ pending_msgid: string }>(
      'select pending_msgid from national_visits where mdtrt_id = $1',
      [a.mdtrtId],
    );
    await his.refused(his.message('2207', { data: a.settleData }), 'settlement_unresolved');
    const before = await countRows(env(), 'refunds');
    const none = await his.send('2601', {
      data: { psn_no: a.psnNo, omsgid: rows[0]!.pending_msgid, oinfno: '2207' },
    });
    assert.equal(none.data.rever_rslt, '0');
    assert.equal(await countRows(env(), 'refunds'), before);
    // The visit settles again, with a fresh code.
    const ec = await his.send('ec.query', { data: { qrcode: await qrOf(env(), person) } });
    const again = await his.send('2207', { data: { ...a.settleData, mdtrt_cert_no: ec.data.ecToken } });
    assert.equal(fen(again.setlinfo.medfee_sumamt), 4968);
  });
});
