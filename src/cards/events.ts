import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import type { Caller } from '../platform/context.ts';
import { text, type Params, type StoredText, type Text } from '../i18n/index.ts';

/** Who did it and where: kept with every state change of an application, a card or an e-card. */
export interface Actor {
  userId: string | null;
  role: 'person' | 'staff' | 'employer' | 'institution' | 'admin' | 'system';
  officeId: string | null;
  /** e-card channel (`app`, `wechat`...), or how a physical card step happened (`app`, `counter`, `employer`). */
  channel: string | null;
  institutionId: string | null;
}

export function actorOf(caller: Caller, channel: string | null = null): Actor {
  return {
    userId: caller.userId,
    role: caller.role === 'terminal' ? 'institution' : caller.role,
    officeId: caller.officeId,
    channel,
    institutionId: caller.institutionId,
  };
}

export interface CardEvent {
  subject: 'application' | 'card' | 'ecard' | 'essc';
  subjectId: string;
  event: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorRole: string;
  officeId: string | null;
  channel: string | null;
  institutionId: string | null;
  /** A channel or place code as stored, or what the server said about the step (a Text, rendered per reader). */
  detail: StoredText | null;
  at: string;
}

export async function recordEvent(
  q: Queryable,
  e: {
    personId: string;
    regionCode: string;
    subject: CardEvent['subject'];
    subjectId: string;
    event: string;
    from: string | null;
    to: string | null;
    actor: Actor;
    /** A code of the data (`counter`, `app`), or a Text the reader sees in their language. */
    detail?: string | Text | null;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `insert into card_events (id, person_id, region_code, subject, subject_id, event, from_status, to_status,
       actor_user_id, actor_role, office_id, channel, institution_id, detail, detail_code, detail_params, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      randomUUID(),
      e.personId,
      e.regionCode,
      e.subject,
      e.subjectId,
      e.event,
      e.from,
      e.to,
      e.actor.userId,
      e.actor.role,
      e.actor.officeId,
      e.actor.channel,
      e.actor.institutionId,
      typeof e.detail === 'string' ? e.detail : null,
      typeof e.detail === 'object' && e.detail ? e.detail.code : null,
      typeof e.detail === 'object' && e.detail?.params ? JSON.stringify(e.detail.params) : null,
      e.at,
    ],
  );
}

/** A person's history, oldest first. */
export async function listEvents(
  q: Queryable,
  personId: string,
  subject?: CardEvent['subject'],
): Promise<CardEvent[]> {
  const { rows } = await q.query<{
    subject: CardEvent['subject'];
    subject_id: string;
    event: string;
    from_status: string | null;
    to_status: string | null;
    actor_role: string;
    office_id: string | null;
    channel: string | null;
    institution_id: string | null;
    detail: string | null;
    detail_code: string | null;
    detail_params: Params | null;
    at: Date;
  }>(
    `select subject, subject_id, event, from_status, to_status, actor_role, office_id, channel, institution_id, detail, detail_code, detail_params, at
       from card_events where person_id = $1 and ($2::text is null or subject = $2)
      order by at, seq limit 1000`,
    [personId, subject ?? null],
  );
  return rows.map((r) => ({
    subject: r.subject,
    subjectId: r.subject_id,
    event: r.event,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actorRole: r.actor_role,
    officeId: r.office_id,
    channel: r.channel,
    institutionId: r.institution_id,
    detail: r.detail_code ? text(r.detail_code, r.detail_params ?? undefined) : r.detail,
    at: r.at.toISOString(),
  }));
}

/** A physical card's change that the cards built on it follow (the e-SSC: src/essc/mirror.ts). */
export type PhysicalCardChange =
  | { kind: 'loss_reported'; cardId: string }
  | { kind: 'replaced'; cardId: string; newCardId: string }
  | { kind: 'cancelled'; cardId: string };

type CardMirror = (tx: Queryable, change: PhysicalCardChange, actor: Actor, now: Date) => Promise<unknown>;
let mirror: CardMirror | undefined;

/**
 * Sets the one function every physical card change calls in its own transaction, after the person's lock
 * (src/app.ts sets the e-SSC's `mirrorPhysicalCard`). It is set, not imported, so that src/essc may build on
 * src/cards without a cycle.
 */
export function onPhysicalCardChange(fn: CardMirror): void {
  mirror = fn;
}

/** Tells the mirror about a physical card change, in `tx`. */
export async function physicalCardChanged(
  tx: Queryable,
  change: PhysicalCardChange,
  actor: Actor,
  now: Date,
): Promise<void> {
  if (!mirror) throw new Error('no physical card mirror set (src/app.ts sets it)');
  await mirror(tx, change, actor, now);
}
