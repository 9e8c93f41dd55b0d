import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import type { Caller, Role } from '../platform/context.ts';
import { forbidden } from '../platform/errors.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Opens a session: a random bearer token, of which only the SHA-256 is stored. */
export async function createSession(
  q: Queryable,
  userId: string,
  now: Date,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = 'yb_' + randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await q.query('insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)', [
    sha256(token),
    userId,
    expiresAt,
  ]);
  return { token, expiresAt };
}

export async function endSession(q: Queryable, token: string): Promise<void> {
  await q.query('delete from sessions where token_hash = $1', [sha256(token)]);
}

interface SessionRow {
  user_id: string;
  role: Role;
  person_id: string | null;
  employer_id: string | null;
  office_id: string | null;
  institution_id: string | null;
  region_code: string | null;
  institution_status: string | null;
}

/** The caller behind a token, or null when the token is unknown, expired or its account disabled. */
export async function resolveSession(q: Queryable, token: string, now: Date): Promise<Caller | null> {
  const { rows } = await q.query<SessionRow>(
    `select u.id as user_id, u.role, u.person_id, u.employer_id, u.office_id, u.institution_id,
            coalesce(p.region_code, o.region_code, e.region_code, i.region_code) as region_code,
            i.status as institution_status
       from sessions s
       join users u on u.id = s.user_id
       left join persons p on p.id = u.person_id
       left join offices o on o.id = u.office_id
       left join employers e on e.id = u.employer_id
       left join institutions i on i.id = u.institution_id
      where s.token_hash = $1 and s.expires_at > $2 and not u.disabled`,
    [sha256(token), now],
  );
  const r = rows[0];
  if (!r) return null;
  // A suspended institution can do nothing, through its staff as through its terminals.
  if (r.institution_status === 'suspended') {
    throw forbidden('institution_suspended', 'The institution is suspended and can do nothing');
  }
  return {
    userId: r.user_id,
    role: r.role,
    personId: r.person_id,
    employerId: r.employer_id,
    officeId: r.office_id,
    institutionId: r.institution_id,
    terminalId: null,
    regionCode: r.region_code,
  };
}
