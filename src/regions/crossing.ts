import { ErrorCode, type JetStreamClient } from 'nats';
import type { Caller, Ctx } from '../platform/context.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { badRequest, notFound, unprocessable } from '../platform/errors.ts';
import { requestHash } from '../platform/idempotency.ts';
import {
  institutionCash,
  institutionReceivable,
  patientCash,
  post,
  regionAccount,
} from '../ledger/ledger.ts';
import { coverageDeclared, type SettleRequest, type SettlementView } from '../settlement/settle.ts';
import { declaredCoverage } from '../settlement/resolve.ts';
import { billCoverageRead, type BillCoverage } from '../catalogue/store.ts';
import { businessDate } from '../platform/business-date.ts';
import type { RefundRequest, RefundView } from '../settlement/refund.ts';
import { ForeignKeys } from './directory.ts';
import type { AcrossAnswer, AcrossRequest, EstimateAcross, RefundAcross, SettleAcross } from './messages.ts';
import { json, requestMsgId, subjects } from './nats.ts';
import { appErrorOf, regionUnavailable, type Refusal } from './rpc.ts';

/**
 * The treatment region's side of a cross-region settlement (docs/REGIONS.md). The till's request for a code
 * signed by another region is checked here with that region's federated keys (offline), written down as
 * `sent` under the till's Idempotency-Key, published to the insured region's request subject with the key as
 * `Nats-Msg-Id`, and answered when the insured region's answer has been recorded by this region's answer
 * consumer (`recordAnswer`): the institution's receivable and cash, owed by the insured region
 * (`region_clearing`). No answer within the wait is `region_unavailable`; the till asks again with the same
 * key, which waits for the same request (the stream drops the second copy) or returns the recorded answer.
 */
export interface TreatmentDeps {
  db: Db;
  region: string;
  js: JetStreamClient;
  foreign: ForeignKeys;
  /** How long the till waits for the insured region's answer. */
  waitMs: number;
  /** How long the insured region may still act on a request the till has given up on. */
  requestTtlMs: number;
  clockSkewSeconds: number;
  waiters: Waiters;
  /**
   * Whether the NATS connection is up now. While it is down the client would buffer a publish and send it on
   * reconnection, after the till was told `region_unavailable`: a request is not sent at all then.
   */
  connected: () => boolean;
  /** Asks the insured region for an estimate (core request/reply; `region_unavailable` without an answer). */
  estimate: (insured: string, req: EstimateAcross) => Promise<SettlementView>;
}

/** In-process waits for answers, by request id; resolved by the answer consumer after it has recorded one. */
export class Waiters {
  #waiting = new Map<string, Array<() => void>>();

  wait(id: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const list = this.#waiting.get(id)?.filter((f) => f !== done) ?? [];
        if (list.length) this.#waiting.set(id, list);
        else this.#waiting.delete(id);
        resolve(false);
      }, ms);
      this.#waiting.set(id, [...(this.#waiting.get(id) ?? []), done]);
    });
  }

  wake(id: string): void {
    for (const f of this.#waiting.get(id) ?? []) f();
    this.#waiting.delete(id);
  }
}

interface CrossingRow {
  request_hash: string;
  attempt: number;
  insured_region: string;
  status: 'sent' | 'settled' | 'refused' | 'partially_refunded' | 'refunded';
  settlement_id: string | null;
  view: SettlementView | null;
  refusal: Refusal | null;
}

/** Whether a scanned code belongs to another region of the federation (then `settleAcross` takes it). */
export async function insuredRegionOf(deps: TreatmentDeps, qr: string | undefined): Promise<string | null> {
  return qr ? deps.foreign.regionOf(qr) : null;
}

const settleWaitId = (institutionId: string, key: string, attempt: number) =>
  `settle:${institutionId}:${key}:${attempt}`;
const refundWaitId = (settlementId: string, key: string, attempt: number) =>
  `refund:${settlementId}:${key}:${attempt}`;

