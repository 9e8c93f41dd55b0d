import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import { combineStatements, type QueryResult, type Queryable, type Statement } from '../platform/db.ts';
import { AppError, badRequest, notFound, unprocessable } from '../platform/errors.ts';
import {
  idempotent,
  requestHash,
  storedAnswer,
  type AnswerCodec,
  type AnswerWrite,
} from '../platform/idempotency.ts';
import { maskBankAccount, maskIdNumber, maskName } from '../platform/mask.ts';
import { isLockNotAvailable, lockPerson, lockPersonOf, type PersonOf } from '../platform/locks.ts';
import { verifyScannedCode } from '../qr/scan.ts';
import { QrCardFrozen, QrCardRevoked, QrTokenReplayed } from '../qr/errors.ts';
import type { TokenClaims } from '../qr/token.ts';
import {
  WrongPaymentPin,
  paymentPinStateRead,
  checkPaymentPinOf,
  recordPaymentPinFailure,
  type PaymentPinState,
} from '../cards/ecard.ts';
import {
  activateOnFirstUse,
  cardStateError,
  cardStatusRead,
  pinCheckError,
  verifyCardPin,
  type CardStatus,
} from '../cards/cards.ts';
import { businessDate as businessDateAt } from '../platform/business-date.ts';
import {
  accountOf,
  findAccount,
  individualAccountRead,
  institutionCash,
  institutionReceivable,
  patientCash,
  pooledFund,
  postingOutcome,
  postingWriteError,
  postingWrites,
  sharedDeltas,
  type AccountMove,
  type PostingInput,
} from '../ledger/ledger.ts';
import type { AccountKind } from '../ledger/rules.ts';
import {
  calculateSettlement,
  toNationalFigures,
  type Accumulators,
  type SettlementResult,
} from './calculator.ts';
import { declaredCoverage, resolveBill, type TillBill } from './resolve.ts';
import { billCoverageRead, type BillCoverage } from '../catalogue/store.ts';
import { approvalsInForceRead, type ApprovalInForce } from '../catalogue/approvals.ts';
import type { PolicyRules } from './policy.ts';
import { markPolicyUsed, policyInForceRead } from './policy-store.ts';
import { mutualAidPayerRead } from '../family/family.ts';
import { consumeTokenWrite, unconsumeTokenWrite, type QrKeySets } from '../qr/store.ts';
import { esscBankAccountRead, esscPaymentPinStateRead } from '../essc/essc.ts';
import { bankInstructionWrite } from './bank-instructions.ts';
import { GroupCommit, MustRollBack, RunAlone, type Batch } from './group-commit.ts';
import type { Db } from '../platform/db.ts';

export interface SettleRequest {
  /** The scanned QR text, or… */
  qr?: string;
  /** …the physical card's number and chip PIN. */
  card?: { number: string; pin: string };
  /** The institution's own items; what the fund covers comes from the agency's data (`resolveBill`). */
  bill: TillBill;
  /** Compute only: nothing moves and the QR token is not consumed. */
  estimate?: boolean;
  /** The e-card payment PIN, required when the accounts pay more than the configured amount. */
  paymentPin?: string;
  /** Let a bound relative's account (family mutual aid) pay what the person's own account cannot. Default true. */
  familyAccount?: boolean;
  /**
   * How the cash share is paid: at the till (default), or by the social security card's bank account linked
   * in the person's e-SSC (a recorded bank instruction).
   */
  cashBy?: 'cash' | 'bank_account';
}

/** Which credential identified the payer: the e-voucher's QR code, the e-SSC's QR code, the physical card. */
export type Credential = 'ecard' | 'essc' | 'card';

/** The instruction to the bank for a cash share paid by the social security card's bank account. */
interface BankInstructionView {
  bank: string;
  accountMasked: string;
  amount: number;
  /** What refunds took back of it before the bank answered. */
  refunded: number;
  status: 'instructed' | 'cancelled';
}

