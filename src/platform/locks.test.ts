import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

test('only src/platform/locks.ts locks persons, institutions and ledger accounts', () => {
  // A `for update` in a statement that reads one of these tables, up to the end of the SQL string.
  const locking = /\bfrom\s+(persons|institutions|ledger_accounts)\b[^`'";]*?\bfor\s+update/gi;
  const found = sources(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(locking)].map((m) => `${file.slice(SRC.length + 1)}: ${m[1]}`),
  );
  assert.deepEqual(
    found.filter((f) => !f.startsWith('platform/locks.ts')),
    [],
  );
  assert.ok(found.length >= 4, 'the lock module itself is found');
});
