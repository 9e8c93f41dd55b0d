/**
 * The e-SSC's status follows its physical card. `mirrorPhysicalCard` is the one function every physical-card
 * change that matters to the e-SSC calls (src/cards/loss.ts, through `physicalCardChanged`, which src/app.ts
 * points here), inside the transaction of that change and after the person's lock the card change took
 * (src/platform/locks.ts: a module's own rows after its person).
 */
import type { Queryable } from '../platform/db.ts';
import { recordEvent, type Actor, type PhysicalCardChange } from '../cards/events.ts';
import { maskCardNumber } from '../cards/number.ts';
import { notify } from '../notifications/store.ts';
import { text, type Text } from '../i18n/index.ts';

interface MirrorRow {
  id: string;
  person_id: string;
  region_code: string;
  status: 'active' | 'suspended' | 'ended';
}

async function cardNumber(q: Queryable, cardId: string): Promise<string> {
  const { rows } = await q.query<{ card_number: string }>('select card_number from cards where id = $1', [
    cardId,
  ]);
  return rows[0] ? maskCardNumber(rows[0].card_number) : '?';
}

/**
 * Applies a physical card's change to the e-SSC linked to it, if any: a loss report suspends it, a
 * replacement moves it to the new card (and lifts a suspension the loss caused), a cancellation ends it.
 * Each change is a `card_events` entry of subject `essc`. Returns the e-SSC's new status, or null when the
 * card has no live e-SSC.
 */
export async function mirrorPhysicalCard(
  tx: Queryable,
  change: PhysicalCardChange,
  actor: Actor,
  now: Date,
): Promise<MirrorRow['status'] | null> {
  const { rows } = await tx.query<MirrorRow>(
    `select id, person_id, region_code, status from esscs where card_id = $1 and status <> 'ended' for update`,
    [change.cardId],
  );
  const e = rows[0];
  if (!e) return null;
  const event = (name: string, to: MirrorRow['status'], detail: Text) =>
    recordEvent(tx, {
      personId: e.person_id,
      regionCode: e.region_code,
      subject: 'essc',
      subjectId: e.id,
      event: name,
      from: e.status,
      to,
      actor,
      detail,
      at: now,
    });
  switch (change.kind) {
    case 'loss_reported': {
      if (e.status === 'suspended') return e.status;
      await tx.query(`update esscs set status = 'suspended', updated_at = $2 where id = $1`, [e.id, now]);
      const card = await cardNumber(tx, change.cardId);
      await event('suspended', 'suspended', text('history.essc_card_lost', { card }));
      await notify(tx, e.person_id, 'essc_suspended', text('notice.essc_suspended', { card }));
      return 'suspended';
    }
    case 'replaced': {
      await tx.query(`update esscs set card_id = $2, status = 'active', updated_at = $3 where id = $1`, [
        e.id,
        change.newCardId,
        now,
      ]);
      const from = await cardNumber(tx, change.cardId);
      const to = await cardNumber(tx, change.newCardId);
      await event('moved_to_card', 'active', text('history.essc_moved', { from, to }));
      await notify(tx, e.person_id, 'essc_moved', text('notice.essc_moved', { card: to }));
      return 'active';
    }
    case 'cancelled': {
      await tx.query(
        `update esscs set status = 'ended', ended_at = $2, second_level = false, updated_at = $2 where id = $1`,
        [e.id, now],
      );
      const card = await cardNumber(tx, change.cardId);
      await event('ended', 'ended', text('history.essc_card_cancelled', { card }));
      await notify(tx, e.person_id, 'essc_ended', text('notice.essc_ended', { card }));
      return 'ended';
    }
  }
}
