/**
 * What the card lifecycle files share: statuses, constants, row types and columns, views, and the
 * steps more than one lifecycle takes (locking, offices, PINs, inserting applications, making cards).
 * It imports none of the lifecycle files.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { hashSecret } from '../platform/password.ts';
import { lockPerson as lockPersonRow } from '../platform/locks.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { recordEvent, type Actor } from './events.ts';
import { maskCardNumber, nextCardNumber } from './number.ts';
import { WorkingDayCalendar } from '../platform/working-days.ts';
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

export const LIVE: readonly CardStatus[] = ['issued', 'active', 'frozen'];

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

export interface ApplicationRow {
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

export const APP_SELECT = `select a.id, a.person_id, p.id_number, p.name, a.region_code, a.channel, a.submitted_via, a.office_id,
  a.employer_id, a.batch_id, a.introduction_ref, a.agent_id_number, a.agent_name, a.status, a.due_date, a.id_checked,
  a.card_id, a.created_at, a.updated_at
  from card_applications a join persons p on p.id = a.person_id`;

/** Agents' ID numbers and names are always shown masked: nobody reading an application needs them in clear. */
export const toApplication = (r: ApplicationRow): ApplicationView => ({
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

export interface CardRow {
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

export const CARD_COLUMNS = `id, person_id, region_code, application_id, card_number, bank, status, pin_hash, pin_failures, pin_locked,
  with_employer_id, handed_out_at, issued_at, activated_at, activation_place, replaces_card_id, replaced_by_card_id`;

export function toCard(r: CardRow, masked: boolean): CardView {
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

export interface LockedPerson {
  id: string;
  id_number: string;
  name: string;
  region_code: string;
  status: string;
  employer_id: string | null;
}

export async function lockPerson(q: Queryable, personId: string): Promise<LockedPerson> {
  const person = await lockPersonRow<LockedPerson>(
    q,
    personId,
    'id, id_number, name, region_code, status, employer_id',
  );
  if (!person) throw notFound('person_not_found', 'No such person');
  return person;
}

export function assertActivePerson(p: LockedPerson): void {
  if (p.status !== 'active')
    throw unprocessable('person_not_active', `The person's insurance is ${p.status}; no card can be issued`);
}

/** 409 when the person has an open application or a live card: one card per person. */
export async function assertNoOpenOrLive(q: Queryable, personId: string): Promise<void> {
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

export interface OfficeRow {
  id: string;
  region_code: string;
  kind: 'county_centre' | 'service_point' | 'window';
}

export async function getOffice(q: Queryable, officeId: string): Promise<OfficeRow | undefined> {
  const { rows } = await q.query<OfficeRow>('select id, region_code, kind from offices where id = $1', [
    officeId,
  ]);
  return rows[0];
}

export async function staffOffice(q: Queryable, staff: Caller): Promise<OfficeRow> {
  const office = staff.officeId ? await getOffice(q, staff.officeId) : undefined;
  if (!office) throw new AppError(403, 'no_office', 'Your staff account has no office');
  return office;
}

export async function checkPin(pin: string | undefined, required: boolean): Promise<string | null> {
  if (pin === undefined) {
    if (required) throw unprocessable('pin_required', 'Set the 6-digit chip PIN', { field: 'pin' });
    return null;
  }
  return hashSecret(pin);
}

export function assertIdChecked(idChecked: boolean | undefined): void {
  if (idChecked !== true) {
    throw unprocessable('id_not_checked', 'Confirm that the original ID document was checked', {
      field: 'idChecked',
    });
  }
}

export interface NewApplication {
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

export async function insertApplication(
  tx: Queryable,
  ctx: Ctx,
  actor: Actor,
  a: NewApplication,
): Promise<string> {
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

export async function setApplicationStatus(
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
export async function createCard(
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

export interface ApplicationResult {
  application: ApplicationView;
  /** The issued card, when the flow issued one at once (county centre, employer batch). */
  card: CardView | null;
}

export async function result(
  q: Queryable,
  applicationId: string,
  masked: boolean,
): Promise<ApplicationResult> {
  const application = await getApplication(q, applicationId);
  const card = application.cardId ? await getCardView(q, application.cardId, masked) : null;
  return { application, card };
}

export async function getCardView(q: Queryable, cardId: string, masked: boolean): Promise<CardView> {
  const { rows } = await q.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1`, [cardId]);
  return toCard(rows[0]!, masked);
}

export interface LockedApplication {
  id: string;
  person_id: string;
  region_code: string;
  status: ApplicationStatus;
  channel: CardChannel;
  office_id: string | null;
  submitted_via: string;
}

/** Locks the application's person, then the application; 404 outside the staff member's region. */
export async function lockApplication(
  tx: Queryable,
  id: string,
  regionCode: string,
): Promise<LockedApplication> {
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

/** Locks the card's person, then the card; 404 unless `visible` accepts the card. */
export async function lockCard(
  tx: Queryable,
  cardId: string,
  visible: (c: CardRow) => boolean,
): Promise<CardRow> {
  const pre = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1`, [cardId]);
  if (!pre.rows[0] || !visible(pre.rows[0])) throw notFound('card_not_found', 'No such card');
  await lockPerson(tx, pre.rows[0].person_id);
  const { rows } = await tx.query<CardRow>(`select ${CARD_COLUMNS} from cards where id = $1 for update`, [
    cardId,
  ]);
  return rows[0]!;
}
