/**
 * Conformance, continued: an HIS that knows only the national interface runs a pharmacy sale and an
 * inpatient stay, every message signed and SM4-encrypted, cancels and reverses them, reconciles in totals
 * and in detail, and downloads the catalogue; every settlement figure is the core's, to the fen, and every
 * refusal leaves the database as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  assertCoreFigures,
  beijing,
  fen,
  feeLine,
  nationalSetUp,
  tableCounts,
  type His,
} from '../../test/support/national-his.ts';
import { TEST_CATALOGUE } from '../../test/support/catalogue.ts';

const DRUGS = [
  {
    code: 'YP0001',
    name: '感冒灵颗粒',
    unitPrice: 1580,
  },
  { code: 'YP0002', name: '维生素C片', unitPrice: 350 },
  {
    code: 'HC0001',
    name: '医用口罩',
    unitPrice: 1200,
  },
] as const;
const WARD = [
  {
    code: 'ZY0001',
    name: '床位费',
    unitPrice: 5000,
  },
  {
    code: 'ZY0002',
    name: '头孢曲松钠',
    unitPrice: 4250,
  },
  { code: 'ZY0003', name: '陪护费', unitPrice: 3000 },
] as const;

const drugdetail = () => [
  feeLine('1', 'YP0001', '15.80', 2, '31.60'),
  feeLine('2', 'YP0002', '3.50', 1, '3.50'),
];

const pharmacyData = (v: { psnNo: string; token: string; insutype: string }, medfee = '35.10') => ({
  psn_no: v.psnNo,
  mdtrt_cert_type: '01',
  mdtrt_cert_no: v.token,
  begntime: '2026-06-15 10:00:00',
  medfee_sumamt: medfee,
  psn_setlway: '01',
  insutype: v.insutype,
  acct_used_flag: '1',
  fixmedins_setl_id: 'LS0001',
});

/** Admission, fees and discharge of a stay; returns what settling it needs. */
async function stay(env: TestEnv, his: His, person: { token: string }) {
  const v = await his.decode(person);
  const adm = await his.send('2401', {
    mdtrtinfo: {
      psn_no: v.psnNo,
      insutype: v.insutype,
      mdtrt_cert_type: '01',
      mdtrt_cert_no: v.token,
      med_type: '21',
      ipt_no: `ZY${Date.now()}`,
      begntime: beijing(env.clock.now()),
      adm_dept_codg: 'NK',
      adm_dept_name: '内科',
      atddr_no: 'D001',
      chfpdr_name: '张医生',
      adm_diag_dscr: '肺炎',
    },
    diseinfo: [
      {
        psn_no: v.psnNo,
        diag_type: '1',
        maindiag_flag: '1',
        diag_srt_no: '1',
        diag_code: 'J18.9',
        diag_name: '肺炎',
      },
    ],
  });
  const mdtrtId = adm.data.mdtrt_id as string;
  const visit = { mdtrt_id: mdtrtId, psn_no: v.psnNo };
  const up = await his.send('2301', {
    feedetail: [
      feeLine('1', 'ZY0001', '50.00', 3, '150.00', visit),
      feeLine('2', 'ZY0002', '42.50', 2, '85.00', visit),
      feeLine('3', 'ZY0003', '30.00', 1, '30.00', visit),
    ],
  });
  assert.deepEqual(
    up.result.map((r: Record<string, string>) => [r.feedetl_sn, r.chrgitm_lv, r.fulamt_ownpay_amt]),
    [
      ['1', '01', '0.00'],
      ['2', '02', '0.00'],
      ['3', '03', '30.00'],
    ],
  );
  // One line cancelled and uploaded again at another count.
  await his.send('2302', { data: { feedetl_sn: '2', ...visit } });
  await his.send('2301', { feedetail: [feeLine('4', 'ZY0002', '42.50', 1, '42.50', visit)] });
  return { ...v, mdtrtId, visit, medfee: '222.50' };
}

const settleData = (
  s: { psnNo: string; mdtrtId: string; insutype: string },
  token: string,
  medfee: string,
) => ({
  psn_no: s.psnNo,
  mdtrt_id: s.mdtrtId,
  mdtrt_cert_type: '01',
  mdtrt_cert_no: token,
  medfee_sumamt: medfee,
  insutype: s.insutype,
  mid_setl_flag: '0',
  acct_used_flag: '1',
  psn_setlway: '01',
  invono: '',
  fulamt_ownpay_amt: '',
  overlmt_selfpay: '',
  preselfpay_amt: '',
  inscp_scp_amt: '',
});