export async function settleAcross(
  deps: TreatmentDeps,
  ctx: Ctx,
  terminal: Caller,
  req: SettleRequest,
  key: string | undefined,
): Promise<{ status: number; body: SettlementView; replayed: boolean }> {
  if (req.card || req.cashBy === 'bank_account')
    throw unprocessable(
      'cross_region_unsupported',
      'Across regions only a settlement by QR code with the cash share paid at the till is supported',
    );
  if (req.estimate) {
    const { inst, insured, coverage } = await prepare(deps, ctx, terminal.institutionId!, req);
    const message: EstimateAcross = {
      kind: 'estimate',
      treatmentRegion: deps.region,
      institution: { id: terminal.institutionId!, code: inst.code, name: inst.name },
      terminalId: terminal.terminalId,
      at: ctx.now.toISOString(),
      qr: req.qr!,
      bill: req.bill,
      coverage,
      ...(req.familyAccount !== undefined ? { familyAccount: req.familyAccount } : {}),
    };
    return { status: 200, body: await deps.estimate(insured, message), replayed: false };
  }
  if (!key)
    throw badRequest(
      'idempotency_key_required',
      'Send an Idempotency-Key header so that a retry cannot pay twice',
    );
  const institutionId = terminal.institutionId!;
  const hash = requestHash({ ...req, paymentPin: undefined });
  const row = await crossingOf(deps.db, institutionId, key);
  if (row && row.request_hash !== hash)
    throw unprocessable(
      'idempotency_key_mismatch',
      'This Idempotency-Key was already used with a different request body',
    );
  if (row?.view) return { status: 201, body: row.view, replayed: true };
  const { inst, insured, coverage } = await prepare(deps, ctx, institutionId, req);
  const attempt = row ? (row.status === 'refused' ? row.attempt + 1 : row.attempt) : 0;
  const msgId = requestMsgId(deps.region, institutionId, key, attempt);
  const message: SettleAcross = {
    kind: 'settle',
    msgId,
    treatmentRegion: deps.region,
    institution: { id: institutionId, code: inst.code, name: inst.name },
    terminalId: terminal.terminalId,
    key,
    hash,
    attempt,
    at: ctx.now.toISOString(),
    deadline: new Date(ctx.now.getTime() + deps.requestTtlMs).toISOString(),
    qr: req.qr!,
    bill: req.bill,
    coverage,
    ...(req.paymentPin ? { paymentPin: req.paymentPin } : {}),
    ...(req.familyAccount !== undefined ? { familyAccount: req.familyAccount } : {}),
  };
  // `fresh`: this call inserted the row (no earlier try of this key can be on its way). A row taken over from
  // a refusal keeps its new attempt even if the publish fails: the retry sends that attempt's message id.
  const fresh = !!(
    await deps.db.query<{ inserted: boolean }>(
      `insert into region_crossings (institution_id, key, request_hash, attempt, insured_region, terminal_id, status, sent_at, bill)
       values ($1, $2, $3, $4, $5, $6, 'sent', $7, $8)
       on conflict (institution_id, key) do update set attempt = excluded.attempt, status = 'sent', refusal = null,
         sent_at = excluded.sent_at where region_crossings.status = 'refused'
       returning xmax = 0 as inserted`,
      [institutionId, key, hash, attempt, insured, terminal.terminalId, ctx.now, JSON.stringify(req.bill)],
    )
  ).rows[0]?.inserted;
  const waitId = settleWaitId(institutionId, key, attempt);
  const answered = deps.waiters.wait(waitId, deps.waitMs);
  try {
    await publishRequest(deps, subjects.request(insured, 'settle'), message);
  } catch (err) {
    deps.waiters.wake(waitId);
    // Surely not in the stream, and no earlier try on its way: nothing was sent, so nothing is left behind. In
    // doubt (the connection dropped while the message was on its way), or another try of the key, the `sent`
    // row stays: the answer, if any, is recorded when it comes, and the till's retry with the same
    // key publishes the same message id again (the stream drops it if it has it).
    if (fresh && !inDoubt(err))
      await deps.db.query(
        `delete from region_crossings where institution_id = $1 and key = $2 and status = 'sent' and attempt = $3`,
        [institutionId, key, attempt],
      );
    throw regionUnavailable(insured, (err as Error).message);
  }
  await answered;
  const after = await crossingOf(deps.db, institutionId, key);
  if (after?.view) return { status: 201, body: after.view, replayed: false };
  if (after?.status === 'refused' && after.attempt === attempt && after.refusal)
    throw appErrorOf(after.refusal);
  throw regionUnavailable(insured, 'no answer in time');
}

