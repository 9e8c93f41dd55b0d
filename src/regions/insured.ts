import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../platform/db.ts';
import type { Config } from '../platform/config.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { idempotent } from '../platform/idempotency.ts';
import { lockPerson, lockPersonOf } from '../platform/locks.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { businessDate as businessDateAt } from '../platform/business-date.ts';
import { createKeyRingVerifier } from '../qr/verifier.ts';
import { keySetOf } from '../qr/token.ts';
import { QrCardFrozen, QrCardRevoked, QrTokenReplayed } from '../qr/errors.ts';
import { consumeTokenWrite, type QrKeySets } from '../qr/store.ts';
import {
  WrongPaymentPin,
  checkPaymentPinOf,
  paymentPinStateRead,
  recordPaymentPinFailure,
  type PaymentPinState,
} from '../cards/ecard.ts';
import { esscPaymentPinStateRead } from '../essc/essc.ts';
import { mutualAidPayerRead } from '../family/family.ts';
import { accountOf, individualAccount, pooledFund, post, regionAccount } from '../ledger/ledger.ts';
import { calculateSettlement, toNationalFigures } from '../settlement/calculator.ts';
import { resolveBill } from '../settlement/resolve.ts';
import { approvalsInForceRead, type ApprovalInForce } from '../catalogue/approvals.ts';
import type { PolicyRules } from '../settlement/policy.ts';
import { markPolicyUsed, policyInForceRead } from '../settlement/policy-store.ts';
import type { SettlementView } from '../settlement/settle.ts';
import type { RefundView } from '../settlement/refund.ts';
import { unfiledPolicy, validFiling } from './filing.ts';
import type { AcrossAnswer, AcrossRequest, EstimateAcross, RefundAcross, SettleAcross } from './messages.ts';
import { refusalOf } from './rpc.ts';

/**
 * The insured region's side of a cross-region settlement (docs/REGIONS.md): its own policy (cut for an unfiled
 * bill), accumulators, individual account and family mutual aid, over the bill the treatment region resolved
 * against its own catalogue. Idempotent on the till's key (scope `region:<treatment>:<institution>`), in one
 * transaction with its effects, so a redelivered request (the region restarted before its ack) returns the
 * stored answer and moves nothing. The fund and account shares become owed to the treatment region
 * (`region_clearing` owned by it); the cash share never reaches this region.
 */
export interface InsuredDeps {
  db: Db;
  config: Config;
  region: string;
  keys: QrKeySets;
  paymentPinKey: Buffer;
  clock: () => Date;
  /** Tests: runs inside the transaction just before it commits (a crash there loses the whole settlement). */
  beforeCommit?: (req: AcrossRequest) => Promise<void>;
}

interface PersonRow {
  id: string;
  id_number: string;
  name: string;
  region_code: string;
  insurance_type: 'employee' | 'resident' | 'flexible';
  retired: boolean;
  status: string;
}

const PERSON_COLUMNS = 'id, id_number, name, region_code, insurance_type, retired, status';

const scopeOf = (kind: 'settle' | 'refund', treatment: string, institutionId: string) =>
  `region-${kind}:${treatment}:${institutionId}`;

/** Answers one request from a treatment region (never throws an AppError: refusals are answers). */
export async function answerRequest(deps: InsuredDeps, req: AcrossRequest): Promise<AcrossAnswer> {
  const head = {
    msgId: req.msgId,
    kind: req.kind,
    insuredRegion: deps.region,
    institutionId: req.institution.id,
    key: req.key,
    attempt: req.attempt,
    ...(req.kind === 'refund' ? { settlementId: req.settlementId } : {}),
  };
  try {
    if (req.kind === 'settle') return { ...head, ok: true, settlement: await settleHere(deps, req) };
    return { ...head, ok: true, refund: await refundHere(deps, req) };
  } catch (err) {
    if (err instanceof AppError) return { ...head, ok: false, error: refusalOf(err), stored: false };
    throw err;
  }
}