const today = (env: TestEnv) => beijing(env.clock.now()).slice(0, 10);

forEachStore('the national terminal interface: pharmacy and inpatient', (env) => {
  test('a pharmacy sale, signed and SM4-encrypted: 2101, 2102, resend, 3201, 3202, 2103, all the core’s figures', async () => {
    const { his, person, till } = await nationalSetUp(env(), 'pharmacy', [...DRUGS]);
    his.sm4 = true;
    await his.signIn();
    const v = await his.decode(person);
    const pre = await his.send('2101', { data: pharmacyData(v), drugdetail: drugdetail() });
    assert.equal(pre.setlinfo.setl_id, null);
    assert.equal(pre.setlinfo.clr_type, '41');
    const m2102 = his.message('2102', { data: pharmacyData(v), drugdetail: drugdetail() });
    const a = await his.post(m2102);
    assert.equal(a.infcode, 0, a.err_msg);
    assert.equal(typeof a.output, 'string', 'the output is SM4 ciphertext');
    const out = his.outputOf(m2102, a);
    const s = out.setlinfo;
    const core = await assertCoreFigures(env(), till.terminal, s);
    assert.equal(fen(s.medfee_sumamt), 3510);
    assert.equal(fen(s.fulamt_ownpay_amt), 350);
    assert.equal(s.medins_setl_id, m2102.msgid);
    assert.match(s.mdtrt_id, /^[0-9a-f-]{36}$/);
    assert.equal(core.result.setting, 'outpatient');
    assert.equal(fen(out.setldetail[0].fund_payamt), fen(s.hifp_pay));
    for (const k of ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'balc'])
      assert.equal(pre.setlinfo[k], s[k], k);
    // The resend: the same answer, nothing moves twice.
    assert.deepEqual(await his.post(m2102), a);
    // Reconciliation, totals then detail.
    const day = today(env());
    const sum = await his.send('3201', {
      data: {
        stmt_begndate: day,
        stmt_enddate: day,
        medfee_sumamt: s.medfee_sumamt,
        fund_pay_sumamt: s.fund_pay_sumamt,
        acct_pay: s.acct_pay,
        fixmedins_setl_cnt: '1',
        clr_type: '41',
      },
    });
    assert.equal(sum.stmt_sum.stmt_rslt, '0');
    const line = (x: Record<string, string>, flag: string) => ({
      setl_id: x.setl_id,
      refd_setl_flag: flag,
      medfee_sumamt: x.medfee_sumamt,
      fund_pay_sumamt: x.fund_pay_sumamt,
      acct_pay: x.acct_pay,
      psn_cash_pay: x.psn_cash_pay,
    });
    const detail = await his.send('3202', {
      data: { stmt_begndate: day, stmt_enddate: day },
      stmtdetail: [line(s, '0')],
    });
    assert.equal(detail.stmt_sum.stmt_rslt, '0', JSON.stringify(detail));
    // Cancel: the core refunds it all.
    const cancel = await his.send('2103', {
      data: { setl_id: s.setl_id, psn_no: v.psnNo, mdtrt_id: s.mdtrt_id },
    });
    assert.equal(fen(cancel.setlinfo.medfee_sumamt), -3510);
    assert.equal(cancel.setlinfo.balc, '30.00');
    await his.refused(
      his.message('2103', { data: { setl_id: s.setl_id, psn_no: v.psnNo } }),
      'settlement_not_found',
    );
    // Detail reconciliation that leaves out the cancellation: that line is the one that differs.
    const off = await his.send('3202', {
      data: { stmt_begndate: day, stmt_enddate: day },
      stmtdetail: [line(s, '0')],
    });
    assert.equal(off.stmt_sum.stmt_rslt, '1');
    const missing = off.stmtdetail.filter((l: Record<string, string>) => l.stmt_rslt === '1');
    assert.deepEqual(
      missing.map((l: Record<string, string>) => [l.setl_id, l.refd_setl_flag, l.medfee_sumamt]),
      [[cancel.setlinfo.setl_id, '1', '-35.10']],
    );
    const both = await his.send('3202', {
      data: { stmt_begndate: day, stmt_enddate: day },
      stmtdetail: [line(s, '0'), line(cancel.setlinfo, '1')],
    });
    assert.equal(both.stmt_sum.stmt_rslt, '0', JSON.stringify(both));
  });

  test('an inpatient stay, signed and SM4-encrypted: 2401, 2301/2302, 2303, 2402, 2304, 2305, settled again', async () => {
    const { his, person, till } = await nationalSetUp(env(), 'hospital', [...WARD]);
    his.sm4 = true;
    await his.signIn();
    const s = await stay(env(), his, person);
    const pre = await his.send('2303', { data: settleData(s, s.token, s.medfee) });
    assert.equal(pre.setlinfo.clr_type, '21');
    assert.equal(pre.setlinfo.med_type, '21');
    await his.send('2402', {
      dscginfo: {
        mdtrt_id: s.mdtrtId,
        psn_no: s.psnNo,
        insutype: s.insutype,
        endtime: beijing(env().clock.now()),
        dscg_way: '1',
        dscg_dept_codg: 'NK',
      },
      diseinfo: [{ diag_type: '1', maindiag_flag: '1', diag_code: 'J18.9', diag_name: '肺炎' }],
    });
    // The stay's code expired long ago at a real discharge: a fresh one is decoded to settle.
    const fresh = await his.decode(person);
    const settled = await his.send('2304', { data: settleData(s, fresh.token, s.medfee) });
    const core = await assertCoreFigures(env(), till.terminal, settled.setlinfo);
    assert.equal(core.result.setting, 'inpatient');
    assert.equal(fen(settled.setlinfo.medfee_sumamt), 22250);
    assert.equal(fen(settled.setlinfo.fulamt_ownpay_amt), 3000);
    for (const k of ['medfee_sumamt', 'hifp_pay', 'act_pay_dedc', 'acct_pay', 'psn_cash_pay'])
      assert.equal(pre.setlinfo[k], settled.setlinfo[k], k);
    // Fees cannot change on a settled stay; cancel it, and it settles again.
    await his.refused(his.message('2302', { data: { feedetl_sn: '0000', ...s.visit } }), 'visit_settled');
    const cancel = await his.send('2305', { data: { setl_id: settled.setlinfo.setl_id, ...s.visit } });
    assert.equal(fen(cancel.setlinfo.medfee_sumamt), -22250);
    const again = await his.decode(person);
    const resettled = await his.send('2304', { data: settleData(s, again.token, s.medfee) });
    await assertCoreFigures(env(), till.terminal, resettled.setlinfo);
    assert.equal(resettled.setlinfo.medfee_sumamt, settled.setlinfo.medfee_sumamt);
    const day = today(env());
    const net = await his.send('3201', {
      data: {
        stmt_begndate: day,
        stmt_enddate: day,
        medfee_sumamt: resettled.setlinfo.medfee_sumamt,
        fund_pay_sumamt: resettled.setlinfo.fund_pay_sumamt,
        acct_pay: resettled.setlinfo.acct_pay,
        fixmedins_setl_cnt: 3,
      },
    });
    assert.equal(net.stmt_sum.stmt_rslt, '0', net.stmt_sum.stmt_rslt_dscr);
  });

  test('2601 reverses 2102, 2103, 2208, 2304, 2305 and 2401, whether or not they committed', async () => {
    const ph = await nationalSetUp(env(), 'pharmacy', [...DRUGS]);
    await ph.his.signIn();
    // A 2102 whose answer was lost after the core committed: reversed, the sale is refunded.
    const v = await ph.his.decode(ph.person);
    const lost = ph.his.message('2102', { data: pharmacyData(v), drugdetail: drugdetail() });
    const sold = await ph.his.post(lost);
    assert.equal(sold.infcode, 0, sold.err_msg);
    await env().db.query('update national_messages set response = null where msgid = $1', [lost.msgid]);
    const rev = await ph.his.send('2601', { data: { psn_no: v.psnNo, omsgid: lost.msgid, oinfno: '2102' } });
    assert.equal(fen(rev.setlinfo.medfee_sumamt), -3510);
    await ph.his.refused(lost, 'message_reversed');
    await ph.his.refused(
      ph.his.message('2103', { data: { setl_id: sold.output.setlinfo.setl_id, psn_no: v.psnNo } }),
      'settlement_not_found',
    );
    // A 2102 recorded but never run (the crash came first): reversed, nothing moves, and it never runs later.
    const w = await ph.his.decode(ph.person);
    const never = ph.his.message('2102', { data: pharmacyData(w), drugdetail: drugdetail() });
    await env().db.query(
      `insert into national_messages (msgid, institution_id, infno, request_hash, created_at)
       select $1, id, '2102', 'x', now() from institutions where code = $2`,
      [never.msgid, ph.his.code],
    );
    const refunds = await tableCounts(env());
    const none = await ph.his.send('2601', {
      data: { psn_no: w.psnNo, omsgid: never.msgid, oinfno: '2102' },
    });
    assert.equal(none.data.rever_rslt, '0');
    await ph.his.refused(never, 'message_reversed');
    assert.deepEqual((await tableCounts(env())).slice(5), refunds.slice(5), 'no settlement or refund moved');
    // A 2103 that committed cannot be undone (the core has no un-refund); one that never ran is voided.
    const x = await ph.his.decode(ph.person);
    const sale = await ph.his.send('2102', { data: pharmacyData(x), drugdetail: drugdetail() });
    const cancel = ph.his.message('2103', { data: { setl_id: sale.setlinfo.setl_id, psn_no: x.psnNo } });
    assert.equal((await ph.his.post(cancel)).infcode, 0);
    await ph.his.refused(
      ph.his.message('2601', { data: { psn_no: x.psnNo, omsgid: cancel.msgid, oinfno: '2103' } }),
      'cancel_irreversible',
    );
    const unsent = ph.his.message('2103', { data: { setl_id: sale.setlinfo.setl_id, psn_no: x.psnNo } });
    await env().db.query(
      `insert into national_messages (msgid, institution_id, infno, request_hash, created_at)
       select $1, id, '2103', 'x', now() from institutions where code = $2`,
      [unsent.msgid, ph.his.code],
    );
    assert.equal(
      (await ph.his.send('2601', { data: { psn_no: x.psnNo, omsgid: unsent.msgid, oinfno: '2103' } })).data
        .rever_rslt,
      '0',
    );

    // Inpatient: 2401 reversed (the admission is cancelled), 2304 reversed after a lost answer, 2305 irreversible.
    const hs = await nationalSetUp(env(), 'hospital', [...WARD]);
    await hs.his.signIn();
    const pv = await hs.his.decode(hs.person);
    const adm = hs.his.message('2401', {
      mdtrtinfo: {
        psn_no: pv.psnNo,
        insutype: pv.insutype,
        mdtrt_cert_type: '01',
        mdtrt_cert_no: pv.token,
        ipt_no: 'ZY-R',
        begntime: beijing(env().clock.now()),
      },
    });
    const admitted = await hs.his.post(adm);
    assert.equal(admitted.infcode, 0, admitted.err_msg);
    const r2401 = await hs.his.send('2601', {
      data: { psn_no: pv.psnNo, omsgid: adm.msgid, oinfno: '2401' },
    });
    assert.equal(r2401.data.rever_rslt, '0');
    assert.equal(r2401.data.memo, 'the admission was cancelled');
    // A 2401 recorded but never run: nothing to undo, and it never runs later.
    const unrun = hs.his.message('2401', { mdtrtinfo: { psn_no: pv.psnNo } });
    await env().db.query(
      `insert into national_messages (msgid, institution_id, infno, request_hash, created_at)
       select $1, id, '2401', 'x', now() from institutions where code = $2`,
      [unrun.msgid, hs.his.code],
    );
    const visitsBefore = await tableCounts(env());
    const r2 = await hs.his.send('2601', { data: { psn_no: pv.psnNo, omsgid: unrun.msgid, oinfno: '2401' } });
    assert.equal(r2.data.memo, 'the message never committed');
    await hs.his.refused(unrun, 'message_reversed');
    assert.deepEqual(
      (await tableCounts(env())).slice(2),
      visitsBefore.slice(2),
      'no visit, fee or money moved',
    );
    await hs.his.refused(
      hs.his.message('2301', {
        feedetail: [
          feeLine('1', 'ZY0001', '50.00', 1, '50.00', {
            mdtrt_id: admitted.output.data.mdtrt_id,
            psn_no: pv.psnNo,
          }),
        ],
      }),
      'visit_cancelled',
    );
    const s = await stay(env(), hs.his, hs.person);
    const m2304 = hs.his.message('2304', {
      data: settleData(s, (await hs.his.decode(hs.person)).token, s.medfee),
    });
    const settled = await hs.his.post(m2304);
    assert.equal(settled.infcode, 0, settled.err_msg);
    await env().db.query('update national_messages set response = null where msgid = $1', [m2304.msgid]);
    const r2304 = await hs.his.send('2601', {
      data: { psn_no: s.psnNo, omsgid: m2304.msgid, oinfno: '2304' },
    });
    assert.equal(fen(r2304.setlinfo.medfee_sumamt), -22250);
    const again = await hs.his.send('2304', {
      data: settleData(s, (await hs.his.decode(hs.person)).token, s.medfee),
    });
    const m2305 = hs.his.message('2305', { data: { setl_id: again.setlinfo.setl_id, ...s.visit } });
    assert.equal((await hs.his.post(m2305)).infcode, 0);
    await hs.his.refused(
      hs.his.message('2601', { data: { psn_no: s.psnNo, omsgid: m2305.msgid, oinfno: '2305' } }),
      'cancel_irreversible',
    );
    // A 2208 recorded but never run: voided.
    const m2208 = hs.his.message('2208', { data: { setl_id: again.setlinfo.setl_id, ...s.visit } });
    await env().db.query(
      `insert into national_messages (msgid, institution_id, infno, request_hash, created_at)
       select $1, id, '2208', 'x', now() from institutions where code = $2`,
      [m2208.msgid, hs.his.code],
    );
    const r2208 = await hs.his.send('2601', {
      data: { psn_no: s.psnNo, omsgid: m2208.msgid, oinfno: '2208' },
    });
    assert.equal(r2208.data.rever_rslt, '0');
    await hs.his.refused(
      hs.his.message('2601', { data: { psn_no: s.psnNo, omsgid: m2208.msgid, oinfno: '2208' } }),
      'already_reversed',
    );
    await hs.his.refused(
      hs.his.message('2601', { data: { psn_no: s.psnNo, omsgid: m2305.msgid, oinfno: '2201' } }),
      'oinfno_unsupported',
    );
  });

  test('catalogue downloads page the agency’s catalogue and the institution’s mappings: 1312, 1317, 1318, 1306', async () => {
    const { his } = await nationalSetUp(env(), 'pharmacy', [...DRUGS]);
    await his.signIn();
    const entries = Object.values(TEST_CATALOGUE).flat();
    const all = await his.send('1312', { data: { page_num: 1, page_size: 10 } });
    assert.equal(all.recordCounts, entries.length);
    assert.equal(all.pages, Math.ceil(entries.length / 10));
    const codes = entries.map((e) => e.code).sort();
    assert.deepEqual(
      all.data.map((r: Record<string, string>) => r.hilist_code),
      codes.slice(0, 10),
    );
    const last = await his.send('1312', { data: { page_num: all.pages, page_size: 10 } });
    assert.equal(last.lastPage, true);
    assert.deepEqual(
      last.data.map((r: Record<string, string>) => r.hilist_code),
      codes.slice((all.pages - 1) * 10),
    );
    const one = await his.send('1312', { data: { hilist_code: 'HC0001' } });
    assert.deepEqual(
      one.data.map((r: Record<string, string>) => [r.hilist_code, r.chrgitm_lv, r.list_type]),
      [['HC0001', '02', '301']],
    );
    // The pharmacy's own codes with an approved mapping; its unmapped vitamin C is not among them.
    const match = await his.send('1317', { data: {} });
    assert.deepEqual(
      match.data.map((r: Record<string, string>) => [r.medins_list_codg, r.med_list_codg, r.chrgitm_lv]),
      [
        ['HC0001', 'HC0001', '02'],
        ['YP0001', 'YP0001', '01'],
      ],
    );
    const limits = await his.send('1318', { data: {} });
    assert.deepEqual(
      limits.data.map((r: Record<string, string>) => [r.hilist_code, r.hilist_pric_uplmt_amt]),
      entries
        .filter((e) => e.priceLimit !== null)
        .map((e) => [e.code, (e.priceLimit! / 100).toFixed(2)])
        .sort(),
    );
    const materials = await his.send('1306', { data: {} });
    assert.deepEqual(
      materials.data.map((r: Record<string, string>) => r.hilist_code),
      TEST_CATALOGUE.material.map((e) => e.code).sort(),
    );
    await his.refused(his.message('1312', { data: { page_size: 5000 } }), 'field_invalid');
  });

  test('refusals of the pharmacy and inpatient transactions write nothing', async () => {
    const ph = await nationalSetUp(env(), 'pharmacy', [...DRUGS]);
    const hs = await nationalSetUp(env(), 'hospital', [...WARD]);
    await ph.his.signIn();
    await hs.his.signIn();
    const v = await ph.his.decode(ph.person);
    const sold = await ph.his.send('2102', { data: pharmacyData(v), drugdetail: drugdetail() });
    const h = await hs.his.decode(hs.person);
    const s = await stay(env(), hs.his, hs.person);
    const before = await tableCounts(env());
    // The code behind the token was used by the sale: the core refuses, and the sale it began is gone.
    await ph.his.refused(
      ph.his.message('2102', { data: pharmacyData(v), drugdetail: drugdetail() }),
      'qr_replayed',
    );
    await ph.his.refused(
      ph.his.message('2102', { data: pharmacyData(v, '35.11'), drugdetail: drugdetail() }),
      'medfee_sumamt_mismatch',
    );
    await ph.his.refused(
      ph.his.message('2102', {
        data: pharmacyData(v),
        drugdetail: [feeLine('1', 'YP0001', '15.80', 2, '31.601')],
      }),
      'amount_invalid',
    );
    await ph.his.refused(
      ph.his.message('2101', {
        data: pharmacyData(v),
        drugdetail: [...drugdetail(), feeLine('1', 'YP0001', '15.80', 1, '15.80')],
      }),
      'feedetl_sn_duplicate',
    );
    await hs.his.refused(
      hs.his.message('2101', { data: pharmacyData(h), drugdetail: drugdetail() }),
      'institution_kind_mismatch',
    );
    await ph.his.refused(
      ph.his.message('2201', { data: { psn_no: v.psnNo, mdtrt_cert_type: '01', mdtrt_cert_no: v.token } }),
      'institution_kind_mismatch',
    );
    // An inpatient message on an outpatient visit, a mid-stay settlement, a pharmacy cancel of another's sale.
    await hs.his.refused(
      hs.his.message('2207', { data: { ...settleData(s, h.token, s.medfee), med_type: '11' } }),
      'visit_not_found',
    );
    await hs.his.refused(
      hs.his.message('2304', { data: { ...settleData(s, h.token, s.medfee), mid_setl_flag: '1' } }),
      'mid_setl_flag_unsupported',
    );
    await hs.his.refused(
      hs.his.message('2304', { data: settleData(s, h.token, '222.505') }),
      'amount_invalid',
    );
    await hs.his.refused(
      hs.his.message('2103', { data: { setl_id: sold.setlinfo.setl_id, psn_no: v.psnNo } }),
      'settlement_not_found',
    );
    await hs.his.refused(
      hs.his.message('2402', { dscginfo: { ...s.visit, endtime: '2026-13-01 00:00:00' } }),
      'field_invalid',
    );
    await hs.his.refused(
      hs.his.message('3202', {
        data: { stmt_begndate: '2026-06-02', stmt_enddate: '2026-06-01' },
        stmtdetail: [],
      }),
      'field_invalid',
    );
    for (const [from, to] of [
      ['2026-02-30', '2026-03-01'],
      ['2026-13-01', '2026-13-01'],
      ['2026-06-01', '2026-08-01'],
    ])
      await hs.his.refused(
        hs.his.message('3201', {
          data: {
            stmt_begndate: from,
            stmt_enddate: to,
            medfee_sumamt: 0,
            fund_pay_sumamt: 0,
            acct_pay: 0,
            fixmedins_setl_cnt: 0,
          },
        }),
        'field_invalid',
      );
    await hs.his.refused(
      hs.his.message('3202', {
        data: { stmt_begndate: '2026-06-01', stmt_enddate: '2026-06-01' },
        stmtdetail: [
          { setl_id: 'x', medfee_sumamt: '1.001', fund_pay_sumamt: 0, acct_pay: 0, psn_cash_pay: 0 },
        ],
      }),
      'amount_invalid',
    );
    // Reversal of another institution's message.
    await hs.his.refused(
      hs.his.message('2601', { data: { psn_no: v.psnNo, omsgid: ph.his.newMsgid(), oinfno: '2102' } }),
      'message_not_found',
    );
    assert.deepEqual(await tableCounts(env()), before);
  });
});
