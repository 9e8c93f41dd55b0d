/**
 * Fuzz pass over the national envelope through the real app: messages mutated after signing (a broken
 * signature, missing or mistyped envelope fields, odd credentials) and mutated then signed again (odd infno,
 * msgid, inf_time, signtype, enc_type, input and amounts), and bodies that are not JSON. Every one must be
 * answered `infcode: -1` with a known `err_msg` prefix, never `internal_error`, and leave the money tables and
 * the gateway's own tables as they were. Seeded with a fixed budget, so every run tries the same cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import { ERROR_CODES } from '../platform/error-codes.ts';
import { REFUSALS } from './envelope.ts';
import {
  OUTPATIENT_ITEMS,
  beijing,
  feeLine,
  nationalSetUp,
  type His,
} from '../../test/support/national-his.ts';

const SEED = 17_2026;
const RUNS = 150;

/** Every prefix a refusal may carry: the gateway's and the core's codes, but never internal_error. */
const KNOWN = new Set<string>([...REFUSALS, ...ERROR_CODES].filter((c) => c !== 'internal_error'));

/** The money tables and the gateway's tables, as one comparable value. */
async function snapshot(env: TestEnv): Promise<Record<string, unknown>> {
  const { rows } = await env.db.query(
    `select (select count(*) from settlements)::int as settlements,
            (select count(*) from refunds)::int as refunds,
            (select count(*) from ledger_postings)::int as postings,
            (select count(*) from idempotency_keys)::int as keys,
            (select count(*) from qr_consumed_nonces)::int as nonces,
            (select md5(coalesce(string_agg(id::text || ':' || balance, ',' order by id), '')) from ledger_accounts) as balances,
            (select count(*) from national_messages)::int as messages,
            (select count(*) from national_sign_ins)::int as sign_ins,
            (select md5(coalesce(string_agg(mdtrt_id::text || ':' || status || ':' || coalesce(setl_id::text, '') || ':'
               || coalesce(pending_msgid, ''), ',' order by mdtrt_id), '')) from national_visits) as visits,
            (select md5(coalesce(string_agg(id::text || ':' || status, ',' order by id), '')) from national_fee_details) as fees,
            (select count(*) from national_ec_tokens)::int as tokens`,
  );
  return rows[0] as Record<string, unknown>;
}

type Msg = Record<string, any>;
const ENVELOPE_FIELDS = [
  'infno',
  'msgid',
  'mdtrtarea_admvs',
  'insuplc_admdvs',
  'cainfo',
  'signtype',
  'opter_type',
  'opter',
  'inf_time',
  'fixmedins_code',
  'sign_no',
  'input',
] as const;
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.nat(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.nat(), { maxKeys: 3 }),
);
const oddString = fc.oneof(
  fc.constant(''),
  fc.constant('   '),
  fc.constant('\u0000'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 400 }),
  fc.constant("'; drop table national_messages; --"),
  fc.constant('-'.repeat(36)),
  fc.constant('ffffffff-ffff-ffff-ffff-fffffffffffg'),
);
/** Amounts the wire may not carry: more than two decimals, exponents, beyond the safe range, not numbers. */
const badYuan = fc.oneof(
  fc.constantFrom('1.001', '49.681', '1e3', '0x10', '１２.３０', '-', '.5.', 'NaN', '99999999999999999.00'),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) => Math.round(x * 100) / 100 !== x),
  fc.constantFrom(1e21, 2 ** 60, -0.001, Number.MAX_VALUE),
  wrongType,
);

/** Breaks the message after it was signed. */
const afterSigning: fc.Arbitrary<(m: Msg) => void> = fc.oneof(
  fc.constantFrom(...ENVELOPE_FIELDS).map((f) => (m: Msg) => void delete m[f]),
  fc.tuple(fc.constantFrom(...ENVELOPE_FIELDS), fc.oneof(wrongType, oddString)).map(([f, v]) => (m: Msg) => {
    m[f] = v;
  }),
  fc
    .oneof(fc.stringMatching(/^[0-9a-f]{128}$/), fc.base64String({ maxLength: 100 }))
    .map((s) => (m: Msg) => void (m.cainfo = s)),
  fc.constantFrom('opter_name', 'dev_no', 'fixmedins_name').map((f) => (m: Msg) => void (m[f] = `${m[f]}x`)),
);