/** An already answered key replays its answer even after the deadline; otherwise a late request is dropped. */
async function checkDeadline(deps: InsuredDeps, req: AcrossRequest, scope: string): Promise<void> {
  if (deps.clock().getTime() <= Date.parse(req.deadline)) return;
  const { rows } = await deps.db.query('select 1 from idempotency_keys where scope = $1 and key = $2', [
    scope,
    req.key,
  ]);
  if (!rows.length)
    throw conflict(
      'region_request_expired',
      'The till gave up on this request before the insured region could answer it; nothing was settled',
    );
}

async function settleHere(deps: InsuredDeps, req: SettleAcross): Promise<SettlementView> {
  const scope = scopeOf('settle', req.treatmentRegion, req.institution.id);
  await checkDeadline(deps, req, scope);
  const at = new Date(req.at);
  // The code was checked at the till when it was scanned; here its signature is checked again with this
  // region's own keys, at the till's time (the request may have waited in the stream while this region was down).
  const keySet = keySetOf(req.qr);
  const ring = await deps.keys[keySet].get(deps.clock());
  const claims = createKeyRingVerifier(ring, {
    clockSkewSeconds: deps.config.qrClockSkewSeconds,
    keySet,
  }).verify(req.qr, at);
  try {
    return await deps.db.transaction(async (tx) => {
      const out = await idempotent<SettlementView>(tx, scope, req.key, req.hash, async () => ({
        status: 201,
        body: await settleIn(tx, deps, req, keySet, claims, at),
      }));
      if (!out.replayed) await deps.beforeCommit?.(req);
      return out.body;
    });
  } catch (err) {
    if (err instanceof WrongPaymentPin)
      throw await recordPaymentPinFailure(deps.db, err.holder, err.cardId, deps.clock());
    throw err;
  }
}

/**
 * An estimate of a bill at another region's till: the settlement's checks and figures under this region's
 * policy, in a transaction that is always rolled back (no key stored, no nonce consumed, nothing moved).
 */
export async function estimateHere(deps: InsuredDeps, req: EstimateAcross): Promise<SettlementView> {
  const at = new Date(req.at);
  const keySet = keySetOf(req.qr);
  const ring = await deps.keys[keySet].get(deps.clock());
  const claims = createKeyRingVerifier(ring, {
    clockSkewSeconds: deps.config.qrClockSkewSeconds,
    keySet,
  }).verify(req.qr, at);
  let view: SettlementView | undefined;
  await deps.db
    .transaction(async (tx) => {
      view = await settleIn(tx, deps, req, keySet, claims, at);
      throw ROLLBACK;
    })
    .catch((err: unknown) => {
      if (err !== ROLLBACK) throw err;
    });
  return view!;
}

const ROLLBACK = Symbol('rollback');

