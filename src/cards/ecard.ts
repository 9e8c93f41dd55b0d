import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation, type Statement } from '../platform/db.ts';
import { lockPerson } from '../platform/locks.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import type { ErrorCode } from '../platform/error-codes.ts';
import {
  MAX_PAYMENT_PIN_FAILURES,
  PAYMENT_PIN_LOCK_HOURS,
  checkPaymentPin,
  hashPaymentPin,
} from './payment-pin.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { actorOf, recordEvent, type Actor } from './events.ts';
import { maskCardNumber } from './number.ts';

export type EcardChannel = 'app' | 'wechat' | 'alipay' | 'bank_app';
type EcardStatus = 'applied' | 'active' | 'suspended' | 'revoked';

export interface EcardView {
  id: string;
  personId: string;
  status: EcardStatus;
  appliedChannel: EcardChannel;
  channels: EcardChannel[];
  paymentOpen: boolean;
  /** The mapped physical card, masked except the last 4 characters, or null. */
  physicalCardNumber: string | null;
  suspendedBy: 'person' | 'staff' | null;
  appliedAt: string;
  activatedAt: string | null;
  paymentOpenedAt: string | null;
}

interface EcardRow {
  id: string;
  person_id: string;
  region_code: string;
  physical_card_id: string | null;
  status: EcardStatus;
  suspended_by_role: 'person' | 'staff' | null;
  payment_open: boolean;
  payment_pin_hash: string | null;
  applied_channel: EcardChannel;
  applied_at: Date;
  activated_at: Date | null;
  payment_opened_at: Date | null;
}

const COLUMNS = `id, person_id, region_code, physical_card_id, status, suspended_by_role, payment_open, payment_pin_hash,
  applied_channel, applied_at, activated_at, payment_opened_at`;

async function toView(q: Queryable, r: EcardRow): Promise<EcardView> {
  const ch = await q.query<{ channel: EcardChannel }>(
    'select channel from ecard_channels where ecard_id = $1 order by authorised_at, channel',
    [r.id],
  );
  let physical: string | null = null;
  if (r.physical_card_id) {
    const c = await q.query<{ card_number: string }>('select card_number from cards where id = $1', [
      r.physical_card_id,
    ]);
    physical = c.rows[0] ? maskCardNumber(c.rows[0].card_number) : null;
  }
  return {
    id: r.id,
    personId: r.person_id,
    status: r.status,
    appliedChannel: r.applied_channel,
    channels: ch.rows.map((x) => x.channel),
    paymentOpen: r.payment_open,
    physicalCardNumber: physical,
    suspendedBy: r.suspended_by_role,
    appliedAt: r.applied_at.toISOString(),
    activatedAt: r.activated_at ? r.activated_at.toISOString() : null,
    paymentOpenedAt: r.payment_opened_at ? r.payment_opened_at.toISOString() : null,
  };
}

/**
 * Keeps the one-to-one mapping with the physical card: called when a card is issued or replaced.
 * Does nothing when the person has no e-card.
 */
export async function linkEcardToCard(
  q: Queryable,
  personId: string,
  cardId: string,
  now: Date,
): Promise<void> {
  await q.query(
    `update ecards set physical_card_id = $2, updated_at = $3 where person_id = $1 and status <> 'revoked'`,
    [personId, cardId, now],
  );
}

async function lockPersonRow(tx: Queryable, personId: string) {
  const person = await lockPerson<{ id: string; region_code: string; identity_status: string }>(
    tx,
    personId,
    'id, region_code, identity_status',
  );
  if (!person) throw notFound('person_not_found', 'No such person');
  return person;
}

/** The person's current (not revoked) e-card, locked after the person; 404 when there is none. */
async function lockOwnEcard(tx: Queryable, personId: string): Promise<EcardRow> {
  await lockPersonRow(tx, personId);
  const { rows } = await tx.query<EcardRow>(
    `select ${COLUMNS} from ecards where person_id = $1 and status <> 'revoked' for update`,
    [personId],
  );
  if (!rows[0]) throw notFound('ecard_not_found', 'You have no e-card; apply for one first');
  return rows[0];
}

