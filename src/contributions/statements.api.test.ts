import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  createInstitution,
  createTerminal,
  depositTo,
  item,
  qrOf,
  registerPerson,
  settleCall,
} from '../../test/support/factories.ts';
import { runStatementJob, startStatementJob } from './statements.ts';

async function waitDone(env: TestEnv, jobId: string) {
  for (let i = 0; i < 200; i++) {
    const r = await call(env.app, 'GET', `/v1/admin/statement-jobs/${jobId}`, { token: env.adminToken });
    if (r.body.status === 'done') return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the statement job did not finish');
}

async function statementNotices(env: TestEnv) {
  const { rows } = await env.db.query<{ person_id: string; n: number }>(
    `select person_id, count(*)::int8 as n from notifications where kind = 'statement_ready' group by person_id`,
  );
  return rows;
}

forEachStore('yearly personal rights records', (env) => {
  test('a region’s job sends every person one statement whose figures add up; the PDF downloads', async () => {
    const shop = await createInstitution(env());
    const till = (await createTerminal(env(), shop)).token;
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 50_000);
    const s = await settleCall(env(), till, {
      qr: await qrOf(env(), p),
      bill: { setting: 'outpatient', items: [item('A', 120), item('B', 30)] },
    });
    assert.equal(s.status, 201, s.raw);
    // A parent pays a child's bill from their account (family mutual aid).
    const child = await activeEcard(env());
    await env().db.query(`update persons set birth_date = '1980-01-01' where id = $1`, [p.personId]);
    await env().db.query(`update persons set birth_date = '2015-01-01' where id = $1`, [child.personId]);
    const bound = await call(env().app, 'POST', '/v1/me/family', {
      token: p.token,
      body: {
        relatives: [{ idNumber: child.idNumber, name: child.name, kinship: 'child', mutualAid: true }],
      },
    });
    assert.equal(bound.body.bound, 1, bound.raw);
    const aid = await settleCall(env(), till, {
      qr: await qrOf(env(), child),
      bill: { setting: 'outpatient', items: [item('K', 40)] },
    });
    assert.equal(aid.body.result.totals.relativeAccountPaid, 4_000, aid.raw);
    await registerPerson(env());
    const persons = (
      await env().db.query<{ n: number }>(
        `select count(*)::int8 as n from persons where region_code = 'demo'`,
      )
    ).rows[0]!.n;

    const start = await call(env().app, 'POST', '/v1/admin/statement-jobs', {
      token: env().adminToken,
      body: { regionCode: 'demo', year: 2026 },
    });
    assert.equal(start.status, 202, start.raw);
    assert.equal(start.body.total, persons);
    const done = await waitDone(env(), start.body.id);
    assert.equal(done.processed, persons);
    const notices = await statementNotices(env());
    assert.equal(notices.length, persons);
    assert.ok(notices.every((n) => n.n === 1));

    const again = await call(env().app, 'POST', '/v1/admin/statement-jobs', {
      token: env().adminToken,
      body: { regionCode: 'demo', year: 2026 },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'job_exists');

    const { rows } = await env().db.query<{ figures: any }>(
      'select figures from statements where person_id = $1 and year = 2026',
      [p.personId],
    );
    const f = rows[0]!.figures;
    assert.deepEqual(f.settlements, {
      count: 1,
      total: 15_000,
      fundPaid: 0,
      accountPaid: 15_000,
      familyAccountPaid: 0,
      cashPaid: 0,
    });
    assert.equal(f.account.credits, 50_000);
    assert.equal(f.account.payments, 15_000);
    assert.equal(f.account.mutualAidOut, 4_000);
    assert.equal(f.account.closingBalance, 31_000);
    const childFigures = (
      await env().db.query<{ figures: any }>('select figures from statements where person_id = $1', [
        child.personId,
      ])
    ).rows[0]!.figures;
    assert.equal(childFigures.account.mutualAidIn, 4_000);
    assert.equal(childFigures.settlements.familyAccountPaid, 4_000);
    const list = await call(env().app, 'GET', '/v1/me/statements', { token: p.token });
    assert.deepEqual(
      list.body.statements.map((x: { year: number }) => x.year),
      [2026],
    );
    const pdf = await call(env().app, 'GET', '/v1/me/statements/2026/pdf', { token: p.token });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.ok(pdf.raw.startsWith('%PDF'));
    assert.match(pdf.raw, /\/Lang \(zh-CN\)/, 'Chinese by default');
    const english = await call(env().app, 'GET', '/v1/me/statements/2026/pdf', {
      token: p.token,
      headers: { 'accept-language': 'en' },
    });
    assert.match(english.raw, /\/Lang \(en\)/, 'in English when the reader asks');
    const none = await call(env().app, 'GET', '/v1/me/statements/2025/pdf', { token: p.token });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'statement_not_found');
  });

  test('a job stopped and restarted, even over a half-done batch, sends nobody a second statement', async () => {
    for (let i = 0; i < 5; i++) await registerPerson(env(), { regionCode: '440300' });
    const job = await startStatementJob(env().db, '440300', 2026, env().clock.now());
    let batches = 0;
    const stopped = await runStatementJob(
      env().db,
      job.id,
      env().clock.now,
      () => undefined,
      () => batches++ >= 1,
      2,
    );
    assert.equal(stopped.status, 'running');
    assert.equal(stopped.processed, 2);
    // A crash after a batch committed its statements but before the cursor moved: replay that batch.
    await env().db.query('update statement_jobs set cursor = null, processed = 0 where id = $1', [job.id]);
    const done = await runStatementJob(
      env().db,
      job.id,
      env().clock.now,
      () => undefined,
      () => false,
      2,
    );
    assert.equal(done.status, 'done');
    const { rows } = await env().db.query<{ n: number; people: number }>(
      `select count(*)::int8 as n, count(distinct n.person_id)::int8 as people from notifications n join persons p on p.id = n.person_id
        where n.kind = 'statement_ready' and p.region_code = '440300'`,
    );
    assert.deepEqual(rows[0], { n: 5, people: 5 });
  });

  test('refusals: future year, unknown region, not an admin', async () => {
    const p = await registerPerson(env());
    const post = (body: unknown, token = env().adminToken) =>
      call(env().app, 'POST', '/v1/admin/statement-jobs', { token, body });
    assert.equal((await post({ regionCode: 'demo', year: 2027 })).body.error.code, 'year_in_future');
    assert.equal((await post({ regionCode: 'nowhere', year: 2025 })).body.error.code, 'unknown_region');
    assert.equal((await post({ regionCode: 'demo', year: 2025 }, p.token)).status, 403);
  });
});
