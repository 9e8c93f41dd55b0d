import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { hashSecret, verifySecret } from '../platform/password.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { parseIdNumber } from '../people/store.ts';
import { actorOf, listEvents, recordEvent, type Actor, type CardEvent } from './events.ts';
import { maskCardNumber, nextCardNumber } from './number.ts';
import { businessDate } from '../platform/business-date.ts';
import { WorkingDayCalendar } from './working-days.ts';
import { linkEcardToCard } from './ecard.ts';

export type CardChannel = 'county_centre' | 'service_point' | 'agent' | 'employer';
export type ApplicationStatus = 'pending' | 'ready' | 'issued' | 'handed_out' | 'cancelled';
export type CardStatus = 'issued' | 'active' | 'frozen' | 'replaced' | 'cancelled';
export type ActivationPlace = 'bank' | 'hospital' | 'pharmacy';

/** A service point has a card ready within this many working days. */
export const SERVICE_POINT_WORKING_DAYS = 3;
/** Wrong chip PINs in a row that lock the card's payment until a staff reset. */
export const MAX_PIN_FAILURES = 3;
export const DEFAULT_ISSUING_BANK = 'Agricultural Bank of China';

const LIVE: readonly CardStatus[] = ['issued', 'active', 'frozen'];

const calendars = new WeakMap<readonly string[], WorkingDayCalendar>();
/** The working-day calendar of the configured public holidays. */
export function calendarOf(ctx: Pick<Ctx, 'config'>): WorkingDayCalendar {
  let cal = calendars.get(ctx.config.publicHolidays);
  if (!cal) {
    cal = new WorkingDayCalendar(ctx.config.publicHolidays);
    calendars.set(ctx.config.publicHolidays, cal);
  }
  return cal;
}

// ---------------------------------------------------------------------------------------------------
// Views

