import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, newCitizen } from '../../test/support/env.ts';
import {
  activeEcard,
  countRows,
  createStaff,
  registerPerson,
  verifiedPerson,
} from '../../test/support/factories.ts';
import { findMutualAidPayer, mayDisplayCard } from './family.ts';

const rel = (
  p: { idNumber: string; name: string },
  kinship: string,
  extra: Record<string, unknown> = {},
) => ({
  idNumber: p.idNumber,
  name: p.name,
  kinship,
  ...extra,
});

forEachStore('family binding', (env) => {
  test('several relatives in one request, row by row; bad rows are reported and leave nothing behind', async () => {
    const me = await registerPerson(env(), { birthDate: '1980-05-01' });
    const spouse = await registerPerson(env(), { birthDate: '1982-01-01' });
    const child = await registerPerson(env(), { birthDate: '2015-03-03' });
    const mother = await registerPerson(env(), { birthDate: '1955-07-07' });
    const before = await countRows(env(), 'family_bindings');
    const r = await call(env().app, 'POST', '/v1/me/family', {
      token: me.token,
      body: {
        relatives: [
          rel(spouse, 'spouse', { mutualAid: true }),
          rel(child, 'child', { mutualAid: true, cardDisplay: true }),
          rel(mother, 'parent', { cardDisplay: true }),
          rel(me, 'sibling'),
          rel(newCitizen(), 'sibling'),
          { ...rel(spouse, 'sibling'), name: '别人' },
          rel(mother, 'child'),
          rel(spouse, 'spouse'),
        ],
      },
    });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.bound, 3);
    assert.deepEqual(
      r.body.results.map(
        (x: { status: string; code?: string; binding?: { cardDisplay: string } }) =>
          x.code ?? x.binding!.cardDisplay,
      ),
      [
        'off',
        'confirmed',
        'pending',
        'cannot_bind_self',
        'relative_not_insured',
        'relative_name_mismatch',
        'wrong_kinship',
        'already_bound',
      ],
    );
    assert.equal(await countRows(env(), 'family_bindings'), before + 3);
    const list = await call(env().app, 'GET', '/v1/me/family', { token: me.token });
    assert.equal(list.body.relatives.length, 3);
    assert.match(
      list.body.relatives[0].relativeIdNumber,
      /^\d{4}\*+\w{4}$/,
      'relative ID numbers are masked',
    );
    assert.equal(await findMutualAidPayer(env().db, child.personId), me.personId);
    assert.equal(
      await mayDisplayCard(env().db, me.personId, child.personId),
      true,
      'minor child: no confirmation needed',
    );
    assert.equal(
      await mayDisplayCard(env().db, me.personId, mother.personId),
      false,
      'adult: waits for confirmation',
    );
  });

  test('the relative confirms the display request; the binder is told and can then show the relative’s QR code', async () => {
    const me = await verifiedPerson(env(), { birthDate: '1985-01-01' });
    const father = await activeEcard(env());
    await env().db.query(`update persons set birth_date = '1950-01-01' where id = $1`, [father.personId]);
    const b = await call(env().app, 'POST', '/v1/me/family', {
      token: me.token,
      body: { relatives: [rel(father, 'parent', { cardDisplay: true })] },
    });
    assert.equal(b.body.bound, 1, b.raw);
    const before = await call(env().app, 'GET', `/v1/me/ecard/qr?for=${father.personId}`, {
      token: me.token,
    });
    assert.equal(before.status, 403);
    const requests = await call(env().app, 'GET', '/v1/me/family/requests', { token: father.token });
    assert.equal(requests.body.requests[0].cardDisplay, 'pending');
    const inbox = await call(env().app, 'GET', '/v1/me/notifications', { token: father.token });
    assert.ok(inbox.body.notifications.some((n: { kind: string }) => n.kind === 'family_display_request'));
    const stranger = await registerPerson(env());
    const foreign = await call(
      env().app,
      'POST',
      `/v1/me/family/requests/${requests.body.requests[0].id}/confirm`,
      { token: stranger.token },
    );
    assert.equal(foreign.status, 404);
    const ok = await call(
      env().app,
      'POST',
      `/v1/me/family/requests/${requests.body.requests[0].id}/confirm`,
      { token: father.token },
    );
    assert.equal(ok.status, 200, ok.raw);
    assert.equal(ok.body.cardDisplay, 'confirmed');
    const twice = await call(
      env().app,
      'POST',
      `/v1/me/family/requests/${requests.body.requests[0].id}/decline`,
      { token: father.token },
    );
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'no_pending_request');
    const told = await call(env().app, 'GET', '/v1/me/notifications', { token: me.token });
    assert.ok(told.body.notifications.some((n: { kind: string }) => n.kind === 'binding_confirmed'));
    const qr = await call(env().app, 'GET', `/v1/me/ecard/qr?for=${father.personId}`, { token: me.token });
    assert.equal(qr.status, 200, qr.raw);
    assert.equal(qr.body.holder.self, false);
  });

  test('permissions change, unbinding, and isolation between people', async () => {
    const me = await registerPerson(env(), { birthDate: '1980-05-01' });
    const sister = await registerPerson(env(), { birthDate: '1983-02-02' });
    const other = await registerPerson(env());
    const b = await call(env().app, 'POST', '/v1/me/family', {
      token: me.token,
      body: { relatives: [rel(sister, 'sibling')] },
    });
    const id = b.body.results[0].binding.id;
    assert.equal(
      (
        await call(env().app, 'PATCH', `/v1/me/family/${id}`, {
          token: other.token,
          body: { mutualAid: true },
        })
      ).status,
      404,
    );
    assert.equal(
      (await call(env().app, 'DELETE', `/v1/me/family/${id}`, { token: other.token })).status,
      404,
    );
    assert.equal(
      (await call(env().app, 'GET', '/v1/me/family', { token: other.token })).body.relatives.length,
      0,
    );
    const on = await call(env().app, 'PATCH', `/v1/me/family/${id}`, {
      token: me.token,
      body: { mutualAid: true, cardDisplay: true },
    });
    assert.deepEqual([on.body.mutualAid, on.body.cardDisplay], [true, 'pending']);
    assert.equal(await findMutualAidPayer(env().db, sister.personId), me.personId);
    const off = await call(env().app, 'PATCH', `/v1/me/family/${id}`, {
      token: me.token,
      body: { mutualAid: false, cardDisplay: false },
    });
    assert.deepEqual([off.body.mutualAid, off.body.cardDisplay], [false, 'off']);
    assert.equal(await findMutualAidPayer(env().db, sister.personId), null);
    assert.equal((await call(env().app, 'DELETE', `/v1/me/family/${id}`, { token: me.token })).status, 204);
    assert.equal(
      (await call(env().app, 'GET', '/v1/me/family', { token: me.token })).body.relatives.length,
      0,
    );
    assert.equal((await call(env().app, 'DELETE', `/v1/me/family/${id}`, { token: me.token })).status, 404);
    const again = await call(env().app, 'POST', '/v1/me/family', {
      token: me.token,
      body: { relatives: [rel(sister, 'sibling')] },
    });
    assert.equal(again.body.bound, 1, 'an unbound relative can be bound again');
  });

  test('staff bind at the counter for a person of their region only', async () => {
    const me = await registerPerson(env(), { birthDate: '1970-01-01' });
    const son = await registerPerson(env(), { birthDate: '1999-09-09' });
    const staff = await createStaff(env(), 'demo');
    const far = await createStaff(env(), '440300');
    const body = {
      binderIdNumber: me.idNumber,
      channel: 'window',
      relatives: [rel(son, 'child', { mutualAid: true })],
    };
    const refused = await call(env().app, 'POST', '/v1/staff/family', { token: far.token, body });
    assert.equal(refused.status, 404);
    const r = await call(env().app, 'POST', '/v1/staff/family', { token: staff.token, body });
    assert.equal(r.body.bound, 1, r.raw);
    assert.equal(r.body.results[0].binding.channel, 'window');
    assert.equal((await call(env().app, 'POST', '/v1/staff/family', { token: me.token, body })).status, 403);
  });
});

forEachStore(
  'family binding limit',
  (env) => {
    test('no more than the configured number of relatives', async () => {
      const me = await registerPerson(env(), { birthDate: '1980-01-01' });
      const sibs = [await registerPerson(env()), await registerPerson(env()), await registerPerson(env())];
      const r = await call(env().app, 'POST', '/v1/me/family', {
        token: me.token,
        body: { relatives: sibs.map((s) => rel(s, 'sibling')) },
      });
      assert.deepEqual(
        r.body.results.map((x: { status: string; code?: string }) => x.code ?? x.status),
        ['bound', 'bound', 'too_many_relatives'],
      );
    });
  },
  { maxRelatives: 2 },
);
