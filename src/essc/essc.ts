/**
 * The electronic social security card (电子社保卡, e-SSC) of the national social security card platform: issued
 * in a channel to a person whose identity is verified and whose physical card is live, linked 1:1 to that card
 * (its status mirrored from it by `mirrorPhysicalCard`, mirror.ts), with its own number, the channels'
 * authorisations, and its second-level issuance (the payment function) with its own payment PIN, hashed and
 * locked out as the e-voucher's (src/cards/payment-pin.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import { isUniqueViolation, type Queryable } from '../platform/db.ts';
import { lockPerson } from '../platform/locks.ts';
import { AppError, conflict, notFound, unprocessable } from '../platform/errors.ts';
import { actorOf, listEvents, recordEvent, type CardEvent } from '../cards/events.ts';
import { maskCardNumber } from '../cards/number.ts';
import {
  MAX_PAYMENT_PIN_FAILURES,
  PAYMENT_PIN_LOCK_HOURS,
  checkPaymentPin,
  hashPaymentPin,
} from '../cards/payment-pin.ts';

export const ESSC_CHANNELS = ['wechat', 'official_account', 'app', 'alipay', 'bank_app'] as const;
export type EsscChannel = (typeof ESSC_CHANNELS)[number];
export type EsscStatus = 'active' | 'suspended' | 'ended';

export interface EsscView {
  id: string;
  esscNumber: string;
  personId: string;
  regionCode: string;
  status: EsscStatus;
  /** The linked physical card, masked except the last 4 characters, and its status. */
  physicalCard: { id: string; cardNumber: string; status: string };
  channel: EsscChannel;
  authorisations: Array<{ channel: EsscChannel; regionCode: string; authorisedAt: string }>;
  secondLevel: boolean;
  issuedAt: string;
  secondLevelAt: string | null;
  endedAt: string | null;
  history: CardEvent[];
}

interface EsscRow {
  id: string;
  essc_number: string;
  person_id: string;
  region_code: string;
  card_id: string;
  status: EsscStatus;
  channel: EsscChannel;
  second_level: boolean;
  payment_pin_hash: string | null;
  payment_pin_failures: number;
  payment_pin_locked_until: Date | null;
  issued_at: Date;
  second_level_at: Date | null;
  ended_at: Date | null;
}

const COLUMNS = `id, essc_number, person_id, region_code, card_id, status, channel, second_level, payment_pin_hash,
  payment_pin_failures, payment_pin_locked_until, issued_at, second_level_at, ended_at`;

async function toView(q: Queryable, r: EsscRow): Promise<EsscView> {
  const auth = await q.query<{ channel: EsscChannel; region_code: string; authorised_at: Date }>(
    'select channel, region_code, authorised_at from essc_authorisations where essc_id = $1 order by authorised_at, channel',
    [r.id],
  );
  const card = await q.query<{ card_number: string; status: string }>(
    'select card_number, status from cards where id = $1',
    [r.card_id],
  );
  const history = (await listEvents(q, r.person_id, 'essc')).filter((e) => e.subjectId === r.id);
  return {
    id: r.id,
    esscNumber: r.essc_number,
    personId: r.person_id,
    regionCode: r.region_code,
    status: r.status,
    physicalCard: {
      id: r.card_id,
      cardNumber: maskCardNumber(card.rows[0]!.card_number),
      status: card.rows[0]!.status,
    },
    channel: r.channel,
    authorisations: auth.rows.map((a) => ({
      channel: a.channel,
      regionCode: a.region_code,
      authorisedAt: a.authorised_at.toISOString(),
    })),
    secondLevel: r.second_level,
    issuedAt: r.issued_at.toISOString(),
    secondLevelAt: r.second_level_at?.toISOString() ?? null,
    endedAt: r.ended_at?.toISOString() ?? null,
    history,
  };
}

async function view(q: Queryable, id: string): Promise<EsscView> {
  const { rows } = await q.query<EsscRow>(`select ${COLUMNS} from esscs where id = $1`, [id]);
  return toView(q, rows[0]!);
}

async function lockVerifiedPerson(tx: Queryable, personId: string) {
  const person = await lockPerson<{ id: string; identity_status: string }>(
    tx,
    personId,
    'id, identity_status',
  );
  if (!person) throw notFound('person_not_found', 'No such person');
  return person;
}

/**
 * The person's live physical card, or the refusal that says why they have none to link: 422
 * `no_physical_card`, `card_lost` (frozen after a loss report), `card_cancelled`, `card_other_region`.
 */