export interface ApplicationView {
  id: string;
  personId: string;
  personIdNumber: string;
  personName: string;
  regionCode: string;
  channel: CardChannel;
  submittedVia: 'app' | 'counter' | 'employer';
  officeId: string | null;
  employerId: string | null;
  batchId: string | null;
  introductionRef: string | null;
  agent: { idNumber: string; name: string } | null;
  status: ApplicationStatus;
  dueDate: string | null;
  idChecked: boolean;
  cardId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ApplicationRow {
  id: string;
  person_id: string;
  id_number: string;
  name: string;
  region_code: string;
  channel: CardChannel;
  submitted_via: ApplicationView['submittedVia'];
  office_id: string | null;
  employer_id: string | null;
  batch_id: string | null;
  introduction_ref: string | null;
  agent_id_number: string | null;
  agent_name: string | null;
  status: ApplicationStatus;
  due_date: string | null;
  id_checked: boolean;
  card_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const APP_SELECT = `select a.id, a.person_id, p.id_number, p.name, a.region_code, a.channel, a.submitted_via, a.office_id,
  a.employer_id, a.batch_id, a.introduction_ref, a.agent_id_number, a.agent_name, a.status, a.due_date, a.id_checked,
  a.card_id, a.created_at, a.updated_at
  from card_applications a join persons p on p.id = a.person_id`;

/** Agents' ID numbers and names are always shown masked: nobody reading an application needs them in clear. */
const toApplication = (r: ApplicationRow): ApplicationView => ({
  id: r.id,
  personId: r.person_id,
  personIdNumber: r.id_number,
  personName: r.name,
  regionCode: r.region_code,
  channel: r.channel,
  submittedVia: r.submitted_via,
  officeId: r.office_id,
  employerId: r.employer_id,
  batchId: r.batch_id,
  introductionRef: r.introduction_ref,
  agent:
    r.agent_id_number && r.agent_name
      ? { idNumber: maskIdNumber(r.agent_id_number), name: maskName(r.agent_name) }
      : null,
  status: r.status,
  dueDate: r.due_date,
  idChecked: r.id_checked,
  cardId: r.card_id,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface CardView {
  id: string;
  personId: string;
  regionCode: string;
  cardNumber: string;
  bank: string;
  status: CardStatus;
  pinSet: boolean;
  pinLocked: boolean;
  withEmployer: boolean;
  handedOutAt: string | null;
  issuedAt: string;
  activatedAt: string | null;
  activationPlace: ActivationPlace | null;
  replacesCardId: string | null;
  replacedByCardId: string | null;
}

interface CardRow {
  id: string;
  person_id: string;
  region_code: string;
  application_id: string | null;
  card_number: string;
  bank: string;
  status: CardStatus;
  pin_hash: string | null;
  pin_failures: number;
  pin_locked: boolean;
  with_employer_id: string | null;
  handed_out_at: Date | null;
  issued_at: Date;
  activated_at: Date | null;
  activation_place: ActivationPlace | null;
  replaces_card_id: string | null;
  replaced_by_card_id: string | null;
}

const CARD_COLUMNS = `id, person_id, region_code, application_id, card_number, bank, status, pin_hash, pin_failures, pin_locked,
  with_employer_id, handed_out_at, issued_at, activated_at, activation_place, replaces_card_id, replaced_by_card_id`;

function toCard(r: CardRow, masked: boolean): CardView {
  return {
    id: r.id,
    personId: r.person_id,
    regionCode: r.region_code,
    cardNumber: masked ? maskCardNumber(r.card_number) : r.card_number,
    bank: r.bank,
    status: r.status,
    pinSet: r.pin_hash !== null,
    pinLocked: r.pin_locked,
    withEmployer: r.with_employer_id !== null && r.handed_out_at === null,
    handedOutAt: r.handed_out_at ? r.handed_out_at.toISOString() : null,
    issuedAt: r.issued_at.toISOString(),
    activatedAt: r.activated_at ? r.activated_at.toISOString() : null,
    activationPlace: r.activation_place,
    replacesCardId: r.replaces_card_id,
    replacedByCardId: r.replaced_by_card_id,
  };
}

// ---------------------------------------------------------------------------------------------------
// Shared steps

interface LockedPerson {
  id: string;
  id_number: string;
  name: string;
  region_code: string;
  status: string;
  employer_id: string | null;
}

async function lockPerson(q: Queryable, personId: string): Promise<LockedPerson> {
  const { rows } = await q.query<LockedPerson>(
    'select id, id_number, name, region_code, status, employer_id from persons where id = $1 for update',
    [personId],
  );
  if (!rows[0]) throw notFound('person_not_found', 'No such person');
  return rows[0];
}

function assertActivePerson(p: LockedPerson): void {
  if (p.status !== 'active')
    throw unprocessable('person_not_active', `The person's insurance is ${p.status}; no card can be issued`);
}

/** 409 when the person has an open application or a live card: one card per person. */
async function assertNoOpenOrLive(q: Queryable, personId: string): Promise<void> {
  const open = await q.query<{ id: string; status: string }>(
    `select id, status from card_applications where person_id = $1 and status in ('pending', 'ready')`,
    [personId],
  );
  if (open.rows[0]) {
    throw conflict(
      'already_applied',
      `There is already an application in progress (${open.rows[0].status})`,
      {
        applicationId: open.rows[0].id,
      },
    );
  }
  const live = await q.query<{ id: string; status: string }>(
    `select id, status from cards where person_id = $1 and status in ('issued', 'active', 'frozen')`,
    [personId],
  );
  if (live.rows[0]) {
    throw conflict(
      'card_exists',
      `The person already has a ${live.rows[0].status} card; report it lost and get a replacement instead`,
      { cardId: live.rows[0].id },
    );
  }
}

interface OfficeRow {
  id: string;
  region_code: string;
  kind: 'county_centre' | 'service_point' | 'window';
}

async function getOffice(q: Queryable, officeId: string): Promise<OfficeRow | undefined> {
  const { rows } = await q.query<OfficeRow>('select id, region_code, kind from offices where id = $1', [
    officeId,
  ]);
  return rows[0];
}

async function staffOffice(q: Queryable, staff: Caller): Promise<OfficeRow> {
  const office = staff.officeId ? await getOffice(q, staff.officeId) : undefined;
  if (!office) throw new AppError(403, 'no_office', 'Your staff account has no office');
  return office;
}

async function checkPin(pin: string | undefined, required: boolean): Promise<string | null> {
  if (pin === undefined) {
    if (required) throw unprocessable('pin_required', 'Set the 6-digit chip PIN', { field: 'pin' });
    return null;
  }
  return hashSecret(pin);
}

function assertIdChecked(idChecked: boolean | undefined): void {
  if (idChecked !== true) {
    throw unprocessable('id_not_checked', 'Confirm that the original ID document was checked', {
      field: 'idChecked',
    });
  }
}

interface NewApplication {
  person: LockedPerson;
  channel: CardChannel;
  submittedVia: ApplicationView['submittedVia'];
  officeId: string | null;
  employerId?: string | null;
  batchId?: string | null;
  introductionRef?: string | null;
  agent?: { idNumber: string; name: string } | null;
  dueDate: string | null;
  idChecked: boolean;
}

async function insertApplication(tx: Queryable, ctx: Ctx, actor: Actor, a: NewApplication): Promise<string> {
  const id = randomUUID();
  try {
    await tx.query(
      `insert into card_applications (id, person_id, region_code, channel, submitted_via, office_id, employer_id, batch_id,
         introduction_ref, agent_id_number, agent_name, status, due_date, id_checked, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13, $14, $15, $15)`,
      [
        id,
        a.person.id,
        a.person.region_code,
        a.channel,
        a.submittedVia,
        a.officeId,
        a.employerId ?? null,
        a.batchId ?? null,
        a.introductionRef ?? null,
        a.agent?.idNumber ?? null,
        a.agent?.name ?? null,
        a.dueDate,
        a.idChecked,
        actor.userId,
        ctx.now,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('already_applied', 'There is already an application in progress');
    throw err;
  }
  await recordEvent(tx, {
    personId: a.person.id,
    regionCode: a.person.region_code,
    subject: 'application',
    subjectId: id,
    event: 'applied',
    from: null,
    to: 'pending',
    actor,
    detail: a.channel,
    at: ctx.now,
  });
  return id;
}

async function setApplicationStatus(
  tx: Queryable,
  ctx: Ctx,
  actor: Actor,
  app: { id: string; person_id: string; region_code: string; status: ApplicationStatus },
  to: ApplicationStatus,
  event: string,
  extra: { cardId?: string; idChecked?: boolean } = {},
): Promise<void> {
  await tx.query(
    `update card_applications set status = $2, updated_at = $3, card_id = coalesce($4, card_id),
       id_checked = id_checked or $5 where id = $1`,
    [app.id, to, ctx.now, extra.cardId ?? null, extra.idChecked ?? false],
  );
  await recordEvent(tx, {
    personId: app.person_id,
    regionCode: app.region_code,
    subject: 'application',
    subjectId: app.id,
    event,
    from: app.status,
    to,
    actor,
    at: ctx.now,
  });
}

/** Makes the physical card: a new number, the chip PIN (hashed) when known, mapped to the person's e-card. */
async function createCard(
  tx: Queryable,
  ctx: Ctx,
  actor: Actor,
  c: {
    personId: string;
    regionCode: string;
    applicationId: string | null;
    bank: string;
    pinHash: string | null;
    withEmployerId?: string | null;
    replacesCardId?: string | null;
  },
): Promise<{ id: string; cardNumber: string }> {
  const id = randomUUID();
  const cardNumber = await nextCardNumber(tx, c.regionCode);
  try {
    await tx.query(
      `insert into cards (id, person_id, region_code, application_id, card_number, bank, status, pin_hash,
         with_employer_id, issued_at, issued_office_id, replaces_card_id, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $9, $10, $11, $9)`,
      [
        id,
        c.personId,
        c.regionCode,
        c.applicationId,
        cardNumber,
        c.bank,
        c.pinHash,
        c.withEmployerId ?? null,
        ctx.now,
        actor.officeId,
        c.replacesCardId ?? null,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err, 'cards_one_live'))
      throw conflict('card_exists', 'The person already has a live card');
    throw err;
  }
  await recordEvent(tx, {
    personId: c.personId,
    regionCode: c.regionCode,
    subject: 'card',
    subjectId: id,
    event: c.replacesCardId ? 'replacement_issued' : 'issued',
    from: null,
    to: 'issued',
    actor,
    at: ctx.now,
  });
  await linkEcardToCard(tx, c.personId, id, ctx.now);
  return { id, cardNumber };
}

async function getApplication(q: Queryable, id: string): Promise<ApplicationView> {
  const { rows } = await q.query<ApplicationRow>(`${APP_SELECT} where a.id = $1`, [id]);
  return toApplication(rows[0]!);
}

// ---------------------------------------------------------------------------------------------------
// Applications

export interface ApplicationResult {
  application: ApplicationView;
  /** The issued card, when the flow issued one at once (county centre, employer batch). */
  card: CardView | null;
}

async function result(q: Queryable, applicationId: string, masked: boolean): Promise<ApplicationResult> {
  const application = await getApplication(q, applicationId);
  const card = application.cardId ? await getCardView(q, application.cardId, masked) : null;
  return { application, card };
}

async function getCardView(q: Queryable, cardId: string, masked: boolean): Promise<CardView> {
  const { rows } = await q.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1`, [cardId]);
  return toCard(rows[0]!, masked);
}

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

interface LockedApplication {
  id: string;
  person_id: string;
  region_code: string;
  status: ApplicationStatus;
  channel: CardChannel;
  office_id: string | null;
  submitted_via: string;
}

/** Locks the application's person, then the application; 404 outside the staff member's region. */
async function lockApplication(tx: Queryable, id: string, regionCode: string): Promise<LockedApplication> {
  const pre = await tx.query<{ person_id: string }>(
    'select person_id from card_applications where id = $1 and region_code = $2',
    [id, regionCode],
  );
  if (!pre.rows[0]) throw notFound('application_not_found', 'No such card application in your region');
  await lockPerson(tx, pre.rows[0].person_id);
  const { rows } = await tx.query<LockedApplication>(
    `select id, person_id, region_code, status, channel, office_id, submitted_via
       from card_applications where id = $1 for update`,
    [id],
  );
  return rows[0]!;
}

/** A county-centre application made in the app is issued on the spot when the person comes in. */
export async function issueApplication(
  ctx: Ctx,
  staff: Caller,
  applicationId: string,
  input: { idChecked?: boolean; pin?: string; bank?: string },
): Promise<ApplicationResult> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const app = await lockApplication(tx, applicationId, office.region_code);
    if (app.status !== 'pending') throw conflict('not_pending', `The application is ${app.status}`);
    if (app.channel !== 'county_centre') {
      throw conflict(
        'wrong_flow',
        'Only county-centre applications are issued on the spot; mark it ready instead',
      );
    }
    if (office.kind !== 'county_centre')
      throw unprocessable('wrong_office_kind', 'Cards are issued on the spot only at a county centre');
    assertIdChecked(input.idChecked);
    const pinHash = await checkPin(input.pin, true);
    const actor = actorOf(staff, 'counter');
    const card = await createCard(tx, ctx, actor, {
      personId: app.person_id,
      regionCode: app.region_code,
      applicationId: app.id,
      bank: input.bank ?? DEFAULT_ISSUING_BANK,
      pinHash,
    });
    await setApplicationStatus(tx, ctx, actor, app, 'issued', 'issued', { cardId: card.id, idChecked: true });
    await notify(tx, app.person_id, 'card_issued', text('notice.card_issued'));
    return result(tx, app.id, false);
  });
}

/** The service point has made the card: the person is told to collect it with their original ID. */
export async function markReady(ctx: Ctx, staff: Caller, applicationId: string): Promise<ApplicationResult> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const app = await lockApplication(tx, applicationId, office.region_code);
    if (app.status !== 'pending') throw conflict('not_pending', `The application is ${app.status}`);
    if (app.channel === 'county_centre') {
      throw conflict('wrong_flow', 'County-centre applications are issued on the spot, not marked ready');
    }
    await setApplicationStatus(tx, ctx, actorOf(staff, 'counter'), app, 'ready', 'ready');
    await notify(tx, app.person_id, 'card_ready', text('notice.card_ready'));
    return result(tx, app.id, false);
  });
}

/** The person (or their agent) collects a ready card; staff confirm the original ID was checked. */
export async function collectCard(
  ctx: Ctx,
  staff: Caller,
  applicationId: string,
  input: { idChecked?: boolean; pin?: string; bank?: string },
): Promise<ApplicationResult> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const app = await lockApplication(tx, applicationId, office.region_code);
    if (app.status !== 'ready')
      throw conflict('not_ready', `The card is not ready to collect (${app.status})`);
    assertIdChecked(input.idChecked);
    const pinHash = await checkPin(input.pin, app.channel !== 'agent');
    const actor = actorOf(staff, 'counter');
    const card = await createCard(tx, ctx, actor, {
      personId: app.person_id,
      regionCode: app.region_code,
      applicationId: app.id,
      bank: input.bank ?? DEFAULT_ISSUING_BANK,
      pinHash,
    });
    await setApplicationStatus(tx, ctx, actor, app, 'issued', 'collected', {
      cardId: card.id,
      idChecked: true,
    });
    return result(tx, app.id, false);
  });
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

// ---------------------------------------------------------------------------------------------------
// Employer batches

export interface BatchInput {
  introductionRef: string;
  agent: { idNumber: string; name: string };
  employees: Array<{ idNumber: string; name: string }>;
}

export type BatchRowResult =
  | { row: number; status: 'issued'; personId: string; applicationId: string; cardId: string }
  | { row: number; status: 'error'; code: string; message: string };

/**
 * An employer applies for its employees' cards with a letter of introduction and its agent's ID.
 * Each row is its own transaction: invalid rows are reported, valid ones are issued at once and the
 * cards go to the employer, who hands them out. The PIN is set by the holder at activation.
 */
export async function submitBatch(
  ctx: Ctx,
  caller: Caller,
  input: BatchInput,
): Promise<{ batchId: string; results: BatchRowResult[] }> {
  const employerId = caller.employerId!;
  const agent = {
    idNumber: parseIdNumber(input.agent.idNumber, ctx.now, 'agent.idNumber').idNumber,
    name: input.agent.name.trim(),
  };
  const batchId = randomUUID();
  const actor = actorOf(caller, 'employer');
  const results: BatchRowResult[] = [];
  for (const [i, e] of input.employees.entries()) {
    try {
      const r = await ctx.db.transaction(async (tx) => {
        const id = parseIdNumber(e.idNumber, ctx.now);
        const found = await tx.query<{ id: string }>('select id from persons where id_number = $1', [
          id.idNumber,
        ]);
        const person = found.rows[0] ? await lockPerson(tx, found.rows[0].id) : undefined;
        if (!person || person.employer_id !== employerId) {
          throw unprocessable('not_an_employee', 'No employee of yours has this ID number', {
            field: 'idNumber',
          });
        }
        if (person.name !== e.name.trim()) {
          throw unprocessable('name_mismatch', 'The name differs from the insured person’s record', {
            field: 'name',
          });
        }
        assertActivePerson(person);
        await assertNoOpenOrLive(tx, person.id);
        const appId = await insertApplication(tx, ctx, actor, {
          person,
          channel: 'employer',
          submittedVia: 'employer',
          officeId: null,
          employerId,
          batchId,
          introductionRef: input.introductionRef,
          agent,
          dueDate: null,
          idChecked: false,
        });
        const card = await createCard(tx, ctx, actor, {
          personId: person.id,
          regionCode: person.region_code,
          applicationId: appId,
          bank: DEFAULT_ISSUING_BANK,
          pinHash: null,
          withEmployerId: employerId,
        });
        await setApplicationStatus(
          tx,
          ctx,
          actor,
          { id: appId, person_id: person.id, region_code: person.region_code, status: 'pending' },
          'issued',
          'issued',
          { cardId: card.id },
        );
        await notify(tx, person.id, 'card_with_employer', text('notice.card_with_employer'));
        return { personId: person.id, applicationId: appId, cardId: card.id };
      });
      results.push({ row: i + 1, status: 'issued', ...r });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ row: i + 1, status: 'error', code: err.code, message: err.message });
    }
  }
  return { batchId, results };
}

export interface EmployerCardView {
  cardId: string;
  applicationId: string | null;
  batchId: string | null;
  personId: string;
  idNumber: string;
  name: string;
  cardNumber: string;
  status: CardStatus;
  handedOutAt: string | null;
}

/** Cards issued to the employer, with the holders' ID numbers and names masked. */
export async function listEmployerCards(q: Queryable, employerId: string): Promise<EmployerCardView[]> {
  const { rows } = await q.query<{
    id: string;
    application_id: string | null;
    batch_id: string | null;
    person_id: string;
    id_number: string;
    name: string;
    card_number: string;
    status: CardStatus;
    handed_out_at: Date | null;
  }>(
    `select c.id, c.application_id, a.batch_id, c.person_id, p.id_number, p.name, c.card_number, c.status, c.handed_out_at
       from cards c join persons p on p.id = c.person_id left join card_applications a on a.id = c.application_id
      where c.with_employer_id = $1 order by c.issued_at, c.id limit 1000`,
    [employerId],
  );
  return rows.map((r) => ({
    cardId: r.id,
    applicationId: r.application_id,
    batchId: r.batch_id,
    personId: r.person_id,
    idNumber: maskIdNumber(r.id_number),
    name: maskName(r.name),
    cardNumber: maskCardNumber(r.card_number),
    status: r.status,
    handedOutAt: r.handed_out_at ? r.handed_out_at.toISOString() : null,
  }));
}

/** The employer hands a card to its holder. */
export async function handOutCard(ctx: Ctx, caller: Caller, cardId: string): Promise<EmployerCardView> {
  const employerId = caller.employerId!;
  await ctx.db.transaction(async (tx) => {
    const card = await lockCard(tx, cardId, (c) => c.with_employer_id === employerId);
    if (card.handed_out_at) throw conflict('already_handed_out', 'This card was already handed out');
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    await tx.query('update cards set handed_out_at = $2, updated_at = $2 where id = $1', [card.id, ctx.now]);
    const actor = actorOf(caller, 'employer');
    await recordEvent(tx, {
      personId: card.person_id,
      regionCode: card.region_code,
      subject: 'card',
      subjectId: card.id,
      event: 'handed_out',
      from: card.status,
      to: card.status,
      actor,
      at: ctx.now,
    });
    if (card.application_id) {
      const a = await tx.query<LockedApplication>(
        'select id, person_id, region_code, status, channel, office_id, submitted_via from card_applications where id = $1 for update',
        [card.application_id],
      );
      if (a.rows[0]?.status === 'issued')
        await setApplicationStatus(tx, ctx, actor, a.rows[0], 'handed_out', 'handed_out');
    }
  });
  const all = await listEmployerCards(ctx.db, employerId);
  return all.find((c) => c.cardId === cardId)!;
}

// ---------------------------------------------------------------------------------------------------
// Cards

/** Locks the card's person, then the card; 404 unless `visible` accepts the card. */
async function lockCard(tx: Queryable, cardId: string, visible: (c: CardRow) => boolean): Promise<CardRow> {
  const pre = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1`, [cardId]);
  if (!pre.rows[0] || !visible(pre.rows[0])) throw notFound('card_not_found', 'No such card');
  await lockPerson(tx, pre.rows[0].person_id);
  const { rows } = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1 for update`, [
    cardId,
  ]);
  return rows[0]!;
}

async function setCardStatus(
  tx: Queryable,
  ctx: Ctx,
  actor: Actor,
  card: CardRow,
  to: CardStatus,
  event: string,
  detail: string | null = null,
): Promise<void> {
  await tx.query('update cards set status = $2, updated_at = $3 where id = $1', [card.id, to, ctx.now]);
  await recordEvent(tx, {
    personId: card.person_id,
    regionCode: card.region_code,
    subject: 'card',
    subjectId: card.id,
    event,
    from: card.status,
    to,
    actor,
    detail,
    at: ctx.now,
  });
}

function assertUsable(card: CardRow): void {
  if (card.status === 'frozen') throw unprocessable('card_frozen', 'The card is frozen after a loss report');
  if (card.status === 'replaced' || card.status === 'cancelled')
    throw unprocessable('card_not_live', `The card is ${card.status}`);
}

async function activate(
  tx: Queryable,
  ctx: Pick<Ctx, 'now'>,
  actor: Actor,
  card: CardRow,
  place: ActivationPlace,
  institutionId: string | null,
  pinHash: string | null,
): Promise<void> {
  await tx.query(
    `update cards set status = 'active', activated_at = $2, activation_place = $3, activation_institution_id = $4,
       pin_hash = coalesce(pin_hash, $5), updated_at = $2 where id = $1`,
    [card.id, ctx.now, place, institutionId, pinHash],
  );
  await recordEvent(tx, {
    personId: card.person_id,
    regionCode: card.region_code,
    subject: 'card',
    subjectId: card.id,
    event: 'activated',
    from: card.status,
    to: 'active',
    actor,
    detail: place,
    at: ctx.now,
  });
}

function assertActivatable(card: CardRow): void {
  if (card.status === 'active') throw conflict('already_active', 'The card is already active');
  assertUsable(card);
  if (card.with_employer_id && !card.handed_out_at)
    throw unprocessable('not_handed_out', 'The employer has not handed this card out yet');
}

/**
 * Activation at the issuing bank, a designated hospital or a designated pharmacy (staff or bank counter).
 * A card issued without a PIN (employer batch, agent) needs `pin` here; otherwise `pin` is not used.
 */
export async function activateCard(
  ctx: Ctx,
  staff: Caller,
  cardId: string,
  input: { place: ActivationPlace; institutionId?: string; pin?: string },
): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    assertActivatable(card);
    const pinHash = card.pin_hash ? null : await checkPin(input.pin, true);
    const actor: Actor = { ...actorOf(staff, input.place), institutionId: input.institutionId ?? null };
    await activate(tx, ctx, actor, card, input.place, input.institutionId ?? null, pinHash);
    return getCardView(tx, card.id, false);
  });
}

/**
 * Activates a card on its first use at a designated hospital or pharmacy (called by settlement, inside
 * its transaction, after `verifyCardPin`). Returns true when this call activated the card, false when
 * it was already active; throws 422 (`card_frozen`, `card_not_live`, `not_handed_out`, `pin_not_set`)
 * when the card cannot be used.
 */
export async function activateOnFirstUse(
  tx: Queryable,
  cardId: string,
  place: ActivationPlace,
  institutionId: string | null,
  now: Date,
): Promise<boolean> {
  const { rows } = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1 for update`, [
    cardId,
  ]);
  const card = rows[0];
  if (!card) throw notFound('card_not_found', 'No such card');
  if (card.status === 'active') return false;
  assertActivatable(card);
  if (!card.pin_hash) throw unprocessable('pin_not_set', 'The card has no PIN yet; activate it at a counter');
  const actor: Actor = { userId: null, role: 'institution', officeId: null, channel: place, institutionId };
  await activate(tx, { now }, actor, card, place, institutionId, null);
  return true;
}

export type PinCheck =
  | { ok: true; cardId: string; personId: string; regionCode: string; status: 'issued' | 'active' }
  | {
      ok: false;
      code: 'card_not_found' | 'card_frozen' | 'card_not_live' | 'pin_not_set' | 'pin_locked' | 'wrong_pin';
      attemptsLeft: number;
    };

/**
 * Checks a physical card's chip PIN for a payment. Three wrong PINs in a row lock the card's payment
 * (`pin_locked`) until staff reset it at a counter; a correct PIN resets the count.
 *
 * It returns a result instead of throwing because the failure count must be committed: call it in your
 * transaction, let the transaction commit, then refuse with `pinCheckError(check)`.
 *
 * @example
 * const check = await db.transaction((tx) => verifyCardPin(tx, number, pin, now));
 * if (!check.ok) throw pinCheckError(check);
 */
export async function verifyCardPin(
  tx: Queryable,
  cardNumber: string,
  pin: string,
  now: Date,
): Promise<PinCheck> {
  const pre = await tx.query<{ person_id: string }>('select person_id from cards where card_number = $1', [
    cardNumber,
  ]);
  if (!pre.rows[0]) return { ok: false, code: 'card_not_found', attemptsLeft: 0 };
  await tx.query('select id from persons where id = $1 for update', [pre.rows[0].person_id]);
  const { rows } = await tx.query<CardRow>(
    `select ${CARD_COLUMNS} from cards where card_number = $1 for update`,
    [cardNumber],
  );
  const card = rows[0]!;
  const left = MAX_PIN_FAILURES - card.pin_failures;
  if (card.status === 'frozen') return { ok: false, code: 'card_frozen', attemptsLeft: left };
  if (card.status !== 'issued' && card.status !== 'active')
    return { ok: false, code: 'card_not_live', attemptsLeft: 0 };
  if (card.pin_locked) return { ok: false, code: 'pin_locked', attemptsLeft: 0 };
  if (!card.pin_hash) return { ok: false, code: 'pin_not_set', attemptsLeft: left };
  if (await verifySecret(pin, card.pin_hash)) {
    if (card.pin_failures > 0) await tx.query('update cards set pin_failures = 0 where id = $1', [card.id]);
    return {
      ok: true,
      cardId: card.id,
      personId: card.person_id,
      regionCode: card.region_code,
      status: card.status,
    };
  }
  const failures = card.pin_failures + 1;
  const locked = failures >= MAX_PIN_FAILURES;
  await tx.query('update cards set pin_failures = $2, pin_locked = $3, updated_at = $4 where id = $1', [
    card.id,
    failures,
    locked,
    now,
  ]);
  if (locked) {
    await recordEvent(tx, {
      personId: card.person_id,
      regionCode: card.region_code,
      subject: 'card',
      subjectId: card.id,
      event: 'pin_locked',
      from: card.status,
      to: card.status,
      actor: { userId: null, role: 'system', officeId: null, channel: null, institutionId: null },
      detail: text('history.wrong_pins', { count: failures }),
      at: now,
    });
    await notify(tx, card.person_id, 'card_pin_locked', text('notice.card_pin_locked'));
    return { ok: false, code: 'pin_locked', attemptsLeft: 0 };
  }
  return { ok: false, code: 'wrong_pin', attemptsLeft: MAX_PIN_FAILURES - failures };
}

/** The refusal for a failed `verifyCardPin`. */
export function pinCheckError(check: Extract<PinCheck, { ok: false }>): AppError {
  switch (check.code) {
    case 'card_not_found':
      return notFound('card_not_found', 'No such card');
    case 'card_frozen':
      return unprocessable('card_frozen', 'The card is frozen after a loss report');
    case 'card_not_live':
      return unprocessable('card_not_live', 'The card is no longer valid');
    case 'pin_not_set':
      return unprocessable('pin_not_set', 'The card has no PIN yet; activate it at a counter');
    case 'pin_locked':
      return unprocessable(
        'pin_locked',
        'Wrong PIN entered 3 times: payments are locked until staff reset them',
      );
    case 'wrong_pin':
      return unprocessable('wrong_pin', 'Wrong PIN', { attemptsLeft: check.attemptsLeft });
  }
}

/** Loss report: the card is frozen at once (from the app by its holder, or at a counter). */
export async function reportLoss(ctx: Ctx, caller: Caller, cardId: string): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    let region: string | null = null;
    if (caller.role === 'staff') region = (await staffOffice(tx, caller)).region_code;
    const card = await lockCard(tx, cardId, (c) =>
      caller.role === 'person' ? c.person_id === caller.personId : c.region_code === region,
    );
    if (card.status === 'frozen') throw conflict('already_frozen', 'The card is already frozen');
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    await setCardStatus(
      tx,
      ctx,
      actorOf(caller, caller.role === 'person' ? 'app' : 'counter'),
      card,
      'frozen',
      'loss_reported',
    );
    await notify(
      tx,
      card.person_id,
      'card_frozen',
      text('notice.card_frozen', { card: maskCardNumber(card.card_number) }),
    );
    return getCardView(tx, card.id, caller.role === 'person');
  });
}

/** Replacement at a counter: a new card number; the old card is dead (`replaced`). */
export async function replaceCard(
  ctx: Ctx,
  staff: Caller,
  cardId: string,
  input: { idChecked?: boolean; pin?: string; bank?: string },
): Promise<{ old: CardView; card: CardView }> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    assertIdChecked(input.idChecked);
    const pinHash = await checkPin(input.pin, true);
    const actor = actorOf(staff, 'counter');
    await setCardStatus(tx, ctx, actor, card, 'replaced', 'replaced');
    const fresh = await createCard(tx, ctx, actor, {
      personId: card.person_id,
      regionCode: card.region_code,
      applicationId: null,
      bank: input.bank ?? card.bank,
      pinHash,
      replacesCardId: card.id,
    });
    await tx.query('update cards set replaced_by_card_id = $2 where id = $1', [card.id, fresh.id]);
    await notify(
      tx,
      card.person_id,
      'card_replaced',
      text('notice.card_replaced', {
        newCard: maskCardNumber(fresh.cardNumber),
        oldCard: maskCardNumber(card.card_number),
      }),
    );
    return { old: await getCardView(tx, card.id, false), card: await getCardView(tx, fresh.id, false) };
  });
}

