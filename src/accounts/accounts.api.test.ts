import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, login, newCitizen, newPhone } from '../../test/support/env.ts';
import { countRows, createStaff, PASSWORD, registerPerson } from '../../test/support/factories.ts';

forEachStore('accounts: register, login, me, roles', (env) => {
  test('a person registers, logs in and reads their own record with derived gender and birth date', async () => {
    const c = newCitizen({ birthDate: '1985-03-07' });
    const phone = newPhone();
    const r = await call(env().app, 'POST', '/v1/auth/register', {
      body: {
        phone,
        password: PASSWORD,
        name: c.name,
        idNumber: c.idNumber.toLowerCase(),
        regionCode: 'demo',
      },
    });
    assert.equal(r.status, 201, r.raw);
    const { token, role } = await login(env().app, phone, PASSWORD);
    assert.equal(role, 'person');
    const me = await call(env().app, 'GET', '/v1/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.person.idNumber, c.idNumber.toUpperCase());
    assert.equal(me.body.person.birthDate, '1985-03-07');
    assert.equal(me.body.person.gender, Number(c.idNumber[16]) % 2 ? 'male' : 'female');
    assert.equal(me.body.person.insuranceType, 'resident');
    assert.equal(me.body.person.status, 'active');
    assert.equal(me.body.person.identityStatus, 'unverified');
  });

  test('flexible workers register themselves as flexible', async () => {
    const p = await registerPerson(env(), { insuranceType: 'flexible' });
    const me = await call(env().app, 'GET', '/v1/me', { token: p.token });
    assert.equal(me.body.person.insuranceType, 'flexible');
  });

  test('bad registrations get a clear 4xx code and leave the database unchanged', async () => {
    const before = { users: await countRows(env(), 'users'), persons: await countRows(env(), 'persons') };
    const c = newCitizen();
    const good = {
      phone: newPhone(),
      password: PASSWORD,
      name: c.name,
      idNumber: c.idNumber,
      regionCode: 'demo',
    };
    const badCheck = c.idNumber.slice(0, 17) + (c.idNumber[17] === '0' ? '1' : '0');
    const cases: Array<[unknown, number, string]> = [
      [{ ...good, idNumber: badCheck }, 422, 'invalid_id_number'],
      [
        { ...good, idNumber: c.idNumber.slice(0, 6) + '19900230' + c.idNumber.slice(14) },
        422,
        'invalid_id_number',
      ],
      [{ ...good, regionCode: 'nowhere' }, 422, 'unknown_region'],
      [{ ...good, phone: '12345' }, 400, 'validation_failed'],
      [{ ...good, password: 'short' }, 400, 'validation_failed'],
      [{ phone: good.phone, password: PASSWORD, name: c.name, regionCode: 'demo' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const r = await call(env().app, 'POST', '/v1/auth/register', { body });
      assert.equal(r.status, status, r.raw);
      assert.equal(r.body.error.code, code);
      assert.ok(r.body.error.message.length > 5);
      assert.ok(r.body.error.requestId);
    }
    const missing = await call(env().app, 'POST', '/v1/auth/register', { body: cases[5]![0] });
    assert.equal(missing.body.error.details.field, 'idNumber');
    const malformed = await call(env().app, 'POST', '/v1/auth/register', {
      payload: '{"phone": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'malformed_json');
    assert.deepEqual(
      { users: await countRows(env(), 'users'), persons: await countRows(env(), 'persons') },
      before,
    );
  });

  test('duplicate registration: same person or same phone is a 409 and nothing is written', async () => {
    const p = await registerPerson(env());
    const before = await countRows(env(), 'users');
    const again = await call(env().app, 'POST', '/v1/auth/register', {
      body: { phone: newPhone(), password: PASSWORD, name: p.name, idNumber: p.idNumber, regionCode: 'demo' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_registered');
    const c = newCitizen();
    const samePhone = await call(env().app, 'POST', '/v1/auth/register', {
      body: { phone: p.phone, password: PASSWORD, name: c.name, idNumber: c.idNumber, regionCode: 'demo' },
    });
    assert.equal(samePhone.status, 409);
    assert.equal(samePhone.body.error.code, 'login_taken');
    assert.equal(await countRows(env(), 'users'), before);
    const person = await env().db.query('select 1 from persons where id_number = $1', [c.idNumber]);
    assert.equal(person.rows.length, 0, 'the refused registration left no person behind');
  });

  test('wrong password and unknown login are the same 401', async () => {
    const p = await registerPerson(env());
    for (const body of [
      { login: p.phone, password: 'wrong-password' },
      { login: '13000000000', password: PASSWORD },
    ]) {
      const r = await call(env().app, 'POST', '/v1/auth/login', { body });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'invalid_credentials');
    }
  });

  test('tokens: missing, malformed, unknown, expired and logged out are refused', async () => {
    const p = await registerPerson(env());
    assert.equal((await call(env().app, 'GET', '/v1/me')).body.error.code, 'unauthenticated');
    const bad = await call(env().app, 'GET', '/v1/me', { headers: { authorization: 'Token abc' } });
    assert.equal(bad.status, 401);
    assert.equal(
      (await call(env().app, 'GET', '/v1/me', { token: 'yb_nope' })).body.error.code,
      'invalid_token',
    );
    env().clock.advance(env().config.sessionTtlSeconds + 1);
    assert.equal((await call(env().app, 'GET', '/v1/me', { token: p.token })).status, 401, 'expired');
    env().clock.advance(-(env().config.sessionTtlSeconds + 1));
    const fresh = await login(env().app, p.phone, PASSWORD);
    assert.equal((await call(env().app, 'POST', '/v1/auth/logout', { token: fresh.token })).status, 204);
    assert.equal((await call(env().app, 'GET', '/v1/me', { token: fresh.token })).status, 401);
  });

  test('each role reaches only its own routes', async () => {
    const p = await registerPerson(env());
    const staff = await createStaff(env());
    const personOnAdmin = await call(env().app, 'POST', '/v1/admin/offices', {
      token: p.token,
      body: { regionCode: 'demo', name: 'x', kind: 'window' },
    });
    assert.equal(personOnAdmin.status, 403);
    assert.equal(personOnAdmin.body.error.code, 'wrong_role');
    assert.equal(
      (await call(env().app, 'GET', '/v1/staff/identity-reviews', { token: p.token })).status,
      403,
    );
    assert.equal((await call(env().app, 'GET', '/v1/me/notifications', { token: staff.token })).status, 403);
    assert.equal(
      (await call(env().app, 'GET', '/v1/employer/employees', { token: staff.token })).status,
      403,
    );
    const staffMe = await call(env().app, 'GET', '/v1/me', { token: staff.token });
    assert.equal(staffMe.body.role, 'staff');
    assert.equal(staffMe.body.person, null);
  });

  test('admin creates staff; the office must exist and the login be free', async () => {
    const staff = await createStaff(env());
    assert.ok(staff.token);
    const noOffice = await call(env().app, 'POST', '/v1/admin/staff', {
      token: env().adminToken,
      body: {
        login: 'ghost1',
        password: PASSWORD,
        displayName: 'X',
        officeId: '00000000-0000-4000-8000-000000000000',
      },
    });
    assert.equal(noOffice.status, 404);
    assert.equal(noOffice.body.error.code, 'office_not_found');
    const unknownRegion = await call(env().app, 'POST', '/v1/admin/offices', {
      token: env().adminToken,
      body: { regionCode: 'atlantis', name: 'x', kind: 'window' },
    });
    assert.equal(unknownRegion.body.error.code, 'unknown_region');
  });

  test('unknown routes are a 404 with the same error shape', async () => {
    const r = await call(env().app, 'GET', '/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'route_not_found');
  });
});

forEachStore(
  'accounts: login rate limit',
  (env) => {
    test('more than the allowed attempts per minute are refused with 429', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await call(env().app, 'POST', '/v1/auth/login', { body: { login: 'nobody', password: 'x' } }))
            .status,
        );
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      const r = await call(env().app, 'POST', '/v1/auth/login', { body: { login: 'nobody', password: 'x' } });
      assert.equal(r.body.error.code, 'rate_limited');
    });
  },
  { loginRateLimitPerMinute: 3 },
);
