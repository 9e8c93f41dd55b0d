import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPglite } from '../platform/db.ts';
import { migrate } from '../platform/migrate.ts';
import { loadConfig } from '../platform/config.ts';
import { verifySecret } from '../platform/password.ts';
import { ensureAdmin } from './admin.ts';

test('the first admin: production refuses to start without a password; demo generates one, shown once; never twice', async () => {
  const db = await openPglite();
  try {
    await migrate(db);
    await assert.rejects(
      ensureAdmin(db, loadConfig({ YIBAO_MODE: 'production' })),
      /YIBAO_ADMIN_PASSWORD must be set/,
    );
    const { rows: none } = await db.query(`select 1 from users where role = 'admin'`);
    assert.equal(none.length, 0);
    const demo = await ensureAdmin(db, loadConfig({ YIBAO_MODE: 'demo' }));
    assert.equal(demo.created, true);
    assert.ok(demo.generatedPassword && demo.generatedPassword.length >= 12);
    const { rows } = await db.query<{ password_hash: string }>(
      `select password_hash from users where login = 'admin'`,
    );
    assert.ok(await verifySecret(demo.generatedPassword!, rows[0]!.password_hash));
    assert.ok(!rows[0]!.password_hash.includes(demo.generatedPassword!), 'only the scrypt hash is stored');
    const again = await ensureAdmin(db, loadConfig({ YIBAO_MODE: 'production' }));
    assert.deepEqual(again, { created: false }, 'an existing admin is kept; production starts');
  } finally {
    await db.close();
  }
});

test('production with a password creates the admin from it; a short one is refused', async () => {
  const db = await openPglite();
  try {
    await migrate(db);
    await assert.rejects(
      ensureAdmin(db, loadConfig({ YIBAO_MODE: 'production', YIBAO_ADMIN_PASSWORD: 'short' })),
      /at least 8/,
    );
    const r = await ensureAdmin(
      db,
      loadConfig({ YIBAO_MODE: 'production', YIBAO_ADMIN_PASSWORD: 'a-long-admin-password' }),
    );
    assert.deepEqual(r, { created: true, generatedPassword: undefined });
  } finally {
    await db.close();
  }
});
