import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachStore } from '../../test/support/env.ts';
import { AppError } from './errors.ts';
import { idempotent, purgeIdempotencyKeys, requestHash } from './idempotency.ts';

test('request hashes ignore key order but not values', () => {
  assert.equal(requestHash({ a: 1, b: [1, { c: 2, d: 3 }] }), requestHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
  assert.notEqual(requestHash({ a: 1 }), requestHash({ a: 2 }));
  assert.notEqual(requestHash([1, 2]), requestHash([2, 1]));
});

forEachStore('idempotency keys', (env) => {
  const effects = () =>
    env().db.query<{ n: number }>('select count(*)::int8 as n from regions where code like $1', ['idem%']);

  test('the first request runs and stores its answer; a retry replays it and moves nothing', async () => {
    let runs = 0;
    const run = () =>
      env().db.transaction((tx) =>
        idempotent(tx, 'inst-1', 'key-1', requestHash({ x: 1 }), async () => {
          runs++;
          await tx.query(`insert into regions (code, name) values ('idem1', 'x')`);
          return { status: 201, body: { id: 'idem1', n: runs } };
        }),
      );
    const first = await run();
    const second = await run();
    assert.deepEqual(first, { status: 201, body: { id: 'idem1', n: 1 }, replayed: false });
    assert.deepEqual(second, { status: 201, body: { id: 'idem1', n: 1 }, replayed: true });
    assert.equal(runs, 1);
    assert.equal((await effects()).rows[0]!.n, 1);
  });

  test('the same key with another body is refused', async () => {
    await env().db.transaction((tx) =>
      idempotent(tx, 'inst-1', 'key-2', 'h1', async () => ({ status: 200, body: {} })),
    );
    await assert.rejects(
      env().db.transaction((tx) =>
        idempotent(tx, 'inst-1', 'key-2', 'h2', async () => ({ status: 200, body: {} })),
      ),
      (e: AppError) => e.code === 'idempotency_key_mismatch',
    );
  });

  test('keys are scoped: two institutions may use the same key', async () => {
    const a = await env().db.transaction((tx) =>
      idempotent(tx, 'A', 'k', 'h', async () => ({ status: 200, body: { who: 'A' } })),
    );
    const b = await env().db.transaction((tx) =>
      idempotent(tx, 'B', 'k', 'h', async () => ({ status: 200, body: { who: 'B' } })),
    );
    assert.equal(a.body.who, 'A');
    assert.equal(b.body.who, 'B');
    assert.equal(b.replayed, false);
  });

  test('a refusal inside stores nothing, so a retry runs again', async () => {
    await assert.rejects(
      env().db.transaction((tx) =>
        idempotent(tx, 'inst-1', 'key-3', 'h', async () => {
          await tx.query(`insert into regions (code, name) values ('idem3', 'x')`);
          throw new AppError(422, 'invalid_amount', 'refused');
        }),
      ),
    );
    const retry = await env().db.transaction((tx) =>
      idempotent(tx, 'inst-1', 'key-3', 'h', async () => ({ status: 200, body: { ok: true } })),
    );
    assert.equal(retry.replayed, false);
    const region = await env().db.query(`select 1 from regions where code = 'idem3'`);
    assert.equal(region.rows.length, 0);
  });

  test('a key still being processed is refused as in use on PostgreSQL, and queued then replayed on PGlite', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = env().db.transaction((tx) =>
      idempotent(tx, 'inst-1', 'key-4', 'h', async () => {
        entered();
        await gate;
        return { status: 201, body: { first: true } };
      }),
    );
    await inside;
    const second = env().db.transaction((tx) =>
      idempotent(tx, 'inst-1', 'key-4', 'h', async () => ({ status: 201, body: { first: false } })),
    );
    if (env().kind === 'postgres') {
      await assert.rejects(second, (e: AppError) => e.code === 'idempotency_key_in_use' && e.status === 409);
      release();
    } else {
      // PGlite is one connection: the second transaction waits for the first, then sees its stored answer.
      release();
      const replay = await second;
      assert.equal(replay.replayed, true);
      assert.deepEqual(replay.body, { first: true });
    }
    assert.equal((await first).body.first, true);
    const again = await env().db.transaction((tx) =>
      idempotent(tx, 'inst-1', 'key-4', 'h', async () => ({ status: 201, body: { first: false } })),
    );
    assert.deepEqual(again.body, { first: true });
  });

  test('keys older than the retention period are purged, newer ones kept', async () => {
    await env().db.query(
      `insert into idempotency_keys (scope, key, request_hash, response_status, response_body, created_at)
       values ('old', 'k', 'h', 200, '{}', now() - interval '3 days'), ('new', 'k', 'h', 200, '{}', now())`,
    );
    assert.equal(await purgeIdempotencyKeys(env().db, new Date()), 1);
    const left = await env().db.query(`select scope from idempotency_keys where scope in ('old', 'new')`);
    assert.deepEqual(left.rows, [{ scope: 'new' }]);
  });

  test('a purge in small batches deletes the whole backlog', async () => {
    await env().db.query(
      `insert into idempotency_keys (scope, key, request_hash, response_status, response_body, created_at)
       select 'batch', 'k' || i, 'h', 200, '{}', now() - interval '3 days' from generate_series(1, 7) as i`,
    );
    assert.equal(await purgeIdempotencyKeys(env().db, new Date(), 3), 7);
    const left = await env().db.query(`select 1 from idempotency_keys where scope = 'batch'`);
    assert.equal(left.rows.length, 0);
  });
});
