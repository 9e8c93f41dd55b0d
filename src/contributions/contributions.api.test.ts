import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, login, newCitizen, type TestEnv } from '../../test/support/env.ts';
import {
  activeEcard,
  createInstitution,
  createStaff,
  createTerminal,
  item,
  PASSWORD,
  qrOf,
  registerPerson,
  settleCall,
} from '../../test/support/factories.ts';
import { makeCreditCode } from '../employers/credit-code.ts';
import { checkLedger } from '../ledger/check.ts';
import { checkSettlements } from '../settlement/check.ts';

let n = 0;
async function employerWith(
  env: TestEnv,
  employees: Array<{ idNumber: string; name: string; retired?: boolean }>,
) {
  const loginName = `payroll${++n}x${Date.now() % 100000}`;
  const r = await call(env.app, 'POST', '/v1/employers', {
    body: {
      creditCode: makeCreditCode(`9144030071846${String(2000 + n).slice(-4)}`),
      name: 'Payroll Co.',
      regionCode: 'demo',
      login: loginName,
      password: PASSWORD,
    },
  });
  assert.equal(r.status, 201, r.raw);
  const token = (await login(env.app, loginName, PASSWORD)).token;
  const e = await call(env.app, 'POST', '/v1/employer/employees', {
    token,
    body: { employees: employees.map((x) => ({ ...x, hireDate: '2026-01-01' })) },
  });
  assert.equal(e.body.registered, employees.length, e.raw);
  return { token, employerId: r.body.employerId };
}

const balance = async (env: TestEnv, token: string) =>
  (await call(env.app, 'GET', '/v1/me/account', { token })).body.balance;

async function invariants(env: TestEnv) {
  assert.deepEqual(
    [...(await checkLedger(env.db)).problems, ...(await checkSettlements(env.db)).problems],
    [],
  );
}

