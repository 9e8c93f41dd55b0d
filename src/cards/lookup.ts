/** Reading a person's cards: the cards in issue order, the staff lookup by ID number, the person's own view. */
import type { Queryable } from '../platform/db.ts';
import { notFound } from '../platform/errors.ts';
import { listEvents, type CardEvent } from './events.ts';
import {
  APP_SELECT,
  CARD_COLUMNS,
  toApplication,
  toCard,
  type ApplicationRow,
  type ApplicationView,
  type CardRow,
  type CardView,
} from './shared.ts';

/** A person's cards (or all cards of a person in a staff member's region) in issue order. */
async function listCards(q: Queryable, personId: string, masked: boolean): Promise<CardView[]> {
  const { rows } = await q.query<CardRow>(
    `select ${CARD_COLUMNS} from cards where person_id = $1 order by issued_at, card_number`,
    [personId],
  );
  return rows.map((r) => toCard(r, masked));
}

/** Staff look a person up by ID number: their applications, cards (in clear) and history. 404 outside the region. */
export async function staffLookup(
  q: Queryable,
  regionCode: string,
  idNumber: string,
): Promise<{ personId: string; applications: ApplicationView[]; cards: CardView[]; history: CardEvent[] }> {
  const { rows } = await q.query<{ id: string }>(
    'select id from persons where id_number = $1 and region_code = $2',
    [idNumber, regionCode],
  );
  if (!rows[0]) throw notFound('person_not_found', 'No insured person with this ID number in your region');
  const apps = await q.query<ApplicationRow>(
    `${APP_SELECT} where a.person_id = $1 order by a.created_at, a.id`,
    [rows[0].id],
  );
  return {
    personId: rows[0].id,
    applications: apps.rows.map(toApplication),
    cards: await listCards(q, rows[0].id, false),
    history: await listEvents(q, rows[0].id),
  };
}

/** What the person sees: applications, cards (numbers masked except the last 4) and the history. */
export async function myCards(
  q: Queryable,
  personId: string,
): Promise<{ applications: ApplicationView[]; cards: CardView[]; history: CardEvent[] }> {
  const apps = await q.query<ApplicationRow>(
    `${APP_SELECT} where a.person_id = $1 order by a.created_at, a.id`,
    [personId],
  );
  const history = (await listEvents(q, personId)).filter((e) => e.subject !== 'ecard');
  return { applications: apps.rows.map(toApplication), cards: await listCards(q, personId, true), history };
}