async function linkableCard(
  tx: Queryable,
  personId: string,
  regionCode: string,
): Promise<{ id: string; region_code: string }> {
  const { rows } = await tx.query<{ id: string; status: string; region_code: string }>(
    `select id, status, region_code from cards where person_id = $1
      order by (status in ('issued', 'active', 'frozen')) desc, issued_at desc, id limit 1`,
    [personId],
  );
  const card = rows[0];
  if (!card) {
    throw unprocessable('no_physical_card', 'Apply for a physical social security card first');
  }
  if (card.status === 'frozen') {
    throw unprocessable(
      'card_lost',
      'Your physical card is reported lost and frozen; get a replacement first',
    );
  }
  if (card.status === 'cancelled' || card.status === 'replaced') {
    throw unprocessable('card_cancelled', 'Your physical card is cancelled; apply for a new card first');
  }
  if (card.region_code !== regionCode) {
    throw unprocessable(
      'card_other_region',
      `Your physical card belongs to another region; choose the city of your card`,
      { field: 'regionCode' },
    );
  }
  return card;
}

/**
 * Applies for the e-SSC in a channel, choosing the region (city) of the physical card, with the channel's
 * authorisation. The first application issues the e-SSC (`created`); one in another channel records that
 * channel's authorisation on the same e-SSC (one e-SSC per person and card).
 */
