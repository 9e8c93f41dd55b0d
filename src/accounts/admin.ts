import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/db.ts';
import type { Config } from '../platform/config.ts';
import { createUser } from './store.ts';

/**
 * Makes sure an admin account exists. On first start it is created from YIBAO_ADMIN_PASSWORD; production
 * refuses to start without one, while demo mode generates a password and returns it to print once.
 */
export async function ensureAdmin(
  db: Db,
  config: Config,
): Promise<{ created: boolean; generatedPassword?: string }> {
  const { rows } = await db.query("select 1 from users where role = 'admin' limit 1");
  if (rows.length) return { created: false };
  let password = config.adminPassword;
  let generatedPassword: string | undefined;
  if (!password) {
    if (config.mode === 'production') {
      throw new Error(
        'YIBAO_ADMIN_PASSWORD must be set on first start in production mode (no admin account exists yet)',
      );
    }
    password = generatedPassword = randomBytes(12).toString('base64url');
  }
  if (password.length < 8) throw new Error('YIBAO_ADMIN_PASSWORD must be at least 8 characters');
  await createUser(db, { role: 'admin', login: 'admin', password, displayName: 'Administrator' });
  return { created: true, generatedPassword };
}