async function setStatus(
  tx: Queryable,
  ctx: Ctx,
  actor: Actor,
  e: EcardRow,
  to: EcardStatus,
  event: string,
  sets = '',
  params: unknown[] = [],
): Promise<void> {
  await tx.query(`update ecards set status = $2, updated_at = $3${sets} where id = $1`, [
    e.id,
    to,
    ctx.now,
    ...params,
  ]);
  await recordEvent(tx, {
    personId: e.person_id,
    regionCode: e.region_code,
    subject: 'ecard',
    subjectId: e.id,
    event,
    from: e.status,
    to,
    actor,
    at: ctx.now,
  });
}

async function view(q: Queryable, id: string): Promise<EcardView> {
  const { rows } = await q.query<EcardRow>(`select ${COLUMNS} from ecards where id = $1`, [id]);
  return toView(q, rows[0]!);
}

/** 422 `code` unless the person explicitly authorised or consented (`field: true`). */
export function assertAuthorised(
  flag: boolean | undefined,
  field: string,
  code: ErrorCode,
  what: string,
): void {
  if (flag !== true) throw unprocessable(code, `Give explicit ${what} (${field}: true)`, { field });
}

/**
 * A person whose identity is verified applies for the e-card in a channel, authorising that channel.
 * One e-card per person; it is mapped to their live physical card when they have one.
 */
