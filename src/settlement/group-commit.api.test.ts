import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../app.ts';
import type { Db } from '../platform/db.ts';
import { forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  createTill,
  depositTo,
  item,
  newKey,
  qrOf,
  settleCall,
} from '../../test/support/factories.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from './check.ts';
import { groupCommitStats } from './settle.ts';

/** Every test's batch: cut when it holds this many, or after a window long enough for all of them to arrive. */
const BATCH = 6;
const groupCommit = { maxBatch: BATCH, windowMs: 2_000, transactions: 1, siblings: 0 };

const TABLES = [
  'settlements',
  'settlement_lines',
  'ledger_postings',
  'ledger_entries',
  'qr_consumed_nonces',
  'idempotency_keys',
] as const;

async function counts(env: TestEnv): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>;
  for (const t of TABLES) {
    out[t] = (await env.db.query<{ n: number }>(`select count(*)::int8 as n from ${t}`)).rows[0]!.n;
  }
  return out;
}

const balanceOf = async (env: TestEnv, personId: string) =>
  (
    await env.db.query<{ balance: number }>(
      `select balance from ledger_accounts where kind = 'individual' and owner_id = $1`,
      [personId],
    )
  ).rows[0]!.balance;

async function checksClean(env: TestEnv) {
  assert.deepEqual((await checkLedger(env.db)).problems, []);
  assert.deepEqual((await checkSettlements(env.db)).problems, []);
}

const bill = { setting: 'outpatient', items: [item('A', 30), item('OUT-B', 20)] };

/** `n` people with an open e-card each and `fen` in their individual accounts. */
async function fundedEcards(env: TestEnv, n: number, fen: number) {
  const people = [];
  for (let i = 0; i < n; i++) {
    const p = await activeEcard(env);
    await depositTo(env, p.personId, fen);
    people.push(p);
  }
  return people;
}

/** The app over another store object (its own group commit), ready; the caller closes it. */
async function appOver(env: TestEnv, db: Db, config = env.config) {
  const app = await buildApp({ db, config, clock: env.clock.now, logger: false });
  await app.ready();
  return app;
}

