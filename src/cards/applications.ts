/** Card applications: from the app, at a counter (county centre, service point, agent), the queue, cancelling. */
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { parseIdNumber } from '../people/store.ts';
import { actorOf } from './events.ts';
import { businessDate } from '../platform/business-date.ts';
import {
  APP_SELECT,
  DEFAULT_ISSUING_BANK,
  SERVICE_POINT_WORKING_DAYS,
  assertActivePerson,
  assertIdChecked,
  assertNoOpenOrLive,
  calendarOf,
  checkPin,
  createCard,
  getOffice,
  insertApplication,
  lockApplication,
  lockPerson,
  result,
  setApplicationStatus,
  staffOffice,
  toApplication,
  type ApplicationResult,
  type ApplicationRow,
  type ApplicationStatus,
  type ApplicationView,
  type CardChannel,
  type LockedApplication,
} from './shared.ts';

/**
 * A person applies from the app at an office of their region: at a service point the card is ready
 * within 3 working days (the due date is returned); at a county centre it is issued on the spot when
 * they come to the counter.
 */
export async function applyAsPerson(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { channel: 'county_centre' | 'service_point'; officeId: string },
): Promise<ApplicationResult> {
  return ctx.db.transaction(async (tx) => {
    const person = await lockPerson(tx, caller.personId);
    assertActivePerson(person);
    const office = await getOffice(tx, input.officeId);
    if (!office || office.region_code !== person.region_code) {
      throw unprocessable('unknown_office', 'No such office in your region', { field: 'officeId' });
    }
    if (office.kind !== input.channel) {
      throw unprocessable('wrong_office_kind', `This office is a ${office.kind}, not a ${input.channel}`, {
        field: 'officeId',
      });
    }
    await assertNoOpenOrLive(tx, person.id);
    const dueDate =
      input.channel === 'service_point'
        ? calendarOf(ctx).addWorkingDays(businessDate(ctx.now), SERVICE_POINT_WORKING_DAYS)
        : null;
    const id = await insertApplication(tx, ctx, actorOf(caller, 'app'), {
      person,
      channel: input.channel,
      submittedVia: 'app',
      officeId: office.id,
      dueDate,
      idChecked: false,
    });
    return result(tx, id, true);
  });
}

export interface CounterApplication {
  channel: 'county_centre' | 'service_point' | 'agent';
  idNumber: string;
  name: string;
  idChecked?: boolean;
  pin?: string;
  bank?: string;
  agent?: { idNumber: string; name: string };
}

/**
 * Staff file an application at their counter for a person of their region.
 * - `county_centre` (office must be a county centre): the card is issued in one step; the original ID
 *   must have been checked and the chip PIN set.
 * - `service_point` (office must be a service point): pending, due in 3 working days.
 * - `agent`: the agent's and the person's ID numbers and names are recorded; at a county centre it is
 *   issued on the spot (the PIN may be left for activation), elsewhere it follows the service-point flow.
 */
export async function applyAtCounter(
  ctx: Ctx,
  staff: Caller,
  input: CounterApplication,
): Promise<ApplicationResult> {
  const id = parseIdNumber(input.idNumber, ctx.now);
  let agent: { idNumber: string; name: string } | null = null;
  if (input.channel === 'agent') {
    if (!input.agent)
      throw unprocessable('agent_required', 'An agent application needs the agent’s ID number and name', {
        field: 'agent',
      });
    agent = {
      idNumber: parseIdNumber(input.agent.idNumber, ctx.now, 'agent.idNumber').idNumber,
      name: input.agent.name.trim(),
    };
    if (agent.idNumber === id.idNumber)
      throw unprocessable('agent_is_person', 'The agent must be someone other than the insured person', {
        field: 'agent.idNumber',
      });
  }
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const found = await tx.query<{ id: string }>(
      'select id from persons where id_number = $1 and region_code = $2',
      [id.idNumber, office.region_code],
    );
    if (!found.rows[0])
      throw notFound('person_not_found', 'No insured person with this ID number in your region');
    const person = await lockPerson(tx, found.rows[0].id);
    if (person.name !== input.name.trim()) {
      throw unprocessable('name_mismatch', 'The name differs from the insured person’s record', {
        field: 'name',
      });
    }
    assertActivePerson(person);
    if (input.channel !== 'agent' && office.kind !== input.channel) {
      throw unprocessable('wrong_office_kind', `Your office is a ${office.kind}, not a ${input.channel}`);
    }
    const onTheSpot = office.kind === 'county_centre';
    if (onTheSpot) assertIdChecked(input.idChecked);
    const pinHash = onTheSpot ? await checkPin(input.pin, input.channel === 'county_centre') : null;
    await assertNoOpenOrLive(tx, person.id);
    const actor = actorOf(staff, 'counter');
    const appId = await insertApplication(tx, ctx, actor, {
      person,
      channel: input.channel,
      submittedVia: 'counter',
      officeId: office.id,
      agent,
      dueDate: onTheSpot
        ? null
        : calendarOf(ctx).addWorkingDays(businessDate(ctx.now), SERVICE_POINT_WORKING_DAYS),
      idChecked: onTheSpot,
    });
    if (onTheSpot) {
      const card = await createCard(tx, ctx, actor, {
        personId: person.id,
        regionCode: person.region_code,
        applicationId: appId,
        bank: input.bank ?? DEFAULT_ISSUING_BANK,
        pinHash,
      });
      await setApplicationStatus(
        tx,
        ctx,
        actor,
        { id: appId, person_id: person.id, region_code: person.region_code, status: 'pending' },
        'issued',
        'issued',
        { cardId: card.id, idChecked: true },
      );
      await notify(tx, person.id, 'card_issued', text('notice.card_issued'));
    }
    return result(tx, appId, false);
  });
}

export interface ApplicationFilter {
  officeId?: string;
  channel?: CardChannel;
  status?: ApplicationStatus;
}

/** The application queue of a region, oldest first, filtered by office, channel and status. */
export async function listApplications(
  q: Queryable,
  regionCode: string,
  f: ApplicationFilter,
): Promise<ApplicationView[]> {
  const { rows } = await q.query<ApplicationRow>(
    `${APP_SELECT} where a.region_code = $1 and ($2::uuid is null or a.office_id = $2)
       and ($3::text is null or a.channel = $3) and ($4::text is null or a.status = $4)
     order by a.created_at, a.id limit 500`,
    [regionCode, f.officeId ?? null, f.channel ?? null, f.status ?? null],
  );
  return rows.map(toApplication);
}

/** Cancels an application still pending or ready: staff of its region, or the person who owns it. */
export async function cancelApplication(
  ctx: Ctx,
  caller: Caller,
  applicationId: string,
): Promise<ApplicationResult> {
  return ctx.db.transaction(async (tx) => {
    let app: LockedApplication;
    if (caller.role === 'person') {
      const pre = await tx.query('select 1 from card_applications where id = $1 and person_id = $2', [
        applicationId,
        caller.personId,
      ]);
      if (!pre.rows[0]) throw notFound('application_not_found', 'No such card application');
      app = await lockApplication(tx, applicationId, caller.regionCode!);
    } else {
      const office = await staffOffice(tx, caller);
      app = await lockApplication(tx, applicationId, office.region_code);
    }
    if (app.status !== 'pending' && app.status !== 'ready') {
      throw conflict('not_cancellable', `The application is already ${app.status}`);
    }
    await setApplicationStatus(
      tx,
      ctx,
      actorOf(caller, caller.role === 'person' ? 'app' : 'counter'),
      app,
      'cancelled',
      'cancelled',
    );
    return result(tx, app.id, caller.role === 'person');
  });
}
