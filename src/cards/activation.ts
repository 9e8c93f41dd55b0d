/** Activation (at a counter or on first use) and the chip PIN: checking it, locking after 3 failures, staff reset. */
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable, Statement } from '../platform/db.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { hashSecret, verifySecret } from '../platform/password.ts';
import { lockPerson } from '../platform/locks.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { actorOf, recordEvent, type Actor } from './events.ts';
import {
  CARD_COLUMNS,
  LIVE,
  MAX_PIN_FAILURES,
  checkPin,
  getCardView,
  lockCard,
  staffOffice,
  type ActivationPlace,
  type CardRow,
  type CardStatus,
  type CardView,
} from './shared.ts';

function assertUsable(card: CardRow): void {
  if (card.status === 'frozen') throw unprocessable('card_frozen', 'The card is frozen after a loss report');
  if (card.status === 'replaced' || card.status === 'cancelled')
    throw unprocessable('card_not_live', `The card is ${card.status}`);
}

async function activate(
  tx: Queryable,
  ctx: Pick<Ctx, 'now'>,
  actor: Actor,
  card: CardRow,
  place: ActivationPlace,
  institutionId: string | null,
  pinHash: string | null,
): Promise<void> {
  await tx.query(
    `update cards set status = 'active', activated_at = $2, activation_place = $3, activation_institution_id = $4,
       pin_hash = coalesce(pin_hash, $5), updated_at = $2 where id = $1`,
    [card.id, ctx.now, place, institutionId, pinHash],
  );
  await recordEvent(tx, {
    personId: card.person_id,
    regionCode: card.region_code,
    subject: 'card',
    subjectId: card.id,
    event: 'activated',
    from: card.status,
    to: 'active',
    actor,
    detail: place,
    at: ctx.now,
  });
}

function assertActivatable(card: CardRow): void {
  if (card.status === 'active') throw conflict('already_active', 'The card is already active');
  assertUsable(card);
  if (card.with_employer_id && !card.handed_out_at)
    throw unprocessable('not_handed_out', 'The employer has not handed this card out yet');
}

/**
 * Activation at the issuing bank, a designated hospital or a designated pharmacy (staff or bank counter).
 * A card issued without a PIN (employer batch, agent) needs `pin` here; otherwise `pin` is not used.
 */
export async function activateCard(
  ctx: Ctx,
  staff: Caller,
  cardId: string,
  input: { place: ActivationPlace; institutionId?: string; pin?: string },
): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    assertActivatable(card);
    const pinHash = card.pin_hash ? null : await checkPin(input.pin, true);
    const actor: Actor = { ...actorOf(staff, input.place), institutionId: input.institutionId ?? null };
    await activate(tx, ctx, actor, card, input.place, input.institutionId ?? null, pinHash);
    return getCardView(tx, card.id, false);
  });
}

/**
 * Activates a card on its first use at a designated hospital or pharmacy (called by settlement, inside
 * its transaction, after `verifyCardPin`). Returns true when this call activated the card, false when
 * it was already active; throws 422 (`card_frozen`, `card_not_live`, `not_handed_out`, `pin_not_set`)
 * when the card cannot be used.
 */
