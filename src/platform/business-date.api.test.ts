import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, call, forEachStore, login, newCitizen } from '../../test/support/env.ts';
import { PASSWORD } from '../../test/support/factories.ts';
import { makeCreditCode } from '../employers/credit-code.ts';
import { DEMO_POLICY } from '../settlement/policy.ts';

// 00:30 on 1 July 2026 in Beijing, while the UTC date is still 30 June: the hours in which a UTC "today"
// was a day behind.
const BEIJING_HALF_PAST_MIDNIGHT = '2026-06-30T16:30:00Z';
// 23:30 on 30 June in Beijing: the evening before.
const BEIJING_EVENING_BEFORE = '2026-06-30T15:30:00Z';

forEachStore('business dates are Beijing dates', (env) => {
  let adminToken = '';
  const admin = () => adminToken;
  const rules = (version: string) => ({ ...structuredClone(DEMO_POLICY), version });

  test('after Beijing midnight a policy dated yesterday is refused and today’s is in force and kept', async () => {
    env().clock.set(BEIJING_EVENING_BEFORE);
    adminToken = (await login(env().app, 'admin', ADMIN_PASSWORD)).token; // sessions expire with the clock
    const tomorrow = await call(env().app, 'POST', '/v1/admin/policies', {
      token: admin(),
      body: { regionCode: 'demo', effectiveFrom: '2026-07-01', rules: rules('bj-july') },
    });
    assert.equal(tomorrow.status, 201, tomorrow.raw);

    env().clock.set(BEIJING_HALF_PAST_MIDNIGHT);
    const yesterday = await call(env().app, 'POST', '/v1/admin/policies', {
      token: admin(),
      body: { regionCode: 'demo', effectiveFrom: '2026-06-30', rules: rules('bj-late') },
    });
    assert.equal(yesterday.status, 422, yesterday.raw);
    assert.equal(yesterday.body.error.code, 'effective_date_in_past');

    const inForce = await call(env().app, 'GET', '/v1/policies/in-force?regionCode=demo', { token: admin() });
    assert.equal(inForce.status, 200, inForce.raw);
    assert.equal(inForce.body.rules.version, 'bj-july', 'the policy shown is the one in force in Beijing');

    const withdraw = await call(env().app, 'DELETE', `/v1/admin/policies/${tomorrow.body.id}`, {
      token: admin(),
    });
    assert.equal(withdraw.status, 409, withdraw.raw);
    assert.equal(withdraw.body.error.code, 'policy_in_force');
  });

  test('an employee hired today in Beijing registers at 00:30 and is dated today', async () => {
    env().clock.set(BEIJING_HALF_PAST_MIDNIGHT);
    const loginName = `bjemp${Date.now() % 100000}`;
    const employer = await call(env().app, 'POST', '/v1/employers', {
      body: {
        creditCode: makeCreditCode(
          '91440300708461234'.slice(0, 13) + String(Date.now() % 10000).padStart(4, '0'),
        ),
        name: 'Night Shift Co.',
        regionCode: 'demo',
        login: loginName,
        password: PASSWORD,
      },
    });
    assert.equal(employer.status, 201, employer.raw);
    const { token } = await login(env().app, loginName, PASSWORD);
    const citizen = newCitizen();
    const r = await call(env().app, 'POST', '/v1/employer/employees', {
      token,
      body: { employees: [{ ...citizen, hireDate: '2026-07-01' }] },
    });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.registered, 1, r.raw);
    const row = await env().db.query<{ registered_on: string }>(
      `select e.registered_on from employments e join persons p on p.id = e.person_id where p.id_number = $1`,
      [citizen.idNumber],
    );
    assert.equal(row.rows[0]?.registered_on, '2026-07-01');
  });
});