/** Breaks a part the signature then covers: the message is signed again after it. */
const beforeSigning: fc.Arbitrary<(m: Msg) => void> = fc.oneof(
  oddString.map((s) => (m: Msg) => void (m.infno = s)),
  fc
    .constantFrom('9999', '2209', '1102', 'ec.QUERY', '__proto__', 'constructor')
    .map((s) => (m: Msg) => void (m.infno = s)),
  fc.oneof(oddString, fc.stringMatching(/^[HP]\d{29}$/)).map((s) => (m: Msg) => void (m.msgid = s)),
  fc.constantFrom('99991231235959', '20261399000000', '00000000000000').map((t) => (m: Msg) => {
    m.msgid = String(m.msgid).slice(0, 12) + t + '0001';
  }),
  fc
    .oneof(oddString, fc.constantFrom('2026-06-15T10:00:00', '2026-02-30 10:00:00', '1999-01-01 00:00:00'))
    .map((t) => (m: Msg) => void (m.inf_time = t)),
  fc.oneof(oddString, fc.constantFrom('sm2', 'RSA', 'SM3')).map((s) => (m: Msg) => void (m.signtype = s)),
  fc.oneof(oddString, fc.constantFrom('sm4', 'AES', 'SM4')).map((s) => (m: Msg) => void (m.enc_type = s)),
  fc.oneof(oddString, fc.constant('NOPE')).map((s) => (m: Msg) => void (m.sign_no = s)),
  fc.oneof(oddString, fc.constantFrom('000000', 'other')).map((s) => (m: Msg) => void (m.insuplc_admdvs = s)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => (m: Msg) => void (m.input = v)),
  fc
    .tuple(
      fc.constantFrom('psn_no', 'mdtrt_id', 'mdtrt_cert_type', 'mdtrt_cert_no', 'medfee_sumamt'),
      fc.oneof(wrongType, oddString),
    )
    .map(([f, v]) => (m: Msg) => {
      if (m.input?.data) m.input.data[f] = v;
      else m.input = { data: { [f]: v } };
    }),
  badYuan.map((v) => (m: Msg) => {
    if (m.input?.data) m.input.data.medfee_sumamt = v;
    if (Array.isArray(m.input?.feedetail)) m.input.feedetail[0].pric = v;
  }),
  fc
    .tuple(
      fc.constantFrom('pric', 'det_item_fee_sumamt', 'cnt', 'feedetl_sn', 'med_list_codg'),
      fc.oneof(badYuan, oddString),
    )
    .map(([f, v]) => (m: Msg) => {
      m.infno = '2204';
      m.input = { feedetail: [{ ...m.feeLine, [f]: v }] };
    }),
);

forEachStore('fuzz: malformed national messages', (env) => {
  let his: His;
  let base: () => Msg;

  test('set-up: a settled visit, so every message below is refused for its own reason', async () => {
    const s = await nationalSetUp(env(), 'hospital', OUTPATIENT_ITEMS);
    his = s.his;
    await his.signIn();
    const v = await his.decode(s.person);
    const reg = await his.send('2201', {
      data: {
        psn_no: v.psnNo,
        insutype: v.insutype,
        begntime: beijing(env().clock.now()),
        mdtrt_cert_type: '01',
        mdtrt_cert_no: v.token,
        ipt_otp_no: 'MZ-FUZZ',
      },
    });
    const visit = { mdtrt_id: reg.data.mdtrt_id, psn_no: v.psnNo };
    const line = feeLine('1', 'XJ0001', '12.34', 1, '12.34', visit);
    await his.send('2204', { feedetail: [line] });
    const data = {
      ...visit,
      mdtrt_cert_type: '01',
      mdtrt_cert_no: v.token,
      medfee_sumamt: '12.34',
      insutype: v.insutype,
    };
    await his.send('2207', { data });
    // Valid in every field; refused (visit_settled) only because the visit is settled.
    base = () => ({ ...his.message('2207', { data: { ...data } }), feeLine: line });
    const a = await his.post(strip(base()));
    assert.match(a.err_msg, /^visit_settled:/);
  });

  /** The message without the test's own helper field. */
  const strip = (m: Msg) => {
    const { feeLine: _f, ...rest } = m;
    void _f;
    return rest;
  };

  const refused = (a: any, what: unknown) => {
    const text = JSON.stringify(what)?.slice(0, 300);
    assert.equal(a?.infcode, -1, `${JSON.stringify(a)?.slice(0, 300)} for ${text}`);
    assert.equal(a.output, null);
    const prefix = String(a.err_msg).split(':')[0]!;
    assert.ok(KNOWN.has(prefix), `unknown err_msg ${String(a.err_msg).slice(0, 200)} for ${text}`);
    return prefix;
  };

  test('fuzz: a message broken after signing, or broken and signed again, is refused and writes nothing', async () => {
    const before = await snapshot(env());
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(beforeSigning, { maxLength: 2 }),
        fc.array(afterSigning, { maxLength: 2 }),
        async (resign, broken) => {
          let m = base();
          for (const f of resign) f(m);
          m = his.sign(strip(m));
          for (const f of broken) f(m);
          const r = await call(env().app, 'POST', '/fsi/api/callService', { token: his.terminal, body: m });
          seen.add(refused(r.body, m));
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    assert.deepEqual(await snapshot(env()), before);
    // The mutations reach the transactions' own checks, not only the envelope's.
    for (const p of [
      'signature_invalid',
      'envelope_invalid',
      'infno_unsupported',
      'msgid_invalid',
      'visit_settled',
    ])
      assert.ok(seen.has(p), `${p} never seen: ${[...seen].join(', ')}`);
  });

  test('fuzz: a body that is not a JSON object, or not JSON, is refused in the envelope', async () => {
    const before = await snapshot(env());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 100 }).map((s) => ({ payload: s, type: 'application/json' })),
          fc.constantFrom('{', '{"infno":', '[]', 'null', '42', '"2207"', '{"input": NaN}').map((s) => ({
            payload: s,
            type: 'application/json',
          })),
          fc.string({ maxLength: 50 }).map((s) => ({ payload: s, type: 'text/plain' })),
        ),
        async ({ payload, type }) => {
          const r = await call(env().app, 'POST', '/fsi/api/2207', {
            token: his.terminal,
            payload,
            headers: { 'content-type': type },
          });
          assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${r.status} ${r.raw}`);
          refused(r.body, payload);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
    assert.deepEqual(await snapshot(env()), before);
  });
});
