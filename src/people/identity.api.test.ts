import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import { createStaff, JPEG_BYTES, PNG_BYTES, registerPerson } from '../../test/support/factories.ts';

forEachStore('identity verification and staff review', (env) => {
  const upload = (token: string, bytes: Buffer, type = 'image/png') =>
    call(env().app, 'POST', '/v1/me/identity/photo', {
      token,
      payload: bytes,
      headers: { 'content-type': type },
    });

  test('registry match with a photo: verified at once, and the inbox says so', async () => {
    const p = await registerPerson(env());
    assert.equal((await upload(p.token, JPEG_BYTES, 'image/jpeg')).status, 201);
    const r = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body, { status: 'verified', reason: null });
    const me = await call(env().app, 'GET', '/v1/me', { token: p.token });
    assert.equal(me.body.person.identityStatus, 'verified');
    const inbox = await call(env().app, 'GET', '/v1/me/notifications', { token: p.token });
    assert.equal(inbox.body.notifications[0].kind, 'identity_verified');
    const again = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_verified');
  });

  test('no photo, wrong details, bad images and oversize uploads are refused without changes', async () => {
    const p = await registerPerson(env());
    const noPhoto = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(noPhoto.status, 422);
    assert.equal(noPhoto.body.error.code, 'photo_required');
    const fake = await upload(p.token, Buffer.from('GIF89a-not-a-png-at-all'), 'image/png');
    assert.equal(fake.status, 422);
    assert.equal(fake.body.error.code, 'invalid_image');
    const gif = await upload(p.token, Buffer.from('GIF89a'), 'image/gif');
    assert.equal(gif.status, 415);
    const big = await upload(p.token, Buffer.concat([PNG_BYTES, Buffer.alloc(env().config.maxPhotoBytes)]));
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'payload_too_large');
    const stored = await env().db.query('select 1 from identity_photos where person_id = $1', [p.personId]);
    assert.equal(stored.rows.length, 0, 'no refused upload was stored');
    assert.equal((await upload(p.token, PNG_BYTES)).status, 201);
    const wrongName = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: '别人' },
    });
    assert.equal(wrongName.body.error.code, 'details_mismatch');
    const badId = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber.slice(0, 17) + (p.idNumber[17] === '1' ? '2' : '1'), name: p.name },
    });
    assert.equal(badId.body.error.code, 'invalid_id_number');
    const me = await call(env().app, 'GET', '/v1/me', { token: p.token });
    assert.equal(me.body.person.identityStatus, 'unverified');
  });

  test('a name that differs from the registry is rejected with a reason', async () => {
    const p = await registerPerson(env());
    await env().db.query('update population_registry set name = $2 where id_number = $1', [
      p.idNumber,
      '另一个人',
    ]);
    await upload(p.token, PNG_BYTES);
    const r = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
      headers: { 'accept-language': 'en' },
    });
    assert.equal(r.body.status, 'rejected');
    assert.match(r.body.reason, /does not match the population registry/);
    // In Chinese (the default) the same reason reads in Chinese.
    const me = await call(env().app, 'GET', '/v1/me', { token: p.token });
    assert.equal(me.body.person.identityReason, '姓名与人口信息库不一致');
  });

  test('an ID the registry does not know goes to review; staff of that region approve; the person is told', async () => {
    const p = await registerPerson(env(), { inRegistry: false });
    const staff = await createStaff(env(), 'demo');
    const otherStaff = await createStaff(env(), '440300');
    await upload(p.token, PNG_BYTES);
    const r = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(r.body.status, 'pending_review');
    const twice = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(twice.body.error.code, 'review_pending');

    const queue = await call(env().app, 'GET', '/v1/staff/identity-reviews', { token: staff.token });
    const review = queue.body.reviews.find((x: { personId: string }) => x.personId === p.personId);
    assert.ok(review, 'the review is in the demo region queue');
    const otherQueue = await call(env().app, 'GET', '/v1/staff/identity-reviews', {
      token: otherStaff.token,
    });
    assert.equal(otherQueue.body.reviews.length, 0, 'other regions do not see it');
    const photo = await call(env().app, 'GET', `/v1/staff/identity-reviews/${review.id}/photo`, {
      token: staff.token,
    });
    assert.equal(photo.status, 200);
    assert.equal(photo.headers['content-type'], 'image/png');
    const foreign = await call(env().app, 'POST', `/v1/staff/identity-reviews/${review.id}/decision`, {
      token: otherStaff.token,
      body: { approve: true, reason: 'looks fine' },
    });
    assert.equal(foreign.status, 404);

    const d = await call(env().app, 'POST', `/v1/staff/identity-reviews/${review.id}/decision`, {
      token: staff.token,
      body: { approve: true, reason: 'Photo matches the household register' },
    });
    assert.equal(d.status, 200, d.raw);
    assert.equal(d.body.status, 'approved');
    const me = await call(env().app, 'GET', '/v1/me', { token: p.token });
    assert.equal(me.body.person.identityStatus, 'verified');
    const again = await call(env().app, 'POST', `/v1/staff/identity-reviews/${review.id}/decision`, {
      token: staff.token,
      body: { approve: false, reason: 'changed my mind' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'review_already_decided');
    const inbox = await call(env().app, 'GET', '/v1/me/notifications?unread=true', { token: p.token });
    assert.equal(inbox.body.notifications[0].kind, 'identity_verified');
    const read = await call(
      env().app,
      'POST',
      `/v1/me/notifications/${inbox.body.notifications[0].id}/read`,
      { token: p.token },
    );
    assert.equal(read.status, 204);
  });

  test('a rejected review gives the reason and lets the person try again', async () => {
    const p = await registerPerson(env(), { inRegistry: false });
    const staff = await createStaff(env(), 'demo');
    await upload(p.token, PNG_BYTES);
    await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    const queue = await call(env().app, 'GET', '/v1/staff/identity-reviews', { token: staff.token });
    const review = queue.body.reviews.find((x: { personId: string }) => x.personId === p.personId);
    await call(env().app, 'POST', `/v1/staff/identity-reviews/${review.id}/decision`, {
      token: staff.token,
      body: { approve: false, reason: 'Photo is blurred' },
    });
    const me = await call(env().app, 'GET', '/v1/me', { token: p.token });
    assert.equal(me.body.person.identityStatus, 'rejected');
    assert.equal(me.body.person.identityReason, 'Photo is blurred');
    const retry = await call(env().app, 'POST', '/v1/me/identity', {
      token: p.token,
      body: { idNumber: p.idNumber, name: p.name },
    });
    assert.equal(retry.body.status, 'pending_review');
  });

  test('a person cannot read another person’s notifications', async () => {
    const a = await registerPerson(env());
    const b = await registerPerson(env());
    await upload(a.token, PNG_BYTES);
    await call(env().app, 'POST', '/v1/me/identity', {
      token: a.token,
      body: { idNumber: a.idNumber, name: a.name },
    });
    const inboxA = await call(env().app, 'GET', '/v1/me/notifications', { token: a.token });
    const id = inboxA.body.notifications[0].id;
    const byB = await call(env().app, 'POST', `/v1/me/notifications/${id}/read`, { token: b.token });
    assert.equal(byB.status, 404);
    const inboxB = await call(env().app, 'GET', '/v1/me/notifications', { token: b.token });
    assert.equal(inboxB.body.notifications.length, 0);
  });
});
