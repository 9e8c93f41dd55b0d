import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** An applied migration whose file no longer reads as it did when it was applied. */
export class MigrationChangedError extends Error {
  constructor(
    readonly version: string,
    readonly recorded: string,
    readonly current: string,
  ) {
    super(
      `migration ${version} was changed after it was applied (applied sha256 ${recorded.slice(0, 12)}…, ` +
        `file now ${current.slice(0, 12)}…): restore the file and put the change in a new migration`,
    );
    this.name = 'MigrationChangedError';
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Applies every `migrations/NNN_name.sql` not yet recorded in `schema_migrations`, in name order, all of them
 * in one transaction (so a failing file leaves none of the pending ones applied). The same files run on
 * PGlite and on PostgreSQL. An advisory lock keeps two processes starting at once from applying the same
 * file twice.
 *
 * Each applied file's SHA-256 is recorded; when an applied file has changed since, nothing is applied and
 * `MigrationChangedError` is thrown, because the database no longer matches what a fresh one would get.
 * Rows recorded before checksums existed take the file's checksum the first time they are seen.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort();
  await db.query(`create table if not exists schema_migrations (
    version text primary key, applied_at timestamptz not null default now())`);
  await db.query('alter table schema_migrations add column if not exists checksum text');
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7166)');
    const recorded = new Map(
      (
        await tx.query<{ version: string; checksum: string | null }>(
          'select version, checksum from schema_migrations',
        )
      ).rows.map((r) => [r.version, r.checksum]),
    );
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      const text = readFileSync(join(dir, file), 'utf8');
      const checksum = sha256(text);
      if (recorded.has(version)) {
        const was = recorded.get(version);
        if (was == null) {
          await tx.query('update schema_migrations set checksum = $2 where version = $1', [
            version,
            checksum,
          ]);
        } else if (was !== checksum) {
          throw new MigrationChangedError(version, was, checksum);
        }
        continue;
      }
      await tx.exec(text);
      await tx.query('insert into schema_migrations (version, checksum) values ($1, $2)', [
        version,
        checksum,
      ]);
      applied.push(version);
    }
  });
  return applied;
}
