import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, newCitizen } from '../../test/support/env.ts';
import { createStaff, registerPerson } from '../../test/support/factories.ts';
import { parseRegistryCsv } from './registry.ts';

const TODAY = new Date('2026-06-15T00:00:00Z');

test('registry CSV: good rows kept, bad rows reported by line', () => {
  const a = newCitizen();
  const b = newCitizen();
  const csv = `name,id_number\n${a.name},${a.idNumber}\n坏,123\n${b.name},${b.idNumber.toLowerCase()}\n重复,${a.idNumber}\n,${newCitizen().idNumber}\n`;
  const r = parseRegistryCsv(csv, TODAY);
  assert.deepEqual(r.rows, [
    { idNumber: a.idNumber, name: a.name },
    { idNumber: b.idNumber, name: b.name },
  ]);
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.code]),
    [
      [3, 'invalid_id_number'],
      [5, 'duplicate_in_file'],
      [6, 'invalid_name'],
    ],
  );
  assert.equal(parseRegistryCsv('foo,bar\n1,2', TODAY).errors[0]!.code, 'missing_header');
});

forEachStore('population registry import', (env) => {
  test('staff import a CSV; good rows load, bad ones are reported; people can then verify', async () => {
    const staff = await createStaff(env());
    const p = await registerPerson(env(), { inRegistry: false });
    const csv = `id_number,name\n${p.idNumber},${p.name}\n11010519491231002Y,坏行\n`;
    const r = await call(env().app, 'POST', '/v1/staff/registry/import', {
      token: staff.token,
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.accepted, 1);
    assert.equal(r.body.rejected, 1);
    assert.equal(r.body.errors[0].line, 3);
    const row = await env().db.query<{ name: string }>(
      'select name from population_registry where id_number = $1',
      [p.idNumber],
    );
    assert.equal(row.rows[0]?.name, p.name);
  });

  test('a file without the header is a 422; persons cannot import', async () => {
    const staff = await createStaff(env());
    const r = await call(env().app, 'POST', '/v1/staff/registry/import', {
      token: staff.token,
      payload: 'a,b\n1,2\n',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'missing_header');
    const p = await registerPerson(env());
    const byPerson = await call(env().app, 'POST', '/v1/staff/registry/import', {
      token: p.token,
      payload: 'id_number,name\n',
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(byPerson.status, 403);
  });
});
