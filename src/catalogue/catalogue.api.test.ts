import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD, call, forEachStore, login, type TestEnv } from '../../test/support/env.ts';
import { countRows, createStaff, createTill, registerPerson } from '../../test/support/factories.ts';
import { openPglite } from '../platform/db.ts';
import { migrate } from '../platform/migrate.ts';
import { approvalsInForce } from './approvals.ts';

const HEADER = 'code,name,class,dosage_form,specification,unit,price_limit,self_pay_first_bp,restrictions';
const DRUGS_V1 = [
  HEADER,
  'XJ01CA001,阿莫西林胶囊,甲,胶囊剂,0.25g×24,盒,3000,,',
  'XA10BA002,二甲双胍片,乙,片剂,0.5g×60,盒,,1000,setting=outpatient',
  'XC10AA003,阿托伐他汀钙片,丙,片剂,10mg×7,盒,,,',
].join('\n');

const csv = (env: TestEnv, path: string, body: string, token = env.adminToken) =>
  call(env.app, 'POST', path, { token, payload: body, headers: { 'content-type': 'text/csv' } });
const tables = ['catalogue_versions', 'catalogue_entries', 'catalogue_mappings', 'person_approvals'];
const counts = (env: TestEnv) => Promise.all(tables.map((t) => countRows(env, t)));

