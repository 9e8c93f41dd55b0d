import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { render, t, type Lang, type Params, type Text } from '../i18n/index.ts';

export interface Notification {
  id: string;
  kind: string;
  /** The catalogue code (`notice.card_ready`), or null for a message written before codes. */
  code: string | null;
  params: Params;
  /** Title and body in the reader's language. */
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}

/**
 * Puts a message in the person's in-app inbox; call it in the same transaction as the change it reports.
 * The message is stored as its code (`notice.card_ready`, whose catalogue entry has a `title` and a `body`)
 * and parameters, and rendered in the reader's language when read.
 */
export async function notify(q: Queryable, personId: string, kind: string, message: Text): Promise<void> {
  await q.query('insert into notifications (id, person_id, kind, code, params) values ($1, $2, $3, $4, $5)', [
    randomUUID(),
    personId,
    kind,
    message.code,
    message.params ? JSON.stringify(message.params) : null,
  ]);
}

export async function listNotifications(
  q: Queryable,
  personId: string,
  unreadOnly: boolean,
  lang: Lang,
): Promise<Notification[]> {
  const { rows } = await q.query<{
    id: string;
    kind: string;
    code: string | null;
    params: Params | null;
    title: string | null;
    body: string | null;
    read_at: Date | null;
    created_at: Date;
  }>(
    `select id, kind, code, params, title, body, read_at, created_at from notifications
      where person_id = $1 and ($2::boolean = false or read_at is null)
      order by created_at desc, id limit 200`,
    [personId, unreadOnly],
  );
  return rows.map((r) => {
    const params = r.params ?? {};
    return {
      id: r.id,
      kind: r.kind,
      code: r.code,
      params,
      // A message from before codes whose sentence was not one of the known ones reads as it was written.
      title: r.code ? t(lang, `${r.code}.title`, params) : render(lang, r.title ?? ''),
      body: r.code ? t(lang, `${r.code}.body`, params) : render(lang, r.body ?? ''),
      read: r.read_at !== null,
      createdAt: r.created_at.toISOString(),
    };
  });
}

/** Marks one of the person's own notifications read; false when it is not theirs or does not exist. */
export async function markRead(q: Queryable, personId: string, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    'update notifications set read_at = coalesce(read_at, $3) where id = $1 and person_id = $2',
    [id, personId, now],
  );
  return rowCount > 0;
}
