import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}

/** Puts a message in the person's in-app inbox; call it in the same transaction as the change it reports. */
export async function notify(
  q: Queryable,
  personId: string,
  kind: string,
  title: string,
  body: string,
): Promise<void> {
  await q.query('insert into notifications (id, person_id, kind, title, body) values ($1, $2, $3, $4, $5)', [
    randomUUID(),
    personId,
    kind,
    title,
    body,
  ]);
}

export async function listNotifications(
  q: Queryable,
  personId: string,
  unreadOnly: boolean,
): Promise<Notification[]> {
  const { rows } = await q.query<{
    id: string;
    kind: string;
    title: string;
    body: string;
    read_at: Date | null;
    created_at: Date;
  }>(
    `select id, kind, title, body, read_at, created_at from notifications
      where person_id = $1 and ($2::boolean = false or read_at is null)
      order by created_at desc, id limit 200`,
    [personId, unreadOnly],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    read: r.read_at !== null,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Marks one of the person's own notifications read; false when it is not theirs or does not exist. */
export async function markRead(q: Queryable, personId: string, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    'update notifications set read_at = coalesce(read_at, $3) where id = $1 and person_id = $2',
    [id, personId, now],
  );
  return rowCount > 0;
}
