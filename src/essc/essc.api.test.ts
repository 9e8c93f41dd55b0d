import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import {
  PAYMENT_PIN,
  countRows,
  createStaff,
  issuedCard,
  registerPerson,
  verifiedPerson,
} from '../../test/support/factories.ts';
import { verifyEsscPaymentPin } from './essc.ts';

forEachStore('the electronic social security card (e-SSC)', (env) => {
  const post = (url: string, token: string, body?: unknown) =>
    call(env().app, 'POST', url, { token, body: body ?? {} });
  const get = (url: string, token: string) => call(env().app, 'GET', url, { token });

  async function state(): Promise<string> {
    const e = await env().db.query<{ s: string }>(
      `select string_agg(id::text || status || card_id::text || second_level::text, ',' order by id) as s from esscs`,
    );
    const counts = await Promise.all(
      ['esscs', 'essc_authorisations', 'card_events', 'notifications', 'cards'].map((t) =>
        countRows(env(), t),
      ),
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

  /** A verified person with an active physical card of `regionCode`. */
  async function withCard(regionCode = 'demo') {
    const person = await verifiedPerson(env(), { regionCode });
    const card = await issuedCard(env(), { regionCode, person, activate: true });
    return { ...card, person };
  }

  test('issuance refusals: authorisation, identity, no card, another region, lost, cancelled', async () => {
    const unverified = await registerPerson(env());
    await issuedCard(env(), { person: unverified, activate: true });
    await refuse(
      () => post('/v1/me/essc', unverified.token, { channel: 'wechat', regionCode: 'demo', authorise: true }),
      422,
      'identity_not_verified',
    );
    const noCard = await verifiedPerson(env());
    await refuse(
      () => post('/v1/me/essc', noCard.token, { channel: 'wechat', regionCode: 'demo', authorise: true }),
      422,
      'no_physical_card',
    );
    await refuse(
      () => post('/v1/me/essc', noCard.token, { channel: 'wechat', regionCode: 'demo', authorise: false }),
      422,
      'authorisation_required',
    );
    assert.equal(
      (await post('/v1/me/essc', noCard.token, { channel: 'fax', regionCode: 'demo', authorise: true }))
        .status,
      400,
    );
    await refuse(() => get('/v1/me/essc', noCard.token), 404, 'essc_not_found');

    const c = await withCard();
    await refuse(
      () => post('/v1/me/essc', c.person.token, { channel: 'alipay', regionCode: '440300', authorise: true }),
      422,
      'card_other_region',
    );
    const lost = await withCard();
    assert.equal((await post(`/v1/me/cards/${lost.cardId}/report-loss`, lost.person.token)).status, 200);
    await refuse(
      () => post('/v1/me/essc', lost.person.token, { channel: 'app', regionCode: 'demo', authorise: true }),
      422,
      'card_lost',
    );
    const gone = await withCard();
    const cancel = await post(`/v1/staff/cards/${gone.cardId}/cancel`, gone.staff.token, { reason: 'test' });
    assert.equal(cancel.status, 200, cancel.raw);
    await refuse(
      () => post('/v1/me/essc', gone.person.token, { channel: 'app', regionCode: 'demo', authorise: true }),
      422,
      'card_cancelled',
    );
    const staff = await createStaff(env());
    await refuse(
      () => post('/v1/me/essc', staff.token, { channel: 'app', regionCode: 'demo', authorise: true }),
      403,
      'wrong_role',
    );
  });

  test('issued in one channel, authorised in every other; one e-SSC linked to the card', async () => {
    const c = await withCard();
    const r = await post('/v1/me/essc', c.person.token, {
      channel: 'wechat',
      regionCode: 'demo',
      authorise: true,
    });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.status, 'active');
    assert.match(r.body.esscNumber, /^ES\d{10}$/);
    assert.equal(r.body.physicalCard.id, c.cardId);
    assert.notEqual(r.body.physicalCard.cardNumber, c.cardNumber, 'masked');
    assert.ok(r.body.physicalCard.cardNumber.endsWith(c.cardNumber.slice(-4)));
    assert.equal(r.body.secondLevel, false);
    assert.deepEqual(
      r.body.history.map((e: any) => e.event),
      ['issued'],
    );
    for (const channel of ['official_account', 'app', 'alipay', 'bank_app']) {
      const again = await post('/v1/me/essc', c.person.token, {
        channel,
        regionCode: 'demo',
        authorise: true,
      });
      assert.equal(again.status, 200, again.raw);
      assert.equal(again.body.id, r.body.id, 'the same e-SSC');
    }
    const mine = await get('/v1/me/essc', c.person.token);
    assert.deepEqual(mine.body.authorisations.map((a: any) => a.channel).sort(), [
      'alipay',
      'app',
      'bank_app',
      'official_account',
      'wechat',
    ]);
    await refuse(
      () => post('/v1/me/essc', c.person.token, { channel: 'app', regionCode: 'demo', authorise: true }),
      409,
      'channel_already_authorised',
    );
    assert.equal(await countRows(env(), 'esscs'), 1);

    // staff lookup: in the region, not from another
    const found = await call(env().app, 'GET', `/v1/staff/esscs?idNumber=${c.person.idNumber}`, {
      token: c.staff.token,
    });
    assert.equal(found.status, 200, found.raw);
    assert.equal(found.body.id, r.body.id);
    const other = await createStaff(env(), '440300');
    const hidden = await call(env().app, 'GET', `/v1/staff/esscs?idNumber=${c.person.idNumber}`, {
      token: other.token,
    });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'essc_not_found');
  });

  test('second-level issuance with its own PIN, checked with the e-voucher lockout', async () => {
    const c = await withCard();
    await refuse(
      () => post('/v1/me/essc/second-level', c.person.token, { pin: PAYMENT_PIN, consent: true }),
      404,
      'essc_not_found',
    );
    const e = await post('/v1/me/essc', c.person.token, {
      channel: 'app',
      regionCode: 'demo',
      authorise: true,
    });
    await refuse(
      () => post('/v1/me/essc/second-level', c.person.token, { pin: PAYMENT_PIN, consent: false }),
      422,
      'consent_required',
    );
    assert.equal(
      (await post('/v1/me/essc/second-level', c.person.token, { pin: '12', consent: true })).status,
      400,
    );
    const ok = await post('/v1/me/essc/second-level', c.person.token, { pin: PAYMENT_PIN, consent: true });
    assert.equal(ok.status, 200, ok.raw);
    assert.equal(ok.body.secondLevel, true);
    await refuse(
      () => post('/v1/me/essc/second-level', c.person.token, { pin: PAYMENT_PIN, consent: true }),
      409,
      'second_level_done',
    );
    const hash = await env().db.query<{ h: string }>(
      'select payment_pin_hash as h from esscs where id = $1',
      [e.body.id],
    );
    assert.match(hash.rows[0]!.h, /^hmac-sha256\$/);

    const key = env().app.paymentPinKey;
    const now = env().clock.now();
    await verifyEsscPaymentPin(env().db, key, e.body.id, PAYMENT_PIN, now);
    for (let left = 4; left >= 0; left--) {
      await assert.rejects(
        verifyEsscPaymentPin(env().db, key, e.body.id, '000000', now),
        (err: any) => err.code === 'wrong_pin' && err.details.attemptsLeft === left,
      );
    }
    await assert.rejects(
      verifyEsscPaymentPin(env().db, key, e.body.id, PAYMENT_PIN, now),
      (err: any) => err.code === 'payment_pin_locked',
    );
  });

  test('the physical card’s loss suspends the e-SSC, its replacement moves it, its cancellation ends it', async () => {
    const c = await withCard();
    const e = await post('/v1/me/essc', c.person.token, {
      channel: 'wechat',
      regionCode: 'demo',
      authorise: true,
    });
    await post('/v1/me/essc/second-level', c.person.token, { pin: PAYMENT_PIN, consent: true });

    const loss = await post(`/v1/me/cards/${c.cardId}/report-loss`, c.person.token);
    assert.equal(loss.status, 200, loss.raw);
    let mine = await get('/v1/me/essc', c.person.token);
    assert.equal(mine.body.status, 'suspended');
    assert.equal(mine.body.physicalCard.status, 'frozen');
    await assert.rejects(
      verifyEsscPaymentPin(env().db, env().app.paymentPinKey, e.body.id, PAYMENT_PIN, env().clock.now()),
      (err: any) => err.code === 'essc_suspended',
    );

    const rep = await post(`/v1/staff/cards/${c.cardId}/replace`, c.staff.token, {
      idChecked: true,
      pin: '112233',
    });
    assert.equal(rep.status, 200, rep.raw);
    mine = await get('/v1/me/essc', c.person.token);
    assert.equal(mine.body.id, e.body.id, 'the same e-SSC');
    assert.equal(mine.body.esscNumber, e.body.esscNumber, 'keeps its number');
    assert.equal(mine.body.status, 'active');
    assert.equal(mine.body.physicalCard.id, rep.body.card.id, 'moved to the new card');
    assert.equal(mine.body.secondLevel, true, 'its payment function stays open');
    const moved = mine.body.history.find((h: any) => h.event === 'moved_to_card');
    assert.ok(moved, 'the history says it moved');
    assert.match(moved.detail, /转至补领新卡/);
    await verifyEsscPaymentPin(env().db, env().app.paymentPinKey, e.body.id, PAYMENT_PIN, env().clock.now());

    const cancel = await post(`/v1/staff/cards/${rep.body.card.id}/cancel`, c.staff.token, {
      reason: 'moved away',
    });
    assert.equal(cancel.status, 200, cancel.raw);
    mine = await get('/v1/me/essc', c.person.token);
    assert.equal(mine.body.status, 'ended');
    assert.ok(mine.body.endedAt);
    assert.equal(mine.body.secondLevel, false);
    assert.deepEqual(
      mine.body.history.map((h: any) => [h.event, h.toStatus]),
      [
        ['issued', 'active'],
        ['second_level_issued', 'active'],
        ['suspended', 'suspended'],
        ['moved_to_card', 'active'],
        ['ended', 'ended'],
      ],
    );
    const kinds = await env().db.query<{ kind: string }>(
      `select kind from notifications where person_id = $1 and kind like 'essc_%' order by kind`,
      [c.person.personId],
    );
    assert.deepEqual(kinds.rows.map((k) => k.kind).sort(), ['essc_ended', 'essc_moved', 'essc_suspended']);
  });

  test('a card change rolled back leaves the e-SSC as it was (same transaction)', async () => {
    const c = await withCard();
    await post('/v1/me/essc', c.person.token, { channel: 'app', regionCode: 'demo', authorise: true });
    // a replacement refused after the card lock (no ID check) changes neither card nor e-SSC
    await refuse(
      () => post(`/v1/staff/cards/${c.cardId}/replace`, c.staff.token, { idChecked: false, pin: '112233' }),
      422,
      'id_not_checked',
    );
    assert.equal((await get('/v1/me/essc', c.person.token)).body.status, 'active');
  });
});
