import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import { activeEcard, registerPerson, verifiedPerson } from '../../test/support/factories.ts';
import { decodeQrPng, pngFromDataUrl } from './render.ts';
import { createVerifier } from './verifier.ts';

forEachStore('QR codes for the person', (env) => {
  test('an active e-card with payment open gets a code that decodes from its PNG and verifies offline', async () => {
    const p = await activeEcard(env());
    const r = await call(env().app, 'GET', '/v1/me/ecard/qr', { token: p.token });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.body.ttlSeconds, 60);
    assert.equal(Date.parse(r.body.expiresAt) - Date.parse(r.body.issuedAt), 60_000);
    assert.match(r.body.svg, /^<svg/);
    const decoded = decodeQrPng(pngFromDataUrl(r.body.pngDataUrl));
    assert.equal(decoded, r.body.token);
    const jwks = (await call(env().app, 'GET', '/.well-known/jwks.json')).body;
    const claims = createVerifier(jwks).verify(decoded, env().clock.now());
    assert.equal(claims.ecardId, p.ecardId);
    assert.doesNotMatch(r.body.token, new RegExp(p.idNumber), 'the code carries no ID number');
    assert.deepEqual(r.body.holder, {
      self: true,
      maskedName: p.name[0] + '*'.repeat(Array.from(p.name).length - 1),
    });
    const again = await call(env().app, 'GET', '/v1/me/ecard/qr', { token: p.token });
    assert.notEqual(again.body.token, r.body.token, 'every code is fresh');
  });

  test('no e-card, or payment not open, or suspended: no code', async () => {
    const none = await verifiedPerson(env());
    const r1 = await call(env().app, 'GET', '/v1/me/ecard/qr', { token: none.token });
    assert.equal(r1.status, 404);
    assert.equal(r1.body.error.code, 'ecard_not_found');
    const applied = await verifiedPerson(env());
    await call(env().app, 'POST', '/v1/me/ecard', {
      token: applied.token,
      body: { channel: 'app', authorise: true },
    });
    await call(env().app, 'POST', '/v1/me/ecard/activate', { token: applied.token, body: { consent: true } });
    const r2 = await call(env().app, 'GET', '/v1/me/ecard/qr', { token: applied.token });
    assert.equal(r2.status, 422);
    assert.equal(r2.body.error.code, 'payment_not_open');
    const suspended = await activeEcard(env());
    await call(env().app, 'POST', '/v1/me/ecard/suspend', { token: suspended.token, body: {} });
    const r3 = await call(env().app, 'GET', '/v1/me/ecard/qr', { token: suspended.token });
    assert.equal(r3.body.error.code, 'ecard_not_active');
  });

  test('another person’s code needs a family display permission', async () => {
    const holder = await activeEcard(env());
    const stranger = await registerPerson(env());
    const r = await call(env().app, 'GET', `/v1/me/ecard/qr?for=${holder.personId}`, {
      token: stranger.token,
    });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'display_not_allowed');
  });
});
