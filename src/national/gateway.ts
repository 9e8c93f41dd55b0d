/**
 * One national message from envelope to answer: who sends it (terminal credential, fixmedins_code), is it
 * well formed and fresh, is it signed by the institution's registered SM2 key, has this msgid been answered
 * before, is the institution signed in; then the transaction and the stored answer. Every refusal is an
 * `infcode: -1` answer with a stable `err_msg` prefix, and nothing is written.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Caller, Ctx } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { isUniqueViolation, type Queryable } from '../platform/db.ts';
import { requestHash } from '../platform/idempotency.ts';
import { maskIdNumbersIn } from '../platform/mask.ts';
import type { QrKeySets } from '../qr/store.ts';
import { sm2Verify, sm4DecryptHex, sm4EncryptHex } from './crypto.ts';
import {
  NationalRefusal,
  answer,
  canonicalJson,
  checkMsgid,
  parseTime,
  refuse,
  signingString,
  type Answer,
  type Envelope,
} from './envelope.ts';
import { nationalKeyOf } from './keys.ts';
import { SUPPORTED_INFNOS, transactionOf } from './transactions.ts';
import type { Call, Institution } from './call.ts';
import { hasText, t, type Lang } from '../i18n/index.ts';
import { errorMessage } from '../platform/http.ts';

/** How far inf_time may be from the server's clock. */
const INF_TIME_TOLERANCE_SECONDS = 300;

export interface GatewayDeps {
  ctx: Ctx;
  keys: QrKeySets;
  secretKey: Buffer;
  log: FastifyBaseLogger;
  /** The reader's language: the core's refusals and explanations are given in it. */
  lang: Lang;
}

interface StoredMessage {
  request_hash: string | null;
  response: Answer | null;
  reversed_by: string | null;
}

async function storedMessage(q: Queryable, msgid: string): Promise<StoredMessage | null> {
  const { rows } = await q.query<StoredMessage>(
    'select request_hash, response, reversed_by from national_messages where msgid = $1',
    [msgid],
  );
  return rows[0] ?? null;
}

/** The earlier answer of this msgid, if any (refusing a reversed message or another body). */
function replayOf(stored: StoredMessage | null, hash: string): Answer | null {
  if (!stored) return null;
  if (stored.reversed_by)
    refuse('message_reversed', `This msgid was reversed by 2601 message ${stored.reversed_by}`);
  if (stored.request_hash !== hash)
    refuse(
      'msgid_reused',
      'This msgid was already used for another message: every message needs its own msgid',
    );
  return stored.response;
}

const INSERT_MESSAGE = `insert into national_messages (msgid, institution_id, infno, request_hash, response, created_at)
  values ($1, $2, $3, $4, $5, $6)`;