export async function applyEcard(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { channel: EcardChannel; authorise?: boolean },
): Promise<EcardView> {
  assertAuthorised(input.authorise, 'authorise', 'authorisation_required', 'authorisation');
  return ctx.db.transaction(async (tx) => {
    const person = await lockPersonRow(tx, caller.personId);
    if (person.identity_status !== 'verified') {
      throw unprocessable('identity_not_verified', 'Verify your identity before applying for the e-card');
    }
    const existing = await tx.query('select 1 from ecards where person_id = $1 and status <> $2', [
      person.id,
      'revoked',
    ]);
    if (existing.rows[0]) throw conflict('ecard_exists', 'You already have an e-card');
    const card = await tx.query<{ id: string }>(
      `select id from cards where person_id = $1 and status in ('issued', 'active', 'frozen')`,
      [person.id],
    );
    const id = randomUUID();
    try {
      await tx.query(
        `insert into ecards (id, person_id, region_code, physical_card_id, status, applied_channel, applied_at, updated_at)
         values ($1, $2, $3, $4, 'applied', $5, $6, $6)`,
        [id, person.id, person.region_code, card.rows[0]?.id ?? null, input.channel, ctx.now],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('ecard_exists', 'You already have an e-card');
      throw err;
    }
    await tx.query(
      'insert into ecard_channels (ecard_id, channel, person_id, authorised_at) values ($1, $2, $3, $4)',
      [id, input.channel, person.id, ctx.now],
    );
    await recordEvent(tx, {
      personId: person.id,
      regionCode: person.region_code,
      subject: 'ecard',
      subjectId: id,
      event: 'applied',
      from: null,
      to: 'applied',
      actor: actorOf(caller, input.channel),
      at: ctx.now,
    });
    return view(tx, id);
  });
}

/** Authorises one more channel (WeChat, Alipay, a bank app...) to show the e-card. */
export async function authoriseChannel(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { channel: EcardChannel; authorise?: boolean },
): Promise<EcardView> {
  assertAuthorised(input.authorise, 'authorise', 'authorisation_required', 'authorisation');
  return ctx.db.transaction(async (tx) => {
    const e = await lockOwnEcard(tx, caller.personId);
    const has = await tx.query('select 1 from ecard_channels where ecard_id = $1 and channel = $2', [
      e.id,
      input.channel,
    ]);
    if (has.rows[0]) throw conflict('channel_already_authorised', `${input.channel} is already authorised`);
    await tx.query(
      'insert into ecard_channels (ecard_id, channel, person_id, authorised_at) values ($1, $2, $3, $4)',
      [e.id, input.channel, e.person_id, ctx.now],
    );
    await recordEvent(tx, {
      personId: e.person_id,
      regionCode: e.region_code,
      subject: 'ecard',
      subjectId: e.id,
      event: 'channel_authorised',
      from: e.status,
      to: e.status,
      actor: actorOf(caller, input.channel),
      at: ctx.now,
    });
    return view(tx, e.id);
  });
}

function assertNotSuspended(e: EcardRow): void {
  if (e.status === 'suspended') throw unprocessable('ecard_suspended', 'The e-card is suspended');
}

/** Activation with the person's consent. */
export async function activateEcard(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { consent?: boolean; channel?: EcardChannel },
): Promise<EcardView> {
  assertAuthorised(input.consent, 'consent', 'consent_required', 'consent');
  return ctx.db.transaction(async (tx) => {
    const e = await lockOwnEcard(tx, caller.personId);
    if (e.status === 'active') throw conflict('already_active', 'The e-card is already active');
    assertNotSuspended(e);
    await setStatus(
      tx,
      ctx,
      actorOf(caller, input.channel ?? e.applied_channel),
      e,
      'active',
      'activated',
      ', activated_at = $3',
    );
    return view(tx, e.id);
  });
}

/** "Second-level issuance": opens the payment function with a 6-digit payment PIN (stored hashed). */
export async function openPayment(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { pin: string; consent?: boolean },
): Promise<EcardView> {
  assertAuthorised(input.consent, 'consent', 'consent_required', 'consent');
  const hash = hashPaymentPin(ctx.paymentPinKey, input.pin);
  return ctx.db.transaction(async (tx) => {
    const e = await lockOwnEcard(tx, caller.personId);
    assertNotSuspended(e);
    if (e.status !== 'active') throw unprocessable('ecard_not_active', 'Activate the e-card first');
    if (e.payment_open) throw conflict('payment_already_open', 'The payment function is already open');
    await tx.query(
      `update ecards set payment_open = true, payment_pin_hash = $2, payment_opened_at = $3, updated_at = $3 where id = $1`,
      [e.id, hash, ctx.now],
    );
    await recordEvent(tx, {
      personId: e.person_id,
      regionCode: e.region_code,
      subject: 'ecard',
      subjectId: e.id,
      event: 'payment_opened',
      from: e.status,
      to: e.status,
      actor: actorOf(caller, 'app'),
      at: ctx.now,
    });
    return view(tx, e.id);
  });
}

async function lockEcardById(tx: Queryable, ecardId: string, regionCode: string): Promise<EcardRow> {
  const pre = await tx.query<{ person_id: string }>(
    'select person_id from ecards where id = $1 and region_code = $2',
    [ecardId, regionCode],
  );
  if (!pre.rows[0]) throw notFound('ecard_not_found', 'No such e-card in your region');
  await lockPersonRow(tx, pre.rows[0].person_id);
  const { rows } = await tx.query<EcardRow>(`select ${COLUMNS} from ecards where id = $1 for update`, [
    ecardId,
  ]);
  return rows[0]!;
}

async function target(tx: Queryable, caller: Caller, ecardId: string | null): Promise<EcardRow> {
  if (caller.role === 'person') return lockOwnEcard(tx, caller.personId!);
  return lockEcardById(tx, ecardId!, caller.regionCode!);
}

/** Suspends the e-card: by the person (their own) or by staff (any of their region). */
export async function suspendEcard(ctx: Ctx, caller: Caller, ecardId: string | null): Promise<EcardView> {
  return ctx.db.transaction(async (tx) => {
    const e = await target(tx, caller, ecardId);
    if (e.status === 'revoked') throw conflict('ecard_revoked', 'The e-card is revoked');
    if (e.status === 'suspended') throw conflict('already_suspended', 'The e-card is already suspended');
    const by = caller.role === 'person' ? 'person' : 'staff';
    await setStatus(
      tx,
      ctx,
      actorOf(caller, by === 'person' ? 'app' : 'counter'),
      e,
      'suspended',
      'suspended',
      ', suspended_by_role = $4',
      [by],
    );
    if (by === 'staff') await notify(tx, e.person_id, 'ecard_suspended', text('notice.ecard_suspended'));
    return view(tx, e.id);
  });
}

/**
 * Resumes a suspended e-card to the status it had before (active, or applied when it was never
 * activated). A person cannot lift a suspension made by staff.
 */
export async function resumeEcard(ctx: Ctx, caller: Caller, ecardId: string | null): Promise<EcardView> {
  return ctx.db.transaction(async (tx) => {
    const e = await target(tx, caller, ecardId);
    if (e.status !== 'suspended') throw conflict('not_suspended', `The e-card is ${e.status}`);
    if (caller.role === 'person' && e.suspended_by_role === 'staff') {
      throw unprocessable('suspended_by_staff', 'Staff suspended this e-card; only staff can resume it');
    }
    const to: EcardStatus = e.activated_at ? 'active' : 'applied';
    await setStatus(
      tx,
      ctx,
      actorOf(caller, caller.role === 'person' ? 'app' : 'counter'),
      e,
      to,
      'resumed',
      ', suspended_by_role = null',
    );
    if (caller.role !== 'person')
      await notify(tx, e.person_id, 'ecard_resumed', text('notice.ecard_resumed'));
    return view(tx, e.id);
  });
}

/** Staff revoke an e-card: final; the person may later apply for a new one. */
export async function revokeEcard(
  ctx: Ctx,
  staff: Caller,
  ecardId: string,
  reason: string,
): Promise<EcardView> {
  return ctx.db.transaction(async (tx) => {
    const e = await lockEcardById(tx, ecardId, staff.regionCode!);
    if (e.status === 'revoked') throw conflict('ecard_revoked', 'The e-card is already revoked');
    await setStatus(tx, ctx, actorOf(staff, 'counter'), e, 'revoked', 'revoked', ', payment_open = false');
    await notify(tx, e.person_id, 'ecard_revoked', text('notice.ecard_revoked', { reason }));
    return view(tx, e.id);
  });
}

/** The person's current e-card; 404 `ecard_not_found` when they have none. */
export async function getMyEcard(q: Queryable, personId: string): Promise<EcardView> {
  const { rows } = await q.query<EcardRow>(
    `select ${COLUMNS} from ecards where person_id = $1 order by (status = 'revoked'), applied_at desc limit 1`,
    [personId],
  );
  if (!rows[0]) throw notFound('ecard_not_found', 'You have no e-card');
  return toView(q, rows[0]);
}

/** Staff find a person's e-card in their region by ID number. */
export async function staffFindEcard(q: Queryable, regionCode: string, idNumber: string): Promise<EcardView> {
  const { rows } = await q.query<EcardRow>(
    `select ${COLUMNS} from ecards where id = (
       select e.id from ecards e join persons p on p.id = e.person_id
        where p.id_number = $1 and e.region_code = $2 order by (e.status = 'revoked'), e.applied_at desc limit 1)`,
    [idNumber, regionCode],
  );
  if (!rows[0]) throw notFound('ecard_not_found', 'No e-card for this ID number in your region');
  return toView(q, rows[0]);
}

export interface EcardForPayment {
  id: string;
  personId: string;
  regionCode: string;
  status: EcardStatus;
  paymentOpen: boolean;
  physicalCardId: string | null;
}

/**
 * What the QR/settlement code needs to know about an e-card, or null when there is none. It does not
 * lock: lock the person first (money-path order), then read this.
 */
export async function loadEcardForPayment(tx: Queryable, ecardId: string): Promise<EcardForPayment | null> {
  const { rows } = await tx.query<EcardRow>(`select ${COLUMNS} from ecards where id = $1`, [ecardId]);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    personId: r.person_id,
    regionCode: r.region_code,
    status: r.status,
    paymentOpen: r.payment_open,
    physicalCardId: r.physical_card_id,
  };
}

