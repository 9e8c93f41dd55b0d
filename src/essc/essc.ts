/**
 * The electronic social security card (电子社保卡, e-SSC) of the national social security card platform: issued
 * in a channel to a person whose identity is verified and whose physical card is live, linked 1:1 to that card
 * (its status mirrored from it by `mirrorPhysicalCard`, mirror.ts), with its own number, the channels'
 * authorisations, and its second-level issuance (the payment function) with its own payment PIN, hashed and
 * locked out as the e-voucher's (src/cards/payment-pin.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Caller } from '../platform/context.ts';
import { isUniqueViolation, type Queryable, type Statement } from '../platform/db.ts';
import { lockPerson } from '../platform/locks.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { actorOf, listEvents, recordEvent, type CardEvent } from '../cards/events.ts';
import { maskCardNumber } from '../cards/number.ts';
import { maskBankAccount } from '../platform/mask.ts';
import { text } from '../i18n/index.ts';
import type { KeyRingCache } from '../qr/store.ts';
import { signedQr, type SignedQr } from '../qr/issue.ts';
import { hashPaymentPin } from '../cards/payment-pin.ts';
import { assertAuthorised, checkHeldPaymentPin } from '../cards/ecard.ts';

/** WeChat (me → wallet → city services), the e-SSC official account, the official app, Alipay, a bank app. */
export type EsscChannel = 'wechat' | 'official_account' | 'app' | 'alipay' | 'bank_app';
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
  /** The bank account behind the physical card's financial function, linked here; masked. */
  bankAccount: { bank: BankCode; accountMasked: string; linkedAt: string } | null;
  history: CardEvent[];
}

/** The banks a social security card's financial function may be with (codes; the apps name them). */
export const BANK_CODES = ['icbc', 'abc', 'boc', 'ccb', 'bocom', 'psbc', 'cmb'] as const;
export type BankCode = (typeof BANK_CODES)[number];

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
  const bank = await q.query<{ bank: BankCode; account_number: string; linked_at: Date }>(
    'select bank, account_number, linked_at from essc_bank_accounts where essc_id = $1',
    [r.id],
  );
  const b = bank.rows[0];
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
    bankAccount: b
      ? {
          bank: b.bank,
          accountMasked: maskBankAccount(b.account_number),
          linkedAt: b.linked_at.toISOString(),
        }
      : null,
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
  assertAuthorised(input.authorise, 'authorise', 'authorisation_required', 'authorisation');
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
  assertAuthorised(input.consent, 'consent', 'consent_required', 'consent');
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

/**
 * The e-SSC's `PaymentPinState` as a statement (its second-level issuance reads as the open payment
 * function), for the settlement's combined read after the person's lock; no row for a null or unknown id.
 */
export function esscPaymentPinStateRead(esscId: string | null): Statement {
  return {
    sql: `select id, 'esscs'::text as holder, status, second_level as payment_open, payment_pin_hash,
            payment_pin_failures, payment_pin_locked_until from esscs where id = $1::uuid`,
    params: [esscId],
  };
}

/**
 * Checks the e-SSC's payment PIN with the e-voucher's lockout rules (src/cards/ecard.ts): 404
 * `essc_not_found`; 422 `essc_suspended`, `essc_ended`, `second_level_required`, `payment_pin_locked`, or
 * `wrong_pin` (counted; the limit-th in a row locks the PIN). A right PIN resets the count.
 */
export async function verifyEsscPaymentPin(
  q: Queryable,
  key: Buffer,
  esscId: string,
  pin: string,
  now: Date,
): Promise<void> {
  if (!(await checkHeldPaymentPin(q, key, esscPaymentPinStateRead(esscId), pin, now)))
    throw notFound('essc_not_found', 'No such e-SSC');
}

/** The Luhn check digit test bank card numbers carry (ISO/IEC 7812). */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Links the bank account behind the physical card's financial function to the person's live e-SSC (a new
 * link replaces the old one): 422 `invalid_bank_account` (12-19 digits with a valid check digit),
 * `essc_suspended`; 404 `essc_not_found`. The number is kept for the bank instructions and shown masked.
 */
export async function linkBankAccount(
  ctx: Ctx,
  caller: Caller & { personId: string },
  input: { bank: BankCode; accountNumber: string },
): Promise<EsscView> {
  const number = input.accountNumber.replace(/\s/g, '');
  if (!/^[0-9]{12,19}$/.test(number) || !luhnValid(number)) {
    throw unprocessable('invalid_bank_account', 'The bank account number is not valid', {
      field: 'accountNumber',
    });
  }
  return ctx.db.transaction(async (tx) => {
    const e = await lockOwnEssc(tx, caller.personId);
    if (e.status === 'suspended') throw unprocessable('essc_suspended', 'The e-SSC is suspended');
    await tx.query(
      `insert into essc_bank_accounts (person_id, essc_id, bank, account_number, linked_at)
       values ($1, $2, $3, $4, $5)
       on conflict (person_id) do update set essc_id = excluded.essc_id, bank = excluded.bank,
         account_number = excluded.account_number, linked_at = excluded.linked_at`,
      [e.person_id, e.id, input.bank, number, ctx.now],
    );
    await recordEvent(tx, {
      personId: e.person_id,
      regionCode: e.region_code,
      subject: 'essc',
      subjectId: e.id,
      event: 'bank_account_linked',
      from: e.status,
      to: e.status,
      actor: actorOf(caller, 'app'),
      detail: text('history.essc_bank_linked', {
        bank: text(`bank.${input.bank}`),
        account: maskBankAccount(number),
      }),
      at: ctx.now,
    });
    return view(tx, e.id);
  });
}

/**
 * The bank account linked in the person's active e-SSC (bank, account_number) as a statement, for the
 * settlement's combined read when the cash share is paid from it; no row for a null id, no account, or an
 * e-SSC that is suspended or ended (a lost card's bank function does not pay).
 */
export function esscBankAccountRead(personId: string | null): Statement {
  return {
    sql: `select b.bank, b.account_number from essc_bank_accounts b join esscs e on e.id = b.essc_id
           where b.person_id = $1::uuid and e.status = 'active'`,
    params: [personId],
  };
}

/** What the till's scan needs to know about an e-SSC, or null when there is none. It does not lock. */
export async function loadEsscForPayment(
  q: Queryable,
  esscId: string,
): Promise<{ id: string; personId: string; status: EsscStatus; secondLevel: boolean } | null> {
  const { rows } = await q.query<EsscRow>(`select ${COLUMNS} from esscs where id = $1`, [esscId]);
  const r = rows[0];
  return r ? { id: r.id, personId: r.person_id, status: r.status, secondLevel: r.second_level } : null;
}

/**
 * A fresh QR code of the person's e-SSC, signed by the social security card platform's own key set: one-time,
 * short-lived, verifiable offline with the e-SSC JWKS. 404 `essc_not_found`; 422 `essc_suspended`,
 * `second_level_required`.
 */
export async function issueEsscQr(ctx: Ctx, keys: KeyRingCache, personId: string): Promise<SignedQr> {
  const { rows } = await ctx.db.query<EsscRow>(
    `select ${COLUMNS} from esscs where person_id = $1 and status <> 'ended'`,
    [personId],
  );
  const e = rows[0];
  if (!e) throw notFound('essc_not_found', 'You have no e-SSC; apply for one first');
  if (e.status === 'suspended') throw unprocessable('essc_suspended', 'The e-SSC is suspended');
  if (!e.second_level) {
    throw unprocessable('second_level_required', 'Open the e-SSC’s payment function (second-level issuance)');
  }
  return signedQr(ctx, keys, e.id);
}