export async function activateOnFirstUse(
  tx: Queryable,
  cardId: string,
  place: ActivationPlace,
  institutionId: string | null,
  now: Date,
): Promise<boolean> {
  const { rows } = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1 for update`, [
    cardId,
  ]);
  const card = rows[0];
  if (!card) throw notFound('card_not_found', 'No such card');
  if (card.status === 'active') return false;
  assertActivatable(card);
  if (!card.pin_hash) throw unprocessable('pin_not_set', 'The card has no PIN yet; activate it at a counter');
  const actor: Actor = { userId: null, role: 'institution', officeId: null, channel: place, institutionId };
  await activate(tx, { now }, actor, card, place, institutionId, null);
  return true;
}

export type PinCheck =
  | { ok: true; cardId: string; personId: string; regionCode: string; status: 'issued' | 'active' }
  | {
      ok: false;
      code: 'card_not_found' | 'card_frozen' | 'card_not_live' | 'pin_not_set' | 'pin_locked' | 'wrong_pin';
      attemptsLeft: number;
    };

/**
 * Checks a physical card's chip PIN for a payment. Three wrong PINs in a row lock the card's payment
 * (`pin_locked`) until staff reset it at a counter; a correct PIN resets the count.
 *
 * The PIN-attempt pattern both PINs follow (the e-card payment PIN: `checkPaymentPinOf`):
 * - the slow hash (scrypt here) is checked holding no lock, so a person's other payments and card changes
 *   do not queue behind it; whatever it read is read again under the person's lock by the payment
 *   (`cardStatusRead`), so a loss report committed meanwhile still wins;
 * - a wrong PIN is counted by one atomic increment (`failures + 1` in SQL, so concurrent wrong PINs each
 *   count), committed even though the payment is refused; the limit-th in a row locks the PIN, and a locked
 *   PIN refuses even the right one; a right PIN resets the count.
 *
 * It returns a result instead of throwing because the failure count must be committed: call it in your
 * transaction, let the transaction commit, then refuse with `pinCheckError(check)`.
 *
 * @example
 * const check = await db.transaction((tx) => verifyCardPin(tx, number, pin, now));
 * if (!check.ok) throw pinCheckError(check);
 */
export async function verifyCardPin(
  tx: Queryable,
  cardNumber: string,
  pin: string,
  now: Date,
): Promise<PinCheck> {
  const { rows } = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where card_number = $1`, [
    cardNumber,
  ]);
  const card = rows[0];
  if (!card) return { ok: false, code: 'card_not_found', attemptsLeft: 0 };
  const left = MAX_PIN_FAILURES - card.pin_failures;
  if (card.status === 'frozen') return { ok: false, code: 'card_frozen', attemptsLeft: left };
  if (card.status !== 'issued' && card.status !== 'active')
    return { ok: false, code: 'card_not_live', attemptsLeft: 0 };
  if (card.pin_locked) return { ok: false, code: 'pin_locked', attemptsLeft: 0 };
  if (!card.pin_hash) return { ok: false, code: 'pin_not_set', attemptsLeft: left };
  if (await verifySecret(pin, card.pin_hash)) {
    if (card.pin_failures > 0) await tx.query('update cards set pin_failures = 0 where id = $1', [card.id]);
    return {
      ok: true,
      cardId: card.id,
      personId: card.person_id,
      regionCode: card.region_code,
      status: card.status,
    };
  }
  // The person first (lock order): locking the card may record an event and a notification of theirs.
  await lockPerson(tx, card.person_id);
  const counted = await tx.query<{ pin_failures: number; pin_locked: boolean }>(
    `update cards set pin_failures = pin_failures + 1, pin_locked = pin_locked or pin_failures + 1 >= $2,
        updated_at = $3
      where id = $1 returning pin_failures, pin_locked`,
    [card.id, MAX_PIN_FAILURES, now],
  );
  const { pin_failures: failures, pin_locked: locked } = counted.rows[0]!;
  if (locked) {
    // Only the attempt that reached the limit tells the holder, not a concurrent one past it.
    if (failures === MAX_PIN_FAILURES) {
      await recordEvent(tx, {
        personId: card.person_id,
        regionCode: card.region_code,
        subject: 'card',
        subjectId: card.id,
        event: 'pin_locked',
        from: card.status,
        to: card.status,
        actor: { userId: null, role: 'system', officeId: null, channel: null, institutionId: null },
        detail: text('history.wrong_pins', { count: failures }),
        at: now,
      });
      await notify(tx, card.person_id, 'card_pin_locked', text('notice.card_pin_locked'));
    }
    return { ok: false, code: 'pin_locked', attemptsLeft: 0 };
  }
  return { ok: false, code: 'wrong_pin', attemptsLeft: MAX_PIN_FAILURES - failures };
}

/**
 * The refusal for a card that can no longer pay (frozen after a loss report, replaced, cancelled, gone), or
 * null for an issued or active card. Settlement calls it on the status it reads under the person's lock,
 * which every status change also takes first, so a change committed before that lock always counts.
 */
/** The card's status as a statement (column `status`), for the settlement's combined read after the lock. */
export function cardStatusRead(cardId: string | null): Statement {
  return { sql: 'select status from cards where id = $1::uuid', params: [cardId] };
}

export function cardStateError(status: CardStatus | null): AppError | null {
  if (status === null) return pinCheckError({ ok: false, code: 'card_not_found', attemptsLeft: 0 });
  if (status === 'frozen') return pinCheckError({ ok: false, code: 'card_frozen', attemptsLeft: 0 });
  if (status !== 'issued' && status !== 'active')
    return pinCheckError({ ok: false, code: 'card_not_live', attemptsLeft: 0 });
  return null;
}

/** The refusal for a failed `verifyCardPin`. */
export function pinCheckError(check: Extract<PinCheck, { ok: false }>): AppError {
  switch (check.code) {
    case 'card_not_found':
      return notFound('card_not_found', 'No such card');
    case 'card_frozen':
      return unprocessable('card_frozen', 'The card is frozen after a loss report');
    case 'card_not_live':
      return unprocessable('card_not_live', 'The card is no longer valid');
    case 'pin_not_set':
      return unprocessable('pin_not_set', 'The card has no PIN yet; activate it at a counter');
    case 'pin_locked':
      return unprocessable(
        'pin_locked',
        'Wrong PIN entered 3 times: payments are locked until staff reset them',
      );
    case 'wrong_pin':
      return unprocessable('wrong_pin', 'Wrong PIN', { attemptsLeft: check.attemptsLeft });
  }
}

/** Staff unlock a PIN-locked card (and may set a new PIN the holder types at the counter). */
export async function resetPin(
  ctx: Ctx,
  staff: Caller,
  cardId: string,
  input: { pin?: string },
): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    if (!card.pin_locked && card.pin_failures === 0 && input.pin === undefined)
      throw conflict('not_locked', 'The card is not PIN-locked; give a new PIN to change it');
    const pinHash = input.pin === undefined ? null : await hashSecret(input.pin);
    await tx.query(
      `update cards set pin_locked = false, pin_failures = 0, pin_hash = coalesce($2, pin_hash), updated_at = $3 where id = $1`,
      [card.id, pinHash, ctx.now],
    );
    await recordEvent(tx, {
      personId: card.person_id,
      regionCode: card.region_code,
      subject: 'card',
      subjectId: card.id,
      event: 'pin_reset',
      from: card.status,
      to: card.status,
      actor: actorOf(staff, 'counter'),
      detail: text(pinHash ? 'history.pin_new' : 'history.pin_unlocked'),
      at: ctx.now,
    });
    return getCardView(tx, card.id, false);
  });
}