export interface SettlementView {
  id: string | null;
  estimate: boolean;
  status: 'estimate' | 'settled' | 'partially_refunded' | 'refunded';
  createdAt: string;
  institutionId: string;
  terminalId: string | null;
  method: 'qr' | 'card';
  credential: Credential;
  cashMethod: 'cash' | 'bank_account';
  bankInstruction: BankInstructionView | null;
  person: { maskedName: string; maskedIdNumber: string; insuranceType: string; retired: boolean };
  relativePaid: boolean;
  policyVersion: string;
  /**
   * The treatment region's catalogue version the lines were resolved against (0: none was in force; null:
   * settled before catalogues decided coverage).
   */
  catalogueVersion: number | null;
  businessDate: string;
  cardActivated: boolean;
  result: SettlementResult;
  national: ReturnType<typeof toNationalFigures>;
  /** A cross-region direct settlement (src/regions): the person's insured region, whose policy applied. */
  crossRegion?: {
    insuredRegion: string;
    treatmentRegion: string;
    filed: boolean;
    filingKind: string | null;
  };
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

async function lockPayer(tx: Queryable, payer: Payer, batch?: Batch<PersonRow>): Promise<PersonRow> {
  // In a group commit the batch locked every member's person first, in the order all batches agree on.
  if (batch?.person) return batch.person;
  if (payer.method === 'qr') {
    const of = payer.credential === 'essc' ? 'esscs' : 'ecards';
    const person = await lockPersonOf<PersonRow>(tx, of, payer.cardId, PERSON_COLUMNS);
    if (!person) throw new QrCardRevoked('The e-card of this code no longer exists');
    return person;
  }
  const person = await lockPerson<PersonRow>(tx, payer.personId, PERSON_COLUMNS);
  if (!person) throw notFound('person_not_found', 'No such insured person');
  return person;
}

/** What a settlement reads once its person is locked, in one statement (see `readLocked`). */
interface LockedRead {
  d: number;
  o: number;
  f: number;
  consumed: number;
  policy_id: string | null;
  policy_version: string;
  policy_rules: PolicyRules;
  policy_used: boolean;
  account_id: string | null;
  account_balance: number | null;
  aid_payer: string | null;
  ecard: PaymentPinState | null;
  /** The physical card's status read after the lock (a loss report may have committed since its PIN check). */
  card_status: CardStatus | null;
  /** The bank account linked in the person's live e-SSC, when the cash share is to be paid from it. */
  bank: string | null;
  bank_account_number: string | null;
  catalogue_version: BillCoverage['catalogue_version'];
  mapped: BillCoverage['mapped'];
  approvals: ApprovalInForce[];
}

/**
 * Everything the settlement needs after the person's lock, in one round trip (it must run after the lock so
 * that it sees what the lock's previous holder committed): locks (creating at zero) the year's accumulators
 * (the upsert's DO UPDATE takes the row lock), records the QR token's nonce unless this is an estimate (0
 * consumed = a replay), and reads the policy in force, the individual account and its balance, the
 * mutual-aid payer, the e-card's state and PIN and the physical card's state. Each module owns its part of
 * the statement; this one only joins them.
 */
async function readLocked(
  tx: Queryable,
  ctx: Ctx,
  person: PersonRow,
  payer: Payer,
  institutionId: string,
  o: {
    year: number;
    businessDate: string;
    consume: boolean;
    familyAccount: boolean;
    bank: boolean;
    catalogueRegion: string;
    itemCodes: readonly string[];
  },
): Promise<LockedRead> {
  const claims = payer.method === 'qr' ? payer.claims : null;
  const cardId = payer.method === 'qr' ? payer.cardId : null;
  const one = combineStatements(
    [
      {
        as: 'acc',
        sql: `insert into person_year_accumulators (person_id, year) values ($1, $2)
          on conflict (person_id, year) do update set year = excluded.year
          returning inpatient_deductible_paid, outpatient_eligible_spent, fund_paid`,
        params: [person.id, o.year],
      },
      { ...consumeTokenWrite(o.consume ? claims : null, institutionId, ctx.now), as: 'nonce' },
      { ...policyInForceRead(person.region_code, o.businessDate), as: 'pv' },
      { ...individualAccountRead(person.id), as: 'a' },
      { ...mutualAidPayerRead(person.id), as: 'aid' },
      {
        ...(payer.method === 'qr' && payer.credential === 'essc'
          ? esscPaymentPinStateRead(cardId)
          : paymentPinStateRead(cardId)),
        as: 'e',
      },
      { ...cardStatusRead(payer.method === 'card' ? payer.cardId : null), as: 'c' },
      { ...esscBankAccountRead(o.bank ? person.id : null), as: 'b' },
      { ...billCoverageRead(o.catalogueRegion, o.businessDate, institutionId, o.itemCodes), as: 'cov' },
      { ...approvalsInForceRead(person.id, institutionId, o.businessDate), as: 'ap' },
    ],
    `select acc.inpatient_deductible_paid as d, acc.outpatient_eligible_spent as o, acc.fund_paid as f,
            (select count(*) from nonce)::int as consumed,
            pv.id as policy_id, pv.version as policy_version, pv.rules as policy_rules,
            pv.first_used_at is not null as policy_used,
            a.id as account_id, a.balance as account_balance, aid.binder_person_id as aid_payer,
            e.id as e_id, e.holder as e_holder, e.status as e_status, e.payment_open, e.payment_pin_hash,
            e.payment_pin_failures, e.payment_pin_locked_until, c.status as card_status,
            b.bank, b.account_number as bank_account_number, cov.catalogue_version, cov.mapped, ap.approvals
       from acc left join pv on true left join a on true left join aid on true left join e on true
            left join c on true left join b on true cross join cov cross join ap`,
  );
  type Row = Omit<LockedRead, 'ecard'> &
    Omit<PaymentPinState, 'id' | 'status' | 'holder'> & {
      e_id: string | null;
      e_holder: PaymentPinState['holder'];
      e_status: PaymentPinState['status'];
    };
  const { rows } = await tx.query<Row>(one.sql, one.params);
  const {
    e_id,
    e_holder,
    e_status,
    payment_open,
    payment_pin_hash,
    payment_pin_failures,
    payment_pin_locked_until,
    ...r
  } = rows[0]!;
  return {
    ...r,
    aid_payer: o.familyAccount ? r.aid_payer : null,
    ecard: e_id
      ? {
          id: e_id,
          holder: e_holder,
          status: e_status,
          payment_open,
          payment_pin_hash,
          payment_pin_failures,
          payment_pin_locked_until,
        }
      : null,
  };
}

/**
 * Ids of the region's and institution's ledger accounts, per store. They never change once created, so only
 * ids read back as already committed are remembered; creation still goes through get-or-create.
 */
const accountIds = new WeakMap<object, Map<string, string>>();

async function cachedAccount(
  store: object,
  key: string,
  load: () => Promise<string>,
  find: () => Promise<string | null>,
  batch?: Batch<PersonRow>,
): Promise<string> {
  let cache = accountIds.get(store);
  if (!cache) accountIds.set(store, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const existing = await find();
  if (existing) {
    // In a group commit an earlier member of the batch may have made it: it stands once the batch commits.
    if (batch) batch.afterCommit(() => cache.set(key, existing));
    else cache.set(key, existing);
    return existing;
  }
  return load();
}

type Payer =
  | { method: 'qr'; credential: 'ecard' | 'essc'; claims: TokenClaims; cardId: string }
  | { method: 'card'; personId: string; cardId: string; cardStatus: 'issued' | 'active' };

/**
 * Who pays: the QR token's electronic card, the e-voucher or the e-SSC by the key set that signed it
 * (institution, signature and time here; the card's state once its person is locked), or the physical card
 * (chip PIN).
 */
async function identify(ctx: Ctx, keys: QrKeySets, terminal: Caller, req: SettleRequest): Promise<Payer> {
  if (!!req.qr === !!req.card) throw badRequest('payer_required', 'Send exactly one of `qr` or `card`');
  if (req.qr) {
    const { keySet, claims } = await verifyScannedCode(ctx, keys, terminal.institutionId!, req.qr);
    return { method: 'qr', credential: keySet, claims, cardId: claims.ecardId };
  }
  const card = req.card!;
  // The failure count of a wrong PIN must be kept even though the settlement is refused: its own transaction.
  const check = await ctx.db.transaction((tx) => verifyCardPin(tx, card.number, card.pin, ctx.now));
  if (!check.ok) throw pinCheckError(check);
  return { method: 'card', personId: check.personId, cardId: check.cardId, cardStatus: check.status };
}

async function institutionKind(q: Queryable, institutionId: string): Promise<'hospital' | 'pharmacy'> {
  const { rows } = await q.query<{ kind: 'hospital' | 'pharmacy' }>(
    'select kind from institutions where id = $1',
    [institutionId],
  );
  return rows[0]?.kind ?? 'hospital';
}

/**
 * What the idempotency key keeps of a settlement's first answer: the settlement's id and the person as the
 * answer showed them (a name or insurance type may change later). Everything else of the answer is in the
 * settlement's own rows, written in the same statement, and does not change: the result document, the
 * figures, the policy and catalogue versions, the bank instruction as first made (a refund later moves its
 * `refunded` and `status`, and the settlement's status; the first answer showed them as at the payment).
 */
interface StoredSettlementAnswer {
  id: string;
  person: SettlementView['person'];
}

const settlementAnswers: AnswerCodec<SettlementView> = {
  store: (view): StoredSettlementAnswer => ({ id: view.id!, person: view.person }),
  async load(q, stored) {
    // A whole answer stored by an earlier release (kept for the retention period) is returned as it is.
    if ((stored as Partial<SettlementView>).result) return stored as SettlementView;
    const ref = stored as StoredSettlementAnswer;
    const { rows } = await q.query<{
      created_at: Date;
      institution_id: string;
      terminal_id: string | null;
      method: SettlementView['method'];
      credential: Credential;
      cash_method: SettlementView['cashMethod'];
      bank: string | null;
      account_masked: string | null;
      bank_amount: number | null;
      relative_account_paid: number;
      version: string;
      catalogue_version: number | null;
      business_date: string;
      card_activated: boolean;
      result: SettlementResult;
    }>(
      `select s.created_at, s.institution_id, s.terminal_id, s.method, s.credential, s.cash_method, b.bank,
              b.account_masked, b.amount as bank_amount, s.relative_account_paid, v.version, s.catalogue_version,
              s.business_date, s.card_activated, s.result
         from settlements s join policy_versions v on v.id = s.policy_version_id
         left join bank_instructions b on b.settlement_id = s.id
        where s.id = $1`,
      [ref.id],
    );
    const r = rows[0];
    // The key and the settlement commit together and a settlement is never deleted.
    if (!r) throw new Error(`settlement ${ref.id} of a stored answer is missing`);
    // The same fields in the same order as `viewOf` in `settleIn`.
    return {
      id: ref.id,
      estimate: false,
      status: 'settled',
      createdAt: r.created_at.toISOString(),
      institutionId: r.institution_id,
      terminalId: r.terminal_id,
      method: r.method,
      credential: r.credential,
      cashMethod: r.cash_method,
      bankInstruction: r.bank
        ? {
            bank: r.bank,
            accountMasked: r.account_masked!,
            amount: r.bank_amount!,
            refunded: 0,
            status: 'instructed',
          }
        : null,
      person: ref.person,
      relativePaid: r.relative_account_paid > 0,
      policyVersion: r.version,
      catalogueVersion: r.catalogue_version,
      businessDate: r.business_date,
      cardActivated: r.card_activated,
      result: r.result,
      national: toNationalFigures(r.result),
    };
  },
};

/**
 * The first answer of the settlement made under an institution's idempotency key, if it committed (the
 * national gateway's message ids are such keys); null when nothing is stored under the key.
 */
export async function committedSettlementAnswer(
  q: Queryable,
  institutionId: string,
  key: string,
): Promise<SettlementView | null> {
  const { rows } = await q.query<{ response_body: unknown }>(
    'select response_body from idempotency_keys where scope = $1 and key = $2',
    [`settlement:${institutionId}`, key],
  );
  return rows[0] ? settlementAnswers.load(q, rows[0].response_body) : null;
}

/** The refusal of a bill line that says what the fund covers (`declaredCoverage` names the field). */
export const coverageDeclared = (field: string) =>
  badRequest(
    'coverage_declared',
    `${field}: a bill names the institution's items only; what the fund covers comes from the catalogue, the item mappings and the person's approvals`,
    { field },
  );

/**
 * Settles a bill in real time, in one transaction: consume the QR token, lock the person (then the relative
 * whose account may pay), lock the year's accumulators, compute under the policy in force, write the
 * settlement and its lines, post the balanced ledger entries, update the accumulators. With an
 * Idempotency-Key the same request again returns the first answer and moves nothing.
 * `estimate: true` computes the same breakdown without writing anything or consuming the token.
 */
export async function settle(
  ctx: Ctx,
  keys: QrKeySets,
  terminal: Caller,
  req: SettleRequest,
  idempotencyKey: string | undefined,
): Promise<{ status: number; body: SettlementView; replayed: boolean }> {
  if (!req.estimate && !idempotencyKey) {
    throw badRequest(
      'idempotency_key_required',
      'Send an Idempotency-Key header so that a retry cannot pay twice',
    );
  }
  const declared = declaredCoverage(req.bill);
  if (declared) throw coverageDeclared(declared);
  const institutionId = terminal.institutionId!;
  const scope = `settlement:${institutionId}`;
  const hash = requestHash({
    ...req,
    card: req.card ? { number: req.card.number } : undefined,
    paymentPin: undefined,
  });
  let payer: Payer;
  try {
    payer = await identify(ctx, keys, terminal, req);
  } catch (err) {
    // A retry of a payment that was made gets its first answer even when its QR code has expired (or its
    // card been frozen) since: the idempotent replay wins over the checks made before the key is claimed.
    if (req.estimate || !(err instanceof AppError)) throw err;
    const stored = await storedAnswer(ctx.db, scope, idempotencyKey!, hash, settlementAnswers);
    if (stored) return stored;
    throw err;
  }
  const run = (tx: Queryable, answer?: AnswerWrite<SettlementView>) =>
    settleIn(tx, ctx, terminal, institutionId, payer, req, answer);
  // Every statement of the settlement looks its rows up by key: one generic plan each, never re-planned.
  const plans = { genericPlans: true };
  if (req.estimate) {
    // Computed in a transaction that is always rolled back: an estimate never leaves a trace.
    let view: SettlementView | undefined;
    await ctx.db
      .transaction(async (tx) => {
        view = (await run(tx)).view;
        throw ROLLBACK;
      }, plans)
      .catch((err: unknown) => {
        if (err !== ROLLBACK) throw err;
      });
    return { status: 200, body: view!, replayed: false };
  }
  const settleOnce = (tx: Queryable, batch?: Batch<PersonRow>) =>
    idempotent(
      tx,
      scope,
      idempotencyKey!,
      hash,
      async (answer) => {
        // The stored answer (a reference to the settlement) is written with the settlement's own rows, in one
        // statement.
        const { view } = await settleIn(tx, ctx, terminal, institutionId, payer, req, answer, batch);
        return { status: 201, body: view, stored: true };
      },
      settlementAnswers,
      batch?.claim,
    );
  const alone = () => ctx.db.transaction((tx) => settleOnce(tx), plans);
  try {
    const batcher = groupCommitOf(ctx);
    if (batcher) {
      try {
        return await batcher.run({ scope, key: idempotencyKey! }, personOf(payer), settleOnce, alone);
      } catch (err) {
        if (!(err instanceof RunAlone)) throw err;
      }
    }
    return await alone();
  } catch (err) {
    // The refused settlement rolled back; the wrong PIN still counts towards the lockout.
    if (err instanceof WrongPaymentPin)
      throw await recordPaymentPinFailure(ctx.db, err.holder, err.cardId, ctx.now);
    throw err;
  }
}

const ROLLBACK = Symbol('rollback');

/** Where the batch finds the payer's person: through the e-card or e-SSC of the code, or the card's person. */
function personOf(payer: Payer): PersonOf {
  if (payer.method === 'card') return { of: 'persons', id: payer.personId };
  return { of: payer.credential === 'essc' ? 'esscs' : 'ecards', id: payer.cardId };
}

/** Each store's group commit (src/settlement/group-commit.ts), or null where it is off. */
const groupCommits = new WeakMap<Db, GroupCommit<PersonRow> | null>();

/**
 * The store's group commit: on PostgreSQL by default (`YIBAO_GROUP_COMMIT_MAX`, default 32 members;
 * `YIBAO_GROUP_COMMIT_WINDOW_MS`, default 0; `YIBAO_GROUP_COMMIT_TRANSACTIONS`, default 1;
 * `YIBAO_GROUP_COMMIT_SIBLINGS`, default 8); on PGlite, whose
 * one connection runs one transaction at a time anyway, only when configured.
 */
function groupCommitOf(ctx: Ctx): GroupCommit<PersonRow> | null {
  let batcher = groupCommits.get(ctx.db);
  if (batcher === undefined) {
    const gc = ctx.config.groupCommit;
    const maxBatch = gc.maxBatch ?? (ctx.db.kind === 'postgres' ? 32 : 1);
    batcher = maxBatch > 1 ? new GroupCommit<PersonRow>(ctx.db, { ...gc, maxBatch }, PERSON_COLUMNS) : null;
    groupCommits.set(ctx.db, batcher);
  }
  return batcher;
}

/** The store's group commit's counts so far (`GroupCommit.stats`: tests, benchmark); null when off. */
export function groupCommitStats(db: Db): GroupCommit<PersonRow>['stats'] | null {
  return groupCommits.get(db)?.stats ?? null;
}

async function settleIn(
  tx: Queryable,
  ctx: Ctx,
  terminal: Caller,
  institutionId: string,
  payer: Payer,
  req: SettleRequest,
  answer?: AnswerWrite<SettlementView>,
  batch?: Batch<PersonRow>,
): Promise<{ view: SettlementView }> {
  const estimate = req.estimate === true;
  // Lock order: person, then relative, then institution (DOMAIN.md "No deadlocks by design").
  const person = await lockPayer(tx, payer, batch);
  if (person.status !== 'active')
    throw unprocessable('person_not_active', `The insured person's status is ${person.status}`);
  const businessDate = businessDateAt(ctx.now);
  const year = Number(businessDate.slice(0, 4));
  const read = await readLocked(tx, ctx, person, payer, institutionId, {
    year,
    businessDate,
    consume: !estimate,
    familyAccount: req.familyAccount !== false,
    bank: req.cashBy === 'bank_account',
    // The catalogue of the region where the institution is (the treatment region).
    catalogueRegion: terminal.regionCode ?? person.region_code,
    itemCodes: req.bill.items.map((i) => i.code),
  });
  // In a group commit a refusal rolls back no transaction: it gives back the token it consumed (nothing else
  // written before a refusal matters: the year's accumulators at zero, an individual or shared account made on
  // first use) and the batch goes on without it.
  const consumedToken =
    batch && payer.method === 'qr' && !estimate && read.consumed > 0 ? payer.claims : null;
  try {
    if (payer.method === 'qr') {
      const ecard = read.ecard;
      if (!ecard || ecard.status === 'revoked' || ecard.status === 'ended') throw new QrCardRevoked();
      if (ecard.status !== 'active') throw new QrCardFrozen(`The card is ${ecard.status}`);
      if (!ecard.payment_open) {
        throw payer.credential === 'essc'
          ? unprocessable('second_level_required', 'The e-SSC’s payment function is not open')
          : unprocessable('payment_not_open', 'The e-card’s payment function is not open');
      }
      if (!estimate && read.consumed === 0) throw new QrTokenReplayed();
    } else {
      // The PIN was checked before this lock: a loss report or cancellation committed since then wins.
      const refusal = cardStateError(read.card_status);
      if (refusal) throw refusal;
    }
    if (!read.policy_id)
      throw unprocessable(
        'no_policy',
        `Region ${person.region_code} has no policy in force on ${businessDate}`,
      );
    const policy = { id: read.policy_id, version: read.policy_version, rules: read.policy_rules };
    const own =
      read.account_id !== null
        ? { id: read.account_id, balance: read.account_balance! }
        : await accountOf(tx, person.id);
    const accountId = own.id;

    let relative: { personId: string; accountId: string; balance: number } | null = null;
    if (read.aid_payer) {
      // A batch already holds later locks of its earlier members: it may not wait for a relative out of order.
      try {
        await lockPerson(tx, read.aid_payer, 'id', { nowait: !!batch });
      } catch (err) {
        throw batch && isLockNotAvailable(err) ? new RunAlone() : err;
      }
      const rel = await accountOf(tx, read.aid_payer);
      relative = { personId: read.aid_payer, accountId: rel.id, balance: rel.balance };
    }
    const accumulators: Accumulators = {
      inpatientDeductiblePaid: read.d,
      outpatientEligibleSpent: read.o,
      fundPaid: read.f,
    };
    const { bill } = resolveBill(
      req.bill,
      new Map(Object.entries(read.mapped)),
      read.approvals,
      businessDate,
    );
    const result = calculateSettlement({
      policy: policy.rules,
      person: { insuranceType: person.insurance_type, retired: person.retired },
      accumulators,
      accountBalance: own.balance,
      relative: relative ? { accountBalance: relative.balance } : undefined,
      bill,
    });
    const t = result.totals;
    if (req.cashBy === 'bank_account' && !read.bank_account_number) {
      throw unprocessable(
        'bank_account_required',
        'No bank account is linked in a live e-SSC: pay the cash share at the till, or link the account first',
      );
    }
    const bank =
      req.cashBy === 'bank_account' && t.cashPaid > 0
        ? {
            bank: read.bank!,
            accountMasked: maskBankAccount(read.bank_account_number!),
            amount: t.cashPaid,
            refunded: 0,
            status: 'instructed' as const,
          }
        : null;

    // The payment PIN guards the e-card's account payments above a configurable amount.
    if (
      payer.method === 'qr' &&
      !estimate &&
      t.accountPaid + t.relativeAccountPaid > ctx.config.paymentPinThresholdFen
    ) {
      if (!req.paymentPin) {
        throw unprocessable(
          'payment_pin_required',
          'The accounts pay more than the no-PIN limit: ask for the payment PIN',
          {
            thresholdFen: ctx.config.paymentPinThresholdFen,
          },
        );
      }
      await checkPaymentPinOf(tx, ctx.paymentPinKey, read.ecard!, req.paymentPin, ctx.now);
    }

    const id = estimate ? null : randomUUID();
    const viewOf = (cardActivated: boolean): SettlementView => ({
      id,
      estimate,
      status: estimate ? 'estimate' : 'settled',
      createdAt: ctx.now.toISOString(),
      institutionId,
      terminalId: terminal.terminalId,
      method: payer.method,
      credential: payer.method === 'qr' ? payer.credential : 'card',
      cashMethod: bank ? 'bank_account' : 'cash',
      bankInstruction: bank,
      person: {
        maskedName: maskName(person.name),
        maskedIdNumber: maskIdNumber(person.id_number),
        insuranceType: person.insurance_type,
        retired: person.retired,
      },
      relativePaid: t.relativeAccountPaid > 0,
      policyVersion: policy.version,
      catalogueVersion: read.catalogue_version,
      businessDate,
      cardActivated,
      result,
      national: toNationalFigures(result),
    });

    let cardActivated = false;
    if (id) {
      if (payer.method === 'card' && payer.cardStatus === 'issued') {
        cardActivated = await activateOnFirstUse(
          tx,
          payer.cardId,
          await institutionKind(tx, institutionId),
          institutionId,
          ctx.now,
        );
      }
      const region = person.region_code;
      const account = (kind: AccountKind, owner: string, load: () => Promise<string>) =>
        cachedAccount(ctx.db, `${kind}:${owner}`, load, () => findAccount(tx, kind, owner), batch);
      const receivable = await account('institution_receivable', institutionId, () =>
        institutionReceivable(tx, institutionId, region),
      );
      const entries = [
        { accountId: await account('pooled_fund', region, () => pooledFund(tx, region)), amount: -t.fund },
        { accountId, amount: -t.accountPaid },
        ...(relative ? [{ accountId: relative.accountId, amount: -t.relativeAccountPaid }] : []),
        { accountId: receivable, amount: t.fund + t.accountPaid + t.relativeAccountPaid },
        // Cash never passes through the fund: it is recorded as collected by the institution at the till.
        {
          accountId: await account('patient_cash', region, () => patientCash(tx, region)),
          amount: -t.cashPaid,
        },
        {
          accountId: await account('institution_cash', institutionId, () =>
            institutionCash(tx, institutionId, region),
          ),
          amount: t.cashPaid,
        },
      ].filter((e) => e.amount !== 0);
      const postingInput: PostingInput = {
        beneficiaryPersonId: person.id,
        kind: 'settlement',
        reference: { type: 'settlement', id },
        regionCode: person.region_code,
        entries,
        at: ctx.now,
      };
      // The accounts are locked (by id) inside the one write below, so the region's and the institution's
      // shared accounts stay locked only from that statement to the commit.
      // In a group commit the shared accounts' deltas are written once for the whole batch (`Batch.shared`).
      const posting = entries.length >= 2 ? postingWrites(postingInput, { deferShared: !!batch }) : null;
      const items = req.bill.items;
      const col = <K extends keyof SettlementResult['lines'][number]>(k: K) => result.lines.map((l) => l[k]);
      const after = result.newAccumulators;
      const writes: Statement[] = [
        ...(posting?.writes ?? []),
        {
          sql: `insert into settlements (id, person_id, region_code, institution_id, terminal_id, policy_version_id, method, ecard_id, card_id,
             relative_person_id, setting, year, business_date, status, total, fund, account_paid, relative_account_paid, cash_paid,
             result, posting_id, created_at, card_activated, credential, essc_id, cash_method, catalogue_version)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'settled', $14, $15, $16, $17, $18, $19, $20, $21, $22,
             $23, $24, $25, $26)`,
          params: [
            id,
            person.id,
            person.region_code,
            institutionId,
            terminal.terminalId,
            policy.id,
            payer.method,
            payer.method === 'qr' && payer.credential === 'ecard' ? payer.cardId : null,
            payer.method === 'card' ? payer.cardId : null,
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
            ctx.now,
            cardActivated,
            payer.method === 'qr' ? payer.credential : 'card',
            payer.method === 'qr' && payer.credential === 'essc' ? payer.cardId : null,
            bank ? 'bank_account' : 'cash',
            read.catalogue_version,
          ],
        },
        {
          sql: `insert into settlement_lines (settlement_id, person_id, line_index, code, name, quantity, unit_price, amount, fund,
             account_paid, relative_account_paid, cash_paid, delta_inpatient_deductible, delta_outpatient_eligible, delta_fund_paid)
           select $1::uuid, $2::uuid, * from unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::int8[], $8::int8[], $9::int8[],
             $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[], $15::int8[])`,
          params: [
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
        },
        {
          sql: `update person_year_accumulators set inpatient_deductible_paid = $3, outpatient_eligible_spent = $4, fund_paid = $5
            where person_id = $1 and year = $2`,
          params: [
            person.id,
            year,
            after.inpatientDeductiblePaid,
            after.outpatientEligibleSpent,
            after.fundPaid,
          ],
        },
      ];
      if (bank) {
        writes.push(
          bankInstructionWrite({
            settlementId: id,
            personId: person.id,
            institutionId,
            regionCode: person.region_code,
            businessDate,
            bank: bank.bank,
            accountMasked: bank.accountMasked,
            amount: bank.amount,
            at: ctx.now,
          }),
        );
      }
      if (!read.policy_used) writes.push(markPolicyUsed(policy.id, ctx.now));
      if (answer) writes.push(answer(201, viewOf(cardActivated)));
      // The posting, its entries, the balances, the settlement, its lines, the accumulators and the stored
      // answer: one round trip.
      const one = combineStatements(writes, posting?.select);
      try {
        let moves: QueryResult<AccountMove>;
        try {
          moves = await tx.query<AccountMove>(one.sql, one.params);
        } catch (err) {
          throw postingWriteError(err, postingInput);
        }
        // A refused balance (a backstop: the calculator never overdraws an account read under its lock).
        if (posting) postingOutcome(moves.rows);
        if (posting && batch) batch.shared(sharedDeltas(moves.rows));
      } catch (err) {
        // Refused after (or by) its write: in a group commit only a rollback of the whole batch undoes it.
        throw batch ? new MustRollBack(err) : err;
      }
    }
    return { view: viewOf(cardActivated) };
  } catch (err) {
    if (consumedToken && (err instanceof AppError || err instanceof RunAlone)) {
      const giveBack = unconsumeTokenWrite(consumedToken);
      await tx.query(giveBack.sql, giveBack.params);
    }
    throw err;
  }
}