forEachStore(
  'the agency’s catalogues, item mappings and approvals',
  (env) => {
    const importDrugs = (body: string, query = '') =>
      csv(env(), `/v1/admin/catalogue/drug?region=demo${query}`, body);

    test('an administrator loads a catalogue file as a version; a bad file is refused whole, every bad row by line', async () => {
      const before = await counts(env());
      const bad = await importDrugs(
        `${DRUGS_V1}\nXBAD 1,坏编码,A,,,,,,\nXJ01CA001,重复,A,,,,,,\nX9,价格,A,,,,-1,,`,
      );
      assert.equal(bad.status, 422, bad.raw);
      assert.equal(bad.body.error.code, 'invalid_catalogue_file');
      assert.deepEqual(
        bad.body.error.details.rows.map((r: { line: number; code: string }) => [r.line, r.code]),
        [
          [5, 'invalid_catalogue_row'],
          [6, 'duplicate_catalogue_code'],
          [7, 'invalid_catalogue_row'],
        ],
      );
      assert.match(bad.body.error.message, /3 行有误/, 'the refusal reads in Chinese by default');
      assert.deepEqual(await counts(env()), before, 'nothing was loaded');

      const staff = await createStaff(env());
      assert.equal(
        (await csv(env(), '/v1/admin/catalogue/drug?region=demo', DRUGS_V1, staff.token)).status,
        403,
      );
      const nowhere = await csv(env(), '/v1/admin/catalogue/drug?region=mars', DRUGS_V1);
      assert.equal(nowhere.body.error?.code, 'unknown_region', nowhere.raw);
      const past = await importDrugs(DRUGS_V1, '&effectiveFrom=2026-06-01');
      assert.equal(past.body.error?.code, 'catalogue_effective_date_invalid', past.raw);

      const v1 = await importDrugs(DRUGS_V1);
      assert.equal(v1.status, 201, v1.raw);
      assert.deepEqual(v1.body, {
        version: 1,
        kind: 'drug',
        effectiveFrom: '2026-06-15',
        rowsInFile: 3,
        added: 3,
        changed: 0,
        removed: 0,
      });
      // A drug code in the consumables file is refused, as is a version that takes effect before the latest.
      const clash = await csv(
        env(),
        '/v1/admin/catalogue/material?region=demo',
        'code,name,class\nXJ01CA001,支架,A',
      );
      assert.equal(clash.body.error.details.rows[0].code, 'catalogue_code_other_kind', clash.raw);

      // Version 2 from tomorrow: one changed (a new price limit), one removed, one added, one unchanged.
      const v2 = await importDrugs(
        [
          HEADER,
          'XJ01CA001,阿莫西林胶囊,甲,胶囊剂,0.25g×24,盒,2800,,',
          'XA10BA002,二甲双胍片,乙,片剂,0.5g×60,盒,,1000,setting=outpatient',
          'XN02BE004,对乙酰氨基酚片,A,片剂,0.5g×12,盒,,,',
        ].join('\n'),
        '&effectiveFrom=2026-06-16',
      );
      assert.equal(v2.status, 201, v2.raw);
      assert.deepEqual([v2.body.version, v2.body.added, v2.body.changed, v2.body.removed], [2, 1, 1, 1]);

      const search = async (date: string) =>
        (await call(env().app, 'GET', `/v1/staff/catalogue?date=${date}`, { token: staff.token })).body as {
          version: number;
          entries: Array<{ code: string; priceLimit: number | null; class: string }>;
        };
      const today = await search('2026-06-15');
      assert.equal(today.version, 1);
      assert.deepEqual(
        today.entries.map((e) => [e.code, e.class, e.priceLimit]),
        [
          ['XA10BA002', 'B', null],
          ['XC10AA003', 'C', null],
          ['XJ01CA001', 'A', 3000],
        ],
      );
      const tomorrow = await search('2026-06-16');
      assert.deepEqual(
        [tomorrow.version, tomorrow.entries.map((e) => [e.code, e.priceLimit])],
        [
          2,
          [
            ['XA10BA002', null],
            ['XJ01CA001', 2800],
            ['XN02BE004', null],
          ],
        ],
      );
      const byName = await call(env().app, 'GET', `/v1/staff/catalogue?q=${encodeURIComponent('二甲')}`, {
        token: staff.token,
      });
      assert.deepEqual(
        byName.body.entries.map((e: { code: string }) => e.code),
        ['XA10BA002'],
      );
      const versions = await call(env().app, 'GET', '/v1/staff/catalogue/versions', { token: staff.token });
      assert.deepEqual(
        versions.body.versions.map((v: { version: number; effectiveFrom: string }) => [
          v.version,
          v.effectiveFrom,
        ]),
        [
          [2, '2026-06-16'],
          [1, '2026-06-15'],
        ],
      );
    });

    test('terminals download the changes since their version a page at a time, removals included', async () => {
      const till = await createTill(env());
      const pages: Array<{ code: string; version: number; removed: boolean }> = [];
      let after: string | null = null;
      let latest = 0;
      let calls = 0;
      do {
        const path: string = `/v1/terminal/catalogue?since=0&limit=2${after ? `&after=${after}` : ''}`;
        const r = await call(env().app, 'GET', path, { token: till.terminal });
        assert.equal(r.status, 200, r.raw);
        pages.push(...r.body.entries);
        after = r.body.next;
        latest = r.body.latestVersion;
        calls++;
      } while (after && calls < 10);
      assert.equal(latest, 2);
      assert.equal(calls, 3);
      assert.deepEqual(
        pages.map((e) => [e.version, e.code, e.removed]),
        [
          [1, 'XA10BA002', false],
          [1, 'XC10AA003', false],
          [1, 'XJ01CA001', false],
          [2, 'XC10AA003', true],
          [2, 'XJ01CA001', false],
          [2, 'XN02BE004', false],
        ],
      );
      const upToDate = await call(env().app, 'GET', '/v1/terminal/catalogue?since=2', {
        token: till.terminal,
      });
      assert.deepEqual([upToDate.body.entries, upToDate.body.next], [[], null]);
      const ahead = await call(env().app, 'GET', '/v1/terminal/catalogue?since=9', { token: till.terminal });
      assert.equal(ahead.body.error.code, 'unknown_catalogue_version');
      assert.equal(
        (await call(env().app, 'GET', '/v1/terminal/catalogue?since=0', { token: till.staffToken })).status,
        403,
      );
    });

    test('institutions map their own items; mappings count once the agency approves them; each sees only its own', async () => {
      // The next day, when version 2 is in force (a new day: sessions of yesterday have expired).
      env().clock.set('2026-06-16T02:00:00Z');
      env().adminToken = (await login(env().app, 'admin', ADMIN_PASSWORD)).token;
      const shop = await createTill(env());
      const other = await createTill(env());
      const staff = await createStaff(env());
      const map = (token: string, body: unknown) =>
        call(env().app, 'POST', '/v1/institution/catalogue-mappings', { token, body });
      const before = await counts(env());
      const unknown = await map(shop.staffToken, { itemCode: 'OWN-1', catalogueCode: 'XC10AA003' });
      assert.equal(
        unknown.body.error?.code,
        'catalogue_code_unknown',
        'a code removed from the catalogue in force',
      );
      assert.deepEqual(await counts(env()), before);

      const first = await map(shop.staffToken, { itemCode: 'OWN-1', catalogueCode: 'XA10BA002' });
      assert.equal(first.status, 201, first.raw);
      assert.deepEqual([first.body.status, first.body.catalogueName], ['pending', '二甲双胍片']);
      const second = await map(shop.staffToken, { itemCode: 'OWN-1', catalogueCode: 'XJ01CA001' });
      const mine = await call(env().app, 'GET', '/v1/institution/catalogue-mappings', {
        token: shop.staffToken,
      });
      assert.deepEqual(
        mine.body.mappings.map((m: { id: string; status: string }) => [m.id, m.status]),
        [
          [first.body.id, 'replaced'],
          [second.body.id, 'pending'],
        ],
      );
      const theirs = await call(env().app, 'GET', '/v1/institution/catalogue-mappings', {
        token: other.staffToken,
      });
      assert.deepEqual(theirs.body.mappings, [], 'another institution sees none of them');

      const queue = await call(env().app, 'GET', '/v1/staff/catalogue-mappings', { token: staff.token });
      assert.ok(queue.body.mappings.some((m: { id: string }) => m.id === second.body.id));
      assert.ok(!queue.body.mappings.some((m: { id: string }) => m.id === first.body.id));
      const decide = (id: string, body: unknown) =>
        call(env().app, 'POST', `/v1/staff/catalogue-mappings/${id}/decision`, { token: staff.token, body });
      assert.equal(
        (await decide(second.body.id, { approve: false })).body.error.code,
        'rejection_reason_required',
      );
      const approved = await decide(second.body.id, { approve: true });
      assert.equal(approved.body.status, 'approved', approved.raw);
      assert.equal((await decide(second.body.id, { approve: true })).body.error.code, 'mapping_not_pending');
      assert.equal(
        (await decide(first.body.id, { approve: true })).status,
        409,
        'a replaced request cannot be approved',
      );
      assert.equal(
        (
          await call(env().app, 'POST', `/v1/staff/catalogue-mappings/${second.body.id}/decision`, {
            token: shop.staffToken,
            body: { approve: true },
          })
        ).status,
        403,
        'an institution cannot approve its own mapping',
      );

      // A newer approved mapping replaces the one in force.
      const third = await map(shop.staffToken, { itemCode: 'OWN-1', catalogueCode: 'XA10BA002' });
      const rejected = await decide(third.body.id, { approve: false, reason: '剂型不符' });
      assert.deepEqual([rejected.body.status, rejected.body.reason], ['rejected', '剂型不符']);
      const fourth = await map(shop.staffToken, { itemCode: 'OWN-1', catalogueCode: 'XA10BA002' });
      await decide(fourth.body.id, { approve: true });
      const inForce = await call(env().app, 'GET', '/v1/institution/catalogue-mappings?status=approved', {
        token: shop.staffToken,
      });
      assert.deepEqual(
        inForce.body.mappings.map((m: { itemCode: string; catalogueCode: string }) => [
          m.itemCode,
          m.catalogueCode,
        ]),
        [['OWN-1', 'XA10BA002']],
      );

      // In bulk: all or nothing.
      const bulk = (body: string) =>
        csv(env(), '/v1/institution/catalogue-mappings/import', body, shop.staffToken);
      const beforeBulk = await counts(env());
      const badBulk = await bulk(
        'item_code,catalogue_code\nOWN-2,XJ01CA001\nOWN-3,NOPE\nbad code,XJ01CA001\nOWN-2,XN02BE004',
      );
      assert.equal(badBulk.body.error.code, 'invalid_mapping_file', badBulk.raw);
      assert.deepEqual(
        badBulk.body.error.details.rows.map((r: { line: number; code: string }) => [r.line, r.code]),
        [
          [3, 'catalogue_code_unknown'],
          [4, 'invalid_catalogue_row'],
          [5, 'duplicate_catalogue_code'],
        ],
      );
      assert.deepEqual(await counts(env()), beforeBulk);
      const goodBulk = await bulk('catalogue_code,item_code\nXJ01CA001,OWN-2\nXN02BE004,OWN-3\n');
      assert.deepEqual([goodBulk.status, goodBulk.body], [201, { requested: 2 }]);
    });

    test('staff register a person’s approvals, checked against the disease list and the catalogue; the person reads theirs; staff revoke', async () => {
      const staff = await createStaff(env());
      const p = await registerPerson(env());
      const q = await registerPerson(env());
      const hospital = await createTill(env(), { kind: 'hospital' });
      // The region's service items and consumables, with a large-equipment exam and a special material.
      await csv(
        env(),
        '/v1/admin/catalogue/service?region=demo',
        'code,name,class,service_type\n002103000010000,CT平扫,A,large_equipment\n001102000010000,诊查费,A,',
      );
      await csv(
        env(),
        '/v1/admin/catalogue/material?region=demo',
        'code,name,class,service_type\nC0101,心脏支架,A,special_material',
      );
      const create = (personId: string, body: Record<string, unknown>) =>
        call(env().app, 'POST', `/v1/staff/persons/${personId}/approvals`, { token: staff.token, body });
      const period = { validFrom: '2026-06-01', validTo: '2026-12-31' };
      const before = await counts(env());
      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ kind: 'special_outpatient', subject: 'flu', ...period }, 'invalid_approval'],
        [{ kind: 'large_equipment', subject: '001102000010000', ...period }, 'catalogue_code_unknown'],
        [{ kind: 'large_equipment', subject: 'NOPE', ...period }, 'catalogue_code_unknown'],
        [{ kind: 'special_material', subject: 'C0101', ...period }, 'invalid_approval'],
        [
          { kind: 'large_equipment', subject: '002103000010000', domesticReferencePrice: 5, ...period },
          'invalid_approval',
        ],
        [
          { kind: 'special_outpatient', subject: 'dialysis', validFrom: '2026-06-01', validTo: '2026-05-01' },
          'invalid_approval',
        ],
        [
          { kind: 'special_outpatient', subject: 'dialysis', institutionCode: 'H00000000000', ...period },
          'institution_not_found',
        ],
      ];
      for (const [body, code] of refusals) {
        const r = await create(p.personId, body);
        assert.equal(r.body.error?.code, code, `${JSON.stringify(body)} → ${r.raw}`);
      }
      assert.deepEqual(await counts(env()), before, 'refusals wrote nothing');

      const dialysis = await create(p.personId, {
        kind: 'special_outpatient',
        subject: 'dialysis',
        institutionCode: hospital.code,
        ...period,
      });
      assert.equal(dialysis.status, 201, dialysis.raw);
      const stent = await create(p.personId, {
        kind: 'special_material',
        subject: 'C0101',
        domesticReferencePrice: 2_000_000,
        ...period,
      });
      assert.equal(stent.status, 201, stent.raw);
      await create(q.personId, { kind: 'large_equipment', subject: '002103000010000', ...period });

      const mine = await call(env().app, 'GET', '/v1/me/approvals', { token: p.token });
      assert.deepEqual(
        mine.body.approvals.map((a: { subject: string }) => a.subject).sort(),
        ['C0101', 'dialysis'],
        'the person sees their own approvals only',
      );
      // In force at the hospital it names, and for the material anywhere; not after the period.
      const day = '2026-07-01';
      assert.equal((await approvalsInForce(env().db, p.personId, hospital.institutionId, day)).length, 2);
      const elsewhere = await createTill(env(), { kind: 'hospital' });
      assert.deepEqual(
        (await approvalsInForce(env().db, p.personId, elsewhere.institutionId, day)).map((a) => a.subject),
        ['C0101'],
      );
      assert.equal(
        (await approvalsInForce(env().db, p.personId, hospital.institutionId, '2027-01-01')).length,
        0,
      );

      const revoke = (personId: string, id: string) =>
        call(env().app, 'POST', `/v1/staff/persons/${personId}/approvals/${id}/revoke`, {
          token: staff.token,
          body: { reason: '疗程结束' },
        });
      assert.equal(
        (await revoke(q.personId, dialysis.body.id)).body.error?.code,
        'approval_not_found',
        'another person’s approval',
      );
      const revoked = await revoke(p.personId, dialysis.body.id);
      assert.deepEqual([revoked.body.status, revoked.body.revokeReason], ['revoked', '疗程结束']);
      assert.equal((await revoke(p.personId, dialysis.body.id)).body.error?.code, 'approval_revoked');
      assert.equal((await approvalsInForce(env().db, p.personId, hospital.institutionId, day)).length, 1);
      assert.equal(
        (
          await call(env().app, 'POST', `/v1/staff/persons/${p.personId}/approvals`, {
            token: p.token,
            body: { kind: 'special_outpatient', subject: 'dialysis', ...period },
          })
        ).status,
        403,
      );
    });
  },
  {},
  // Its own catalogue from an empty one.
  { testCatalogue: false },
);