/** Cancellation at a counter: the card is dead and no replacement is made. */
export async function cancelCard(ctx: Ctx, staff: Caller, cardId: string, reason: string): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    await setCardStatus(tx, ctx, actorOf(staff, 'counter'), card, 'cancelled', 'cancelled', reason);
    await tx.query(`update ecards set physical_card_id = null, updated_at = $2 where physical_card_id = $1`, [
      card.id,
      ctx.now,
    ]);
    await notify(tx, card.person_id, 'card_cancelled', text('notice.card_cancelled', { reason }));
    return getCardView(tx, card.id, false);
  });
}

/** Staff unlock a PIN-locked card (and may set a new PIN the holder types at the counter). */
export async function resetPin(
  ctx: Ctx,
  staff: Caller,
  cardId: string,
  input: { pin?: string },
): Promise<CardView> {
  return ctx.db.transaction(async (tx) => {
    const office = await staffOffice(tx, staff);
    const card = await lockCard(tx, cardId, (c) => c.region_code === office.region_code);
    if (!LIVE.includes(card.status)) throw conflict('card_not_live', `The card is ${card.status}`);
    if (!card.pin_locked && card.pin_failures === 0 && input.pin === undefined)
      throw conflict('not_locked', 'The card is not PIN-locked; give a new PIN to change it');
    const pinHash = input.pin === undefined ? null : await hashSecret(input.pin);
    await tx.query(
      `update cards set pin_locked = false, pin_failures = 0, pin_hash = coalesce($2, pin_hash), updated_at = $3 where id = $1`,
      [card.id, pinHash, ctx.now],
    );
    await recordEvent(tx, {
      personId: card.person_id,
      regionCode: card.region_code,
      subject: 'card',
      subjectId: card.id,
      event: 'pin_reset',
      from: card.status,
      to: card.status,
      actor: actorOf(staff, 'counter'),
      detail: text(pinHash ? 'history.pin_new' : 'history.pin_unlocked'),
      at: ctx.now,
    });
    return getCardView(tx, card.id, false);
  });
}

