import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { call, forEachStore } from '../../test/support/env.ts';
import {
  countRows,
  createInstitution,
  createStaff,
  createTerminal,
  registerPerson,
} from '../../test/support/factories.ts';
import { recordScan } from './store.ts';

forEachStore('institutions, terminals and the scan audit', (env) => {
  test('admin registers institutions; bad codes, tiers and duplicates are refused without changes', async () => {
    const before = await countRows(env(), 'institutions');
    const post = (body: unknown) =>
      call(env().app, 'POST', '/v1/admin/institutions', { token: env().adminToken, body });
    const ok = await post({
      code: 'H44030300001',
      name: '人民医院',
      kind: 'hospital',
      tier: 3,
      regionCode: 'demo',
    });
    assert.equal(ok.status, 201, ok.raw);
    assert.deepEqual(
      { kind: ok.body.kind, tier: ok.body.tier, status: ok.body.status, acceptsEcard: ok.body.acceptsEcard },
      { kind: 'hospital', tier: 3, status: 'designated', acceptsEcard: true },
    );
    const cases: Array<[unknown, number, string]> = [
      [
        { code: 'P44030300001', name: 'x', kind: 'hospital', tier: 1, regionCode: 'demo' },
        422,
        'invalid_institution_code',
      ],
      [
        { code: 'H4403030000', name: 'x', kind: 'hospital', tier: 1, regionCode: 'demo' },
        400,
        'validation_failed',
      ],
      [{ code: 'H44030300002', name: 'x', kind: 'hospital', regionCode: 'demo' }, 422, 'tier_required'],
      [
        { code: 'P44030300002', name: 'x', kind: 'pharmacy', tier: 2, regionCode: 'demo' },
        422,
        'tier_not_allowed',
      ],
      [{ code: 'P44030300003', name: 'x', kind: 'pharmacy', regionCode: 'mars' }, 422, 'unknown_region'],
      [
        { code: 'H44030300001', name: 'again', kind: 'hospital', tier: 3, regionCode: 'demo' },
        409,
        'institution_exists',
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(body);
      assert.equal(r.status, status, r.raw);
      assert.equal(r.body.error.code, code);
    }
    assert.equal(await countRows(env(), 'institutions'), before + 1);
  });

  test('a terminal credential is shown once, only its hash is stored, and it authenticates the terminal', async () => {
    const inst = await createInstitution(env());
    const t = await createTerminal(env(), inst);
    assert.match(t.token, /^ybt_[0-9a-f]{32}_/);
    const stored = await env().db.query<{ secret_hash: string }>(
      'select secret_hash from terminals where id = $1',
      [t.terminalId],
    );
    const secret = t.token.split('_').slice(2).join('_');
    assert.equal(stored.rows[0]!.secret_hash, createHash('sha256').update(secret).digest('hex'));
    assert.ok(!JSON.stringify(stored.rows).includes(secret));
    const me = await call(env().app, 'GET', '/v1/terminal/me', { token: t.token });
    assert.equal(me.status, 200, me.raw);
    assert.equal(me.body.institution.id, inst.institutionId);
    assert.equal(me.body.terminalName, 'Till 1');
    const list = await call(env().app, 'GET', '/v1/institution/terminals', { token: inst.staffToken });
    assert.equal(list.body.terminals.length, 1);
    assert.ok(!list.raw.includes(secret), 'the credential is never shown again');
    const wrong = t.token.slice(0, -3) + (t.token.endsWith('AAA') ? 'BBB' : 'AAA');
    assert.equal((await call(env().app, 'GET', '/v1/terminal/me', { token: wrong })).status, 401);
  });

  test('a revoked terminal is refused; one institution cannot manage another’s terminals', async () => {
    const a = await createInstitution(env());
    const b = await createInstitution(env());
    const t = await createTerminal(env(), a);
    const foreign = await call(env().app, 'POST', `/v1/institution/terminals/${t.terminalId}/revoke`, {
      token: b.staffToken,
    });
    assert.equal(foreign.status, 404);
    assert.equal(
      (await call(env().app, 'GET', '/v1/institution/terminals', { token: b.staffToken })).body.terminals
        .length,
      0,
    );
    const r = await call(env().app, 'POST', `/v1/institution/terminals/${t.terminalId}/revoke`, {
      token: a.staffToken,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'revoked');
    assert.equal((await call(env().app, 'GET', '/v1/terminal/me', { token: t.token })).status, 401);
    const again = await call(env().app, 'POST', `/v1/institution/terminals/${t.terminalId}/revoke`, {
      token: a.staffToken,
    });
    assert.equal(again.body.error.code, 'terminal_revoked');
  });

  test('a suspended institution can do nothing, through its terminals or its staff; reinstated, it works again', async () => {
    const inst = await createInstitution(env());
    const t = await createTerminal(env(), inst);
    const s = await call(env().app, 'PATCH', `/v1/admin/institutions/${inst.institutionId}`, {
      token: env().adminToken,
      body: { status: 'suspended' },
    });
    assert.equal(s.body.status, 'suspended');
    for (const [token, url] of [
      [t.token, '/v1/terminal/me'],
      [inst.staffToken, '/v1/institution/terminals'],
    ] as const) {
      const r = await call(env().app, 'GET', url, { token });
      assert.equal(r.status, 403, url);
      assert.equal(r.body.error.code, 'institution_suspended');
    }
    await call(env().app, 'PATCH', `/v1/admin/institutions/${inst.institutionId}`, {
      token: env().adminToken,
      body: { status: 'designated' },
    });
    assert.equal((await call(env().app, 'GET', '/v1/terminal/me', { token: t.token })).status, 200);
  });

  test('wrong roles are refused', async () => {
    const p = await registerPerson(env());
    const inst = await createInstitution(env());
    const t = await createTerminal(env(), inst);
    assert.equal(
      (await call(env().app, 'POST', '/v1/admin/institutions', { token: p.token, body: {} })).status,
      400,
    );
    assert.equal(
      (
        await call(env().app, 'POST', '/v1/admin/institutions', {
          token: p.token,
          body: { code: 'P44030300009', name: 'x', kind: 'pharmacy', regionCode: 'demo' },
        })
      ).status,
      403,
    );
    assert.equal(
      (await call(env().app, 'POST', '/v1/institution/terminals', { token: p.token, body: { name: 'x' } }))
        .status,
      403,
    );
    assert.equal((await call(env().app, 'GET', '/v1/terminal/me', { token: inst.staffToken })).status, 403);
    assert.equal((await call(env().app, 'GET', '/v1/institution/terminals', { token: t.token })).status, 403);
  });

  test('the scan audit: the agency of the region and the institution itself see it; others do not', async () => {
    const a = await createInstitution(env());
    const b = await createInstitution(env(), { regionCode: '440300' });
    const ta = await createTerminal(env(), a);
    const tb = await createTerminal(env(), b);
    const now = env().clock.now();
    await recordScan(env().db, {
      institutionId: a.institutionId,
      terminalId: ta.terminalId,
      regionCode: 'demo',
      at: now,
      method: 'qr',
      outcome: 'refused',
      reason: 'qr_expired',
    });
    await recordScan(env().db, {
      institutionId: b.institutionId,
      terminalId: tb.terminalId,
      regionCode: '440300',
      at: now,
      method: 'qr',
      outcome: 'accepted',
      reason: null,
    });
    const staff = await createStaff(env(), 'demo');
    const seen = await call(env().app, 'GET', `/v1/staff/scan-audit?institutionId=${a.institutionId}`, {
      token: staff.token,
    });
    assert.equal(seen.body.scans.length, 1);
    assert.equal(seen.body.scans[0].reason, 'qr_expired');
    const other = await call(env().app, 'GET', `/v1/staff/scan-audit?institutionId=${b.institutionId}`, {
      token: staff.token,
    });
    assert.equal(other.body.scans.length, 0, 'staff see their own region only');
    const own = await call(env().app, 'GET', '/v1/institution/scan-audit', { token: b.staffToken });
    assert.deepEqual(
      own.body.scans.map((s: { institutionId: string }) => s.institutionId),
      [b.institutionId],
    );
    const refusedOnly = await call(env().app, 'GET', '/v1/staff/scan-audit?outcome=refused', {
      token: env().adminToken,
    });
    assert.ok(refusedOnly.body.scans.every((s: { outcome: string }) => s.outcome === 'refused'));
  });
});