/** Thrown before a publish while NATS is unreachable: the message was surely not sent. */
class NotConnected extends Error {
  constructor() {
    super('NATS is unreachable');
  }
}

/** Publishes a request to the stream under its message id, unless the connection is down now. */
async function publishRequest(deps: TreatmentDeps, subject: string, message: AcrossRequest): Promise<void> {
  if (!deps.connected()) throw new NotConnected();
  await deps.js.publish(subject, json.encode(message), { msgID: message.msgId, timeout: 2_000 });
}

/**
 * Whether a failed publish may still have reached the stream: a timeout or a connection lost on the way (the
 * client then sends what it buffered when it reconnects), or anything else unforeseen. Surely not sent: refused
 * before the publish, or no JetStream to take it (`503`).
 */
function inDoubt(err: unknown): boolean {
  if (err instanceof NotConnected) return false;
  return (err as { code?: unknown }).code !== ErrorCode.NoResponders;
}

/**
 * What the till's request needs before it crosses: the institution (which must take the e-card), the code's
 * signature and time checked with the insured region's federated keys (offline), and the bill against this
 * (the treatment) region's catalogue and the institution's mappings.
 */
async function prepare(deps: TreatmentDeps, ctx: Ctx, institutionId: string, req: SettleRequest) {
  const { rows } = await deps.db.query<{ code: string; name: string; accepts_ecard: boolean }>(
    'select code, name, accepts_ecard from institutions where id = $1',
    [institutionId],
  );
  const inst = rows[0];
  if (!inst?.accepts_ecard)
    throw unprocessable(
      'ecard_not_accepted',
      'This institution does not accept the e-card; read the physical card instead',
    );
  const { region: insured } = await deps.foreign.verify(req.qr!, ctx.now, deps.clockSkewSeconds);
  const declared = declaredCoverage(req.bill);
  if (declared) throw coverageDeclared(declared);
  const read = billCoverageRead(
    deps.region,
    businessDate(ctx.now),
    institutionId,
    req.bill.items.map((i) => i.code),
  );
  const coverage = (await deps.db.query<BillCoverage>(read.sql, read.params)).rows[0]!;
  return { inst, insured, coverage };
}

async function crossingOf(
  q: Queryable,
  institutionId: string,
  key: string,
): Promise<CrossingRow | undefined> {
  const { rows } = await q.query<CrossingRow>(
    `select request_hash, attempt, insured_region, status, settlement_id, view, refusal from region_crossings
      where institution_id = $1 and key = $2`,
    [institutionId, key],
  );
  return rows[0];
}

/** Whether a settlement id is a cross-region one of this institution (then `refundAcross` takes its refund). */
export async function isCrossing(
  q: Queryable,
  institutionId: string,
  settlementId: string,
): Promise<boolean> {
  const { rows } = await q.query(
    'select 1 from region_crossings where institution_id = $1 and settlement_id = $2',
    [institutionId, settlementId],
  );
  return rows.length > 0;
}