async function settleIn(
  tx: Queryable,
  deps: InsuredDeps,
  req: SettleAcross | EstimateAcross,
  keySet: 'ecard' | 'essc',
  claims: ReturnType<ReturnType<typeof createKeyRingVerifier>['verify']>,
  at: Date,
): Promise<SettlementView> {
  const person = await lockPersonOf<PersonRow>(
    tx,
    keySet === 'essc' ? 'esscs' : 'ecards',
    claims.ecardId,
    PERSON_COLUMNS,
  );
  if (!person) throw new QrCardRevoked('The e-card of this code no longer exists');
  if (person.status !== 'active')
    throw unprocessable('person_not_active', `The insured person's status is ${person.status}`);
  const businessDate = businessDateAt(at);
  const year = Number(businessDate.slice(0, 4));
  const { rows: acc } = await tx.query<{ d: number; o: number; f: number }>(
    `insert into person_year_accumulators (person_id, year) values ($1, $2)
     on conflict (person_id, year) do update set year = excluded.year
     returning inpatient_deductible_paid as d, outpatient_eligible_spent as o, fund_paid as f`,
    [person.id, year],
  );
  const estimate = req.kind === 'estimate';
  if (!estimate) {
    const nonce = consumeTokenWrite(claims, null, at);
    if (!(await tx.query(nonce.sql, nonce.params)).rows.length) throw new QrTokenReplayed();
  }
  const pin =
    keySet === 'essc' ? esscPaymentPinStateRead(claims.ecardId) : paymentPinStateRead(claims.ecardId);
  const card = (await tx.query<PaymentPinState>(pin.sql, pin.params)).rows[0];
  if (!card || card.status === 'revoked' || card.status === 'ended') throw new QrCardRevoked();
  if (card.status !== 'active') throw new QrCardFrozen(`The card is ${card.status}`);
  if (!card.payment_open) {
    throw keySet === 'essc'
      ? unprocessable('second_level_required', 'The e-SSC’s payment function is not open')
      : unprocessable('payment_not_open', 'The e-card’s payment function is not open');
  }
  const pv = policyInForceRead(person.region_code, businessDate);
  const policy = (
    await tx.query<{ id: string; version: string; rules: PolicyRules; first_used_at: Date | null }>(
      pv.sql,
      pv.params,
    )
  ).rows[0];
  if (!policy)
    throw unprocessable(
      'no_policy',
      `Region ${person.region_code} has no policy in force on ${businessDate}`,
    );
  const filing = await validFiling(tx, person.id, req.treatmentRegion, businessDate);
  const rules = filing ? policy.rules : unfiledPolicy(policy.rules);
  const own = await accountOf(tx, person.id);
  let relative: { personId: string; accountId: string; balance: number } | null = null;
  if (req.familyAccount !== false) {
    const aid = mutualAidPayerRead(person.id);
    const payer = (await tx.query<{ binder_person_id: string }>(aid.sql, aid.params)).rows[0];
    if (payer) {
      await lockPerson(tx, payer.binder_person_id);
      const rel = await accountOf(tx, payer.binder_person_id);
      relative = { personId: payer.binder_person_id, accountId: rel.id, balance: rel.balance };
    }
  }
  // The treatment region resolved the item codes against its catalogue; the person's approvals are ours.
  const approvals = approvalsInForceRead(person.id, req.institution.id, businessDate);
  const { bill } = resolveBill(
    req.bill,
    new Map(Object.entries(req.coverage.mapped)),
    (await tx.query<{ approvals: ApprovalInForce[] }>(approvals.sql, approvals.params)).rows[0]!.approvals,
    businessDate,
  );
  const result = calculateSettlement({
    policy: rules,
    person: { insuranceType: person.insurance_type, retired: person.retired },
    accumulators: {
      inpatientDeductiblePaid: acc[0]!.d,
      outpatientEligibleSpent: acc[0]!.o,
      fundPaid: acc[0]!.f,
    },
    accountBalance: own.balance,
    relative: relative ? { accountBalance: relative.balance } : undefined,
    bill,
  });
  const t = result.totals;
  const viewOf = (id: string | null): SettlementView =>
    ({
      id,
      estimate: id === null,
      status: id === null ? 'estimate' : 'settled',
      createdAt: at.toISOString(),
      institutionId: req.institution.id,
      terminalId: req.terminalId,
      method: 'qr',
      credential: keySet,
      cashMethod: 'cash',
      bankInstruction: null,
      person: {
        maskedName: maskName(person.name),
        maskedIdNumber: maskIdNumber(person.id_number),
        insuranceType: person.insurance_type,
        retired: person.retired,
      },
      relativePaid: t.relativeAccountPaid > 0,
      policyVersion: policy.version,
      catalogueVersion: req.coverage.catalogue_version,
      businessDate,
      cardActivated: false,
      result,
      national: toNationalFigures(result),
      crossRegion: {
        insuredRegion: person.region_code,
        treatmentRegion: req.treatmentRegion,
        filed: filing !== null,
        filingKind: filing?.kind ?? null,
      },
    }) as SettlementView;
  if (estimate) return viewOf(null);
  if (t.accountPaid + t.relativeAccountPaid > deps.config.paymentPinThresholdFen) {
    if (!req.paymentPin)
      throw unprocessable(
        'payment_pin_required',
        'The accounts pay more than the no-PIN limit: ask for the payment PIN',
        { thresholdFen: deps.config.paymentPinThresholdFen },
      );
    await checkPaymentPinOf(tx, deps.paymentPinKey, card, req.paymentPin, at);
  }
  const id = randomUUID();
  const owed = t.fund + t.accountPaid + t.relativeAccountPaid;
  await tx.query('insert into regions (code, name) values ($1, $1) on conflict do nothing', [
    req.treatmentRegion,
  ]);
  const entries = [
    { accountId: await pooledFund(tx, person.region_code), amount: -t.fund },
    { accountId: own.id, amount: -t.accountPaid },
    ...(relative ? [{ accountId: relative.accountId, amount: -t.relativeAccountPaid }] : []),
    { accountId: await regionAccount(tx, 'region_clearing', req.treatmentRegion), amount: owed },
  ].filter((e) => e.amount !== 0);
  const posting =
    entries.length >= 2
      ? await post(tx, {
          beneficiaryPersonId: person.id,
          kind: 'settlement',
          reference: { type: 'settlement', id },
          regionCode: person.region_code,
          entries,
          at,
          memo: `cross-region: ${req.treatmentRegion} ${req.institution.code}`,
        })
      : null;
  await tx.query(
    `insert into settlements (id, person_id, region_code, institution_id, terminal_id, policy_version_id, method, ecard_id, card_id,
       relative_person_id, setting, year, business_date, status, total, fund, account_paid, relative_account_paid, cash_paid,
       result, posting_id, created_at, card_activated, credential, essc_id, cash_method, treatment_region,
       treatment_institution, filing_id, catalogue_version)
     values ($1, $2, $3, null, null, $4, 'qr', $5, null, $6, $7, $8, $9, 'settled', $10, $11, $12, $13, $14, $15, $16,
       $17, false, $18, $19, 'cash', $20, $21, $22, $23)`,
    [
      id,
      person.id,
      person.region_code,
      policy.id,
      keySet === 'ecard' ? claims.ecardId : null,
      t.relativeAccountPaid > 0 ? relative!.personId : null,
      req.bill.setting,
      year,
      businessDate,
      t.total,
      t.fund,
      t.accountPaid,
      t.relativeAccountPaid,
      t.cashPaid,
      JSON.stringify(result),
      posting?.postingId ?? null,
      at,
      keySet,
      keySet === 'essc' ? claims.ecardId : null,
      req.treatmentRegion,
      JSON.stringify(req.institution),
      filing?.id ?? null,
      req.coverage.catalogue_version,
    ],
  );
  const items = req.bill.items;
  const col = <K extends keyof (typeof result.lines)[number]>(k: K) => result.lines.map((l) => l[k]);
  await tx.query(
    `insert into settlement_lines (settlement_id, person_id, line_index, code, name, quantity, unit_price, amount, fund,
       account_paid, relative_account_paid, cash_paid, delta_inpatient_deductible, delta_outpatient_eligible, delta_fund_paid)
     select $1::uuid, $2::uuid, * from unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::int8[], $8::int8[], $9::int8[],
       $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[], $15::int8[])`,
    [
      id,
      person.id,
      col('index'),
      col('code'),
      col('name'),
      result.lines.map((l) => items[l.index]!.quantity),
      result.lines.map((l) => items[l.index]!.unitPrice),
      col('amount'),
      col('fund'),
      result.lines.map((l) => l.personal.account),
      result.lines.map((l) => l.personal.relativeAccount),
      result.lines.map((l) => l.personal.cash),
      result.lines.map((l) => l.accumulatorDeltas.inpatientDeductiblePaid),
      result.lines.map((l) => l.accumulatorDeltas.outpatientEligibleSpent),
      result.lines.map((l) => l.accumulatorDeltas.fundPaid),
    ],
  );
  const after = result.newAccumulators;
  await tx.query(
    `update person_year_accumulators set inpatient_deductible_paid = $3, outpatient_eligible_spent = $4, fund_paid = $5
      where person_id = $1 and year = $2`,
    [person.id, year, after.inpatientDeductiblePaid, after.outpatientEligibleSpent, after.fundPaid],
  );
  if (!policy.first_used_at) {
    const used = markPolicyUsed(policy.id, at);
    await tx.query(used.sql, used.params);
  }
  return viewOf(id);
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

async function refundHere(deps: InsuredDeps, req: RefundAcross): Promise<RefundView> {
  const scope = scopeOf('refund', req.treatmentRegion, req.institution.id);
  await checkDeadline(deps, req, scope);
  const out = await deps.db.transaction(async (tx) => {
    const r = await idempotent<RefundView>(tx, scope, req.key, req.hash, async () => ({
      status: 201,
      body: await refundIn(tx, req),
    }));
    if (!r.replayed) await deps.beforeCommit?.(req);
    return r;
  });
  return out.body;
}

async function refundIn(tx: Queryable, req: RefundAcross): Promise<RefundView> {
  const at = new Date(req.at);
  const { rows: head } = await tx.query<{
    person_id: string;
    relative_person_id: string | null;
    region_code: string;
    year: number;
  }>(
    `select person_id, relative_person_id, region_code, year from settlements
      where id = $1 and treatment_region = $2 and treatment_institution->>'id' = $3`,
    [req.settlementId, req.treatmentRegion, req.institution.id],
  );
  const s = head[0];
  if (!s) throw notFound('settlement_not_found', 'No such settlement at this institution');
  await lockPerson(tx, s.person_id);
  if (s.relative_person_id) await lockPerson(tx, s.relative_person_id);
  await tx.query('select id from settlements where id = $1 for update', [req.settlementId]);
  const { rows: all } = await tx.query<LineRow>(
    `select line_index, amount, fund, account_paid, relative_account_paid, cash_paid, delta_inpatient_deductible,
            delta_outpatient_eligible, delta_fund_paid, refund_id
       from settlement_lines where settlement_id = $1 order by line_index`,
    [req.settlementId],
  );
  const wanted = req.lines
    ? [...new Set(req.lines)].sort((a, b) => a - b)
    : all.filter((l) => !l.refund_id).map((l) => l.line_index);
  const unknown = wanted.filter((i) => !all.some((l) => l.line_index === i));
  if (unknown.length)
    throw badRequest('unknown_line', `The settlement has no line ${unknown.join(', ')}`, { lines: unknown });
  const lines = all.filter((l) => wanted.includes(l.line_index));
  const done = lines.filter((l) => l.refund_id);
  if (!lines.length || done.length) throw conflict('already_refunded', 'The settlement is already refunded');
  const id = randomUUID();
  const t = {
    total: sum(lines, 'amount'),
    fund: sum(lines, 'fund'),
    accountPaid: sum(lines, 'account_paid'),
    relativeAccountPaid: sum(lines, 'relative_account_paid'),
    cashPaid: sum(lines, 'cash_paid'),
  };
  const entries = [
    { accountId: await pooledFund(tx, s.region_code), amount: t.fund },
    { accountId: await individualAccount(tx, s.person_id), amount: t.accountPaid },
    ...(s.relative_person_id
      ? [{ accountId: await individualAccount(tx, s.relative_person_id), amount: t.relativeAccountPaid }]
      : []),
    {
      accountId: await regionAccount(tx, 'region_clearing', req.treatmentRegion),
      amount: -(t.fund + t.accountPaid + t.relativeAccountPaid),
    },
  ].filter((e) => e.amount !== 0);
  const posting =
    entries.length >= 2
      ? await post(tx, {
          beneficiaryPersonId: s.person_id,
          kind: 'refund',
          reference: { type: 'refund', id },
          regionCode: s.region_code,
          entries,
          at,
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
  await tx.query(
    `insert into refunds (id, settlement_id, person_id, institution_id, terminal_id, region_code, business_date, reason, line_indexes,
       total, fund, account_paid, relative_account_paid, cash_paid, posting_id, created_at)
     values ($1, $2, $3, null, null, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      id,
      req.settlementId,
      s.person_id,
      s.region_code,
      businessDateAt(at),
      req.reason,
      wanted,
      t.total,
      t.fund,
      t.accountPaid,
      t.relativeAccountPaid,
      t.cashPaid,
      posting?.postingId ?? null,
      at,
    ],
  );
  await tx.query(
    'update settlement_lines set refund_id = $2 where settlement_id = $1 and line_index = any($3)',
    [req.settlementId, id, wanted],
  );
  const { rows: left } = await tx.query<{ n: number }>(
    'select count(*)::int8 as n from settlement_lines where settlement_id = $1 and refund_id is null',
    [req.settlementId],
  );
  const status = left[0]!.n === 0 ? 'refunded' : 'partially_refunded';
  await tx.query('update settlements set status = $2 where id = $1', [req.settlementId, status]);
  return {
    id,
    settlementId: req.settlementId,
    lines: wanted,
    ...t,
    settlementStatus: status,
    createdAt: at.toISOString(),
  };
}
