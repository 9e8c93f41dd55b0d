import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { forEachStore } from '../test/support/env.ts';
import { startHousekeeping } from './housekeeping.ts';
import { idempotent } from './platform/idempotency.ts';

forEachStore('housekeeping', (env) => {
  const run = (key: string, value: string) =>
    env().db.transaction((tx) =>
      idempotent(tx, 'housekeeping', key, 'h', async () => ({ status: 201, body: { value } })),
    );

  test('the scheduled pass purges old keys, which then run afresh, and keeps live ones replayed', async () => {
    assert.equal((await run('old', 'first')).replayed, false);
    assert.equal((await run('live', 'first')).replayed, false);
    // 'old' is past the retention period; 'live' is 23 hours old, inside the 24 hours DOMAIN.md promises.
    await env().db.query(
      `update idempotency_keys set created_at = now() - interval '49 hours' where scope = 'housekeeping' and key = 'old'`,
    );
    await env().db.query(
      `update idempotency_keys set created_at = now() - interval '23 hours' where scope = 'housekeeping' and key = 'live'`,
    );
    const housekeeping = startHousekeeping({
      db: env().db,
      clock: () => new Date(),
      clockSkewSeconds: 30,
      intervalMs: 20,
      onError: (err) => assert.fail(String(err)),
    });
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await env().db.query(
          `select 1 from idempotency_keys where scope = 'housekeeping' and key = 'old'`,
        );
        if (!rows.length) break;
        assert.ok(Date.now() < deadline, 'the timer purged the old key within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await housekeeping.stop();
    }
    const old = await run('old', 'second');
    assert.deepEqual(old, { status: 201, body: { value: 'second' }, replayed: false });
    const live = await run('live', 'second');
    assert.deepEqual(live, { status: 201, body: { value: 'first' }, replayed: true });
  });

  test('nonces go once their token is past its expiry plus the clock skew; batches add up', async () => {
    const now = new Date();
    const ecard = randomUUID();
    const insert = (nonce: string, secondsAgo: number) =>
      env().db.query(
        `insert into qr_consumed_nonces (ecard_id, nonce, kid, expires_at, consumed_at) values ($1, $2, 'k', $3, $3)`,
        [ecard, nonce, new Date(now.getTime() - secondsAgo * 1000)],
      );
    for (let i = 0; i < 5; i++) await insert(`dead-${i}`, 31 + i);
    await insert('within-skew', 10);
    await insert('unexpired', -60);
    const housekeeping = startHousekeeping({
      db: env().db,
      clock: () => now,
      clockSkewSeconds: 30,
      intervalMs: 3_600_000,
      onError: (err) => assert.fail(String(err)),
    });
    try {
      const pass = await housekeeping.runOnce();
      assert.equal(pass.qrNonces, 5);
    } finally {
      await housekeeping.stop();
    }
    const { rows } = await env().db.query<{ nonce: string }>(
      'select nonce from qr_consumed_nonces where ecard_id = $1 order by nonce',
      [ecard],
    );
    assert.deepEqual(
      rows.map((r) => r.nonce),
      ['unexpired', 'within-skew'],
    );
  });
});