export async function refundAcross(
  deps: TreatmentDeps,
  ctx: Ctx,
  terminal: Caller,
  settlementId: string,
  req: RefundRequest,
  key: string | undefined,
): Promise<{ status: number; body: RefundView; replayed: boolean }> {
  if (!key)
    throw badRequest(
      'idempotency_key_required',
      'Send an Idempotency-Key header so that a retry cannot refund twice',
    );
  const institutionId = terminal.institutionId!;
  const { rows: cross } = await deps.db.query<{ insured_region: string; code: string; name: string }>(
    `select c.insured_region, i.code, i.name from region_crossings c join institutions i on i.id = c.institution_id
      where c.institution_id = $1 and c.settlement_id = $2`,
    [institutionId, settlementId],
  );
  if (!cross[0]) throw notFound('settlement_not_found', 'No such settlement at this institution');
  const hash = requestHash({ settlementId, ...req });
  const prior = await refundRowOf(deps.db, settlementId, key);
  if (prior && prior.request_hash !== hash)
    throw unprocessable(
      'idempotency_key_mismatch',
      'This Idempotency-Key was already used with a different request body',
    );
  if (prior?.view) return { status: 201, body: prior.view, replayed: true };
  const attempt = prior ? (prior.status === 'refused' ? prior.attempt + 1 : prior.attempt) : 0;
  const insured = cross[0].insured_region;
  const msgId = requestMsgId(deps.region, `refund:${settlementId}`, key, attempt);
  const message: RefundAcross = {
    kind: 'refund',
    msgId,
    treatmentRegion: deps.region,
    institution: { id: institutionId, code: cross[0].code, name: cross[0].name },
    terminalId: terminal.terminalId,
    key,
    hash,
    attempt,
    at: ctx.now.toISOString(),
    deadline: new Date(ctx.now.getTime() + deps.requestTtlMs).toISOString(),
    settlementId,
    ...(req.lines ? { lines: req.lines } : {}),
    reason: req.reason,
  };
  const fresh = !!(
    await deps.db.query<{ inserted: boolean }>(
      `insert into region_crossing_refunds (settlement_id, key, request_hash, attempt, status, sent_at, institution_id)
       values ($1, $2, $3, $4, 'sent', $5, $6)
       on conflict (settlement_id, key) do update set attempt = excluded.attempt, status = 'sent', refusal = null
         where region_crossing_refunds.status = 'refused'
       returning xmax = 0 as inserted`,
      [settlementId, key, hash, attempt, ctx.now, institutionId],
    )
  ).rows[0]?.inserted;
  const waitId = refundWaitId(settlementId, key, attempt);
  const answered = deps.waiters.wait(waitId, deps.waitMs);
  try {
    await publishRequest(deps, subjects.request(insured, 'refund'), message);
  } catch (err) {
    deps.waiters.wake(waitId);
    if (fresh && !inDoubt(err))
      await deps.db.query(
        `delete from region_crossing_refunds where settlement_id = $1 and key = $2 and status = 'sent' and attempt = $3`,
        [settlementId, key, attempt],
      );
    throw regionUnavailable(insured, (err as Error).message);
  }
  await answered;
  const after = await refundRowOf(deps.db, settlementId, key);
  if (after?.view) return { status: 201, body: after.view, replayed: false };
  if (after?.status === 'refused' && after.attempt === attempt && after.refusal)
    throw appErrorOf(after.refusal);
  throw regionUnavailable(insured, 'no answer in time');
}

async function refundRowOf(q: Queryable, settlementId: string, key: string) {
  const { rows } = await q.query<{
    request_hash: string;
    attempt: number;
    status: 'sent' | 'refunded' | 'refused';
    view: RefundView | null;
    refusal: Refusal | null;
  }>(
    'select request_hash, attempt, status, view, refusal from region_crossing_refunds where settlement_id = $1 and key = $2',
    [settlementId, key],
  );
  return rows[0];
}

/**
 * Records an answer of an insured region (the answer consumer calls it; a duplicate or an answer to an older
 * attempt changes nothing), then wakes the till waiting for it. A settlement posts, in this region's ledger:
 * the insured region owes (`region_clearing` −) the institution's receivable (+ fund and account shares); the
 * cash share the person paid at the till is the institution's cash, as at home.
 */