/** A person's cards (or all cards of a person in a staff member's region) in issue order. */
export async function listCards(q: Queryable, personId: string, masked: boolean): Promise<CardView[]> {
  const { rows } = await q.query<CardRow>(
    `select ${CARD_COLUMNS} from cards where person_id = $1 order by issued_at, card_number`,
    [personId],
  );
  return rows.map((r) => toCard(r, masked));
}

/** Staff look a person up by ID number: their applications, cards (in clear) and history. 404 outside the region. */
export async function staffLookup(
  q: Queryable,
  regionCode: string,
  idNumber: string,
): Promise<{ personId: string; applications: ApplicationView[]; cards: CardView[]; history: CardEvent[] }> {
  const { rows } = await q.query<{ id: string }>(
    'select id from persons where id_number = $1 and region_code = $2',
    [idNumber, regionCode],
  );
  if (!rows[0]) throw notFound('person_not_found', 'No insured person with this ID number in your region');
  const apps = await q.query<ApplicationRow>(
    `${APP_SELECT} where a.person_id = $1 order by a.created_at, a.id`,
    [rows[0].id],
  );
  return {
    personId: rows[0].id,
    applications: apps.rows.map(toApplication),
    cards: await listCards(q, rows[0].id, false),
    history: await listEvents(q, rows[0].id),
  };
}

/** What the person sees: applications, cards (numbers masked except the last 4) and the history. */
export async function myCards(
  q: Queryable,
  personId: string,
): Promise<{ applications: ApplicationView[]; cards: CardView[]; history: CardEvent[] }> {
  const apps = await q.query<ApplicationRow>(
    `${APP_SELECT} where a.person_id = $1 order by a.created_at, a.id`,
    [personId],
  );
  const history = (await listEvents(q, personId)).filter((e) => e.subject !== 'ecard');
  return { applications: apps.rows.map(toApplication), cards: await listCards(q, personId, true), history };
}
