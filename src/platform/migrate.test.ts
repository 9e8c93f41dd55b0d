import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from './db.ts';
import { migrate, MigrationChangedError } from './migrate.ts';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

test('an applied migration that changed stops migrate, naming the file, and applies nothing else', async () => {
  const dir = migrationsDir({ '001_a.sql': 'create table a (x int);' });
  const db = await openPglite();
  try {
    assert.deepEqual(await migrate(db, dir), ['001_a']);
    assert.deepEqual(await migrate(db, dir), [], 'nothing to do when nothing changed');
    writeFileSync(join(dir, '001_a.sql'), 'create table a (x int, y int);');
    writeFileSync(join(dir, '002_b.sql'), 'create table b (x int);');
    await assert.rejects(migrate(db, dir), (err: unknown) => {
      assert.ok(err instanceof MigrationChangedError);
      assert.equal(err.version, '001_a');
      assert.match(err.message, /migration 001_a was changed after it was applied/);
      return true;
    });
    const b = await db.query<{ n: number }>(`select count(*)::int as n from pg_tables where tablename = 'b'`);
    assert.equal(b.rows[0]!.n, 0, 'the new migration was not applied');
  } finally {
    await db.close();
  }
});

test('rows recorded before checksums existed take the file’s checksum, then changes are caught', async () => {
  const dir = migrationsDir({ '001_a.sql': 'create table a (x int);' });
  const db = await openPglite();
  try {
    // A database migrated by the runner before it kept checksums.
    await db.exec(`create table schema_migrations (version text primary key,
      applied_at timestamptz not null default now()); create table a (x int);
      insert into schema_migrations (version) values ('001_a');`);
    assert.deepEqual(await migrate(db, dir), []);
    const row = await db.query<{ checksum: string }>('select checksum from schema_migrations');
    assert.match(row.rows[0]!.checksum, /^[0-9a-f]{64}$/);
    writeFileSync(join(dir, '001_a.sql'), '-- edited\ncreate table a (x int);');
    await assert.rejects(migrate(db, dir), MigrationChangedError);
  } finally {
    await db.close();
  }
});

test('the project’s migrations apply once and then verify unchanged', async () => {
  const db = await openPglite();
  try {
    assert.ok((await migrate(db)).includes('021_ledger_balance_safe'));
    assert.deepEqual(await migrate(db), []);
    const c = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_constraint where conname = 'ledger_balance_safe'`,
    );
    assert.equal(c.rows[0]!.n, 1);
  } finally {
    await db.close();
  }
});