export async function handleMessage(
  deps: GatewayDeps,
  caller: Caller | null,
  body: unknown,
  o: { pathInfno?: string; validationError?: string } = {},
): Promise<Answer> {
  const { ctx } = deps;
  let region = '000000';
  let sm4Key: string | null = null;
  try {
    if (o.validationError) refuse('envelope_invalid', o.validationError);
    const sent = body as Envelope;
    // The store keeps no NUL in a text: refused here rather than failing in a query.
    if (hasNul(sent)) refuse('envelope_invalid', 'A field holds a NUL character');
    if (o.pathInfno && sent.infno && sent.infno !== o.pathInfno)
      refuse('infno_mismatch', `The path names ${o.pathInfno} but the message is ${sent.infno}`);
    const infno = sent.infno ?? o.pathInfno;
    if (!infno) refuse('field_missing', 'infno is required');
    // The signature covers the message as sent; the path form may leave infno out of it.
    const env: Envelope = { ...sent, infno: infno! };
    if (caller?.role !== 'terminal' || !caller.institutionId)
      refuse('terminal_credential_required', 'Send the terminal credential: Authorization: Bearer ybt_…');
    const { rows } = await ctx.db.query<Institution & { status: string }>(
      `select id, code, name, kind, region_code as "regionCode", status from institutions where code = $1`,
      [env.fixmedins_code],
    );
    const institution =
      rows[0] ?? refuse('fixmedins_code_unknown', `No designated institution ${env.fixmedins_code}`);
    region = institution.regionCode;
    if (institution.id !== caller!.institutionId)
      refuse('fixmedins_code_mismatch', 'fixmedins_code is not the institution of this terminal credential');
    const transaction =
      transactionOf(infno) ??
      refuse('infno_unsupported', `infno ${infno} is not supported (${SUPPORTED_INFNOS.join(', ')})`);
    checkMsgid(env.msgid, institution.code);
    const sentAt =
      parseTime(env.inf_time) ??
      refuse('inf_time_invalid', 'inf_time must be yyyy-MM-dd HH:mm:ss (Beijing time)');
    if (Math.abs(sentAt.getTime() - ctx.now.getTime()) > INF_TIME_TOLERANCE_SECONDS * 1000)
      refuse(
        'inf_time_stale',
        `inf_time is more than ${INF_TIME_TOLERANCE_SECONDS} s from the server’s time`,
      );

    const keys =
      (await nationalKeyOf(ctx.db, deps.secretKey, institution.id)) ??
      refuse('sm2_key_unregistered', 'The institution has no registered SM2 public key');
    if (env.signtype !== 'SM2') refuse('signtype_unsupported', 'signtype must be SM2 (SM3withSM2)');
    if (!sm2Verify(signingString(sent), env.cainfo, keys.sm2PublicKey))
      refuse(
        'signature_invalid',
        'cainfo is not a valid SM3withSM2 signature of this message by the registered key',
      );

    let input = env.input;
    if (env.enc_type === 'SM4') {
      sm4Key = keys.sm4Key;
      if (typeof input !== 'string')
        refuse('decrypt_failed', 'With enc_type SM4, input is the hex SM4 ciphertext');
      try {
        input = JSON.parse(sm4DecryptHex(keys.sm4Key, input as string));
      } catch {
        refuse('decrypt_failed', 'input does not decrypt with the institution’s SM4 key to JSON');
      }
    } else if (env.enc_type) refuse('enc_type_unsupported', 'enc_type must be SM4 or absent');
    if (hasNul(input)) refuse('input_invalid', 'A field of input holds a NUL character');

    const hash = requestHash({ infno, input });
    const stored = await storedMessage(ctx.db, env.msgid);
    const replay = replayOf(stored, hash);
    if (replay) return encrypt(replay, sm4Key);

    if (infno !== '9001') {
      if (!env.sign_no) refuse('sign_in_required', 'sign_no is required: sign in with 9001 first');
      const { rows: signIns } = await ctx.db.query(
        'select 1 from national_sign_ins where sign_no = $1 and institution_id = $2 and signed_out_at is null',
        [env.sign_no, institution.id],
      );
      if (!signIns[0])
        refuse('sign_in_required', 'sign_no is not an open sign-in of this institution: sign in with 9001');
    }

    const call: Call = { ctx, keys: deps.keys, terminal: caller!, institution, env, input, lang: deps.lang };
    // A reversible message is recorded before it runs, so that a 2601 finds it whether or not it commits.
    let claimedNow = false;
    if (transaction.reversible && !stored) {
      const { rows: claim } = await ctx.db.query(
        `insert into national_messages (msgid, institution_id, infno, request_hash, response, created_at)
         values ($1, $2, $3, $4, null, $5) on conflict (msgid) do nothing returning msgid`,
        [env.msgid, institution.id, infno, hash, ctx.now],
      );
      if (!claim[0])
        return encrypt(
          replayOf(await storedMessage(ctx.db, env.msgid), hash) ?? refuse('msgid_in_use', 'Retry shortly'),
          sm4Key,
        );
      claimedNow = true;
    }
    const claimed = transaction.reversible === true;
    const save = async (q: Queryable, a: Answer) => {
      if (claimed)
        await q.query('update national_messages set response = $2 where msgid = $1 and response is null', [
          env.msgid,
          JSON.stringify(a),
        ]);
      else
        await q.query(INSERT_MESSAGE, [env.msgid, institution.id, infno, hash, JSON.stringify(a), ctx.now]);
      return a;
    };
    let result: Answer;
    try {
      result = transaction.local
        ? await ctx.db.transaction(async (tx) =>
            save(tx, answer(ctx.now, region, await transaction.run(call, tx))),
          )
        : await save(ctx.db, answer(ctx.now, region, await transaction.run(call, ctx.db)));
    } catch (err) {
      // Refused: the claim goes too, so a refusal leaves the database as it was.
      if (claimedNow && (err instanceof NationalRefusal || err instanceof AppError))
        await ctx.db.query(
          'delete from national_messages where msgid = $1 and response is null and reversed_by is null',
          [env.msgid],
        );
      // The same msgid answered meanwhile by a concurrent request: that answer stands.
      if (!isUniqueViolation(err)) throw err;
      result =
        replayOf(await storedMessage(ctx.db, env.msgid), hash) ?? refuse('msgid_in_use', 'Retry shortly');
    }
    return encrypt(result, sm4Key);
  } catch (err) {
    return answer(ctx.now, region, null, refusalOf(err, deps.log, deps.lang));
  }
}

const hasNul = (value: unknown) => JSON.stringify(value ?? null).includes('\\u0000');

function encrypt(a: Answer, sm4Key: string | null): Answer {
  if (!sm4Key || a.output === null) return a;
  // Keys sorted: the stored answer (jsonb) keeps no key order, and a resend must get the same ciphertext.
  return { ...a, output: sm4EncryptHex(sm4Key, canonicalJson(a.output)) };
}

/** Any error as a refusal: the core's AppError keeps its stable code as the prefix. */
export function refusalOf(err: unknown, log: FastifyBaseLogger, lang: Lang): NationalRefusal {
  if (err instanceof NationalRefusal) {
    // In English the throw site's own sentence (it may name more); otherwise the catalogue's, naming the field.
    const code = `national.refusals.${err.prefix}`;
    if (lang === 'en' || !hasText(code)) return err;
    return new NationalRefusal(err.prefix, t(lang, code) + (err.field ? `（${err.field}）` : ''));
  }
  if (err instanceof AppError)
    return new NationalRefusal(err.code, errorMessage(lang, err.code, err.message, err.details, ''));
  const e = err as Error;
  log.error(
    { err: { message: maskIdNumbersIn(e.message ?? ''), stack: maskIdNumbersIn(e.stack ?? '') } },
    'national',
  );
  return new NationalRefusal('internal_error', 'Something went wrong on our side');
}
