/** Loss report (freeze), replacement and cancellation of a card. */
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { conflict } from '../platform/errors.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { actorOf, physicalCardChanged, recordEvent, type Actor } from './events.ts';
import { maskCardNumber } from './number.ts';
import {
  LIVE,
  assertIdChecked,
  checkPin,
  createCard,
  getCardView,
  lockCard,
  staffOffice,
  type CardRow,
  type CardStatus,
  type CardView,
} from './shared.ts';

async function setCardStatus(
  tx: Queryable,
  ctx: Ctx,
  actor: Actor,
  card: CardRow,
  to: CardStatus,
  event: string,
  detail: string | null = null,
): Promise<void> {
  await tx.query('update cards set status = $2, updated_at = $3 where id = $1', [card.id, to, ctx.now]);
  await recordEvent(tx, {
    personId: card.person_id,
    regionCode: card.region_code,
    subject: 'card',
    subjectId: card.id,
    event,
    from: card.status,
    to,
    actor,
    detail,
    at: ctx.now,
  });
}

/** Loss report: the card is frozen at once (from the app by its holder, or at a counter). */
export async function reportLoss(ctx: Ctx, caller: Caller, cardId: string): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    let region: string | null = null;
    if (caller.role === 'staff') region = (await staffOffice(tx, caller)).region_code;
    const card = await lockCard(tx, cardId, (c) =>
      caller.role === 'person' ? c.person_id === caller.personId : c.region_code === region,
    );
    if (card.status === 'frozen') throw conflict('already_frozen', 'The card is already frozen');
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    const actor = actorOf(caller, caller.role === 'person' ? 'app' : 'counter');
    await setCardStatus(tx, ctx, actor, card, 'frozen', 'loss_reported');
    await physicalCardChanged(tx, { kind: 'loss_reported', cardId: card.id }, actor, ctx.now);
    await notify(
      tx,
      card.person_id,
      'card_frozen',
      text('notice.card_frozen', { card: maskCardNumber(card.card_number) }),
    );
    return getCardView(tx, card.id, caller.role === 'person');
  });
}

/** Replacement at a counter: a new card number; the old card is dead (`replaced`). */
export async function replaceCard(
  ctx: Ctx,
  staff: Caller,
  cardId: string,
  input: { idChecked?: boolean; pin?: string; bank?: string },
): Promise<{ old: CardView; card: CardView }> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    assertIdChecked(input.idChecked);
    const pinHash = await checkPin(input.pin, true);
    const actor = actorOf(staff, 'counter');
    await setCardStatus(tx, ctx, actor, card, 'replaced', 'replaced');
    const fresh = await createCard(tx, ctx, actor, {
      personId: card.person_id,
      regionCode: card.region_code,
      applicationId: null,
      bank: input.bank ?? card.bank,
      pinHash,
      replacesCardId: card.id,
    });
    await tx.query('update cards set replaced_by_card_id = $2 where id = $1', [card.id, fresh.id]);
    await physicalCardChanged(tx, { kind: 'replaced', cardId: card.id, newCardId: fresh.id }, actor, ctx.now);
    await notify(
      tx,
      card.person_id,
      'card_replaced',
      text('notice.card_replaced', {
        newCard: maskCardNumber(fresh.cardNumber),
        oldCard: maskCardNumber(card.card_number),
      }),
    );
    return { old: await getCardView(tx, card.id, false), card: await getCardView(tx, fresh.id, false) };
  });
}

/** Cancellation at a counter: the card is dead and no replacement is made. */
export async function cancelCard(ctx: Ctx, staff: Caller, cardId: string, reason: string): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    const actor = actorOf(staff, 'counter');
    await setCardStatus(tx, ctx, actor, card, 'cancelled', 'cancelled', reason);
    await physicalCardChanged(tx, { kind: 'cancelled', cardId: card.id }, actor, ctx.now);
    await tx.query(`update ecards set physical_card_id = null, updated_at = $2 where physical_card_id = $1`, [
      card.id,
      ctx.now,
    ]);
    await notify(tx, card.person_id, 'card_cancelled', text('notice.card_cancelled', { reason }));
    return getCardView(tx, card.id, false);
  });
}
