import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { conflict } from '../platform/errors.ts';
import type { Role } from '../platform/context.ts';
import { hashSecret } from '../platform/password.ts';

export interface NewUser {
  role: Exclude<Role, 'terminal'>;
  login: string;
  password: string;
  displayName: string;
  personId?: string | null;
  employerId?: string | null;
  officeId?: string | null;
  institutionId?: string | null;
}

/** Creates an account; a login already in use is a 409 `login_taken`. */
export async function createUser(q: Queryable, u: NewUser): Promise<string> {
  const id = randomUUID();
  const hash = await hashSecret(u.password);
  try {
    await q.query(
      `insert into users (id, role, login, password_hash, display_name, person_id, employer_id, office_id, institution_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        u.role,
        u.login,
        hash,
        u.displayName,
        u.personId ?? null,
        u.employerId ?? null,
        u.officeId ?? null,
        u.institutionId ?? null,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err, 'users_login_key'))
      throw conflict('login_taken', `The login ${u.login} is already registered`);
    if (isUniqueViolation(err, 'users_person_id_key')) {
      throw conflict('already_registered', 'This person already has an account; log in instead');
    }
    throw err;
  }
  return id;
}

export interface UserRow {
  id: string;
  role: Role;
  login: string;
  password_hash: string;
  display_name: string;
  disabled: boolean;
}

export async function findUserByLogin(q: Queryable, login: string): Promise<UserRow | undefined> {
  const { rows } = await q.query<UserRow>(
    'select id, role, login, password_hash, display_name, disabled from users where login = $1',
    [login],
  );
  return rows[0];
}
