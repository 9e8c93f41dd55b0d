import { randomUUID } from 'node:crypto';
import type { Caller, Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation, type Statement } from '../platform/db.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { maskIdNumber } from '../platform/mask.ts';
import { notify } from '../notifications/store.ts';
import { text } from '../i18n/index.ts';
import { findPersonByIdNumber, getPerson, lockPerson, parseIdNumber } from '../people/store.ts';
import { isMinorChild, kinshipProblem, type Kinship } from './kinship.ts';

export type Channel = 'app' | 'web_portal' | 'self_service_terminal' | 'hospital_office' | 'window';
type DisplayState = 'off' | 'pending' | 'confirmed' | 'declined';

export interface RelativeInput {
  idNumber: string;
  name: string;
  kinship: Kinship;
  mutualAid?: boolean;
  cardDisplay?: boolean;
}

export interface Binding {
  id: string;
  binderPersonId: string;
  relativePersonId: string;
  /** The binder typed the name; the ID number stays masked. */
  relativeName: string;
  relativeIdNumber: string;
  kinship: Kinship;
  channel: Channel;
  mutualAid: boolean;
  cardDisplay: DisplayState;
  createdAt: string;
}

export type BindRowResult =
  | { row: number; status: 'bound'; binding: Binding }
  | { row: number; status: 'error'; code: string; message: string };

interface Row {
  id: string;
  binder_person_id: string;
  relative_person_id: string;
  name: string;
  id_number: string;
  kinship: Kinship;
  channel: Channel;
  mutual_aid: boolean;
  card_display: DisplayState;
  created_at: Date;
}

const SELECT = `select b.id, b.binder_person_id, b.relative_person_id, p.name, p.id_number, b.kinship, b.channel, b.mutual_aid,
    b.card_display, b.created_at
  from family_bindings b join persons p on p.id = b.relative_person_id`;

const toBinding = (r: Row): Binding => ({
  id: r.id,
  binderPersonId: r.binder_person_id,
  relativePersonId: r.relative_person_id,
  relativeName: r.name,
  relativeIdNumber: maskIdNumber(r.id_number),
  kinship: r.kinship,
  channel: r.channel,
  mutualAid: r.mutual_aid,
  cardDisplay: r.card_display,
  createdAt: r.created_at.toISOString(),
});

