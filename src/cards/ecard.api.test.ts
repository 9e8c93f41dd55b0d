import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import {
  activeEcard,
  CARD_PIN,
  countRows,
  createStaff,
  issuedCard,
  PAYMENT_PIN,
  registerPerson,
  verifiedPerson,
} from '../../test/support/factories.ts';
import { loadEcardForPayment, verifyPaymentPin } from './ecard.ts';

forEachStore('the electronic medical insurance card', (env) => {
  const post = (url: string, token: string, body?: unknown) =>
    call(env().app, 'POST', url, { token, body: body ?? {} });
  const get = (url: string, token: string) => call(env().app, 'GET', url, { token });

  async function state(): Promise<string> {
    const e = await env().db.query<{ s: string }>(
      `select string_agg(id::text || status || payment_open::text || coalesce(suspended_by_role, '-'), ',' order by id) as s from ecards`,
    );
    const counts = await Promise.all(
      ['ecards', 'ecard_channels', 'card_events', 'notifications'].map((t) => countRows(env(), t)),
    );
    return `${e.rows[0]?.s ?? ''}|${counts.join(',')}`;
  }

  async function refuse(
    run: () => Promise<{ status: number; body: any; raw: string }>,
    status: number,
    code: string,
  ) {
    const before = await state();
    const r = await run();
    assert.equal(r.status, status, r.raw);
    assert.equal(r.body.error.code, code, r.raw);
    assert.equal(await state(), before, `${code}: the database is unchanged`);
    return r;
  }

  test('only a verified person, with explicit authorisation, gets an e-card; one per person', async () => {
    const unverified = await registerPerson(env());
    await refuse(
      () => post('/v1/me/ecard', unverified.token, { channel: 'app', authorise: true }),
      422,
      'identity_not_verified',
    );
    const p = await verifiedPerson(env());
    await refuse(
      () => post('/v1/me/ecard', p.token, { channel: 'app', authorise: false }),
      422,
      'authorisation_required',
    );
    assert.equal((await post('/v1/me/ecard', p.token, { channel: 'fax' })).status, 400);
    await refuse(() => get('/v1/me/ecard', p.token), 404, 'ecard_not_found');
    const staff = await createStaff(env());
    await refuse(
      () => post('/v1/me/ecard', staff.token, { channel: 'app', authorise: true }),
      403,
      'wrong_role',
    );

    const r = await post('/v1/me/ecard', p.token, { channel: 'wechat', authorise: true });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.status, 'applied');
    assert.deepEqual(r.body.channels, ['wechat']);
    assert.equal(r.body.paymentOpen, false);
    assert.equal(r.body.physicalCardNumber, null);
    await refuse(
      () => post('/v1/me/ecard', p.token, { channel: 'app', authorise: true }),
      409,
      'ecard_exists',
    );

    // more channels later
    await refuse(
      () => post('/v1/me/ecard/channels', p.token, { channel: 'alipay', authorise: false }),
      422,
      'authorisation_required',
    );
    await refuse(
      () => post('/v1/me/ecard/channels', p.token, { channel: 'wechat', authorise: true }),
      409,
      'channel_already_authorised',
    );
    env().clock.advance(60);
    const ch = await post('/v1/me/ecard/channels', p.token, { channel: 'alipay', authorise: true });
    assert.equal(ch.status, 200, ch.raw);
    assert.deepEqual(ch.body.channels, ['wechat', 'alipay']);
    await refuse(
      () => post('/v1/me/ecard/channels', unverified.token, { channel: 'alipay', authorise: true }),
      404,
      'ecard_not_found',
    );

    // activation with consent, then second-level issuance opens payment
    await refuse(
      () => post('/v1/me/ecard/payment', p.token, { pin: PAYMENT_PIN, consent: true }),
      422,
      'ecard_not_active',
    );
    await refuse(() => post('/v1/me/ecard/activate', p.token, { consent: false }), 422, 'consent_required');
    const a = await post('/v1/me/ecard/activate', p.token, { consent: true });
    assert.equal(a.status, 200, a.raw);
    assert.equal(a.body.status, 'active');
    assert.ok(a.body.activatedAt);
    await refuse(() => post('/v1/me/ecard/activate', p.token, { consent: true }), 409, 'already_active');
    assert.equal((await post('/v1/me/ecard/payment', p.token, { pin: '12345', consent: true })).status, 400);
    await refuse(
      () => post('/v1/me/ecard/payment', p.token, { pin: PAYMENT_PIN, consent: false }),
      422,
      'consent_required',
    );
    const pay = await post('/v1/me/ecard/payment', p.token, { pin: PAYMENT_PIN, consent: true });
    assert.equal(pay.status, 200, pay.raw);
    assert.equal(pay.body.paymentOpen, true);
    await refuse(
      () => post('/v1/me/ecard/payment', p.token, { pin: PAYMENT_PIN, consent: true }),
      409,
      'payment_already_open',
    );
    const hash = await env().db.query<{ payment_pin_hash: string }>(
      'select payment_pin_hash from ecards where id = $1',
      [r.body.id],
    );
    assert.match(hash.rows[0]!.payment_pin_hash, /^hmac-sha256\$/);

    const me = await get('/v1/me/ecard', p.token);
    assert.equal(me.status, 200);
    assert.equal(me.body.status, 'active');
    assert.equal(me.body.paymentOpen, true);
    const events = await env().db.query<{ event: string; channel: string }>(
      `select event, channel from card_events where subject_id = $1 order by seq`,
      [r.body.id],
    );
    assert.deepEqual(
      events.rows.map((e) => `${e.event}@${e.channel}`),
      ['applied@wechat', 'channel_authorised@alipay', 'activated@wechat', 'payment_opened@app'],
    );
  });

  test('one-to-one with the physical card: mapped at application, on issue and on replacement', async () => {
    const first = await issuedCard(env(), { person: await verifiedPerson(env()) });
    const e = await post('/v1/me/ecard', first.person.token, { channel: 'app', authorise: true });
    assert.equal(e.body.physicalCardNumber, '*****' + first.cardNumber.slice(-4));

    const later = await activeEcard(env());
    assert.equal((await get('/v1/me/ecard', later.token)).body.physicalCardNumber, null);
    const card = await issuedCard(env(), { person: later });
    assert.equal(
      (await get('/v1/me/ecard', later.token)).body.physicalCardNumber,
      '*****' + card.cardNumber.slice(-4),
    );
    const r = await post(`/v1/staff/cards/${card.cardId}/replace`, card.staff.token, {
      idChecked: true,
      pin: CARD_PIN,
    });
    assert.equal(r.status, 200, r.raw);
    const row = await env().db.query<{ physical_card_id: string }>(
      'select physical_card_id from ecards where id = $1',
      [later.ecardId],
    );
    assert.equal(row.rows[0]!.physical_card_id, r.body.card.id);
    const withCard = await activeEcard(env(), { withCard: true });
    assert.ok(withCard.cardId);
    const loaded = await loadEcardForPayment(env().db, withCard.ecardId);
    assert.equal(loaded?.physicalCardId, withCard.cardId);
  });

  test('suspend / resume / revoke, by the person and by staff, with history', async () => {
    const p = await activeEcard(env());
    const staff = await createStaff(env(), 'demo', 'window');
    const elsewhere = await createStaff(env(), '440300', 'window');
    await refuse(() => post('/v1/me/ecard/resume', p.token), 409, 'not_suspended');
    const s = await post('/v1/me/ecard/suspend', p.token);
    assert.equal(s.status, 200, s.raw);
    assert.equal(s.body.status, 'suspended');
    assert.equal(s.body.suspendedBy, 'person');
    await refuse(() => post('/v1/me/ecard/suspend', p.token), 409, 'already_suspended');
    await assert.rejects(
      verifyPaymentPin(env().db, env().app.paymentPinKey, p.ecardId, p.paymentPin, env().clock.now()),
      { code: 'ecard_suspended' },
    );
    const r = await post('/v1/me/ecard/resume', p.token);
    assert.equal(r.body.status, 'active');

    const found = await get(`/v1/staff/ecards?idNumber=${p.idNumber}`, staff.token);
    assert.equal(found.status, 200, found.raw);
    assert.equal(found.body.id, p.ecardId);
    await refuse(
      () => get(`/v1/staff/ecards?idNumber=${p.idNumber}`, elsewhere.token),
      404,
      'ecard_not_found',
    );
    await refuse(
      () => post(`/v1/staff/ecards/${p.ecardId}/suspend`, elsewhere.token),
      404,
      'ecard_not_found',
    );
    await refuse(() => post(`/v1/staff/ecards/${p.ecardId}/suspend`, p.token), 403, 'wrong_role');
    const ss = await post(`/v1/staff/ecards/${p.ecardId}/suspend`, staff.token);
    assert.equal(ss.body.suspendedBy, 'staff');
    await refuse(() => post('/v1/me/ecard/resume', p.token), 422, 'suspended_by_staff');
    const sr = await post(`/v1/staff/ecards/${p.ecardId}/resume`, staff.token);
    assert.equal(sr.body.status, 'active');
    assert.equal(sr.body.suspendedBy, null);

    await refuse(
      () => post(`/v1/staff/ecards/${p.ecardId}/revoke`, elsewhere.token, { reason: 'fraud' }),
      404,
      'ecard_not_found',
    );
    const rv = await post(`/v1/staff/ecards/${p.ecardId}/revoke`, staff.token, { reason: 'fraud suspected' });
    assert.equal(rv.status, 200, rv.raw);
    assert.equal(rv.body.status, 'revoked');
    assert.equal(rv.body.paymentOpen, false);
    await refuse(
      () => post(`/v1/staff/ecards/${p.ecardId}/revoke`, staff.token, { reason: 'again' }),
      409,
      'ecard_revoked',
    );
    await refuse(() => post(`/v1/staff/ecards/${p.ecardId}/suspend`, staff.token), 409, 'ecard_revoked');
    await refuse(() => post(`/v1/staff/ecards/${p.ecardId}/resume`, staff.token), 409, 'not_suspended');
    await refuse(() => post('/v1/me/ecard/suspend', p.token), 404, 'ecard_not_found');
    assert.equal((await get('/v1/me/ecard', p.token)).body.status, 'revoked');
    const kinds = (await get('/v1/me/notifications', p.token)).body.notifications.map(
      (n: { kind: string }) => n.kind,
    );
    for (const k of ['ecard_suspended', 'ecard_resumed', 'ecard_revoked']) assert.ok(kinds.includes(k), k);
    const events = await env().db.query<{ event: string; actor_role: string }>(
      `select event, actor_role from card_events where subject_id = $1 order by seq`,
      [p.ecardId],
    );
    assert.deepEqual(
      events.rows.map((e) => `${e.event}:${e.actor_role}`),
      [
        'applied:person',
        'activated:person',
        'payment_opened:person',
        'suspended:person',
        'resumed:person',
        'suspended:staff',
        'resumed:staff',
        'revoked:staff',
      ],
    );
    // after revocation a new e-card may be applied for
    const again = await post('/v1/me/ecard', p.token, { channel: 'bank_app', authorise: true });
    assert.equal(again.status, 201, again.raw);
    assert.equal((await get('/v1/me/ecard', p.token)).body.id, again.body.id);
  });

  test('a suspended e-card cannot be activated or opened for payment; resuming restores its earlier status', async () => {
    const p = await verifiedPerson(env());
    await post('/v1/me/ecard', p.token, { channel: 'app', authorise: true });
    await post('/v1/me/ecard/suspend', p.token);
    await refuse(() => post('/v1/me/ecard/activate', p.token, { consent: true }), 422, 'ecard_suspended');
    await refuse(
      () => post('/v1/me/ecard/payment', p.token, { pin: PAYMENT_PIN, consent: true }),
      422,
      'ecard_suspended',
    );
    const r = await post('/v1/me/ecard/resume', p.token);
    assert.equal(r.body.status, 'applied', 'never activated: back to applied');
    const a = await post('/v1/me/ecard/activate', p.token, { consent: true });
    assert.equal(a.body.status, 'active');
    // one person cannot touch another's e-card through the person routes
    const other = await verifiedPerson(env());
    await refuse(() => post('/v1/me/ecard/suspend', other.token), 404, 'ecard_not_found');
    await refuse(() => get('/v1/me/ecard', other.token), 404, 'ecard_not_found');
  });

  test('payment PIN and payment view for the QR/settlement code', async () => {
    const p = await activeEcard(env());
    const loaded = await loadEcardForPayment(env().db, p.ecardId);
    assert.deepEqual(loaded, {
      id: p.ecardId,
      personId: p.personId,
      regionCode: 'demo',
      status: 'active',
      paymentOpen: true,
      physicalCardId: null,
    });
    assert.equal(await loadEcardForPayment(env().db, '00000000-0000-4000-8000-000000000009'), null);
    await verifyPaymentPin(env().db, env().app.paymentPinKey, p.ecardId, p.paymentPin, env().clock.now());
    await assert.rejects(
      verifyPaymentPin(env().db, env().app.paymentPinKey, p.ecardId, '000000', env().clock.now()),
      { code: 'wrong_pin', status: 422 },
    );
    await assert.rejects(
      verifyPaymentPin(
        env().db,
        env().app.paymentPinKey,
        '00000000-0000-4000-8000-000000000009',
        '000000',
        env().clock.now(),
      ),
      {
        code: 'ecard_not_found',
        status: 404,
      },
    );
    const q = await verifiedPerson(env());
    const e = await post('/v1/me/ecard', q.token, { channel: 'app', authorise: true });
    await assert.rejects(
      verifyPaymentPin(env().db, env().app.paymentPinKey, e.body.id, '000000', env().clock.now()),
      { code: 'ecard_not_active' },
    );
    await post('/v1/me/ecard/activate', q.token, { consent: true });
    await assert.rejects(
      verifyPaymentPin(env().db, env().app.paymentPinKey, e.body.id, '000000', env().clock.now()),
      { code: 'payment_not_open' },
    );
    assert.equal((await loadEcardForPayment(env().db, e.body.id))?.paymentOpen, false);
  });
});
