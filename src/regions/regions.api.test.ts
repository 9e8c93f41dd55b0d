import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { call, createTestDb, createTestEnv, type TestEnv } from '../../test/support/env.ts';
import { loadTestCatalogue, mapTestCatalogue } from '../../test/support/catalogue.ts';
import {
  activeEcard,
  createInstitution,
  createStaff,
  createTerminal,
  depositTo,
  item,
  newKey,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';
import type { Db } from '../platform/db.ts';
import { DEMO_POLICY } from '../settlement/policy.ts';
import { calculateSettlement } from '../settlement/calculator.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from '../settlement/check.ts';
import { reconciliationLines } from '../settlement/reconciliation.ts';
import { startHub } from './hub.ts';
import { RegionFederation, type RegionOptions } from './federation.ts';
import { unfiledPolicy } from './filing.ts';
import { json, removeConsumers, subjects } from './nats.ts';

const NATS_URL = process.env.YIBAO_NATS_URL ?? 'nats://127.0.0.1:4222';
const CUT_BP = 1_000;

/**
 * Two regions, each its own app on its own PostgreSQL database, and the hub on a third, over the real NATS
 * JetStream: region A insures the person, region B treats them. PostgreSQL server and NATS only.
 */
describe(
  'cross-region direct settlement over NATS JetStream [postgres]',
  { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL (and NATS with JetStream)' },
  () => {
    const suffix = randomBytes(3).toString('hex');
    const A = `ra${suffix}`;
    const B = `rb${suffix}`;
    let hubDb: Db;
    let hub: Awaited<ReturnType<typeof startHub>>;
    let envA: TestEnv;
    let envB: TestEnv;
    let fedA: RegionFederation;
    let fedB: RegionFederation;
    let crashNext = false;
    const opts = (region: string): RegionOptions => ({
      region,
      name: `Region ${region}`,
      natsUrl: NATS_URL,
      waitMs: 4_000,
      ackWaitMs: 2_000,
      refreshMs: 600_000,
      askTimeoutMs: 3_000,
      // The insured region's crash point: dies inside its transaction, before the commit, once.
      beforeCommit: async () => {
        if (!crashNext) return;
        crashNext = false;
        await fedA.kill();
        throw new Error('killed mid-request');
      },
    });
    let person: Awaited<ReturnType<typeof activeEcard>>;
    let till: { token: string; institutionId: string; staffToken: string };
    const settled: string[] = [];

    before(async () => {
      hubDb = await createTestDb('postgres');
      hub = await startHub({ db: hubDb, natsUrl: NATS_URL, onError: () => undefined });
      envA = await createTestEnv('postgres');
      envB = await createTestEnv('postgres');
      fedA = envA.app.regions = await RegionFederation.start(envA.app, opts(A));
      fedB = envB.app.regions = await RegionFederation.start(envB.app, opts(B));
      assert.deepEqual(await fedA.refresh(), [B]);
      assert.deepEqual(await fedB.refresh(), [A]);
      const rules = {
        ...DEMO_POLICY,
        region: A,
        version: `${A}-1`,
        crossRegion: { unfiledFundRatioCutBp: CUT_BP },
      };
      await envA.db.query(
        `insert into policy_versions (id, region_code, version, effective_from, rules, published_at)
         values ($1, $2, $3, '2020-01-01', $4, now())`,
        [randomUUID(), A, rules.version, JSON.stringify(rules)],
      );
      person = await activeEcard(envA, { regionCode: A });
      await depositTo(envA, person.personId, 100_000);
      const inst = await createInstitution(envB, { kind: 'hospital', regionCode: B });
      till = {
        token: (await createTerminal(envB, inst)).token,
        institutionId: inst.institutionId,
        staffToken: inst.staffToken,
      };
      // The treatment region's catalogue and the hospital's items mapped to it; the insured region's approval.
      await loadTestCatalogue(envB.db, B, envB.clock.now());
      await mapTestCatalogue(envB.db, inst.institutionId, envB.clock.now());
      const staff = await createStaff(envA, A);
      const approval = await call(envA.app, 'POST', `/v1/staff/persons/${person.personId}/approvals`, {
        token: staff.token,
        body: {
          kind: 'special_outpatient',
          subject: 'dialysis',
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
        },
      });
      assert.equal(approval.status, 201, approval.raw);
    });

    after(async () => {
      await fedA?.stop();
      await fedB?.stop();
      const nc = await connect({ servers: NATS_URL });
      await removeConsumers(nc, A);
      await removeConsumers(nc, B);
      await nc.close();
      await hub?.stop();
      await envA?.close();
      await envB?.close();
      await hubDb?.close();
    });

    // 100 yuan of special outpatient treatment the insured region approved: the fund's ratio is 90 % at home.
    const bill = { setting: 'outpatient', specialOutpatient: 'dialysis', items: [item('DIALYSIS', 100)] };

    /** What either side has written: rows of every table a settlement touches, on both sides. */
    const written = async () => {
      const n = async (db: Db, table: string) =>
        (await db.query<{ n: number }>(`select count(*)::int8 as n from ${table}`)).rows[0]!.n;
      return {
        a: await Promise.all(
          [
            'settlements',
            'idempotency_keys',
            'qr_consumed_nonces',
            'ledger_postings',
            'person_year_accumulators',
          ].map((t) => n(envA.db, t)),
        ),
        b: await Promise.all(
          ['region_crossings', 'idempotency_keys', 'ledger_postings'].map((t) => n(envB.db, t)),
        ),
      };
    };
    let estimated: { qr: string; totals: unknown };

    test('an estimate across regions: the insured region’s figures, nothing written on either side', async () => {
      const qr = await qrOf(envA, person);
      const before = await written();
      const r = await settleCall(envB, till.token, { qr, bill, estimate: true }, null);
      assert.equal(r.status, 200, r.raw);
      assert.equal(r.body.estimate, true);
      assert.equal(r.body.status, 'estimate');
      assert.equal(r.body.id, null);
      assert.equal(r.body.result.totals.fund, 8_000);
      assert.deepEqual(r.body.crossRegion, {
        insuredRegion: A,
        treatmentRegion: B,
        filed: false,
        filingKind: null,
      });
      // No key stored, no nonce consumed, nothing moved (the code settles next, with these figures).
      assert.deepEqual(await written(), before);
      estimated = { qr, totals: r.body.result.totals };
      // A card and the bank account still cannot cross.
      const bank = await settleCall(
        envB,
        till.token,
        { qr, bill, estimate: true, cashBy: 'bank_account' },
        null,
      );
      assert.equal(bank.status, 422, bank.raw);
      assert.equal(bank.body.error.code, 'cross_region_unsupported');
    });

    test('a scan of the code at the treatment till: the institution’s audit shows it, masked, with the insured region', async () => {
      const qr = await qrOf(envA, person);
      const r = await call(envB.app, 'POST', '/v1/terminal/scan', { token: till.token, body: { qr } });
      assert.equal(r.status, 200, r.raw);
      assert.equal(r.body.policy.regionCode, A);
      // A refused one: the same code an hour later, expired at the till (the insured region is not asked).
      const at = envB.clock.now();
      envB.clock.set(new Date(at.getTime() + 3_600_000));
      const late = await call(envB.app, 'POST', '/v1/terminal/scan', { token: till.token, body: { qr } });
      envB.clock.set(at);
      assert.equal(late.status, 422, late.raw);
      const audit = await call(envB.app, 'GET', '/v1/institution/scan-audit', { token: till.staffToken });
      assert.equal(audit.status, 200, audit.raw);
      const scans = audit.body.scans as Array<Record<string, unknown>>;
      assert.deepEqual(
        scans.map(({ outcome, reason, personId, crossRegion }) => ({
          outcome,
          reason,
          personId,
          crossRegion,
        })),
        [
          {
            outcome: 'refused',
            reason: late.body.error.code,
            personId: null,
            crossRegion: { insuredRegion: A, maskedName: null, maskedIdNumber: null },
          },
          {
            outcome: 'accepted',
            reason: null,
            personId: null,
            crossRegion: {
              insuredRegion: A,
              maskedName: r.body.person.maskedName,
              maskedIdNumber: r.body.person.maskedIdNumber,
            },
          },
        ],
      );
      assert.match(r.body.person.maskedIdNumber, /\*/);
      // The scan is recorded where it happened, not in the insured region.
      const there = await envA.db.query('select 1 from scan_audit');
      assert.equal(there.rows.length, 0);
    });

    test('an unfiled cross-region settlement: the insured region’s policy with its unfiled cut', async () => {
      const qr = estimated.qr;
      const r = await settleCall(envB, till.token, { qr, bill });
      assert.equal(r.status, 201, r.raw);
      assert.deepEqual(r.body.result.totals, estimated.totals);
      // The same figures as the insured region's calculator under its unfiled policy, to the fen.
      const expected = calculateSettlement({
        policy: unfiledPolicy({ ...DEMO_POLICY, crossRegion: { unfiledFundRatioCutBp: CUT_BP } }),
        person: { insuranceType: 'employee', retired: false },
        accumulators: { inpatientDeductiblePaid: 0, outpatientEligibleSpent: 0, fundPaid: 0 },
        accountBalance: 100_000,
        // The line as the treatment region's catalogue and the insured region's approval resolve it.
        bill: {
          setting: 'outpatient',
          items: [
            {
              ...item('DIALYSIS', 100),
              catalogue: 'in',
              category: 'A',
              serviceType: 'special_outpatient',
              approvalRef: 'approved',
            },
          ],
        },
      });
      assert.equal(r.body.result.totals.fund, 8_000);
      assert.deepEqual(r.body.result.totals, expected.totals);
      assert.equal(r.body.institutionId, till.institutionId);
      settled.push(r.body.id);
      // Both sides hold it once: the insured region's settlement, the treatment region's crossing.
      const a = await envA.db.query<{ fund: number; treatment_region: string; filing_id: string | null }>(
        'select fund, treatment_region, filing_id from settlements where id = $1',
        [r.body.id],
      );
      assert.deepEqual(a.rows, [{ fund: 8_000, treatment_region: B, filing_id: null }]);
      const b = await envB.db.query<{ fund: number; status: string }>(
        'select fund, status from region_crossings where settlement_id = $1',
        [r.body.id],
      );
      assert.deepEqual(b.rows, [{ fund: 8_000, status: 'settled' }]);
    });

    test('a filing approved by the insured region: the home ratios apply', async () => {
      const f = await call(envA.app, 'POST', '/v1/me/filings', {
        token: person.token,
        body: { kind: 'resident_elsewhere', targetRegion: B, validFrom: '2026-06-01', validTo: '2026-12-31' },
      });
      assert.equal(f.status, 201, f.raw);
      assert.equal(f.body.status, 'approved');
      const referral = await call(envA.app, 'POST', '/v1/me/filings', {
        token: person.token,
        body: { kind: 'referral', targetRegion: B, validFrom: '2026-06-01', validTo: '2027-06-01' },
      });
      assert.equal(referral.status, 422);
      assert.equal(referral.body.error.code, 'filing_period_invalid');
      const r = await settleCall(envB, till.token, { qr: await qrOf(envA, person), bill });
      assert.equal(r.status, 201, r.raw);
      assert.equal(r.body.result.totals.fund, 9_000);
      settled.push(r.body.id);
    });

    test('a retry with the same key and a duplicate delivery settle once', async () => {
      const key = newKey();
      const qr = await qrOf(envA, person);
      const first = await settleCall(envB, till.token, { qr, bill }, key);
      assert.equal(first.status, 201, first.raw);
      const again = await settleCall(envB, till.token, { qr, bill }, key);
      assert.equal(again.status, 201);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      // The same request published again with its Nats-Msg-Id is dropped by the stream.
      const nc = await connect({ servers: NATS_URL });
      const ack = await nc.jetstream().publish(subjects.request(A, 'settle'), json.encode({}), {
        msgID: `${B}:${till.institutionId}:${key}`,
      });
      assert.equal(ack.duplicate, true);
      await nc.close();
      const n = await envA.db.query<{ n: number }>(
        `select count(*)::int8 as n from idempotency_keys where key = $1`,
        [key],
      );
      assert.equal(n.rows[0]!.n, 1);
      settled.push(first.body.id);
    });

    test('a refund crosses the same way and gives the accumulators back', async () => {
      const id = settled[1]!;
      const before = await envA.db.query<{ f: number }>(
        'select fund_paid as f from person_year_accumulators where person_id = $1',
        [person.personId],
      );
      const r = await call(envB.app, 'POST', `/v1/terminal/settlements/${id}/refunds`, {
        token: till.token,
        body: { reason: 'returned' },
        headers: { 'idempotency-key': newKey() },
      });
      assert.equal(r.status, 201, r.raw);
      assert.equal(r.body.fund, 9_000);
      assert.equal(r.body.settlementStatus, 'refunded');
      const after = await envA.db.query<{ f: number }>(
        'select fund_paid as f from person_year_accumulators where person_id = $1',
        [person.personId],
      );
      assert.equal(after.rows[0]!.f, before.rows[0]!.f - 9_000);
      const b = await envB.db.query<{ status: string }>(
        'select status from region_crossings where settlement_id = $1',
        [id],
      );
      assert.equal(b.rows[0]!.status, 'refunded');
    });

    test('the insured region killed mid-request: region_unavailable, then the retry gets one settlement', async () => {
      const key = newKey();
      const qr = await qrOf(envA, person);
      const settlementsBefore = await envA.db.query<{ n: number }>(
        'select count(*)::int8 as n from settlements',
      );
      crashNext = true;
      const first = await settleCall(envB, till.token, { qr, bill }, key);
      assert.equal(first.status, 503, first.raw);
      assert.equal(first.body.error.code, 'region_unavailable');
      const mid = await envA.db.query<{ n: number }>('select count(*)::int8 as n from settlements');
      assert.equal(mid.rows[0]!.n, settlementsBefore.rows[0]!.n, 'nothing half-written');
      // The region comes back; JetStream redelivers the unacknowledged request after its ack wait.
      fedA = envA.app.regions = await RegionFederation.start(envA.app, opts(A));
      let retry = await settleCall(envB, till.token, { qr, bill }, key);
      for (let i = 0; retry.status === 503 && i < 5; i++)
        retry = await settleCall(envB, till.token, { qr, bill }, key);
      assert.equal(retry.status, 201, retry.raw);
      const n = await envA.db.query<{ n: number }>('select count(*)::int8 as n from settlements');
      assert.equal(n.rows[0]!.n, settlementsBefore.rows[0]!.n + 1, 'exactly one settlement');
      settled.push(retry.body.id);
    });

    test('monthly clearing: both sides report, the hub agrees, both confirm and post', async () => {
      const a1 = await fedA.clear('2026-06');
      assert.equal(a1.statements[0]!.status, 'waiting');
      assert.equal(a1.posted.length, 0);
      const b1 = await fedB.clear('2026-06');
      assert.equal(b1.statements[0]!.status, 'agreed');
      assert.equal(b1.posted.length, 1);
      const a2 = await fedA.clear('2026-06');
      assert.equal(a2.statements[0]!.status, 'confirmed');
      // 4 settlements (8000 + 9000 refunded + 9000 + 9000) and the accounts' shares (1000 + 2 × 2000 + 2000).
      const owed = 8_000 + 2_000 + 9_000 + 1_000 + 9_000 + 1_000;
      assert.equal(a2.statements[0]!.insuredAmount, owed);
      assert.equal(a2.statements[0]!.treatmentAmount, owed);
      const balance = async (db: Db, kind: string, owner: string) =>
        (
          await db.query<{ b: number }>(
            'select balance as b from ledger_accounts where kind = $1 and owner_id = $2',
            [kind, owner],
          )
        ).rows[0]?.b ?? 0;
      assert.equal(await balance(envA.db, 'region_clearing', B), 0);
      assert.equal(await balance(envB.db, 'region_clearing', A), 0);
      assert.equal(await balance(envA.db, 'region_transfer', B), owed);
      assert.equal(await balance(envB.db, 'region_transfer', A), -owed);
      // Clearing again posts nothing more.
      assert.equal((await fedB.clear('2026-06')).posted.length, 0);
    });

    test('the daily inter-region reconciliation finds both sides equal', async () => {
      const [r] = await fedB.reconcile('2026-06-15');
      assert.equal(r!.insuredRegion, A);
      assert.equal(r!.settlements, 4);
      assert.equal(r!.balanced, true, JSON.stringify(r));
    });

    test('the treatment institution’s day: its list, the settlement, the receipt, the reconciliation and payment', async () => {
      const day = '2026-06-15';
      const list = await call(envB.app, 'GET', `/v1/terminal/settlements?date=${day}`, { token: till.token });
      assert.equal(list.status, 200, list.raw);
      const listed = list.body.settlements as Array<{
        id: string;
        status: string;
        refundedLines: number[];
        crossRegion: { insuredRegion: string; filed: boolean };
      }>;
      assert.deepEqual(new Set(listed.map((v) => v.id)), new Set(settled));
      const refunded = listed.find((v) => v.id === settled[1])!;
      assert.equal(refunded.status, 'refunded');
      assert.deepEqual(refunded.refundedLines, [0]);
      assert.deepEqual(
        listed.map((v) => v.crossRegion.insuredRegion),
        settled.map(() => A),
      );
      const one = await call(envB.app, 'GET', `/v1/terminal/settlements/${settled[0]}`, {
        token: till.token,
      });
      assert.equal(one.status, 200, one.raw);
      assert.equal(one.body.result.totals.fund, 8_000);
      assert.deepEqual(one.body.crossRegion, {
        insuredRegion: A,
        treatmentRegion: B,
        filed: false,
        filingKind: null,
      });
      assert.deepEqual(one.body.refundedLines, []);
      const receipt = await call(envB.app, 'GET', `/v1/terminal/settlements/${settled[0]}/receipt`, {
        token: till.token,
        headers: { 'accept-language': 'zh-CN' },
      });
      assert.equal(receipt.status, 200, receipt.raw);
      assert.match(receipt.raw, /异地就医\s+未备案/);
      assert.match(receipt.raw, new RegExp(`参保地\\s+${A}`));
      assert.match(receipt.raw, /DIALYSIS 1x100\.00/);
      assert.match(receipt.raw, /统筹基金支付\s+80\.00/);
      const refundReceipt = await call(envB.app, 'GET', `/v1/terminal/settlements/${settled[1]}/receipt`, {
        token: till.token,
        headers: { 'accept-language': 'en' },
      });
      assert.match(refundReceipt.raw, /Insured in\s+ra/);
      assert.match(refundReceipt.raw, /REFUNDED/);
      // Another institution of the treatment region does not see them.
      const other = await createInstitution(envB, { kind: 'hospital', regionCode: B });
      const otherTill = (await createTerminal(envB, other)).token;
      const hidden = await call(envB.app, 'GET', `/v1/terminal/settlements/${settled[0]}`, {
        token: otherTill,
      });
      assert.equal(hidden.status, 404);

      // The day's reconciliation counts them; what the agency owes the institution is their fund and account
      // shares less the refund, which the insured region owes this region.
      const recon = await call(envB.app, 'GET', `/v1/terminal/reconciliation?date=${day}`, {
        token: till.token,
      });
      assert.equal(recon.status, 200, recon.raw);
      const owed = 8_000 + 2_000 + 9_000 + 1_000 + 9_000 + 1_000;
      assert.equal(recon.body.settlements.count, 4);
      assert.equal(recon.body.settlements.crossRegion, 4);
      assert.equal(recon.body.settlements.byCredential.ecard, 4);
      assert.equal(recon.body.refunds.count, 1);
      assert.equal(recon.body.refunds.crossRegion, 1);
      assert.equal(recon.body.refunds.fund, 9_000);
      assert.equal(recon.body.owedByAgency, owed);
      const staff = await createStaff(envB, B);
      const paid = await call(envB.app, 'POST', `/v1/staff/institutions/${till.institutionId}/payments`, {
        token: staff.token,
        body: { date: day },
      });
      assert.equal(paid.status, 201, paid.raw);
      assert.equal(paid.body.paid.amount, owed);
      const receivable = await envB.db.query<{ b: number }>(
        `select balance as b from ledger_accounts where kind = 'institution_receivable' and owner_id = $1`,
        [till.institutionId],
      );
      assert.equal(receivable.rows[0]!.b, 0);
      // The national detail reconciliation (3202) lists them too.
      const lines = await reconciliationLines(envB.db, till.institutionId, day);
      assert.equal(lines.filter((l) => l.kind === 'settlement').length, 4);
      assert.equal(lines.filter((l) => l.kind === 'refund').length, 1);
    });

    test('each region’s ledger holds, and every settlement is on both sides once with equal shares', async () => {
      for (const env of [envA, envB]) assert.deepEqual((await checkLedger(env.db)).problems, []);
      assert.deepEqual((await checkSettlements(envA.db)).problems, []);
      const a = await envA.db.query<{ id: string; owed: number }>(
        `select id, (fund + account_paid + relative_account_paid)::int8 as owed from settlements
          where treatment_region = $1 order by id`,
        [B],
      );
      const b = await envB.db.query<{ id: string; owed: number }>(
        `select settlement_id as id, (fund + account_paid + relative_account_paid)::int8 as owed from region_crossings
          where insured_region = $1 and settlement_id is not null order by settlement_id`,
        [A],
      );
      assert.deepEqual(b.rows, a.rows);
      assert.deepEqual(new Set(a.rows.map((r) => r.id)), new Set(settled));
    });
  },
);