/**
 * The table of a card that has a payment PIN: the e-voucher (`ecards`) or the electronic social security card
 * (`esscs`, src/essc), which keeps the same PIN columns so that both follow one lockout rule, here.
 */
export type PinHolder = 'ecards' | 'esscs';

/** What a payment PIN check refuses with, per holder: suspended, not active (ended), payment not open. */
const PIN_REFUSALS = {
  ecards: { suspended: 'ecard_suspended', inactive: 'ecard_not_active', closed: 'payment_not_open' },
  esscs: { suspended: 'essc_suspended', inactive: 'essc_ended', closed: 'second_level_required' },
} as const;

/** The card columns a payment PIN check reads (the e-SSC's `second_level` reads as `payment_open`). */
export interface PaymentPinState {
  id: string;
  holder: PinHolder;
  /** The e-voucher's status, or the e-SSC's (`active`, `suspended`, `ended`). */
  status: EcardStatus | 'ended';
  payment_open: boolean;
  payment_pin_hash: string | null;
  payment_pin_failures: number;
  payment_pin_locked_until: Date | null;
}

/** A wrong payment PIN: the refused transaction rolls back, so the caller counts it afterwards. */
export class WrongPaymentPin extends AppError {
  constructor(
    readonly holder: PinHolder,
    readonly cardId: string,
    attemptsLeft: number,
  ) {
    super(422, 'wrong_pin', 'Wrong payment PIN', { attemptsLeft });
  }
}