forEachStore(
  'group commit: settlements share one transaction and one commit',
  (env) => {
    test('a batch where some members are refused: the others commit, each caller gets its own answer after the commit', async () => {
      const till = await createTill(env());
      const people = await fundedEcards(env(), 5, 200_000);
      const [a, b, c, noBank, wrongPin] = people as [
        (typeof people)[0],
        (typeof people)[0],
        (typeof people)[0],
        (typeof people)[0],
        (typeof people)[0],
      ];
      const qrA = await qrOf(env(), a);
      const qrNoBank = await qrOf(env(), noBank);
      const before = await counts(env());
      const balances = await Promise.all(people.map((p) => balanceOf(env(), p.personId)));
      const stats = { ...groupCommitStats(env().db) };

      const big = { setting: 'outpatient', items: [item('A', 900)] };
      const replies = await Promise.all([
        settleCall(env(), till.terminal, { qr: qrA, bill }),
        settleCall(env(), till.terminal, { qr: await qrOf(env(), b), bill }),
        settleCall(env(), till.terminal, { qr: await qrOf(env(), c), bill }),
        // The same code again under another key: one of the two is a replay, whichever runs second.
        settleCall(env(), till.terminal, { qr: qrA, bill }),
        // Refused after its token was consumed in the batch: the savepoint must give the token back.
        settleCall(env(), till.terminal, { qr: qrNoBank, bill, cashBy: 'bank_account' }),
        // The accounts pay more than the no-PIN limit, with a wrong PIN: refused, and the failure counted.
        settleCall(env(), till.terminal, {
          qr: await qrOf(env(), wrongPin),
          bill: big,
          paymentPin: '000000',
        }),
      ]);

      const after = groupCommitStats(env().db)!;
      assert.equal(after.batches - (stats.batches ?? 0), 1, 'the six requests ran as one batch');
      assert.equal(after.members - (stats.members ?? 0), BATCH);

      const [ra, rb, rc, ra2, rNoBank, rWrongPin] = replies;
      const pair = [ra!, ra2!];
      assert.equal(pair.filter((r) => r.status === 201).length, 1, pair.map((r) => r.raw).join('\n'));
      assert.deepEqual(
        pair.filter((r) => r.status !== 201).map((r) => [r.status, r.body.error.code]),
        [[409, 'qr_replayed']],
      );
      assert.equal(rb!.status, 201, rb!.raw);
      assert.equal(rc!.status, 201, rc!.raw);
      assert.equal(rNoBank!.status, 422, rNoBank!.raw);
      assert.equal(rNoBank!.body.error.code, 'bank_account_required');
      assert.equal(rWrongPin!.status, 422, rWrongPin!.raw);
      assert.equal(rWrongPin!.body.error.code, 'wrong_pin');

      // Three settlements and nothing of the refused ones; their ledger postings balance, the batch's shared
      // accounts were moved once for all three.
      const now = await counts(env());
      assert.equal(now.settlements - before.settlements, 3);
      assert.equal(now.ledger_postings - before.ledger_postings, 3);
      assert.equal(now.idempotency_keys - before.idempotency_keys, 3);
      assert.equal(now.qr_consumed_nonces - before.qr_consumed_nonces, 3);
      await checksClean(env());
      const paid = [pair.find((r) => r.status === 201)!, rb!, rc!].map(
        (r) => r.body.result.totals.accountPaid,
      );
      for (const [i, p] of [a, b, c].entries()) {
        assert.equal(await balanceOf(env(), p.personId), balances[i]! - paid[i]!, `account of person ${i}`);
      }
      assert.equal(await balanceOf(env(), noBank.personId), balances[3]);
      assert.equal(await balanceOf(env(), wrongPin.personId), balances[4]);
      // The wrong PIN counts towards the lockout although its settlement rolled back.
      const pin = await env().db.query<{ payment_pin_failures: number }>(
        'select payment_pin_failures from ecards where id = $1',
        [wrongPin.ecardId],
      );
      assert.equal(pin.rows[0]!.payment_pin_failures, 1);
      // The refused member's code was given back with its savepoint: it pays now.
      const again = await settleCall(env(), till.terminal, { qr: qrNoBank, bill });
      assert.equal(again.status, 201, again.raw);
    });

    test('replays of requests that were in a batch return their first answers and move nothing; a key twice in flight is refused', async () => {
      const till = await createTill(env());
      const people = await fundedEcards(env(), BATCH, 100_000);
      const requests = await Promise.all(
        people.map(async (p) => ({ key: newKey(), body: { qr: await qrOf(env(), p), bill } })),
      );
      const first = await Promise.all(requests.map((r) => settleCall(env(), till.terminal, r.body, r.key)));
      for (const r of first) assert.equal(r.status, 201, r.raw);
      const before = await counts(env());
      const balances = await Promise.all(people.map((p) => balanceOf(env(), p.personId)));

      // All six again, same keys and bodies: one batch of replays.
      const replays = await Promise.all(requests.map((r) => settleCall(env(), till.terminal, r.body, r.key)));
      for (const [i, r] of replays.entries()) {
        assert.equal(r.status, 201, r.raw);
        assert.equal(r.headers['idempotent-replayed'], 'true');
        assert.deepEqual(r.body, first[i]!.body);
      }
      assert.deepEqual(await counts(env()), before);
      assert.deepEqual(await Promise.all(people.map((p) => balanceOf(env(), p.personId))), balances);

      // One new request sent twice at once with its key: the second is refused while the first is in flight.
      const p = people[0]!;
      const key = newKey();
      const body = { qr: await qrOf(env(), p), bill };
      const twice = await Promise.all([
        settleCall(env(), till.terminal, body, key),
        settleCall(env(), till.terminal, body, key),
        ...people
          .slice(1, BATCH - 1)
          .map(async (q) => settleCall(env(), till.terminal, { qr: await qrOf(env(), q), bill })),
      ]);
      assert.deepEqual(
        twice
          .slice(0, 2)
          .map((r) => r.status)
          .sort(),
        [201, 409],
        twice.map((r) => r.raw).join('\n'),
      );
      assert.equal(twice.find((r) => r.status === 409)!.body.error.code, 'idempotency_key_in_use');
      const later = await settleCall(env(), till.terminal, body, key);
      assert.equal(later.headers['idempotent-replayed'], 'true');
      assert.deepEqual(later.body, twice.find((r) => r.status === 201)!.body);
      await checksClean(env());
    });

    test('a statement error inside a batch rolls all of it back and every member settles on its own', async () => {
      const base = env().db;
      let writes = 0;
      let failed = false;
      // The same store, but the second settlement write inside a shared transaction fails as PostgreSQL
      // reports a statement error (a SQLSTATE and a severity), once.
      const failing: Db = {
        kind: base.kind,
        query: (sql, params) => base.query(sql, params),
        exec: (sql) => base.exec(sql),
        transaction: (fn, opts) =>
          base.transaction(
            (tx) =>
              fn({
                exec: (sql) => tx.exec(sql),
                async query(sql, params) {
                  if (sql.includes('insert into settlements') && ++writes === 2 && !failed) {
                    failed = true;
                    throw Object.assign(new Error('injected check violation'), {
                      code: '23514',
                      severity: 'ERROR',
                    });
                  }
                  return tx.query(sql, params);
                },
              }),
            opts,
          ),
        close: async () => undefined,
      };
      const app = await appOver(env(), failing);
      try {
        const via = { ...env(), app };
        const till = await createTill(env());
        const people = await fundedEcards(env(), BATCH, 100_000);
        const before = await counts(env());
        const replies = await Promise.all(
          people.map(async (p) => settleCall(via, till.terminal, { qr: await qrOf(env(), p), bill })),
        );
        assert.equal(failed, true, 'the fault was injected');
        for (const r of replies) assert.equal(r.status, 201, r.raw);
        const stats = groupCommitStats(failing)!;
        assert.equal(stats.largest, BATCH, 'they were one batch first');
        const now = await counts(env());
        assert.equal(now.settlements - before.settlements, BATCH, 'each settled once, alone');
        assert.equal(now.ledger_postings - before.ledger_postings, BATCH);
        assert.equal(new Set(replies.map((r) => r.body.id)).size, BATCH);
        await checksClean(env());
      } finally {
        await app.close();
      }
    });

    test('while fewer than `siblings` other settlements are under way, each runs alone at once', async () => {
      const db: Db = { ...env().db };
      const config = { ...env().config, groupCommit: { ...groupCommit, siblings: 3 } };
      const app = await appOver(env(), db, config);
      try {
        const via = { ...env(), app };
        const till = await createTill(env());
        const p = await activeEcard(env());
        await depositTo(env(), p.personId, 100_000);
        for (let i = 0; i < 3; i++) {
          const r = await settleCall(via, till.terminal, { qr: await qrOf(env(), p), bill });
          assert.equal(r.status, 201, r.raw);
        }
        assert.deepEqual(groupCommitStats(db), { batches: 0, members: 0, largest: 0, alone: 3 });
        await checksClean(env());
      } finally {
        await app.close();
      }
    });

    for (const cut of ['before', 'after'] as const) {
      test(`a batch cut by a crash ${cut} its commit: all or none of it stands, every caller is answered alike, retries settle once`, async () => {
        const state = { cut: false };
        const base = env().db;
        // The same store; while `cut` is set, a transaction fails just before its commit (it rolls back) or
        // just after it (it committed, but the answer is lost, as when the connection drops at that moment).
        const crashing: Db = {
          kind: base.kind,
          query: (sql, params) => base.query(sql, params),
          exec: (sql) => base.exec(sql),
          async transaction(fn, opts) {
            const crash = state.cut;
            const out = await base.transaction(async (tx) => {
              const r = await fn(tx);
              if (crash && cut === 'before') throw new Error('injected crash before the commit');
              return r;
            }, opts);
            if (crash && cut === 'after') throw new Error('injected crash after the commit');
            return out;
          },
          close: async () => undefined,
        };
        const app = await appOver(env(), crashing);
        try {
          const viaCrashing = { ...env(), app };
          const till = await createTill(env());
          const people = await fundedEcards(env(), BATCH, 100_000);
          // The shared accounts and the account-id cache exist before the crash.
          const warm = await settleCall(viaCrashing, till.terminal, {
            qr: await qrOf(env(), people[0]!),
            bill,
          });
          assert.equal(warm.status, 201, warm.raw);

          const requests = await Promise.all(
            people.map(async (p) => ({ key: newKey(), body: { qr: await qrOf(env(), p), bill } })),
          );
          const before = await counts(env());
          const balances = await Promise.all(people.map((p) => balanceOf(env(), p.personId)));
          state.cut = true;
          const crashed = await Promise.all(
            requests.map((r) => settleCall(viaCrashing, till.terminal, r.body, r.key)),
          );
          state.cut = false;
          for (const r of crashed) {
            assert.equal(r.status, 500, r.raw);
            assert.equal(r.body.error.code, 'internal_error');
          }
          assert.equal(groupCommitStats(crashing)!.largest, BATCH);
          const standing = await counts(env());
          if (cut === 'before') {
            assert.deepEqual(standing, before, 'nothing of the batch stands');
            assert.deepEqual(await Promise.all(people.map((p) => balanceOf(env(), p.personId))), balances);
          } else {
            assert.equal(standing.settlements - before.settlements, BATCH, 'all of the batch stands');
          }
          await checksClean(env());

          // The tills retry with the same keys: each settles exactly once in all.
          const retried = await Promise.all(
            requests.map((r) => settleCall(viaCrashing, till.terminal, r.body, r.key)),
          );
          for (const r of retried) {
            assert.equal(r.status, 201, r.raw);
            assert.equal(r.headers['idempotent-replayed'], cut === 'after' ? 'true' : undefined);
          }
          const now = await counts(env());
          assert.equal(now.settlements - before.settlements, BATCH);
          assert.equal(now.ledger_postings - before.ledger_postings, BATCH);
          const ids = new Set(retried.map((r) => r.body.id));
          assert.equal(ids.size, BATCH);
          for (const [i, p] of people.entries()) {
            assert.equal(
              await balanceOf(env(), p.personId),
              balances[i]! - retried[i]!.body.result.totals.accountPaid,
            );
          }
          await checksClean(env());
        } finally {
          await app.close();
        }
      });
    }
  },
  { groupCommit },
);