test('`yibao catalogue import` loads a file, and lists every bad row of a refused one by line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-catalogue-'));
  try {
    const bin = fileURLToPath(new URL('../../bin/yibao.mjs', import.meta.url));
    // A store with the region the catalogue is for.
    mkdirSync(join(dir, 'data'));
    const db = await openPglite(join(dir, 'data', 'pglite'));
    await migrate(db);
    await db.query(`insert into regions (code, name) values ('demo', 'Demo')`);
    await db.close();
    const run = (file: string, ...extra: string[]) =>
      spawnSync(process.execPath, [bin, 'catalogue', 'import', 'drug', file, '--region', 'demo', ...extra], {
        env: {
          ...process.env,
          DATABASE_URL: '',
          YIBAO_DATA_DIR: join(dir, 'data'),
          YIBAO_LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      });
    writeFileSync(join(dir, 'bad.csv'), 'code,name,class\nX1,a,Q\nX2,b,A\n');
    writeFileSync(join(dir, 'good.csv'), DRUGS_V1);
    const bad = run(join(dir, 'bad.csv'), '--lang', 'en');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /line 2: invalid_catalogue_row: The value “Q” of class is not valid/);
    const good = run(join(dir, 'good.csv'));
    assert.equal(good.status, 0, good.stderr);
    assert.match(
      good.stdout,
      /^version 1 \(drug\) from \d{4}-\d{2}-\d{2}: 3 rows, 3 added, 0 changed, 0 removed$/m,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
