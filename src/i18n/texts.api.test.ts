// Texts a person reads are stored as codes with parameters and rendered per reader; old rows still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, forEachStore } from '../../test/support/env.ts';
import {
  activeEcard,
  createTill,
  depositTo,
  item,
  qrOf,
  settleCall,
  verifiedPerson,
} from '../../test/support/factories.ts';
import { DEMO_POLICY } from '../settlement/policy.ts';

const HAN = /[\u4e00-\u9fff]/u;

forEachStore('texts in the reader’s language', (env) => {
  test('the inbox: codes and parameters stored, rendered in zh-CN by default and in English on request', async () => {
    const p = await verifiedPerson(env());
    const stored = await env().db.query<{ code: string; title: string | null; body: string | null }>(
      'select code, title, body from notifications where person_id = $1',
      [p.personId],
    );
    assert.deepEqual(stored.rows, [{ code: 'notice.identity_verified', title: null, body: null }]);

    const zh = await call(env().app, 'GET', '/v1/me/notifications', { token: p.token });
    assert.equal(zh.body.notifications[0].code, 'notice.identity_verified');
    assert.equal(zh.body.notifications[0].title, '身份已认证');
    assert.match(zh.body.notifications[0].body, HAN);
    const en = await call(env().app, 'GET', '/v1/me/notifications', {
      token: p.token,
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    assert.equal(en.body.notifications[0].title, 'Identity verified');
    assert.doesNotMatch(en.body.notifications[0].body, HAN);
    // The app's explicit choice wins over the browser's header.
    const chosen = await call(env().app, 'GET', '/v1/me/notifications?lang=zh-CN', {
      token: p.token,
      headers: { 'accept-language': 'en' },
    });
    assert.equal(chosen.body.notifications[0].title, '身份已认证');
  });

  test('rows written before codes: known sentences read in both languages, others as written', async () => {
    const p = await verifiedPerson(env());
    const legacy = async (kind: string, title: string, body: string) =>
      env().db.query(
        `insert into notifications (id, person_id, kind, title, body, created_at) values ($1, $2, $3, $4, $5, now() - interval '1 day')`,
        [randomUUID(), p.personId, kind, title, body],
      );
    await legacy(
      'card_ready',
      'Your social security card is ready',
      'Collect it at the service point with your original ID card.',
    );
    await legacy(
      'card_frozen',
      'Card frozen',
      'Card 1234****5678 was reported lost and is frozen. Get a replacement at a counter.',
    );
    await legacy(
      'settlement_refunded',
      'Refund',
      'A refund of 1,234.50 yuan was made; your account got back 12.00 yuan.',
    );
    await legacy('odd', 'Something old', 'Worded in a way no code knows.');
    // What migration 060 does for rows it finds, run again over these rows (its updates touch code-less rows only).
    const sql = (await import('node:fs')).readFileSync(
      new URL('../../migrations/060_texts_as_codes.sql', import.meta.url),
      'utf8',
    );
    for (const statement of sql
      .split(/;\s*\n/)
      .filter((s) => /^\s*(--.*\n\s*)*update notifications/m.test(s)))
      await env().db.query(statement);

    const zh = await call(env().app, 'GET', '/v1/me/notifications', { token: p.token });
    const byKind = (r: typeof zh, kind: string) =>
      r.body.notifications.find((n: { kind: string }) => n.kind === kind);
    assert.equal(byKind(zh, 'card_ready').title, '您的社保卡已制好');
    assert.equal(byKind(zh, 'card_frozen').body, '社保卡 1234****5678 已挂失并冻结。请到柜台办理补卡。');
    assert.deepEqual(byKind(zh, 'settlement_refunded').params, { total: 123450, accountPaid: 1200 });
    assert.equal(
      byKind(zh, 'settlement_refunded').body,
      '已退费 1,234.50 元，其中 12.00 元退回您的个人账户。',
    );
    assert.equal(byKind(zh, 'odd').code, null);
    assert.equal(byKind(zh, 'odd').body, 'Worded in a way no code knows.');
    const en = await call(env().app, 'GET', '/v1/me/notifications', {
      token: p.token,
      headers: { 'accept-language': 'en' },
    });
    assert.equal(
      byKind(en, 'settlement_refunded').body,
      'A refund of 1,234.50 yuan was made; your account got back 12.00 yuan.',
    );
  });

  test('an identity the registry does not know: the reason in the reader’s language, stored as a code', async () => {
    const { registerPerson, PNG_BYTES } = await import('../../test/support/factories.ts');
    const p = await registerPerson(env());
    await env().db.query('delete from population_registry where id_number = $1', [p.idNumber]);
    await call(env().app, 'POST', '/v1/me/identity/photo', {
      token: p.token,
      payload: PNG_BYTES,
      headers: { 'content-type': 'image/png' },
    });
    const r = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(r.body.status, 'pending_review', r.raw);
    assert.match(r.body.reason, HAN);
    const me = await call(env().app, 'GET', '/v1/me', {
      token: p.token,
      headers: { 'accept-language': 'en' },
    });
    assert.match(me.body.person.identityReason, /population registry has no entry/);
    const row = await env().db.query<{ identity_reason_code: string }>(
      'select identity_reason_code from persons where id = $1',
      [p.personId],
    );
    assert.equal(row.rows[0]!.identity_reason_code, 'identity.not_in_registry');
  });

  test('settlement explanations: stored as codes, rendered for each reader, on the answer and when read again', async () => {
    const shop = await createTill(env());
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 10_000);
    const bill = {
      setting: 'outpatient',
      items: [item('A01', 300), item('OUT', 20)],
    };
    const r = await settleCall(env(), shop.terminal, { qr: await qrOf(env(), p), bill });
    assert.equal(r.status, 201, r.raw);
    const zh: string[] = r.body.result.explanations;
    assert.ok(zh.length >= 4);
    for (const line of zh) assert.match(line, HAN, line);
    assert.ok(zh.includes('第2项 OUT：目录外：20.00 元由个人支付'), JSON.stringify(zh));
    assert.match(r.body.result.lines[0].explanations[0], /门诊年度起付标准/);

    const stored = await env().db.query<{ result: { explanations: unknown[] } }>(
      'select result from settlements where id = $1',
      [r.body.id],
    );
    assert.deepEqual(stored.rows[0]!.result.explanations[1], {
      code: 'bill.item',
      params: { index: 1, item: 'OUT', text: { code: 'line.out_of_catalogue', params: { amount: 2000 } } },
    });
    const en = await call(env().app, 'GET', `/v1/terminal/settlements/${r.body.id}`, {
      token: shop.terminal,
      headers: { 'accept-language': 'en' },
    });
    assert.equal(en.status, 200, en.raw);
    assert.ok(en.body.result.explanations.includes('Item 2 OUT: out of catalogue: 20.00 yuan to the person'));
    for (const line of en.body.result.explanations) assert.doesNotMatch(line, HAN, line);
  });

  test('policy problems in the reader’s language', async () => {
    const bad = { ...structuredClone(DEMO_POLICY), version: 'bad-zh' } as any;
    bad.outpatient.fundRatioBp = 12_000;
    delete bad.catalogue;
    const publish = (headers: Record<string, string>) =>
      call(env().app, 'POST', '/v1/admin/policies', {
        token: env().adminToken,
        body: { regionCode: 'demo', effectiveFrom: '2099-01-01', rules: bad },
        headers,
      });
    const zh = await publish({});
    assert.equal(zh.status, 422);
    assert.deepEqual(zh.body.error.details.problems, [
      'outpatient.fundRatioBp 应在 0 到 10000 基点之间，实际为 12000',
      '缺少 catalogue',
    ]);
    const en = await publish({ 'accept-language': 'en' });
    assert.deepEqual(en.body.error.details.problems, [
      'outpatient.fundRatioBp must be between 0 and 10000 basis points, got 12000',
      'catalogue is missing',
    ]);
  });
});
