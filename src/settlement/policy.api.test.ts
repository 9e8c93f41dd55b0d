import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, call, forEachStore, login } from '../../test/support/env.ts';
import { countRows, registerPerson } from '../../test/support/factories.ts';
import { DEMO_POLICY } from './policy.ts';

forEachStore('policy versions', (env) => {
  const publish = (body: unknown, token = env().adminToken) =>
    call(env().app, 'POST', '/v1/admin/policies', { token, body });
  const v2 = { ...structuredClone(DEMO_POLICY), version: 'demo-2', averageWageFen: 13_000_000 } as Record<
    string,
    unknown
  >;

  test('the demo region ships DOMAIN.md’s default policy, in force today', async () => {
    const r = await call(env().app, 'GET', '/v1/policies/in-force?regionCode=demo', {
      token: env().adminToken,
    });
    assert.equal(r.status, 200, r.raw);
    assert.deepEqual(r.body.rules, DEMO_POLICY);
    assert.equal(r.body.rules.averageWageFen, 12_000_000);
  });

  test('a future-dated version takes over by itself at its date; the earlier one applies before', async () => {
    const r = await publish({ regionCode: 'demo', effectiveFrom: '2026-07-01', rules: v2 });
    assert.equal(r.status, 201, r.raw);
    const before = await call(env().app, 'GET', '/v1/policies/in-force?regionCode=demo&date=2026-06-30', {
      token: env().adminToken,
    });
    assert.equal(before.body.version, 'demo-1');
    const after = await call(env().app, 'GET', '/v1/policies/in-force?regionCode=demo&date=2026-07-01', {
      token: env().adminToken,
    });
    assert.equal(after.body.version, 'demo-2', after.raw);
    env().clock.set('2026-07-02T00:00:00Z');
    const { token } = await login(env().app, 'admin', ADMIN_PASSWORD);
    const today = await call(env().app, 'GET', '/v1/policies/in-force?regionCode=demo', { token });
    assert.equal(today.body.version, 'demo-2');
    env().clock.set('2026-06-15T02:00:00Z');
    const list = await call(env().app, 'GET', '/v1/policies?regionCode=demo', { token: env().adminToken });
    assert.deepEqual(
      list.body.versions.map((v: { version: string }) => v.version),
      ['demo-1', 'demo-2'],
    );
  });

  test('invalid rules are refused with every problem listed, and nothing is stored', async () => {
    const before = await countRows(env(), 'policy_versions');
    const bad = structuredClone(v2) as any;
    bad.version = 'bad';
    bad.inpatient.fundRatioBp.retired = 12_000;
    bad.outpatient.fundRatioBp = -1;
    const r = await publish({ regionCode: 'demo', effectiveFrom: '2026-08-01', rules: bad });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'invalid_policy');
    assert.equal(r.body.error.details.problems.length, 2, JSON.stringify(r.body.error.details));
    const wrongRegion = await publish({
      regionCode: '440300',
      effectiveFrom: '2026-08-01',
      rules: { ...v2, version: 'x' },
    });
    assert.equal(wrongRegion.body.error.code, 'invalid_policy');
    const past = await publish({
      regionCode: 'demo',
      effectiveFrom: '2026-06-14',
      rules: { ...v2, version: 'y' },
    });
    assert.equal(past.body.error.code, 'effective_date_in_past');
    const dupDate = await publish({
      regionCode: 'demo',
      effectiveFrom: '2026-07-01',
      rules: { ...v2, version: 'z' },
    });
    assert.equal(dupDate.status, 409);
    assert.equal(dupDate.body.error.code, 'policy_version_exists');
    assert.equal(await countRows(env(), 'policy_versions'), before);
  });

  test('only admins publish; only versions not yet in force can be withdrawn', async () => {
    const p = await registerPerson(env());
    assert.equal(
      (
        await publish(
          { regionCode: 'demo', effectiveFrom: '2026-09-01', rules: { ...v2, version: 'q' } },
          p.token,
        )
      ).status,
      403,
    );
    const future = await publish({
      regionCode: 'demo',
      effectiveFrom: '2026-09-01',
      rules: { ...v2, version: 'demo-3' },
    });
    assert.equal(
      (await call(env().app, 'DELETE', `/v1/admin/policies/${future.body.id}`, { token: env().adminToken }))
        .status,
      204,
    );
    const current = await call(env().app, 'GET', '/v1/policies/in-force?regionCode=demo', {
      token: env().adminToken,
    });
    const refused = await call(env().app, 'DELETE', `/v1/admin/policies/${current.body.id}`, {
      token: env().adminToken,
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'policy_in_force');
  });
});
