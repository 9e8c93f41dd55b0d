import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, login, newCitizen, newPhone } from '../../test/support/env.ts';
import { countRows, PASSWORD } from '../../test/support/factories.ts';
import { makeCreditCode } from './credit-code.ts';
import { daysBetween, isRegistrationOverdue } from './store.ts';

test('art. 58 deadline: 30 days after hiring is on time, 31 is overdue', () => {
  assert.equal(daysBetween('2026-01-01', '2026-01-31'), 30);
  assert.equal(isRegistrationOverdue('2026-01-01', '2026-01-31'), false);
  assert.equal(isRegistrationOverdue('2026-01-01', '2026-02-01'), true);
  assert.equal(isRegistrationOverdue('2024-02-01', '2024-03-02'), false, 'leap February: 30 days');
});

let n = 0;
const creditCode = () => makeCreditCode(`9144030070846${String(1000 + ++n).slice(-4)}`);

forEachStore('employers and employees', (env) => {
  async function newEmployer() {
    const loginName = `emp${n}x${Date.now() % 100000}`;
    const r = await call(env().app, 'POST', '/v1/employers', {
      body: {
        creditCode: creditCode(),
        name: 'Test Co.',
        regionCode: 'demo',
        login: loginName,
        password: PASSWORD,
      },
    });
    assert.equal(r.status, 201, r.raw);
    return { ...r.body, token: (await login(env().app, loginName, PASSWORD)).token };
  }

  test('an employer registers; a bad credit code or a duplicate is refused and nothing is written', async () => {
    const code = creditCode();
    const ok = await call(env().app, 'POST', '/v1/employers', {
      body: { creditCode: code, name: 'A', regionCode: 'demo', login: `a${n}emp`, password: PASSWORD },
    });
    assert.equal(ok.status, 201);
    const before = await countRows(env(), 'employers');
    const bad = await call(env().app, 'POST', '/v1/employers', {
      body: {
        creditCode: code.slice(0, 17) + (code[17] === '0' ? '1' : '0'),
        name: 'B',
        regionCode: 'demo',
        login: `b${n}emp`,
        password: PASSWORD,
      },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'invalid_credit_code');
    const dup = await call(env().app, 'POST', '/v1/employers', {
      body: { creditCode: code, name: 'C', regionCode: 'demo', login: `c${n}emp`, password: PASSWORD },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'employer_exists');
    const takenLogin = await call(env().app, 'POST', '/v1/employers', {
      body: {
        creditCode: creditCode(),
        name: 'D',
        regionCode: 'demo',
        login: `a${n - 1}emp`,
        password: PASSWORD,
      },
    });
    assert.equal(takenLogin.status, 409);
    assert.equal(await countRows(env(), 'employers'), before, 'the login clash rolled the employer back too');
  });

  test('employees register row by row; late ones are flagged overdue; bad rows are reported', async () => {
    const emp = await newEmployer();
    const onTime = newCitizen();
    const late = newCitizen();
    const today = env().clock.now();
    const daysAgo = (d: number) => new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10);
    const r = await call(env().app, 'POST', '/v1/employer/employees', {
      token: emp.token,
      body: {
        employees: [
          { ...onTime, hireDate: daysAgo(30) },
          { ...late, hireDate: daysAgo(45) },
          { idNumber: '11010519491231002Y', name: '坏', hireDate: daysAgo(1) },
          { ...newCitizen(), hireDate: daysAgo(-3) },
          { ...onTime, hireDate: daysAgo(30) },
        ],
      },
    });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.registered, 2);
    assert.equal(r.body.failed, 3);
    assert.deepEqual(
      r.body.results.map((x: { status: string; overdue?: boolean; code?: string }) => x.overdue ?? x.code),
      [false, true, 'invalid_id_number', 'hire_date_in_future', 'already_employed'],
    );
    const list = await call(env().app, 'GET', '/v1/employer/employees', { token: emp.token });
    assert.equal(list.body.employees.length, 2);
    const p = await env().db.query<{ insurance_type: string; employer_id: string }>(
      'select insurance_type, employer_id from persons where id_number = $1',
      [late.idNumber],
    );
    assert.deepEqual(p.rows[0], { insurance_type: 'employee', employer_id: emp.employerId });
  });

  test('an employee registered by the employer can later open a person account on the same record', async () => {
    const emp = await newEmployer();
    const c = newCitizen();
    await call(env().app, 'POST', '/v1/employer/employees', {
      token: emp.token,
      body: { employees: [{ ...c, hireDate: env().clock.now().toISOString().slice(0, 10) }] },
    });
    const wrongName = await call(env().app, 'POST', '/v1/auth/register', {
      body: { phone: newPhone(), password: PASSWORD, name: '冒名', idNumber: c.idNumber, regionCode: 'demo' },
    });
    assert.equal(wrongName.status, 422);
    assert.equal(wrongName.body.error.code, 'name_mismatch');
    const phone = newPhone();
    const r = await call(env().app, 'POST', '/v1/auth/register', {
      body: { phone, password: PASSWORD, name: c.name, idNumber: c.idNumber, regionCode: 'demo' },
    });
    assert.equal(r.status, 201);
    const me = await call(env().app, 'GET', '/v1/me', {
      token: (await login(env().app, phone, PASSWORD)).token,
    });
    assert.equal(me.body.person.insuranceType, 'employee');
    assert.equal(me.body.person.employerId, emp.employerId);
  });

  test('an employer sees only its own employees', async () => {
    const a = await newEmployer();
    const b = await newEmployer();
    await call(env().app, 'POST', '/v1/employer/employees', {
      token: a.token,
      body: { employees: [{ ...newCitizen(), hireDate: '2026-06-01' }] },
    });
    const listB = await call(env().app, 'GET', '/v1/employer/employees', { token: b.token });
    assert.equal(listB.body.employees.length, 0);
  });
});