/**
 * Checks a payment PIN against an e-card already read in `tx` (after its person was locked). Throws 422
 * `ecard_suspended` / `ecard_not_active` / `payment_not_open` / `payment_pin_locked`, or `WrongPaymentPin`
 * (count it with `recordPaymentPinFailure` once the transaction has rolled back, and refuse with what that
 * returns). A right PIN resets the failure count and rewrites an old scrypt hash as an HMAC, in `tx`
 * (src/cards/payment-pin.ts).
 *
 * The same PIN-attempt pattern as the chip PIN (`verifyCardPin`): a slow hash is not checked under the
 * person's lock — this PIN is an HMAC, microseconds, so it is checked there, where the settlement knows
 * whether it is needed at all (only a hash stored before the HMAC scheme costs scrypt, once, as it is
 * rewritten); a wrong PIN is counted by one atomic increment committed apart from the refused payment; the
 * limit-th in a row locks the PIN, a locked PIN refuses even the right one, a right PIN resets the count.
 * What differs is policy: the chip PIN locks until staff reset it, the payment PIN for
 * `PAYMENT_PIN_LOCK_HOURS`.
 */
export async function checkPaymentPinOf(
  tx: Queryable,
  key: Buffer,
  e: PaymentPinState,
  pin: string,
  now: Date,
): Promise<void> {
  const refuse = PIN_REFUSALS[e.holder];
  if (e.status === 'suspended') throw unprocessable(refuse.suspended, 'The card is suspended');
  if (e.status !== 'active') throw unprocessable(refuse.inactive, `The card is ${e.status}`);
  if (!e.payment_open || !e.payment_pin_hash)
    throw unprocessable(refuse.closed, 'The card’s payment function is not open');
  if (e.payment_pin_locked_until && e.payment_pin_locked_until > now) {
    throw unprocessable('payment_pin_locked', 'Too many wrong payment PINs; try again later', {
      lockedUntil: e.payment_pin_locked_until.toISOString(),
    });
  }
  const check = await checkPaymentPin(key, pin, e.payment_pin_hash);
  if (!check.ok)
    throw new WrongPaymentPin(e.holder, e.id, MAX_PAYMENT_PIN_FAILURES - e.payment_pin_failures - 1);
  if (check.rehash || e.payment_pin_failures > 0 || e.payment_pin_locked_until) {
    await tx.query(
      `update ${e.holder} set payment_pin_hash = $2, payment_pin_failures = 0, payment_pin_locked_until = null where id = $1`,
      [e.id, check.rehash ? hashPaymentPin(key, pin) : e.payment_pin_hash],
    );
  }
}