export async function recordAnswer(
  deps: Pick<TreatmentDeps, 'db' | 'region' | 'waiters'>,
  a: AcrossAnswer,
  now: Date,
) {
  if (a.kind === 'settle') {
    await deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: string; attempt: number; terminal_id: string | null }>(
        'select status, attempt, terminal_id from region_crossings where institution_id = $1 and key = $2 for update',
        [a.institutionId, a.key],
      );
      const row = rows[0];
      if (!row || row.status !== 'sent' || row.attempt !== a.attempt) return;
      if (!a.ok) {
        await tx.query(
          `update region_crossings set status = 'refused', refusal = $3, answered_at = $4 where institution_id = $1 and key = $2`,
          [a.institutionId, a.key, JSON.stringify(a.error), now],
        );
        return;
      }
      const view = a.settlement!;
      const t = view.result.totals;
      const owed = t.fund + t.accountPaid + t.relativeAccountPaid;
      const entries = [
        { accountId: await regionAccount(tx, 'region_clearing', a.insuredRegion), amount: -owed },
        { accountId: await institutionReceivable(tx, a.institutionId, deps.region), amount: owed },
        { accountId: await patientCash(tx, deps.region), amount: -t.cashPaid },
        { accountId: await institutionCash(tx, a.institutionId, deps.region), amount: t.cashPaid },
      ].filter((e) => e.amount !== 0);
      const posting =
        entries.length >= 2
          ? await post(tx, {
              kind: 'settlement',
              reference: { type: 'region_crossing', id: view.id! },
              regionCode: deps.region,
              entries,
              at: new Date(view.createdAt),
              memo: `cross-region: insured in ${a.insuredRegion}`,
            })
          : null;
      await tx.query(
        `update region_crossings set status = 'settled', settlement_id = $3, business_date = $4, total = $5, fund = $6,
           account_paid = $7, relative_account_paid = $8, cash_paid = $9, view = $10, posting_id = $11, answered_at = $12
         where institution_id = $1 and key = $2`,
        [
          a.institutionId,
          a.key,
          view.id,
          view.businessDate,
          t.total,
          t.fund,
          t.accountPaid,
          t.relativeAccountPaid,
          t.cashPaid,
          JSON.stringify(view),
          posting?.postingId ?? null,
          now,
        ],
      );
    });
    deps.waiters.wake(settleWaitId(a.institutionId, a.key, a.attempt));
    return;
  }
  await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string; attempt: number }>(
      'select status, attempt from region_crossing_refunds where settlement_id = $1 and key = $2 for update',
      [a.settlementId, a.key],
    );
    const row = rows[0];
    if (!row || row.status !== 'sent' || row.attempt !== a.attempt) return;
    if (!a.ok) {
      await tx.query(
        `update region_crossing_refunds set status = 'refused', refusal = $3, answered_at = $4 where settlement_id = $1 and key = $2`,
        [a.settlementId, a.key, JSON.stringify(a.error), now],
      );
      return;
    }
    const r = a.refund!;
    const owed = r.fund + r.accountPaid + r.relativeAccountPaid;
    const entries = [
      { accountId: await regionAccount(tx, 'region_clearing', a.insuredRegion), amount: owed },
      { accountId: await institutionReceivable(tx, a.institutionId, deps.region), amount: -owed },
      { accountId: await patientCash(tx, deps.region), amount: r.cashPaid },
      { accountId: await institutionCash(tx, a.institutionId, deps.region), amount: -r.cashPaid },
    ].filter((e) => e.amount !== 0);
    const posting =
      entries.length >= 2
        ? await post(tx, {
            kind: 'refund',
            reference: { type: 'region_crossing_refund', id: r.id },
            regionCode: deps.region,
            entries,
            at: new Date(r.createdAt),
          })
        : null;
    await tx.query(
      `update region_crossing_refunds set status = 'refunded', refund_id = $3, fund = $4, account = $5, cash = $6, view = $7,
         posting_id = $8, answered_at = $9, business_date = $10 where settlement_id = $1 and key = $2`,
      [
        a.settlementId,
        a.key,
        r.id,
        r.fund,
        r.accountPaid + r.relativeAccountPaid,
        r.cashPaid,
        JSON.stringify(r),
        posting?.postingId ?? null,
        now,
        businessDate(new Date(r.createdAt)),
      ],
    );
    await tx.query(
      `update region_crossings set status = $2, refunded_fund = refunded_fund + $3, refunded_account = refunded_account + $4,
         refunded_cash = refunded_cash + $5 where settlement_id = $1`,
      [a.settlementId, r.settlementStatus, r.fund, r.accountPaid + r.relativeAccountPaid, r.cashPaid],
    );
  });
  deps.waiters.wake(refundWaitId(a.settlementId!, a.key, a.attempt));
}
