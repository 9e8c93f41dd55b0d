import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, forEachStore } from '../../test/support/env.ts';
import { registerPerson } from '../../test/support/factories.ts';
import { issueToken, decodeToken } from './token.ts';
import { createVerifier } from './verifier.ts';
import { consumeToken } from './store.ts';
import type { AppError } from '../platform/errors.ts';

forEachStore('QR signing keys and consumed tokens', (env) => {
  test('the first use creates a key whose private half is sealed; JWKS publishes it; offline verification works', async () => {
    const now = env().clock.now();
    const ring = await env().app.qrKeys.get(now);
    const issued = issueToken(ring, { ecardId: randomUUID(), now });
    const stored = await env().db.query<{ private_key_sealed: string }>(
      'select private_key_sealed from qr_signing_keys',
    );
    assert.equal(stored.rows.length, 1);
    assert.match(stored.rows[0]!.private_key_sealed, /^v1\./);
    assert.doesNotMatch(stored.rows[0]!.private_key_sealed, /PRIVATE KEY/);
    const jwks = await call(env().app, 'GET', '/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    assert.equal(jwks.body.keys.length, 1);
    const verifier = createVerifier(JSON.stringify(jwks.body));
    assert.equal(verifier.verify(issued.token, now).nonce, issued.nonce);
  });

  test('rotation: the new key signs, the old one still verifies within its grace, only admins rotate', async () => {
    const now = env().clock.now();
    const oldRing = await env().app.qrKeys.get(now);
    const oldToken = issueToken(oldRing, { ecardId: randomUUID(), now });
    const p = await registerPerson(env());
    assert.equal((await call(env().app, 'POST', '/v1/admin/qr-keys/rotate', { token: p.token })).status, 403);
    const r = await call(env().app, 'POST', '/v1/admin/qr-keys/rotate', { token: env().adminToken });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.retired.length, 1);
    const ring = await env().app.qrKeys.get(now);
    const fresh = issueToken(ring, { ecardId: randomUUID(), now });
    assert.equal(fresh.kid, r.body.added);
    assert.notEqual(fresh.kid, oldToken.kid);
    const jwks = (await call(env().app, 'GET', '/.well-known/jwks.json')).body;
    assert.equal(jwks.keys.length, 2);
    assert.equal(createVerifier(jwks).verify(oldToken.token, now).kid, oldToken.kid);
  });

  test('a token is consumed once: the second use is a replay', async () => {
    const now = env().clock.now();
    const ring = await env().app.qrKeys.get(now);
    const claims = decodeToken(issueToken(ring, { ecardId: randomUUID(), now }).token);
    await env().db.transaction((tx) => consumeToken(tx, claims, null, now));
    await assert.rejects(
      env().db.transaction((tx) => consumeToken(tx, claims, null, now)),
      (e: AppError) => e.code === 'qr_replayed' && e.status === 409,
    );
  });
});