/**
 * Counts a wrong payment PIN, in its own statement (the refused settlement rolled back); the
 * `MAX_PAYMENT_PIN_FAILURES`th in a row locks the PIN for `PAYMENT_PIN_LOCK_HOURS`. Returns the refusal,
 * its attempts left taken from the count just written (so concurrent wrong PINs each see their own).
 */
export async function recordPaymentPinFailure(
  q: Queryable,
  holder: PinHolder,
  cardId: string,
  now: Date,
): Promise<WrongPaymentPin> {
  const { rows } = await q.query<{ payment_pin_failures: number; locked: boolean }>(
    `update ${holder} set
       payment_pin_failures = case when payment_pin_failures + 1 >= $2 then 0 else payment_pin_failures + 1 end,
       payment_pin_locked_until = case when payment_pin_failures + 1 >= $2 then $3::timestamptz else payment_pin_locked_until end
     where id = $1
     returning payment_pin_failures, payment_pin_locked_until = $3::timestamptz as locked`,
    [cardId, MAX_PAYMENT_PIN_FAILURES, new Date(now.getTime() + PAYMENT_PIN_LOCK_HOURS * 3600_000)],
  );
  const r = rows[0];
  const left = !r || r.locked ? 0 : MAX_PAYMENT_PIN_FAILURES - r.payment_pin_failures;
  return new WrongPaymentPin(holder, cardId, left);
}

/**
 * Checks the e-card's payment PIN. Throws 404 `ecard_not_found`, 422 `ecard_not_active` /
 * `ecard_suspended` / `payment_not_open` / `payment_pin_locked` / `wrong_pin`; resolves when the PIN is right.
 * A wrong PIN is counted towards the lockout.
 */
export async function verifyPaymentPin(
  q: Queryable,
  key: Buffer,
  ecardId: string,
  pin: string,
  now: Date,
): Promise<void> {
  if (!(await checkHeldPaymentPin(q, key, paymentPinStateRead(ecardId), pin, now)))
    throw notFound('ecard_not_found', 'No such e-card');
}

/**
 * Checks the payment PIN of the card `read` finds (a `PaymentPinState` statement of its holder), counting a
 * wrong one towards the lockout; false when there is no such card.
 */
export async function checkHeldPaymentPin(
  q: Queryable,
  key: Buffer,
  read: Statement,
  pin: string,
  now: Date,
): Promise<boolean> {
  const { rows } = await q.query<PaymentPinState>(read.sql, read.params);
  if (!rows[0]) return false;
  try {
    await checkPaymentPinOf(q, key, rows[0], pin, now);
  } catch (err) {
    if (err instanceof WrongPaymentPin) throw await recordPaymentPinFailure(q, err.holder, err.cardId, now);
    throw err;
  }
  return true;
}

/** The columns of `PaymentPinState`. */
const PIN_COLUMNS =
  "id, 'ecards'::text as holder, status, payment_open, payment_pin_hash, payment_pin_failures, payment_pin_locked_until";

/**
 * The e-card's `PaymentPinState` as a statement, for the settlement's combined read after the person's lock
 * (no row for a null id or an unknown e-card).
 */
export function paymentPinStateRead(ecardId: string | null): Statement {
  return { sql: `select ${PIN_COLUMNS} from ecards where id = $1::uuid`, params: [ecardId] };
}