forEachStore('contributions', (env) => {
  test('an employer declares a month, paid: premiums go to the pooled fund and the credited part to each account', async () => {
    const worker = await registerPerson(env());
    const boss = newCitizen();
    const old = newCitizen();
    const emp = await employerWith(env(), [worker, boss, { ...old, retired: true }]);
    const r = await call(env().app, 'POST', '/v1/employer/contributions/2026-05', {
      token: emp.token,
      body: {
        paid: true,
        declarations: [
          { idNumber: worker.idNumber, declaredBase: 800_000 },
          { idNumber: boss.idNumber, declaredBase: 9_000_000 },
          { idNumber: old.idNumber, declaredBase: 500_000 },
          { idNumber: newCitizen().idNumber, declaredBase: 500_000 },
          { idNumber: '11010519491231002Y', declaredBase: 1 },
        ],
      },
    });
    assert.equal(r.status, 201, r.raw);
    assert.deepEqual(
      r.body.rows.map((x: { status: string; code?: string }) => x.code ?? x.status),
      ['accepted', 'accepted', 'accepted', 'not_an_employee', 'invalid_id_number'],
    );
    const byPerson = Object.fromEntries(r.body.run.lines.map((l: { idNumber: string }) => [l.idNumber, l]));
    // Demo rules: employer 8%, own 2% of which 2% of the base credited; base between 6,000 and 30,000 yuan.
    assert.deepEqual(
      [
        byPerson[worker.idNumber].base,
        byPerson[worker.idNumber].employerPremium,
        byPerson[worker.idNumber].employeePremium,
        byPerson[worker.idNumber].toIndividualAccount,
      ],
      [800_000, 64_000, 16_000, 16_000],
    );
    assert.equal(byPerson[boss.idNumber].base, 3_000_000);
    assert.equal(byPerson[boss.idNumber].baseAdjustment, 'lowered_to_cap');
    assert.equal(byPerson[old.idNumber].employeePremium, 0, 'retirees pay nothing');
    assert.equal(r.body.run.status, 'paid');
    assert.equal(
      r.body.run.toPooledFund + r.body.run.toIndividualAccounts,
      r.body.run.employerPremium + r.body.run.employeePremium,
    );
    assert.equal(await balance(env(), worker.token), 16_000);
    const mine = await call(env().app, 'GET', '/v1/me/contributions', { token: worker.token });
    assert.deepEqual(mine.body.months, [
      {
        month: '2026-05',
        employerPremium: 64_000,
        ownPremium: 16_000,
        credited: 16_000,
        base: 800_000,
        status: 'paid',
        payer: 'employer',
      },
    ]);
    await invariants(env());
  });

  test('a run is idempotent per employer and month; other figures for the same month are refused', async () => {
    const worker = await registerPerson(env());
    const emp = await employerWith(env(), [worker]);
    const body = { paid: true, declarations: [{ idNumber: worker.idNumber, declaredBase: 700_000 }] };
    const first = await call(env().app, 'POST', '/v1/employer/contributions/2026-04', {
      token: emp.token,
      body,
    });
    const again = await call(env().app, 'POST', '/v1/employer/contributions/2026-04', {
      token: emp.token,
      body,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    assert.equal(again.body.run.id, first.body.run.id);
    assert.equal(await balance(env(), worker.token), 14_000, 'credited once');
    const other = await call(env().app, 'POST', '/v1/employer/contributions/2026-04', {
      token: emp.token,
      body: { ...body, declarations: [{ idNumber: worker.idNumber, declaredBase: 700_001 }] },
    });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'run_exists');
    const future = await call(env().app, 'POST', '/v1/employer/contributions/2027-01', {
      token: emp.token,
      body,
    });
    assert.equal(future.body.error.code, 'month_in_future');
    const none = await call(env().app, 'POST', '/v1/employer/contributions/2026-03', {
      token: emp.token,
      body: { paid: true, declarations: [{ idNumber: newCitizen().idNumber, declaredBase: 1 }] },
    });
    assert.equal(none.status, 422);
    assert.equal(none.body.error.code, 'no_valid_rows');
  });

  test('unpaid premiums are arrears until paid; paying credits them once', async () => {
    const worker = await registerPerson(env());
    const emp = await employerWith(env(), [worker]);
    await call(env().app, 'POST', '/v1/employer/contributions/2026-02', {
      token: emp.token,
      body: { paid: false, declarations: [{ idNumber: worker.idNumber, declaredBase: 1_000_000 }] },
    });
    const arrears = await call(env().app, 'GET', '/v1/employer/contributions?status=due', {
      token: emp.token,
    });
    assert.deepEqual(
      arrears.body.runs.map((x: { month: string }) => x.month),
      ['2026-02'],
    );
    assert.equal(await balance(env(), worker.token), 0, 'nothing credited while unpaid');
    const mine = await call(env().app, 'GET', '/v1/me/contributions', { token: worker.token });
    assert.equal(mine.body.months[0].status, 'due');
    const pay = await call(env().app, 'POST', '/v1/employer/contributions/2026-02/pay', { token: emp.token });
    assert.equal(pay.status, 200, pay.raw);
    assert.equal(pay.body.status, 'paid');
    assert.equal(await balance(env(), worker.token), 20_000);
    const twice = await call(env().app, 'POST', '/v1/employer/contributions/2026-02/pay', {
      token: emp.token,
    });
    assert.equal(twice.body.error.code, 'already_paid');
    assert.equal(
      (await call(env().app, 'POST', '/v1/employer/contributions/2025-02/pay', { token: emp.token })).status,
      404,
    );
    await invariants(env());
  });

  test('flexible workers pay their own; employees cannot; staff of the region can read them', async () => {
    const flex = await registerPerson(env(), { insuranceType: 'flexible' });
    const r = await call(env().app, 'POST', '/v1/me/contributions/2026-05', {
      token: flex.token,
      body: { declaredBase: 600_000 },
    });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.lines[0].employeePremium, 60_000);
    assert.equal(r.body.lines[0].toIndividualAccount, 12_000);
    assert.equal(await balance(env(), flex.token), 12_000);
    const again = await call(env().app, 'POST', '/v1/me/contributions/2026-05', {
      token: flex.token,
      body: { declaredBase: 600_000 },
    });
    assert.equal(again.body.error.code, 'run_exists');
    const resident = await registerPerson(env());
    const refused = await call(env().app, 'POST', '/v1/me/contributions/2026-05', {
      token: resident.token,
      body: { declaredBase: 600_000 },
    });
    assert.equal(refused.body.error.code, 'not_flexible');
    const far = await createStaff(env(), '440300');
    const refusedFar = await call(env().app, 'GET', `/v1/staff/persons/${flex.personId}/contributions`, {
      token: far.token,
    });
    assert.equal(refusedFar.status, 404, 'staff of another region do not see it');
    const near = await createStaff(env(), 'demo');
    for (const what of ['account', 'settlements']) {
      const farView = await call(env().app, 'GET', `/v1/staff/persons/${flex.personId}/${what}`, {
        token: far.token,
      });
      assert.equal(farView.status, 404, what);
    }
    const account = await call(env().app, 'GET', `/v1/staff/persons/${flex.personId}/account`, {
      token: near.token,
    });
    assert.equal(account.body.balance, 12_000);
    assert.equal(account.body.movements[0].kind, 'contribution');
    const settled = await call(env().app, 'GET', `/v1/staff/persons/${flex.personId}/settlements`, {
      token: near.token,
    });
    assert.deepEqual(settled.body.settlements, []);
    const nearView = await call(env().app, 'GET', `/v1/staff/persons/${flex.personId}/contributions`, {
      token: near.token,
    });
    assert.equal(nearView.body.months.length, 1);
    const adminView = await call(env().app, 'GET', `/v1/staff/persons/${flex.personId}/contributions`, {
      token: env().adminToken,
    });
    assert.equal(adminView.body.months[0].payer, 'self');
  });

  test('contributions and settlements interleave and the ledger stays sound', async () => {
    const shop = await createInstitution(env());
    const till = (await createTerminal(env(), shop)).token;
    const p = await activeEcard(env());
    const emp = await employerWith(env(), [p]);
    const pays: Array<Promise<unknown>> = [];
    for (const month of ['2026-01', '2026-02', '2026-03']) {
      pays.push(
        call(env().app, 'POST', `/v1/employer/contributions/${month}`, {
          token: emp.token,
          body: { paid: true, declarations: [{ idNumber: p.idNumber, declaredBase: 1_000_000 }] },
        }),
      );
      pays.push(
        settleCall(env(), till, {
          qr: await qrOf(env(), p),
          bill: { setting: 'outpatient', items: [item('A', 100)] },
        }),
      );
    }
    await Promise.all(pays);
    const account = await balance(env(), p.token);
    const mine = await call(env().app, 'GET', '/v1/me/settlements', { token: p.token });
    const paidFromAccount = mine.body.settlements.reduce(
      (s: number, x: { result: { totals: { accountPaid: number } } }) => s + x.result.totals.accountPaid,
      0,
    );
    assert.equal(account, 3 * 20_000 - paidFromAccount);
    await invariants(env());
  });
});