async function bindOne(
  tx: Queryable,
  ctx: Ctx,
  binderId: string,
  channel: Channel,
  actor: Caller,
  input: RelativeInput,
): Promise<Binding> {
  const id = parseIdNumber(input.idNumber, ctx.now);
  // Lock the binder: the count of bindings below must not race with another request of theirs.
  const binder = await lockPerson(tx, binderId);
  if (binder.idNumber === id.idNumber) throw unprocessable('cannot_bind_self', 'You cannot bind yourself');
  const relative = await findPersonByIdNumber(tx, id.idNumber);
  if (!relative)
    throw unprocessable('relative_not_insured', 'No insured person has this ID number', {
      field: 'idNumber',
    });
  if (relative.name !== input.name.trim()) {
    throw unprocessable(
      'relative_name_mismatch',
      'The name does not match the insured person with this ID number',
      { field: 'name' },
    );
  }
  const problem = kinshipProblem(input.kinship, binder.birthDate, relative.birthDate, ctx.now);
  if (problem)
    throw unprocessable('wrong_kinship', `The kinship does not fit the birth dates: ${problem}`, {
      field: 'kinship',
    });
  const { rows } = await tx.query<{ n: number }>(
    `select count(*)::int8 as n from family_bindings where binder_person_id = $1 and status = 'active'`,
    [binderId],
  );
  if (rows[0]!.n >= ctx.config.maxRelatives) {
    throw unprocessable('too_many_relatives', `At most ${ctx.config.maxRelatives} relatives can be bound`);
  }
  const display: DisplayState = !input.cardDisplay
    ? 'off'
    : isMinorChild(input.kinship, relative.birthDate, ctx.now)
      ? 'confirmed'
      : 'pending';
  const bindingId = randomUUID();
  try {
    await tx.query(
      `insert into family_bindings (id, binder_person_id, relative_person_id, kinship, channel, mutual_aid, card_display, created_by, created_at,
         display_decided_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        bindingId,
        binderId,
        relative.id,
        input.kinship,
        channel,
        input.mutualAid ?? false,
        display,
        actor.userId,
        ctx.now,
        display === 'confirmed' ? ctx.now : null,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('already_bound', 'This relative is already bound');
    throw err;
  }
  if (display === 'pending') {
    await notify(
      tx,
      relative.id,
      'family_display_request',
      text('notice.family_display_request', { name: binder.name }),
    );
  }
  await notify(
    tx,
    relative.id,
    'family_bound',
    text('notice.family_bound', { name: binder.name, kinship: text(`kinship.${input.kinship}`) }),
  );
  return getBinding(tx, bindingId);
}

async function getBinding(q: Queryable, id: string): Promise<Binding> {
  const { rows } = await q.query<Row>(`${SELECT} where b.id = $1`, [id]);
  if (!rows[0]) throw notFound('binding_not_found', 'No such binding');
  return toBinding(rows[0]);
}

/**
 * Binds several relatives row by row, as the counter enters them "in a loop": each row is its own
 * transaction, so a bad row is reported and the others go through.
 */
export async function bindRelatives(
  ctx: Ctx,
  actor: Caller,
  binderId: string,
  channel: Channel,
  rows: RelativeInput[],
): Promise<BindRowResult[]> {
  const results: BindRowResult[] = [];
  for (const [i, input] of rows.entries()) {
    try {
      const binding = await ctx.db.transaction((tx) => bindOne(tx, ctx, binderId, channel, actor, input));
      results.push({ row: i + 1, status: 'bound', binding });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ row: i + 1, status: 'error', code: err.code, message: err.message });
    }
  }
  return results;
}

export async function listBindings(q: Queryable, binderId: string): Promise<Binding[]> {
  const { rows } = await q.query<Row>(
    `${SELECT} where b.binder_person_id = $1 and b.status = 'active' order by b.created_at, b.id`,
    [binderId],
  );
  return rows.map(toBinding);
}

export interface DisplayRequest {
  id: string;
  binderName: string;
  kinship: Kinship;
  cardDisplay: DisplayState;
  createdAt: string;
}

/** Bindings where the person is the relative, with their card display state (pending ones wait for them). */
export async function listRequests(q: Queryable, relativeId: string): Promise<DisplayRequest[]> {
  const { rows } = await q.query<{
    id: string;
    name: string;
    kinship: Kinship;
    card_display: DisplayState;
    created_at: Date;
  }>(
    `select b.id, p.name, b.kinship, b.card_display, b.created_at from family_bindings b join persons p on p.id = b.binder_person_id
      where b.relative_person_id = $1 and b.status = 'active' order by (b.card_display = 'pending') desc, b.created_at desc`,
    [relativeId],
  );
  return rows.map((r) => ({
    id: r.id,
    binderName: r.name,
    kinship: r.kinship,
    cardDisplay: r.card_display,
    createdAt: r.created_at.toISOString(),
  }));
}

/** The relative confirms or declines a pending card display request; the binder is told. */
export async function decideDisplay(
  ctx: Ctx,
  relativeId: string,
  bindingId: string,
  confirm: boolean,
): Promise<DisplayRequest> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ binder_person_id: string; card_display: DisplayState }>(
      `select binder_person_id, card_display from family_bindings where id = $1 and relative_person_id = $2 and status = 'active' for update`,
      [bindingId, relativeId],
    );
    const b = rows[0];
    if (!b) throw notFound('binding_not_found', 'No such family binding naming you');
    if (b.card_display !== 'pending')
      throw conflict('no_pending_request', 'There is no pending card display request on this binding');
    await tx.query('update family_bindings set card_display = $2, display_decided_at = $3 where id = $1', [
      bindingId,
      confirm ? 'confirmed' : 'declined',
      ctx.now,
    ]);
    const relative = await getPerson(tx, relativeId);
    await notify(
      tx,
      b.binder_person_id,
      confirm ? 'binding_confirmed' : 'binding_declined',
      text(confirm ? 'notice.binding_confirmed' : 'notice.binding_declined', { name: relative.name }),
    );
    return (await listRequests(tx, relativeId)).find((r) => r.id === bindingId)!;
  });
}

/** The binder changes a binding's permissions: mutual aid on or off; card display requested or off. */
export async function updatePermissions(
  ctx: Ctx,
  binderId: string,
  bindingId: string,
  patch: { mutualAid?: boolean; cardDisplay?: boolean },
): Promise<Binding> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      relative_person_id: string;
      kinship: Kinship;
      card_display: DisplayState;
    }>(
      `select relative_person_id, kinship, card_display from family_bindings where id = $1 and binder_person_id = $2 and status = 'active' for update`,
      [bindingId, binderId],
    );
    const b = rows[0];
    if (!b) throw notFound('binding_not_found', 'No such binding of yours');
    let display = b.card_display;
    if (patch.cardDisplay === false) display = 'off';
    if (patch.cardDisplay === true && (display === 'off' || display === 'declined')) {
      const relative = await getPerson(tx, b.relative_person_id);
      display = isMinorChild(b.kinship, relative.birthDate, ctx.now) ? 'confirmed' : 'pending';
      if (display === 'pending') {
        await notify(
          tx,
          b.relative_person_id,
          'family_display_request',
          text('notice.family_display_request_anonymous'),
        );
      }
    }
    await tx.query(
      'update family_bindings set mutual_aid = coalesce($2, mutual_aid), card_display = $3 where id = $1',
      [bindingId, patch.mutualAid ?? null, display],
    );
    return getBinding(tx, bindingId);
  });
}

export async function unbind(ctx: Ctx, binderId: string, bindingId: string): Promise<void> {
  const { rowCount } = await ctx.db.query(
    `update family_bindings set status = 'unbound', unbound_at = $3 where id = $1 and binder_person_id = $2 and status = 'active'`,
    [bindingId, binderId, ctx.now],
  );
  if (!rowCount) throw notFound('binding_not_found', 'No such binding of yours');
}

/** The relative whose account pays for `beneficiaryId` when theirs cannot: the earliest binder with mutual aid on. */
export async function findMutualAidPayer(q: Queryable, beneficiaryId: string): Promise<string | null> {
  const read = mutualAidPayerRead(beneficiaryId);
  const { rows } = await q.query<{ binder_person_id: string }>(read.sql, read.params);
  return rows[0]?.binder_person_id ?? null;
}

/** `findMutualAidPayer` as a statement (column `binder_person_id`), for the settlement's combined read. */
export function mutualAidPayerRead(beneficiaryId: string): Statement {
  return {
    sql: `select binder_person_id from family_bindings where relative_person_id = $1::uuid and status = 'active' and mutual_aid
      order by created_at, id limit 1`,
    params: [beneficiaryId],
  };
}

/** Whether `binderId` may show `relativeId`'s e-card QR code (confirmed family card display). */
export async function mayDisplayCard(q: Queryable, binderId: string, relativeId: string): Promise<boolean> {
  const { rows } = await q.query(
    `select 1 from family_bindings where binder_person_id = $1 and relative_person_id = $2 and status = 'active' and card_display = 'confirmed'`,
    [binderId, relativeId],
  );
  return rows.length > 0;
}
