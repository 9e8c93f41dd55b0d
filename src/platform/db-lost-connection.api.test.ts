import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb } from '../../test/support/env.ts';

// A PostgreSQL server only: PGlite has no backends to lose.
test(
  'a backend terminated in the middle of a transaction fails that transaction, not the process',
  { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' },
  async () => {
    const db = await createTestDb('postgres');
    try {
      await db.exec('create table t (x int)');
      const failed = db.transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
        await db.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        // The connection's loss arrives while no query runs (an 'error' event on the client), then:
        await new Promise((r) => setTimeout(r, 200));
        await tx.query('insert into t values (2)');
      });
      await assert.rejects(failed);
      // The pool goes on with fresh connections, and nothing of the transaction was kept.
      for (let i = 0; i < 12; i++) await db.query('select 1');
      const { rows } = await db.query<{ n: number }>('select count(*)::int8 as n from t');
      assert.equal(rows[0]!.n, 0);
    } finally {
      await db.close();
    }
  },
);