export async function applyEssc(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { channel: EsscChannel; regionCode: string; authorise?: boolean },
): Promise<{ created: boolean; essc: EsscView }> {
  if (input.authorise !== true) {
    throw unprocessable('authorisation_required', 'Authorise and confirm (authorise: true)', {
      field: 'authorise',
    });
  }
  return ctx.db.transaction(async (tx) => {
    const person = await lockVerifiedPerson(tx, caller.personId);
    if (person.identity_status !== 'verified') {
      throw unprocessable('identity_not_verified', 'Verify your identity before applying for the e-SSC');
    }
    const card = await linkableCard(tx, person.id, input.regionCode);
    const existing = await tx.query<EsscRow>(
      `select ${COLUMNS} from esscs where person_id = $1 and status <> 'ended' for update`,
      [person.id],
    );
    const actor = actorOf(caller, input.channel);
    let id = existing.rows[0]?.id;
    const created = !id;
    if (id) {
      const has = await tx.query('select 1 from essc_authorisations where essc_id = $1 and channel = $2', [
        id,
        input.channel,
      ]);
      if (has.rows[0]) {
        throw conflict('channel_already_authorised', `Your e-SSC is already in ${input.channel}`);
      }
    } else {
      id = randomUUID();
      try {
        await tx.query(
          `insert into esscs (id, essc_number, person_id, region_code, card_id, status, channel, issued_at, updated_at)
           values ($1, 'ES' || lpad(nextval('essc_number_seq')::text, 10, '0'), $2, $3, $4, 'active', $5, $6, $6)`,
          [id, person.id, card.region_code, card.id, input.channel, ctx.now],
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('essc_exists', 'You already have an e-SSC');
        throw err;
      }
      await recordEvent(tx, {
        personId: person.id,
        regionCode: card.region_code,
        subject: 'essc',
        subjectId: id,
        event: 'issued',
        from: null,
        to: 'active',
        actor,
        at: ctx.now,
      });
    }
    await tx.query(
      `insert into essc_authorisations (essc_id, channel, person_id, region_code, authorised_at)
       values ($1, $2, $3, $4, $5)`,
      [id, input.channel, person.id, input.regionCode, ctx.now],
    );
    if (!created) {
      await recordEvent(tx, {
        personId: person.id,
        regionCode: card.region_code,
        subject: 'essc',
        subjectId: id,
        event: 'channel_authorised',
        from: existing.rows[0]!.status,
        to: existing.rows[0]!.status,
        actor,
        at: ctx.now,
      });
    }
    return { created, essc: await view(tx, id) };
  });
}

async function lockOwnEssc(tx: Queryable, personId: string): Promise<EsscRow> {
  await lockVerifiedPerson(tx, personId);
  const { rows } = await tx.query<EsscRow>(
    `select ${COLUMNS} from esscs where person_id = $1 and status <> 'ended' for update`,
    [personId],
  );
  if (!rows[0]) throw notFound('essc_not_found', 'You have no e-SSC; apply for one first');
  return rows[0];
}

/** Second-level issuance: opens the e-SSC's payment function with its own 6-digit payment PIN. */
export async function openSecondLevel(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { pin: string; consent?: boolean },
): Promise<EsscView> {
  if (input.consent !== true) {
    throw unprocessable('consent_required', 'Give explicit consent (consent: true)', { field: 'consent' });
  }
  const hash = hashPaymentPin(ctx.paymentPinKey, input.pin);
  return ctx.db.transaction(async (tx) => {
    const e = await lockOwnEssc(tx, caller.personId);
    if (e.status === 'suspended') throw unprocessable('essc_suspended', 'The e-SSC is suspended');
    if (e.second_level) throw conflict('second_level_done', 'The e-SSC’s payment function is already open');
    await tx.query(
      `update esscs set second_level = true, payment_pin_hash = $2, second_level_at = $3, updated_at = $3 where id = $1`,
      [e.id, hash, ctx.now],
    );
    await recordEvent(tx, {
      personId: e.person_id,
      regionCode: e.region_code,
      subject: 'essc',
      subjectId: e.id,
      event: 'second_level_issued',
      from: e.status,
      to: e.status,
      actor: actorOf(caller, 'app'),
      at: ctx.now,
    });
    return view(tx, e.id);
  });
}

/** The person's e-SSC (the live one, else the last ended one); 404 `essc_not_found`. */
export async function getMyEssc(q: Queryable, personId: string): Promise<EsscView> {
  const { rows } = await q.query<EsscRow>(
    `select ${COLUMNS} from esscs where person_id = $1 order by (status = 'ended'), issued_at desc limit 1`,
    [personId],
  );
  if (!rows[0]) throw notFound('essc_not_found', 'You have no e-SSC');
  return toView(q, rows[0]);
}

/** Staff find a person's e-SSC in their region by ID number; 404 for none (or another region's). */
export async function staffFindEssc(q: Queryable, regionCode: string, idNumber: string): Promise<EsscView> {
  const { rows } = await q.query<EsscRow>(
    `select ${COLUMNS} from esscs where id = (
       select e.id from esscs e join persons p on p.id = e.person_id
        where p.id_number = $1 and e.region_code = $2 order by (e.status = 'ended'), e.issued_at desc limit 1)`,
    [idNumber, regionCode],
  );
  if (!rows[0]) throw notFound('essc_not_found', 'No e-SSC for this ID number in your region');
  return toView(q, rows[0]);
}

/** A wrong e-SSC payment PIN (counted apart from the refused transaction). */
export class WrongEsscPin extends AppError {
  constructor(attemptsLeft: number) {
    super(422, 'wrong_pin', 'Wrong payment PIN', { attemptsLeft });
  }
}

/**
 * Checks the e-SSC's payment PIN, with the e-voucher's lockout rules: 422 `essc_suspended`, `essc_ended`,
 * `second_level_required`, `payment_pin_locked`, or `wrong_pin` (counted; the limit-th in a row locks the PIN
 * for `PAYMENT_PIN_LOCK_HOURS`). A right PIN resets the count. Call it after the person's lock.
 */
export async function verifyEsscPaymentPin(
  q: Queryable,
  key: Buffer,
  esscId: string,
  pin: string,
  now: Date,
): Promise<void> {
  const { rows } = await q.query<EsscRow>(`select ${COLUMNS} from esscs where id = $1`, [esscId]);
  const e = rows[0];
  if (!e) throw notFound('essc_not_found', 'No such e-SSC');
  if (e.status === 'suspended') throw unprocessable('essc_suspended', 'The e-SSC is suspended');
  if (e.status === 'ended') throw unprocessable('essc_ended', 'The e-SSC has ended');
  if (!e.second_level || !e.payment_pin_hash) {
    throw unprocessable('second_level_required', 'Open the e-SSC’s payment function (second-level issuance)');
  }
  if (e.payment_pin_locked_until && e.payment_pin_locked_until > now) {
    throw unprocessable('payment_pin_locked', 'Too many wrong payment PINs; try again later', {
      lockedUntil: e.payment_pin_locked_until.toISOString(),
    });
  }
  const check = await checkPaymentPin(key, pin, e.payment_pin_hash);
  if (!check.ok) {
    const { rows: r } = await q.query<{ payment_pin_failures: number; locked: boolean }>(
      `update esscs set
         payment_pin_failures = case when payment_pin_failures + 1 >= $2 then 0 else payment_pin_failures + 1 end,
         payment_pin_locked_until = case when payment_pin_failures + 1 >= $2 then $3::timestamptz else payment_pin_locked_until end
       where id = $1
       returning payment_pin_failures, payment_pin_locked_until = $3::timestamptz as locked`,
      [esscId, MAX_PAYMENT_PIN_FAILURES, new Date(now.getTime() + PAYMENT_PIN_LOCK_HOURS * 3600_000)],
    );
    const left = !r[0] || r[0].locked ? 0 : MAX_PAYMENT_PIN_FAILURES - r[0].payment_pin_failures;
    throw new WrongEsscPin(left);
  }
  if (check.rehash || e.payment_pin_failures > 0 || e.payment_pin_locked_until) {
    await q.query(
      `update esscs set payment_pin_hash = $2, payment_pin_failures = 0, payment_pin_locked_until = null where id = $1`,
      [esscId, check.rehash ? hashPaymentPin(key, pin) : e.payment_pin_hash],
    );
  }
}
