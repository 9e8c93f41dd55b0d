import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import pg from 'pg';
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

// The torture harness's finding: a killed server's backend that waits on a row lock kept its idempotency claim
// until that wait ended, so the till's retries were refused as `idempotency_key_in_use` for as long.
test(
  'a backend whose process died while waiting on a row lock gives up its own locks within seconds',
  { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' },
  async () => {
    const base = process.env.TEST_DATABASE_URL!;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query('create table if not exists lost_connection_probe (id int primary key)');
    await admin.query('insert into lost_connection_probe values (1) on conflict do nothing');
    await admin.query('begin');
    await admin.query('select * from lost_connection_probe where id = 1 for update');
    // A process of ours: a transaction that takes a claim (an advisory lock), then queues behind our row lock.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { openPostgres } from ${JSON.stringify(new URL('./db.ts', import.meta.url).href)};
         const db = await openPostgres(${JSON.stringify(base)}, 1);
         await db.transaction(async (tx) => {
           await tx.query('select pg_advisory_xact_lock(424242)');
           console.log('waiting');
           await tx.query('select * from lost_connection_probe where id = 1 for update');
         });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('waiting') && resolve());
        child.once('exit', (code) => reject(new Error(`the child exited with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, 300)); // it is now waiting on the row lock
      child.kill('SIGKILL');
      const probe = new pg.Client({ connectionString: base });
      await probe.connect();
      let free = false;
      const started = Date.now();
      while (!free && Date.now() - started < 6000) {
        const { rows } = await probe.query<{ ok: boolean }>('select pg_try_advisory_lock(424242) as ok');
        free = rows[0]!.ok;
        if (!free) await new Promise((r) => setTimeout(r, 100));
      }
      await probe.end();
      // Our row lock is still held: only the check of the dead client can have released the claim.
      assert.ok(free, 'the dead process’s claim was still held after 6 s');
    } finally {
      child.kill('SIGKILL');
      await admin.query('rollback');
      await admin.query('drop table if exists lost_connection_probe');
      await admin.end();
    }
  },
);
