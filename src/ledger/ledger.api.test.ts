import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { combineStatements, type Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { call, forEachStore } from '../../test/support/env.ts';
import { createStaff, depositTo, fundedPerson, registerPerson } from '../../test/support/factories.ts';
import {
  balanceOf,
  deposit,
  individualAccount,
  institutionBank,
  institutionCash,
  institutionReceivable,
  movements,
  openingBalance,
  patientCash,
  pooledFund,
  post,
  postingOutcome,
  postingWrites,
  premiumIncome,
  reversePosting,
  type AccountMove,
  type EntryInput,
  type PostingInput,
} from './ledger.ts';
import { checkLedger, type LedgerCheck } from './check.ts';

forEachStore('ledger', (env) => {
  const tx = <T>(fn: (q: Queryable) => Promise<T>) => env().db.transaction(fn);

  async function snapshot() {
    const { rows } = await env().db.query<{ p: number; e: number; a: number; b: string }>(
      `select (select count(*) from ledger_postings)::int8 as p, (select count(*) from ledger_entries)::int8 as e,
              (select count(*) from ledger_accounts)::int8 as a,
              (select coalesce(string_agg(id::text || '=' || balance::text, ',' order by id), '') from ledger_accounts) as b`,
    );
    return rows[0]!;
  }

  /** Runs `fn` in a transaction and expects it to be refused with `status` / `code`, leaving the ledger unchanged. */
  async function refused(status: number, code: string, fn: (q: Queryable) => Promise<unknown>) {
    const before = await snapshot();
    await assert.rejects(tx(fn), (err: unknown) => {
      assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
      assert.equal(err.code, code);
      assert.equal(err.status, status);
      return true;
    });
    assert.deepEqual(await snapshot(), before, 'a refusal must leave the ledger unchanged');
  }

  /** Applies a corruption, runs the checker on it, and rolls everything back. */
  async function checkCorrupted(corrupt: (q: Queryable) => Promise<unknown>): Promise<LedgerCheck> {
    let result: LedgerCheck | undefined;
    await assert.rejects(
      tx(async (q) => {
        await corrupt(q);
        result = await checkLedger(q);
        throw new Error('roll back the corruption');
      }),
      /roll back the corruption/,
    );
    return result!;
  }

  const ref = (type = 'test') => ({ type, id: randomUUID() });

  test('account helpers get-or-create one account per kind and owner', async () => {
    const p = await registerPerson(env());
    const inst = randomUUID();
    const ids = await tx(async (q) => [
      await individualAccount(q, p.personId),
      await individualAccount(q, p.personId),
      await pooledFund(q, 'demo'),
      await pooledFund(q, 'demo'),
      await pooledFund(q, '440300'),
      await premiumIncome(q, 'demo'),
      await openingBalance(q, 'demo'),
      await patientCash(q, 'demo'),
      await institutionReceivable(q, inst, 'demo'),
      await institutionReceivable(q, inst, 'demo'),
      await institutionCash(q, inst, 'demo'),
      await institutionBank(q, inst, 'demo'),
    ]);
    assert.equal(ids[0], ids[1]);
    assert.equal(ids[2], ids[3]);
    assert.equal(ids[8], ids[9]);
    assert.equal(new Set(ids).size, 9);
    const { rows } = await env().db.query<{ kind: string; region_code: string; person_id: string | null }>(
      'select kind, region_code, person_id from ledger_accounts where id = $1',
      [ids[0]],
    );
    assert.deepEqual(rows[0], { kind: 'individual', region_code: 'demo', person_id: p.personId });
    assert.equal(await balanceOf(env().db, ids[0]!), 0);
    await refused(404, 'person_not_found', (q) => individualAccount(q, randomUUID()));
    await refused(404, 'person_not_found', (q) => individualAccount(q, 'not-a-uuid'));
    await refused(404, 'ledger_account_not_found', (q) => balanceOf(q, randomUUID()));
  });

  test('get-or-create is race-safe: concurrent first uses in separate transactions agree on one account', async () => {
    const p = await registerPerson(env());
    const inst = randomUUID();
    const got = await Promise.all(
      Array.from({ length: 8 }, () =>
        tx(async (q) => [
          await individualAccount(q, p.personId),
          await institutionReceivable(q, inst, 'demo'),
        ]),
      ),
    );
    assert.equal(new Set(got.map((g) => g[0])).size, 1);
    assert.equal(new Set(got.map((g) => g[1])).size, 1);
  });

  test('a settlement-shaped posting balances and moves every balance; the checker proves it', async () => {
    const p = await fundedPerson(env(), 2_000_000);
    assert.equal(p.balance, 2_000_000);
    const inst = randomUUID();
    const { fund, acct, recv, cash, till } = await tx(async (q) => ({
      fund: await pooledFund(q, 'demo'),
      acct: await individualAccount(q, p.personId),
      recv: await institutionReceivable(q, inst, 'demo'),
      cash: await institutionCash(q, inst, 'demo'),
      till: await patientCash(q, 'demo'),
    }));
    const fundBefore = await balanceOf(env().db, fund);
    // The worked example: 50,000 yuan; fund 34,200 yuan; the person's 15,800 yuan from the account up to
    // its 20,000 balance... here: 15,800 from the account, nothing in cash.
    const entries: EntryInput[] = [
      { accountId: fund, amount: -3_420_000 },
      { accountId: recv, amount: 3_420_000 },
      { accountId: acct, amount: -1_580_000 },
      { accountId: recv, amount: 1_580_000 },
      { accountId: till, amount: -1 },
      { accountId: cash, amount: 1 },
    ];
    const at = env().clock.now();
    const r = await tx((q) =>
      post(q, {
        kind: 'settlement',
        reference: ref('settlement'),
        regionCode: 'demo',
        entries,
        memo: 'bill',
        at,
      }),
    );
    assert.equal(r.balances[acct], 420_000);
    assert.equal(r.balances[recv], 5_000_000);
    assert.equal(r.balances[fund], fundBefore - 3_420_000);
    assert.equal(await balanceOf(env().db, acct), 420_000);
    assert.equal(await balanceOf(env().db, recv), 5_000_000);
    assert.equal(await balanceOf(env().db, cash), 1);
    assert.equal(await balanceOf(env().db, till), -1);
    const stored = await env().db.query<{ account_id: string; amount: number }>(
      'select account_id, amount from ledger_entries where posting_id = $1 order by id',
      [r.postingId],
    );
    assert.deepEqual(
      stored.rows.map((e) => ({ accountId: e.account_id, amount: e.amount })),
      entries,
    );
    const head = await env().db.query<{ created_at: Date; memo: string; kind: string }>(
      'select created_at, memo, kind from ledger_postings where id = $1',
      [r.postingId],
    );
    assert.deepEqual(head.rows[0], { created_at: at, memo: 'bill', kind: 'settlement' });
    const check = await checkLedger(env().db);
    assert.deepEqual(check.problems, []);
    assert.ok(check.ok);
    assert.ok(check.stats.postings >= 2);
    // Every posting balances, so all balances together are zero.
    const total = Object.values(check.stats.balanceByKind).reduce((s, v) => s + BigInt(v), 0n);
    assert.equal(total, 0n);
  });

  test('malformed and refused postings write nothing', async () => {
    const p = await fundedPerson(env(), 1000);
    const { acct, fund } = await tx(async (q) => ({
      acct: await individualAccount(q, p.personId),
      fund: await pooledFund(q, 'demo'),
    }));
    const posting = (entries: EntryInput[]) => (q: Queryable) =>
      post(q, { kind: 'settlement', reference: ref(), regionCode: 'demo', entries });
    await refused(
      422,
      'unbalanced_posting',
      posting([
        { accountId: fund, amount: -100 },
        { accountId: acct, amount: 99 },
      ]),
    );
    await refused(400, 'too_few_entries', posting([{ accountId: fund, amount: 0 }].slice(1)));
    await refused(400, 'too_few_entries', posting([{ accountId: fund, amount: 5 }]));
    for (const bad of [0, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) {
      await refused(
        400,
        'invalid_amount',
        posting([
          { accountId: fund, amount: -bad },
          { accountId: acct, amount: bad },
        ]),
      );
    }
    await refused(
      404,
      'ledger_account_not_found',
      posting([
        { accountId: fund, amount: -1 },
        { accountId: randomUUID(), amount: 1 },
      ]),
    );
    await refused(
      404,
      'ledger_account_not_found',
      posting([
        { accountId: fund, amount: -1 },
        { accountId: 'nope', amount: 1 },
      ]),
    );
    await refused(
      422,
      'amount_out_of_range',
      posting([
        { accountId: fund, amount: -Number.MAX_SAFE_INTEGER },
        { accountId: fund, amount: -Number.MAX_SAFE_INTEGER },
        { accountId: acct, amount: Number.MAX_SAFE_INTEGER },
        { accountId: acct, amount: Number.MAX_SAFE_INTEGER },
      ]),
    );
    await refused(400, 'invalid_posting', (q) =>
      post(q, {
        kind: 'gift' as 'deposit',
        reference: ref(),
        regionCode: 'demo',
        entries: [
          { accountId: fund, amount: -1 },
          { accountId: acct, amount: 1 },
        ],
      }),
    );
    await refused(400, 'invalid_posting', (q) =>
      post(q, {
        kind: 'deposit',
        reference: { type: '', id: 'x' },
        regionCode: 'demo',
        entries: [
          { accountId: fund, amount: -1 },
          { accountId: acct, amount: 1 },
        ],
      }),
    );
    await refused(404, 'region_not_found', (q) =>
      post(q, {
        kind: 'deposit',
        reference: ref(),
        regionCode: 'atlantis',
        entries: [
          { accountId: fund, amount: -1 },
          { accountId: acct, amount: 1 },
        ],
      }),
    );
    await refused(400, 'invalid_amount', (q) => deposit(q, p.personId, 0));
    await refused(400, 'invalid_amount', (q) => deposit(q, p.personId, -5));
    await refused(404, 'person_not_found', (q) => deposit(q, randomUUID(), 5));
    assert.equal(await balanceOf(env().db, acct), 1000);
  });

  test('a refused debit names the account and the shortfall, alone or combined with other writes', async () => {
    const p = await fundedPerson(env(), 300);
    const { acct, recv } = await tx(async (q) => ({
      acct: await individualAccount(q, p.personId),
      recv: await institutionReceivable(q, randomUUID(), 'demo'),
    }));
    const input = (): PostingInput => ({
      kind: 'settlement',
      reference: ref(),
      regionCode: 'demo',
      entries: [
        { accountId: acct, amount: -450 },
        { accountId: recv, amount: 450 },
      ],
    });
    const detailsOf = async (fn: (q: Queryable) => Promise<unknown>) => {
      const err = await tx(fn).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'insufficient_balance');
      return err.details;
    };
    const expected = { accountId: acct, shortfall: 150 };
    assert.deepEqual(await detailsOf((q) => post(q, input())), expected);
    // The settlement's way: the posting's writes inside a larger statement, the outcome read from its result.
    const combined = async (q: Queryable) => {
      const posting = postingWrites(input());
      const one = combineStatements(
        [...posting.writes, { sql: 'select 1 from ledger_accounts limit 1', params: [] }],
        posting.select,
      );
      postingOutcome((await q.query<AccountMove>(one.sql, one.params)).rows);
    };
    assert.deepEqual(await detailsOf(combined), expected);
    assert.equal(await balanceOf(env().db, acct), 300);
  });

  test('an individual account never goes negative: the debit is refused and nothing is written', async () => {
    const p = await fundedPerson(env(), 500);
    const inst = randomUUID();
    const { acct, recv } = await tx(async (q) => ({
      acct: await individualAccount(q, p.personId),
      recv: await institutionReceivable(q, inst, 'demo'),
    }));
    const debit = (amount: number) => (q: Queryable) =>
      post(q, {
        kind: 'settlement',
        reference: ref(),
        regionCode: 'demo',
        entries: [
          { accountId: acct, amount: -amount },
          { accountId: recv, amount },
        ],
      });
    await refused(422, 'insufficient_balance', debit(501));
    // A refusal inside a larger transaction also undoes the caller's other work there.
    const before = await balanceOf(env().db, acct);
    await assert.rejects(
      tx(async (q) => {
        await debit(100)(q);
        await debit(401)(q);
      }),
      (e: unknown) => e instanceof AppError && e.code === 'insufficient_balance',
    );
    assert.equal(await balanceOf(env().db, acct), before);
    await tx(debit(500));
    assert.equal(await balanceOf(env().db, acct), 0);
    await refused(422, 'insufficient_balance', debit(1));
    // Non-individual accounts may go negative (the pooled fund pays before premiums arrive).
    assert.equal(await balanceOf(env().db, recv), 500);
    // The CHECK constraint is the backstop under the check in `post`.
    await assert.rejects(
      env().db.query('update ledger_accounts set balance = -1 where id = $1', [acct]),
      /ledger_individual_not_negative/,
    );
  });

  test('an event posts once: the same reference again is 409 posting_exists and writes nothing', async () => {
    const p = await fundedPerson(env(), 1000);
    const { acct, recv } = await tx(async (q) => ({
      acct: await individualAccount(q, p.personId),
      recv: await institutionReceivable(q, randomUUID(), 'demo'),
    }));
    const reference = ref('settlement');
    const input = {
      kind: 'settlement' as const,
      reference,
      regionCode: 'demo',
      entries: [
        { accountId: acct, amount: -10 },
        { accountId: recv, amount: 10 },
      ],
    };
    await tx((q) => post(q, input));
    await refused(409, 'posting_exists', (q) => post(q, input));
    // The same reference under another kind is another event (the refund of that settlement).
    await tx((q) =>
      post(q, { ...input, kind: 'refund', entries: input.entries.map((e) => ({ ...e, amount: -e.amount })) }),
    );
    assert.equal(await balanceOf(env().db, acct), 1000);
  });

  test('a refund is the exact reversal of its settlement, once', async () => {
    const p = await fundedPerson(env(), 10_000);
    const inst = randomUUID();
    const { acct, recv, fund } = await tx(async (q) => ({
      acct: await individualAccount(q, p.personId),
      recv: await institutionReceivable(q, inst, 'demo'),
      fund: await pooledFund(q, 'demo'),
    }));
    const before = {
      acct: await balanceOf(env().db, acct),
      recv: await balanceOf(env().db, recv),
      fund: await balanceOf(env().db, fund),
    };
    const settlementId = randomUUID();
    const s = await tx((q) =>
      post(q, {
        kind: 'settlement',
        reference: { type: 'settlement', id: settlementId },
        regionCode: 'demo',
        entries: [
          { accountId: fund, amount: -7000 },
          { accountId: acct, amount: -3000 },
          { accountId: recv, amount: 10_000 },
        ],
      }),
    );
    const r = await tx((q) =>
      reversePosting(q, s.postingId, { reference: { type: 'settlement', id: settlementId } }),
    );
    assert.equal(r.balances[acct], before.acct);
    assert.equal(await balanceOf(env().db, acct), before.acct);
    assert.equal(await balanceOf(env().db, recv), before.recv);
    assert.equal(await balanceOf(env().db, fund), before.fund);
    const { rows } = await env().db.query<{ kind: string; region_code: string }>(
      'select kind, region_code from ledger_postings where id = $1',
      [r.postingId],
    );
    assert.deepEqual(rows[0], { kind: 'refund', region_code: 'demo' });
    await refused(409, 'posting_exists', (q) =>
      reversePosting(q, s.postingId, { reference: { type: 'settlement', id: settlementId } }),
    );
    await refused(404, 'posting_not_found', (q) => reversePosting(q, randomUUID(), { reference: ref() }));
    // Reversing a deposit that has since been spent would overdraw the account: refused.
    const d = await tx((q) => deposit(q, p.personId, 50));
    await tx((q) =>
      post(q, {
        kind: 'settlement',
        reference: ref(),
        regionCode: 'demo',
        entries: [
          { accountId: acct, amount: -(before.acct + 50) },
          { accountId: recv, amount: before.acct + 50 },
        ],
      }),
    );
    await refused(422, 'insufficient_balance', (q) =>
      reversePosting(q, d.postingId, { kind: 'deposit', reference: ref() }),
    );
    assert.ok((await checkLedger(env().db)).ok);
  });

  test('movements page newest first without gaps or overlaps', async () => {
    const p = await registerPerson(env());
    for (let i = 1; i <= 25; i++) {
      env().clock.advance(60);
      await depositTo(env(), p.personId, i);
    }
    const acct = await tx((q) => individualAccount(q, p.personId));
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof movements>> = await movements(env().db, acct, {
        limit: 10,
        before: cursor,
      });
      pages++;
      assert.ok(page.movements.length <= 10);
      for (const m of page.movements) {
        assert.equal(m.kind, 'deposit');
        assert.equal(m.referenceType, 'deposit');
        assert.equal(m.memo, 'test deposit');
        seen.push(m.amount);
      }
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      Array.from({ length: 25 }, (_, i) => 25 - i),
    );
    const first = await movements(env().db, acct, { limit: 3 });
    assert.ok(first.movements[0]!.at > first.movements[2]!.at);
    assert.deepEqual((await movements(env().db, acct, { limit: 25 })).nextCursor, null);
    assert.equal(
      (await movements(env().db, acct, { limit: 1000 })).movements.length,
      25,
      'limit is capped at 100',
    );
    await refused(400, 'invalid_cursor', (q) => movements(q, acct, { before: 'abc' }));
  });

  test('GET /v1/me/account: own balance and movements, newest first, paged; others and other roles are kept out', async () => {
    const p = await registerPerson(env());
    const empty = await call(env().app, 'GET', '/v1/me/account', { token: p.token });
    assert.equal(empty.status, 200, empty.raw);
    assert.deepEqual(empty.body, { balance: 0, movements: [], nextCursor: null });
    assert.equal(
      (await env().db.query('select 1 from ledger_accounts where person_id = $1', [p.personId])).rows.length,
      0,
      'reading does not create the account',
    );
    await depositTo(env(), p.personId, 300);
    env().clock.advance(60);
    await depositTo(env(), p.personId, 200);
    const other = await fundedPerson(env(), 999);

    const r = await call(env().app, 'GET', '/v1/me/account?limit=1', { token: p.token });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.balance, 500);
    assert.equal(r.body.movements.length, 1);
    assert.equal(r.body.movements[0].amount, 200);
    assert.equal(r.body.movements[0].kind, 'deposit');
    assert.equal(r.body.movements[0].at, env().clock.now().toISOString());
    assert.ok(r.body.nextCursor);
    const next = await call(env().app, 'GET', `/v1/me/account?limit=1&before=${r.body.nextCursor}`, {
      token: p.token,
    });
    assert.equal(next.status, 200);
    assert.deepEqual(
      next.body.movements.map((m: { amount: number }) => m.amount),
      [300],
    );
    assert.equal(next.body.nextCursor, null);

    const theirs = await call(env().app, 'GET', '/v1/me/account', { token: other.token });
    assert.equal(theirs.body.balance, 999);
    assert.deepEqual(
      theirs.body.movements.map((m: { amount: number }) => m.amount),
      [999],
    );

    assert.equal((await call(env().app, 'GET', '/v1/me/account')).status, 401);
    const staff = await createStaff(env());
    const asStaff = await call(env().app, 'GET', '/v1/me/account', { token: staff.token });
    assert.equal(asStaff.status, 403);
    assert.equal(asStaff.body.error.code, 'wrong_role');
    for (const q of ['limit=0', 'limit=101', 'before=abc', 'limit=x']) {
      const bad = await call(env().app, 'GET', `/v1/me/account?${q}`, { token: p.token });
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.error.code, 'validation_failed');
    }
  });

  test('the checker catches each kind of corruption, reading only the ledger', async () => {
    const p = await fundedPerson(env(), 1000);
    const acct = await tx((q) => individualAccount(q, p.personId));
    const fund = await tx((q) => pooledFund(q, 'demo'));
    assert.deepEqual((await checkLedger(env().db)).problems, []);

    // A balance that drifted from its entries.
    const drift = await checkCorrupted((q) =>
      q.query('update ledger_accounts set balance = balance + 7 where id = $1', [fund]),
    );
    assert.equal(drift.ok, false);
    assert.equal(drift.problems.length, 1);
    assert.match(
      drift.problems[0]!,
      new RegExp(`account ${fund} \\(pooled_fund\\) has balance -?\\d+ fen but its entries sum to`),
    );

    // An entry slipped in without its counterpart, balance left alone: the posting does not balance and
    // the account's balance no longer equals its entries.
    const { rows } = await env().db.query<{ id: string }>(
      `select posting_id as id from ledger_entries where account_id = $1 limit 1`,
      [acct],
    );
    const postingId = rows[0]!.id;
    const stray = await checkCorrupted((q) =>
      q.query('insert into ledger_entries (posting_id, account_id, amount) values ($1, $2, 5)', [
        postingId,
        acct,
      ]),
    );
    assert.equal(stray.problems.length, 2, stray.problems.join('\n'));
    assert.ok(
      stray.problems.some(
        (l) => l === `posting ${postingId} (deposit) does not balance: its entries sum to 5 fen`,
      ),
    );
    assert.ok(
      stray.problems.some((l) =>
        l.startsWith(`account ${acct} (individual) has balance 1000 fen but its entries sum to 1005`),
      ),
    );

    // The same entry with the balance moved to match: only the unbalanced posting remains.
    const hidden = await checkCorrupted(async (q) => {
      await q.query('insert into ledger_entries (posting_id, account_id, amount) values ($1, $2, 5)', [
        postingId,
        acct,
      ]);
      await q.query('update ledger_accounts set balance = balance + 5 where id = $1', [acct]);
    });
    assert.deepEqual(hidden.problems, [
      `posting ${postingId} (deposit) does not balance: its entries sum to 5 fen`,
    ]);

    // A posting without entries.
    const bare = randomUUID();
    const lonely = await checkCorrupted((q) =>
      q.query(
        `insert into ledger_postings (id, kind, reference_type, reference_id, region_code) values ($1, 'deposit', 'x', 'y', 'demo')`,
        [bare],
      ),
    );
    assert.deepEqual(lonely.problems, [
      `posting ${bare} (deposit) has 0 entries; a posting needs at least two`,
    ]);

    // A negative individual account (only possible with the CHECK constraint gone), kept consistent with
    // its entries so that negativity is the only problem reported besides the posting imbalance.
    const negative = await checkCorrupted(async (q) => {
      await q.query('alter table ledger_accounts drop constraint ledger_individual_not_negative');
      await q.query('insert into ledger_entries (posting_id, account_id, amount) values ($1, $2, -1001)', [
        postingId,
        acct,
      ]);
      await q.query('update ledger_accounts set balance = -1 where id = $1', [acct]);
    });
    assert.ok(
      negative.problems.includes(`individual account ${acct} (person ${p.personId}) is negative: -1 fen`),
      negative.problems.join('\n'),
    );
    assert.ok(
      negative.problems.includes(
        `posting ${postingId} (deposit) does not balance: its entries sum to -1001 fen`,
      ),
    );
    assert.equal(negative.problems.length, 2);

    // Many problems of one kind are capped, with a count of the rest.
    const many = await checkCorrupted(async (q) => {
      await q.query('update ledger_accounts set balance = balance + 1');
      return undefined;
    });
    const accounts = (await checkLedger(env().db)).stats.accounts;
    assert.equal(many.problems.length, Math.min(accounts, 50) + (accounts > 50 ? 1 : 0));

    // Everything was rolled back.
    assert.deepEqual((await checkLedger(env().db)).problems, []);
  });

  test('50 concurrent debits of one individual account never overdraw it', async () => {
    const initial = 10_000;
    const p = await fundedPerson(env(), initial);
    const inst = randomUUID();
    const { acct, recv } = await tx(async (q) => ({
      acct: await individualAccount(q, p.personId),
      recv: await institutionReceivable(q, inst, 'demo'),
    }));
    const amounts = Array.from({ length: 50 }, (_, i) => 100 + ((i * 37) % 400));
    const results = await Promise.allSettled(
      amounts.map((amount) =>
        tx((q) =>
          post(q, {
            kind: 'settlement',
            reference: ref('settlement'),
            regionCode: 'demo',
            entries: [
              { accountId: acct, amount: -amount },
              { accountId: recv, amount },
            ],
          }),
        ),
      ),
    );
    let spent = 0;
    const failed: number[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') spent += amounts[i]!;
      else {
        failed.push(amounts[i]!);
        assert.ok(r.reason instanceof AppError, String(r.reason));
        assert.equal(r.reason.code, 'insufficient_balance');
      }
    }
    const failures = failed.length;
    assert.ok(spent <= initial);
    assert.ok(failures > 0, 'the debits ask for more than the balance, so some must fail');
    // Balances only fall, so a debit refused at any moment is also more than what is finally left.
    for (const amount of failed)
      assert.ok(amount > initial - spent, `${amount} was refused with ${initial - spent} left`);
    assert.equal(await balanceOf(env().db, acct), initial - spent);
    assert.equal(await balanceOf(env().db, recv), spent);
    // Each debit saw the balance its predecessor left under the row lock: the reported balances after
    // the successful debits chain exactly from the initial balance down to the final one.
    const chain = results
      .flatMap((r, i) =>
        r.status === 'fulfilled' ? [{ amount: amounts[i]!, after: r.value.balances[acct]! }] : [],
      )
      .sort((x, y) => y.after - x.after);
    let left = initial;
    for (const step of chain) {
      assert.equal(step.after, left - step.amount, 'a debit reported a balance computed from a stale read');
      left = step.after;
    }
    assert.equal(left, initial - spent);
    const { rows } = await env().db.query<{ n: number }>(
      `select count(*)::int8 as n from ledger_entries where account_id = $1 and amount < 0`,
      [acct],
    );
    assert.equal(rows[0]!.n, 50 - failures);
    assert.deepEqual((await checkLedger(env().db)).problems, []);
  });

  test('concurrent postings crossing the same accounts in opposite orders do not deadlock', async () => {
    const a = await fundedPerson(env(), 100_000);
    const b = await fundedPerson(env(), 100_000);
    const [x, y] = await tx(async (q) => [
      await individualAccount(q, a.personId),
      await individualAccount(q, b.personId),
    ]);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        tx((q) =>
          post(q, {
            kind: 'settlement',
            reference: ref(),
            regionCode: 'demo',
            // Half list x first, half y first: the lock order inside `post` is by id, not by entry order.
            entries:
              i % 2
                ? [
                    { accountId: x!, amount: -10 },
                    { accountId: y!, amount: 10 },
                  ]
                : [
                    { accountId: y!, amount: -10 },
                    { accountId: x!, amount: 10 },
                  ],
          }),
        ),
      ),
    );
    assert.equal(await balanceOf(env().db, x!), 100_000);
    assert.equal(await balanceOf(env().db, y!), 100_000);
  });
});
