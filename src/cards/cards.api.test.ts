import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore, login, newCitizen, type TestEnv } from '../../test/support/env.ts';
import {
  CARD_PIN,
  countRows,
  createStaff,
  issuedCard,
  PASSWORD,
  registerPerson,
  type TestPerson,
} from '../../test/support/factories.ts';
import { makeCreditCode } from '../employers/credit-code.ts';
import { activateOnFirstUse, pinCheckError, verifyCardPin } from './cards.ts';

const TABLES = ['card_applications', 'cards', 'card_events', 'notifications', 'ecards'];

/** Row counts of every table a card step writes: a refusal must leave them all unchanged. */
async function snapshot(env: TestEnv): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = await countRows(env, t);
  const st = await env.db.query<{ s: string }>(
    `select string_agg(id::text || status || pin_failures::text || pin_locked::text || coalesce(pin_hash, '-'), ',' order by id) as s from cards`,
  );
  out[`cards:${st.rows[0]?.s ?? ''}`] = 0;
  const ap = await env.db.query<{ s: string }>(
    `select string_agg(id::text || status, ',' order by id) as s from card_applications`,
  );
  out[`apps:${ap.rows[0]?.s ?? ''}`] = 0;
  return out;
}

let employerN = 0;

forEachStore(
  'physical social security cards',
  (env) => {
    const post = (url: string, token: string, body?: unknown) =>
      call(env().app, 'POST', url, { token, body: body ?? {} });
    const get = (url: string, token: string) => call(env().app, 'GET', url, { token });

    // Refusals are checked by running the request after the snapshot, so they take a thunk.
    async function refuse(
      run: () => Promise<{ status: number; body: any; raw: string }>,
      status: number,
      code: string,
    ) {
      const before = await snapshot(env());
      const r = await run();
      assert.equal(r.status, status, r.raw);
      assert.equal(r.body.error.code, code, r.raw);
      assert.deepEqual(await snapshot(env()), before, `${code}: the database is unchanged`);
      return r;
    }

    const inboxKinds = async (p: TestPerson) =>
      (await get('/v1/me/notifications', p.token)).body.notifications.map((n: { kind: string }) => n.kind);

    test('county centre at the counter: issued in one step, with evidence and history', async () => {
      env().clock.set('2026-06-15T02:00:00Z');
      const p = await registerPerson(env());
      const staff = await createStaff(env(), 'demo', 'county_centre');
      const body = {
        channel: 'county_centre',
        idNumber: p.idNumber,
        name: p.name,
        idChecked: true,
        pin: CARD_PIN,
      };
      await refuse(
        () => post('/v1/staff/cards/applications', staff.token, { ...body, idChecked: false }),
        422,
        'id_not_checked',
      );
      await refuse(
        () => post('/v1/staff/cards/applications', staff.token, { ...body, idChecked: undefined }),
        422,
        'id_not_checked',
      );
      await refuse(
        () => post('/v1/staff/cards/applications', staff.token, { ...body, pin: undefined }),
        422,
        'pin_required',
      );
      await refuse(
        () => post('/v1/staff/cards/applications', staff.token, { ...body, name: '别人' }),
        422,
        'name_mismatch',
      );
      const bad = p.idNumber.slice(0, 17) + (p.idNumber[17] === '1' ? '2' : '1');
      await refuse(
        () => post('/v1/staff/cards/applications', staff.token, { ...body, idNumber: bad }),
        422,
        'invalid_id_number',
      );
      const sp = await createStaff(env(), 'demo', 'service_point');
      await refuse(() => post('/v1/staff/cards/applications', sp.token, body), 422, 'wrong_office_kind');
      const elsewhere = await createStaff(env(), '440300', 'county_centre');
      await refuse(
        () => post('/v1/staff/cards/applications', elsewhere.token, body),
        404,
        'person_not_found',
      );
      await refuse(() => post('/v1/staff/cards/applications', p.token, body), 403, 'wrong_role');
      const short = await post('/v1/staff/cards/applications', staff.token, { ...body, pin: '12345' });
      assert.equal(short.status, 400);

      const r = await post('/v1/staff/cards/applications', staff.token, body);
      assert.equal(r.status, 201, r.raw);
      assert.equal(r.body.application.status, 'issued');
      assert.equal(r.body.application.channel, 'county_centre');
      assert.equal(r.body.application.submittedVia, 'counter');
      assert.equal(r.body.application.officeId, staff.officeId);
      assert.equal(r.body.application.idChecked, true);
      assert.equal(r.body.card.status, 'issued');
      assert.match(r.body.card.cardNumber, /^DE[0-9A-Z]{7}$/);
      assert.equal(r.body.card.pinSet, true);
      assert.equal(r.body.card.bank, 'Agricultural Bank of China');
      const stored = await env().db.query<{ pin_hash: string }>('select pin_hash from cards where id = $1', [
        r.body.card.id,
      ]);
      assert.ok(!stored.rows[0]!.pin_hash.includes(CARD_PIN), 'the PIN is stored hashed');
      assert.match(stored.rows[0]!.pin_hash, /^scrypt\$/);

      await refuse(() => post('/v1/staff/cards/applications', staff.token, body), 409, 'card_exists');
      const mine = await get('/v1/me/cards', p.token);
      assert.equal(mine.status, 200);
      assert.equal(mine.body.cards.length, 1);
      assert.equal(mine.body.cards[0].cardNumber, '*****' + r.body.card.cardNumber.slice(-4));
      assert.deepEqual(
        mine.body.history.map((e: { subject: string; event: string }) => `${e.subject}:${e.event}`),
        ['application:applied', 'card:issued', 'application:issued'],
      );
      const ev = mine.body.history[1];
      assert.equal(ev.actorRole, 'staff');
      assert.equal(ev.officeId, staff.officeId);
      assert.equal(ev.channel, 'counter');
      const who = await env().db.query('select actor_user_id from card_events where subject_id = $1', [
        r.body.card.id,
      ]);
      assert.equal(who.rows[0]!.actor_user_id, staff.userId);
      assert.ok((await inboxKinds(p)).includes('card_issued'));
    });

    test('service point from the app: due in 3 working days, ready → notified, collect with the original ID', async () => {
      env().clock.set('2026-06-19T02:00:00Z'); // Friday (China: 10:00): due the next Wednesday
      const p = await registerPerson(env());
      const staff = await createStaff(env(), 'demo', 'service_point');
      const county = await createStaff(env(), 'demo', 'county_centre');
      const other = await createStaff(env(), '440300', 'service_point');
      await refuse(
        () =>
          post('/v1/me/cards/applications', p.token, { channel: 'service_point', officeId: other.officeId }),
        422,
        'unknown_office',
      );
      await refuse(
        () =>
          post('/v1/me/cards/applications', p.token, { channel: 'service_point', officeId: county.officeId }),
        422,
        'wrong_office_kind',
      );
      await refuse(
        () =>
          post('/v1/me/cards/applications', staff.token, {
            channel: 'service_point',
            officeId: staff.officeId,
          }),
        403,
        'wrong_role',
      );
      const a = await post('/v1/me/cards/applications', p.token, {
        channel: 'service_point',
        officeId: staff.officeId,
      });
      assert.equal(a.status, 201, a.raw);
      assert.equal(a.body.application.status, 'pending');
      assert.equal(a.body.application.dueDate, '2026-06-24');
      assert.equal(a.body.application.submittedVia, 'app');
      assert.equal(a.body.card, null);
      const id = a.body.application.id;
      await refuse(
        () =>
          post('/v1/me/cards/applications', p.token, { channel: 'service_point', officeId: staff.officeId }),
        409,
        'already_applied',
      );
      await refuse(
        () =>
          post('/v1/staff/cards/applications', county.token, {
            channel: 'county_centre',
            idNumber: p.idNumber,
            name: p.name,
            idChecked: true,
            pin: CARD_PIN,
          }),
        409,
        'already_applied',
      );
      await refuse(
        () =>
          post(`/v1/staff/cards/applications/${id}/collect`, staff.token, { idChecked: true, pin: CARD_PIN }),
        409,
        'not_ready',
      );
      await refuse(
        () =>
          post(`/v1/staff/cards/applications/${id}/issue`, county.token, { idChecked: true, pin: CARD_PIN }),
        409,
        'wrong_flow',
      );
      await refuse(
        () => post(`/v1/staff/cards/applications/${id}/ready`, other.token),
        404,
        'application_not_found',
      );

      const queue = await get(
        `/v1/staff/cards/applications?status=pending&officeId=${staff.officeId}`,
        staff.token,
      );
      assert.ok(queue.body.applications.some((x: { id: string }) => x.id === id));
      const otherQueue = await get('/v1/staff/cards/applications', other.token);
      assert.ok(
        !otherQueue.body.applications.some((x: { id: string }) => x.id === id),
        'other regions do not see it',
      );
      const byChannel = await get('/v1/staff/cards/applications?channel=county_centre', staff.token);
      assert.ok(!byChannel.body.applications.some((x: { id: string }) => x.id === id));

      const ready = await post(`/v1/staff/cards/applications/${id}/ready`, staff.token);
      assert.equal(ready.status, 200, ready.raw);
      assert.equal(ready.body.application.status, 'ready');
      assert.ok((await inboxKinds(p)).includes('card_ready'));
      await refuse(() => post(`/v1/staff/cards/applications/${id}/ready`, staff.token), 409, 'not_pending');
      await refuse(
        () =>
          post(`/v1/staff/cards/applications/${id}/collect`, staff.token, {
            idChecked: false,
            pin: CARD_PIN,
          }),
        422,
        'id_not_checked',
      );
      await refuse(
        () => post(`/v1/staff/cards/applications/${id}/collect`, staff.token, { idChecked: true }),
        422,
        'pin_required',
      );
      const c = await post(`/v1/staff/cards/applications/${id}/collect`, staff.token, {
        idChecked: true,
        pin: CARD_PIN,
        bank: 'Bank of China',
      });
      assert.equal(c.status, 200, c.raw);
      assert.equal(c.body.application.status, 'issued');
      assert.equal(c.body.application.idChecked, true);
      assert.equal(c.body.card.bank, 'Bank of China');
      await refuse(
        () =>
          post(`/v1/staff/cards/applications/${id}/collect`, staff.token, { idChecked: true, pin: CARD_PIN }),
        409,
        'not_ready',
      );
      await refuse(
        () => post(`/v1/staff/cards/applications/${id}/cancel`, staff.token),
        409,
        'not_cancellable',
      );
      const mine = await get('/v1/me/cards', p.token);
      assert.deepEqual(
        mine.body.history.map((e: { event: string }) => e.event),
        ['applied', 'ready', 'issued', 'collected'],
      );
    });

    test('the due date skips public holidays (Golden Week)', async () => {
      env().clock.set('2026-09-30T02:00:00Z');
      const p = await registerPerson(env());
      const staff = await createStaff(env(), 'demo', 'service_point');
      const a = await post('/v1/me/cards/applications', p.token, {
        channel: 'service_point',
        officeId: staff.officeId,
      });
      assert.equal(a.body.application.dueDate, '2026-10-12');
      // the person may withdraw; then apply again
      const other = await registerPerson(env());
      await refuse(
        () => post(`/v1/me/cards/applications/${a.body.application.id}/cancel`, other.token),
        404,
        'application_not_found',
      );
      const w = await post(`/v1/me/cards/applications/${a.body.application.id}/cancel`, p.token);
      assert.equal(w.body.application.status, 'cancelled');
      const again = await post('/v1/me/cards/applications', p.token, {
        channel: 'service_point',
        officeId: staff.officeId,
      });
      assert.equal(again.status, 201);
      const s = await post(`/v1/staff/cards/applications/${again.body.application.id}/cancel`, staff.token);
      assert.equal(s.body.application.status, 'cancelled');
    });

    test('county centre from the app: issued on the spot when the person comes in', async () => {
      env().clock.set('2026-06-15T02:00:00Z');
      const p = await registerPerson(env());
      const county = await createStaff(env(), 'demo', 'county_centre');
      const sp = await createStaff(env(), 'demo', 'service_point');
      const a = await post('/v1/me/cards/applications', p.token, {
        channel: 'county_centre',
        officeId: county.officeId,
      });
      assert.equal(a.status, 201, a.raw);
      assert.equal(a.body.application.dueDate, null);
      const id = a.body.application.id;
      await refuse(() => post(`/v1/staff/cards/applications/${id}/ready`, county.token), 409, 'wrong_flow');
      await refuse(
        () => post(`/v1/staff/cards/applications/${id}/issue`, sp.token, { idChecked: true, pin: CARD_PIN }),
        422,
        'wrong_office_kind',
      );
      await refuse(
        () =>
          post(`/v1/staff/cards/applications/${id}/issue`, county.token, { idChecked: false, pin: CARD_PIN }),
        422,
        'id_not_checked',
      );
      const i = await post(`/v1/staff/cards/applications/${id}/issue`, county.token, {
        idChecked: true,
        pin: CARD_PIN,
      });
      assert.equal(i.status, 200, i.raw);
      assert.equal(i.body.application.status, 'issued');
      assert.equal(i.body.card.status, 'issued');
      await refuse(
        () =>
          post(`/v1/staff/cards/applications/${id}/issue`, county.token, { idChecked: true, pin: CARD_PIN }),
        409,
        'not_pending',
      );
    });

    test('agent: both IDs recorded and validated; the PIN is set at activation', async () => {
      const p = await registerPerson(env());
      const agent = newCitizen({ name: '代办人' });
      const sp = await createStaff(env(), 'demo', 'service_point');
      const county = await createStaff(env(), 'demo', 'county_centre');
      const base = { channel: 'agent', idNumber: p.idNumber, name: p.name };
      await refuse(() => post('/v1/staff/cards/applications', sp.token, base), 422, 'agent_required');
      await refuse(
        () =>
          post('/v1/staff/cards/applications', sp.token, {
            ...base,
            agent: { idNumber: p.idNumber, name: p.name },
          }),
        422,
        'agent_is_person',
      );
      const badAgent = agent.idNumber.slice(0, 17) + (agent.idNumber[17] === '1' ? '2' : '1');
      const bad = await refuse(
        () =>
          post('/v1/staff/cards/applications', sp.token, {
            ...base,
            agent: { idNumber: badAgent, name: agent.name },
          }),
        422,
        'invalid_id_number',
      );
      assert.equal(bad.body.error.details.field, 'agent.idNumber');
      const a = await post('/v1/staff/cards/applications', sp.token, { ...base, agent });
      assert.equal(a.status, 201, a.raw);
      assert.equal(a.body.application.status, 'pending');
      assert.ok(a.body.application.dueDate);
      assert.equal(
        a.body.application.agent.idNumber,
        agent.idNumber.slice(0, 4) + '**********' + agent.idNumber.slice(-4),
      );
      assert.equal(a.body.application.agent.name, '代**');
      const stored = await env().db.query<{ agent_id_number: string; agent_name: string }>(
        'select agent_id_number, agent_name from card_applications where id = $1',
        [a.body.application.id],
      );
      assert.deepEqual(stored.rows[0], { agent_id_number: agent.idNumber, agent_name: agent.name });

      // At a county centre an agent application is issued on the spot, without a PIN.
      const q = await registerPerson(env());
      await refuse(
        () =>
          post('/v1/staff/cards/applications', county.token, {
            channel: 'agent',
            idNumber: q.idNumber,
            name: q.name,
            agent,
          }),
        422,
        'id_not_checked',
      );
      const b = await post('/v1/staff/cards/applications', county.token, {
        channel: 'agent',
        idNumber: q.idNumber,
        name: q.name,
        agent,
        idChecked: true,
      });
      assert.equal(b.status, 201, b.raw);
      assert.equal(b.body.application.status, 'issued');
      assert.equal(b.body.card.pinSet, false);
      const cardId = b.body.card.id;
      await refuse(
        () => post(`/v1/staff/cards/${cardId}/activate`, county.token, { place: 'bank' }),
        422,
        'pin_required',
      );
      const act = await post(`/v1/staff/cards/${cardId}/activate`, county.token, {
        place: 'bank',
        pin: CARD_PIN,
      });
      assert.equal(act.status, 200, act.raw);
      assert.equal(act.body.status, 'active');
      assert.equal(act.body.pinSet, true);
      assert.equal(act.body.activationPlace, 'bank');
      await refuse(
        () => post(`/v1/staff/cards/${cardId}/activate`, county.token, { place: 'bank' }),
        409,
        'already_active',
      );
    });

    test('employer batch: invalid rows reported row by row, valid ones issued to the employer, who hands them out', async () => {
      const n = ++employerN;
      const loginName = `cardemp${n}x${Date.now() % 100000}`;
      const reg = await call(env().app, 'POST', '/v1/employers', {
        body: {
          creditCode: makeCreditCode(`9144030070846${String(5000 + n).slice(-4)}`),
          name: 'Card Co.',
          regionCode: 'demo',
          login: loginName,
          password: PASSWORD,
        },
      });
      assert.equal(reg.status, 201, reg.raw);
      const emp = (await login(env().app, loginName, PASSWORD)).token;
      const [e1, e2, e3] = [newCitizen(), newCitizen(), newCitizen()];
      const today = env().clock.now().toISOString().slice(0, 10);
      const hired = await post('/v1/employer/employees', emp, {
        employees: [e1, e2, e3].map((e) => ({ ...e, hireDate: today })),
      });
      assert.equal(hired.body.registered, 3, hired.raw);
      // e3 already has a card
      const county = await createStaff(env(), 'demo', 'county_centre');
      await post('/v1/staff/cards/applications', county.token, {
        channel: 'county_centre',
        ...e3,
        idChecked: true,
        pin: CARD_PIN,
      });
      const stranger = await registerPerson(env());
      const badId = e1.idNumber.slice(0, 17) + (e1.idNumber[17] === '1' ? '2' : '1');
      const agent = newCitizen();
      const body = {
        introductionRef: 'LOI-2026-001',
        agent,
        employees: [
          e1,
          { idNumber: badId, name: 'x' },
          { idNumber: stranger.idNumber, name: stranger.name },
          { ...e2, name: '不对' },
          e3,
          e2,
        ],
      };
      const badAgent = await post('/v1/employer/card-batches', emp, {
        ...body,
        agent: { ...agent, idNumber: badId },
      });
      assert.equal(badAgent.status, 422);
      assert.equal(badAgent.body.error.code, 'invalid_id_number');
      const r = await post('/v1/employer/card-batches', emp, body);
      assert.equal(r.status, 200, r.raw);
      assert.equal(r.body.issued, 2);
      assert.equal(r.body.failed, 4);
      assert.deepEqual(
        r.body.results.map((x: { status: string; code?: string }) => x.code ?? x.status),
        ['issued', 'invalid_id_number', 'not_an_employee', 'name_mismatch', 'card_exists', 'issued'],
      );
      assert.deepEqual(
        r.body.results.map((x: { row: number }) => x.row),
        [1, 2, 3, 4, 5, 6],
      );
      const again = await post('/v1/employer/card-batches', emp, { ...body, employees: [e1] });
      assert.equal(again.body.results[0].code, 'card_exists');
      const apps = await env().db.query<{
        channel: string;
        introduction_ref: string;
        agent_id_number: string;
        batch_id: string;
      }>(`select channel, introduction_ref, agent_id_number, batch_id from card_applications where id = $1`, [
        r.body.results[0].applicationId,
      ]);
      assert.deepEqual(apps.rows[0], {
        channel: 'employer',
        introduction_ref: 'LOI-2026-001',
        agent_id_number: agent.idNumber,
        batch_id: r.body.batchId,
      });

      const list = await get('/v1/employer/cards', emp);
      assert.equal(list.body.cards.length, 2);
      assert.ok(
        list.body.cards.every(
          (c: { idNumber: string; handedOutAt: null }) => c.idNumber.includes('*') && c.handedOutAt === null,
        ),
      );
      const cardId = r.body.results[0].cardId;
      await refuse(
        () => post(`/v1/staff/cards/${cardId}/activate`, county.token, { place: 'bank', pin: CARD_PIN }),
        422,
        'not_handed_out',
      );
      const person = await registerPerson(env());
      await refuse(() => post(`/v1/employer/cards/${cardId}/hand-out`, person.token), 403, 'wrong_role');
      const h = await post(`/v1/employer/cards/${cardId}/hand-out`, emp);
      assert.equal(h.status, 200, h.raw);
      assert.ok(h.body.handedOutAt);
      await refuse(() => post(`/v1/employer/cards/${cardId}/hand-out`, emp), 409, 'already_handed_out');
      const app = await env().db.query<{ status: string }>(
        'select status from card_applications where card_id = $1',
        [cardId],
      );
      assert.equal(app.rows[0]!.status, 'handed_out');
      const act = await post(`/v1/staff/cards/${cardId}/activate`, county.token, {
        place: 'pharmacy',
        pin: CARD_PIN,
      });
      assert.equal(act.body.status, 'active');
      // another employer cannot see or hand out these cards
      const n2 = ++employerN;
      const login2 = `cardemp${n2}y${Date.now() % 100000}`;
      await call(env().app, 'POST', '/v1/employers', {
        body: {
          creditCode: makeCreditCode(`9144030070846${String(5000 + n2).slice(-4)}`),
          name: 'Other Co.',
          regionCode: 'demo',
          login: login2,
          password: PASSWORD,
        },
      });
      const emp2 = (await login(env().app, login2, PASSWORD)).token;
      assert.equal((await get('/v1/employer/cards', emp2)).body.cards.length, 0);
      await refuse(
        () => post(`/v1/employer/cards/${r.body.results[5].cardId}/hand-out`, emp2),
        404,
        'card_not_found',
      );
    });

    test('loss report freezes at once; replacement gives a new number and kills the old; cancellation', async () => {
      const c = await issuedCard(env(), { activate: true });
      const other = await registerPerson(env());
      const elsewhere = await createStaff(env(), '440300', 'county_centre');
      await refuse(() => post(`/v1/me/cards/${c.cardId}/report-loss`, other.token), 404, 'card_not_found');
      await refuse(
        () => post(`/v1/staff/cards/${c.cardId}/report-loss`, elsewhere.token),
        404,
        'card_not_found',
      );
      await refuse(
        () =>
          post(`/v1/staff/cards/${c.cardId}/replace`, elsewhere.token, { idChecked: true, pin: CARD_PIN }),
        404,
        'card_not_found',
      );
      const f = await post(`/v1/me/cards/${c.cardId}/report-loss`, c.person.token);
      assert.equal(f.status, 200, f.raw);
      assert.equal(f.body.status, 'frozen');
      assert.equal(f.body.cardNumber, '*****' + c.cardNumber.slice(-4));
      assert.ok((await inboxKinds(c.person)).includes('card_frozen'));
      await refuse(() => post(`/v1/me/cards/${c.cardId}/report-loss`, c.person.token), 409, 'already_frozen');
      const check = await env().db.transaction((tx) =>
        verifyCardPin(tx, c.cardNumber, c.pin, env().clock.now()),
      );
      assert.deepEqual(check, { ok: false, code: 'card_frozen', attemptsLeft: 3 });
      const county = await createStaff(env(), 'demo', 'county_centre');
      await refuse(
        () =>
          post('/v1/me/cards/applications', c.person.token, {
            channel: 'county_centre',
            officeId: county.officeId,
          }),
        409,
        'card_exists',
      );
      await refuse(
        () => post(`/v1/staff/cards/${c.cardId}/replace`, county.token, { idChecked: false, pin: CARD_PIN }),
        422,
        'id_not_checked',
      );
      const r = await post(`/v1/staff/cards/${c.cardId}/replace`, county.token, {
        idChecked: true,
        pin: '112233',
      });
      assert.equal(r.status, 200, r.raw);
      assert.equal(r.body.old.status, 'replaced');
      assert.equal(r.body.old.replacedByCardId, r.body.card.id);
      assert.equal(r.body.card.replacesCardId, c.cardId);
      assert.equal(r.body.card.status, 'issued');
      assert.notEqual(r.body.card.cardNumber, c.cardNumber);
      assert.ok((await inboxKinds(c.person)).includes('card_replaced'));
      await refuse(
        () => post(`/v1/staff/cards/${c.cardId}/replace`, county.token, { idChecked: true, pin: CARD_PIN }),
        409,
        'card_not_live',
      );
      await refuse(
        () => post(`/v1/staff/cards/${c.cardId}/activate`, county.token, { place: 'bank' }),
        422,
        'card_not_live',
      );
      const dead = await env().db.transaction((tx) =>
        verifyCardPin(tx, c.cardNumber, c.pin, env().clock.now()),
      );
      assert.equal(dead.ok, false);
      const ok = await env().db.transaction((tx) =>
        verifyCardPin(tx, r.body.card.cardNumber, '112233', env().clock.now()),
      );
      assert.equal(ok.ok, true);

      const x = await post(`/v1/staff/cards/${r.body.card.id}/cancel`, county.token, {
        reason: 'moved abroad',
      });
      assert.equal(x.status, 200, x.raw);
      assert.equal(x.body.status, 'cancelled');
      assert.ok((await inboxKinds(c.person)).includes('card_cancelled'));
      await refuse(
        () => post(`/v1/staff/cards/${r.body.card.id}/cancel`, county.token, { reason: 'again' }),
        409,
        'card_not_live',
      );
      // after cancellation the person may apply anew
      const again = await post('/v1/me/cards/applications', c.person.token, {
        channel: 'county_centre',
        officeId: county.officeId,
      });
      assert.equal(again.status, 201, again.raw);
      const mine = await get('/v1/me/cards', c.person.token);
      assert.equal(mine.body.cards.length, 2);
      const events = mine.body.history.map((e: { event: string }) => e.event);
      for (const e of ['loss_reported', 'replaced', 'replacement_issued', 'cancelled', 'activated'])
        assert.ok(events.includes(e), e);
      const staffView = await get(`/v1/staff/cards?idNumber=${c.person.idNumber}`, county.token);
      assert.equal(staffView.body.cards[0].cardNumber, c.cardNumber, 'staff see the number in clear');
      const staffEvents = staffView.body.history.map((e: { event: string }) => e.event);
      for (const e of ['loss_reported', 'replaced', 'replacement_issued', 'cancelled', 'activated'])
        assert.ok(staffEvents.includes(e), `staff see ${e} in the history`);
      await refuse(
        () => get(`/v1/staff/cards?idNumber=${c.person.idNumber}`, elsewhere.token),
        404,
        'person_not_found',
      );
    });

    test('chip PIN: 3 wrong in a row lock payments until a staff reset; a right PIN resets the count', async () => {
      const c = await issuedCard(env());
      const now = () => env().clock.now();
      const verify = (pin: string) =>
        env().db.transaction((tx) => verifyCardPin(tx, c.cardNumber, pin, now()));
      assert.deepEqual(await verify('000000'), { ok: false, code: 'wrong_pin', attemptsLeft: 2 });
      assert.deepEqual(await verify('000001'), { ok: false, code: 'wrong_pin', attemptsLeft: 1 });
      const good = await verify(c.pin);
      assert.equal(good.ok, true);
      assert.deepEqual(
        await verify('000000'),
        { ok: false, code: 'wrong_pin', attemptsLeft: 2 },
        'count was reset',
      );
      await verify('000000');
      const locked = await verify('000000');
      assert.deepEqual(locked, { ok: false, code: 'pin_locked', attemptsLeft: 0 });
      assert.deepEqual(
        await verify(c.pin),
        { ok: false, code: 'pin_locked', attemptsLeft: 0 },
        'even the right PIN',
      );
      if (!locked.ok) assert.equal(pinCheckError(locked).code, 'pin_locked');
      assert.equal(pinCheckError({ ok: false, code: 'wrong_pin', attemptsLeft: 1 }).status, 422);
      assert.deepEqual(await env().db.transaction((tx) => verifyCardPin(tx, 'XX0000000', c.pin, now())), {
        ok: false,
        code: 'card_not_found',
        attemptsLeft: 0,
      });
      assert.ok((await inboxKinds(c.person)).includes('card_pin_locked'));
      const mine = await get('/v1/me/cards', c.person.token);
      assert.equal(mine.body.cards[0].pinLocked, true);

      const elsewhere = await createStaff(env(), '440300', 'county_centre');
      await refuse(
        () => post(`/v1/staff/cards/${c.cardId}/reset-pin`, elsewhere.token, {}),
        404,
        'card_not_found',
      );
      const reset = await post(`/v1/staff/cards/${c.cardId}/reset-pin`, c.staff.token, {});
      assert.equal(reset.status, 200, reset.raw);
      assert.equal(reset.body.pinLocked, false);
      assert.equal((await verify(c.pin)).ok, true);
      await refuse(() => post(`/v1/staff/cards/${c.cardId}/reset-pin`, c.staff.token, {}), 409, 'not_locked');
      const newPin = await post(`/v1/staff/cards/${c.cardId}/reset-pin`, c.staff.token, { pin: '999111' });
      assert.equal(newPin.status, 200);
      assert.equal((await verify('999111')).ok, true);
      assert.equal((await verify(c.pin)).ok, false);
    });

    test('refusals: an insured person whose insurance has ended gets no card; a PIN-less card cannot pay', async () => {
      const p = await registerPerson(env());
      const county = await createStaff(env(), 'demo', 'county_centre');
      await env().db.query(`update persons set status = 'ended' where id = $1`, [p.personId]);
      await refuse(
        () =>
          post('/v1/me/cards/applications', p.token, { channel: 'county_centre', officeId: county.officeId }),
        422,
        'person_not_active',
      );
      await refuse(
        () =>
          post('/v1/staff/cards/applications', county.token, {
            channel: 'county_centre',
            idNumber: p.idNumber,
            name: p.name,
            idChecked: true,
            pin: CARD_PIN,
          }),
        422,
        'person_not_active',
      );
      // an agent card issued on the spot has no PIN until activation
      const q = await registerPerson(env());
      const b = await post('/v1/staff/cards/applications', county.token, {
        channel: 'agent',
        idNumber: q.idNumber,
        name: q.name,
        agent: newCitizen(),
        idChecked: true,
      });
      assert.equal(b.status, 201, b.raw);
      const check = await env().db.transaction((tx) =>
        verifyCardPin(tx, b.body.card.cardNumber, CARD_PIN, env().clock.now()),
      );
      assert.deepEqual(check, { ok: false, code: 'pin_not_set', attemptsLeft: 3 });
      await assert.rejects(
        env().db.transaction((tx) =>
          activateOnFirstUse(tx, b.body.card.id, 'pharmacy', null, env().clock.now()),
        ),
        (err: { code: string }) => err.code === 'pin_not_set',
      );
      const row = await env().db.query<{ status: string }>('select status from cards where id = $1', [
        b.body.card.id,
      ]);
      assert.equal(row.rows[0]!.status, 'issued');
    });

    test('activation on first use at a hospital or pharmacy (for settlement)', async () => {
      const c = await issuedCard(env());
      const institutionId = '00000000-0000-4000-8000-000000000001';
      const first = await env().db.transaction((tx) =>
        activateOnFirstUse(tx, c.cardId, 'hospital', institutionId, env().clock.now()),
      );
      assert.equal(first, true);
      const second = await env().db.transaction((tx) =>
        activateOnFirstUse(tx, c.cardId, 'pharmacy', null, env().clock.now()),
      );
      assert.equal(second, false);
      const mine = await get('/v1/me/cards', c.person.token);
      assert.equal(mine.body.cards[0].status, 'active');
      assert.equal(mine.body.cards[0].activationPlace, 'hospital');
      const ev = mine.body.history.find((e: { event: string }) => e.event === 'activated');
      assert.equal(ev.actorRole, 'institution');
      assert.equal(ev.institutionId, institutionId);
      assert.equal(ev.channel, 'hospital');

      const d = await issuedCard(env());
      await post(`/v1/me/cards/${d.cardId}/report-loss`, d.person.token);
      await assert.rejects(
        env().db.transaction((tx) => activateOnFirstUse(tx, d.cardId, 'pharmacy', null, env().clock.now())),
        (err: { code: string }) => err.code === 'card_frozen',
      );
      await refuse(
        () => post(`/v1/staff/cards/${d.cardId}/activate`, d.staff.token, { place: 'bank' }),
        422,
        'card_frozen',
      );
    });
  },
  // the tests move the clock by months: sessions must outlive that
  { sessionTtlSeconds: 10 * 365 * 86_400 },
);
