/** Issue and collection: on the spot at a county centre, ready and collected at a service point, employer batches. */
import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { AppError, conflict, unprocessable } from '../platform/errors.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { parseIdNumber } from '../people/store.ts';
import { actorOf, recordEvent } from './events.ts';
import { maskCardNumber } from './number.ts';
import {
  DEFAULT_ISSUING_BANK,
  LIVE,
  assertActivePerson,
  assertIdChecked,
  assertNoOpenOrLive,
  checkPin,
  createCard,
  insertApplication,
  lockApplication,
  lockCard,
  lockPerson,
  result,
  setApplicationStatus,
  staffOffice,
  type ApplicationResult,
  type CardStatus,
  type LockedApplication,
} from './shared.ts';

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
