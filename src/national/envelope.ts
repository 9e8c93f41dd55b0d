/**
 * The national interface's envelope: its fields, the canonical text a message's signature covers, the
 * formats of msgid and the times, and the refusal every failure becomes (`infcode: -1`). Pure.
 */
import { randomInt } from 'node:crypto';

/** A request envelope as the HIS sends it (the fields this gateway reads; any others are kept and signed). */
export interface Envelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs?: string;
  insuplc_admdvs?: string;
  recer_sys_code?: string;
  dev_no?: string;
  dev_safe_info?: string;
  cainfo: string;
  signtype: string;
  infver?: string;
  opter_type: string;
  opter: string;
  opter_name?: string;
  inf_time: string;
  fixmedins_code: string;
  fixmedins_name?: string;
  sign_no?: string;
  enc_type?: string;
  input: unknown;
  [field: string]: unknown;
}

export interface Answer {
  infcode: 0 | -1;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  err_msg: string | null;
  warn_msg: string | null;
  output: unknown;
}

/**
 * Every stable `err_msg` prefix of this gateway's own refusals (docs/NATIONAL-INTERFACE.md lists them). A
 * refusal of the core keeps the core's code as its prefix (src/platform/error-codes.ts).
 */
export const REFUSALS = [
  'acct_used_flag_unsupported',
  'already_reversed',
  'amount_invalid',
  'amount_mismatch',
  'cancel_irreversible',
  'cnt_invalid',
  'decrypt_failed',
  'ec_token_expired',
  'ec_token_mismatch',
  'ec_token_unknown',
  'enc_type_unsupported',
  'envelope_invalid',
  'fee_detail_not_found',
  'feedetl_sn_duplicate',
  'field_invalid',
  'field_missing',
  'fixmedins_code_mismatch',
  'fixmedins_code_unknown',
  'inf_time_invalid',
  'inf_time_stale',
  'infno_mismatch',
  'infno_unsupported',
  'input_invalid',
  'institution_kind_mismatch',
  'insuplc_admdvs_mismatch',
  'insutype_mismatch',
  'internal_error',
  'item_not_in_price_list',
  'malformed_request',
  'mdtrt_cert_mismatch',
  'mdtrt_cert_type_unsupported',
  'med_type_unsupported',
  'medfee_sumamt_mismatch',
  'message_not_found',
  'message_reversed',
  'mid_setl_flag_unsupported',
  'msgid_in_use',
  'msgid_invalid',
  'msgid_reused',
  'no_fee_details',
  'oinfno_unsupported',
  'person_not_active',
  'person_not_found',
  'price_mismatch',
  'psn_setlway_unsupported',
  'settlement_not_found',
  'settlement_unresolved',
  'sign_in_required',
  'sign_no_invalid',
  'signature_invalid',
  'signtype_unsupported',
  'sm2_key_unregistered',
  'terminal_credential_required',
  'visit_cancelled',
  'visit_not_found',
  'visit_settled',
] as const;
export type RefusalPrefix = (typeof REFUSALS)[number];

/**
 * A refusal on this interface. `prefix` is the stable start of `err_msg` (e.g. `signature_invalid`), followed
 * by a colon and the explanation; the answer is `infcode: -1` and nothing was written.
 */
export class NationalRefusal extends Error {
  constructor(
    readonly prefix: string,
    readonly explanation: string,
    /** The field the refusal is about, named after the text in every language. */
    readonly field?: string,
  ) {
    super(`${prefix}: ${explanation}`);
    this.name = 'NationalRefusal';
  }
}

export const refuse = (prefix: RefusalPrefix, explanation: string, field?: string): never => {
  throw new NationalRefusal(prefix, explanation, field);
};

/** JSON with the keys of every object sorted (UTF-16 code unit order), no whitespace. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/** The text `cainfo` signs: the whole request except `cainfo` itself, as canonical JSON. */
export function signingString(request: Record<string, unknown>): string {
  const rest = { ...request };
  delete rest.cainfo;
  return canonicalJson(rest);
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The Beijing wall clock of `at`, as its parts. */
function beijing(at: Date) {
  const d = new Date(at.getTime() + BEIJING_OFFSET_MS);
  return {
    // eslint-disable-next-line no-restricted-syntax -- the instant is already shifted to Beijing time
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    mi: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
    ms: pad(d.getUTCMilliseconds(), 3),
  };
}

/** `yyyy-MM-dd HH:mm:ss`, Beijing time: the interface's inf_time, refmsg_time and setl_time. */
export function formatTime(at: Date): string {
  const b = beijing(at);
  return `${b.y}-${b.mo}-${b.d} ${b.h}:${b.mi}:${b.s}`;
}

/** `yyyyMMddHHmmss`, Beijing time. */
export function compactTime(at: Date): string {
  const b = beijing(at);
  return `${b.y}${b.mo}${b.d}${b.h}${b.mi}${b.s}`;
}

/** `yyyyMMddHHmmssSSS`, Beijing time: the answer's respond_time. */
function respondTime(at: Date): string {
  return compactTime(at) + beijing(at).ms;
}

/** Reads a Beijing wall-clock time `yyyy-MM-dd HH:mm:ss` (or `yyyyMMddHHmmss`); null when it is not one. */
export function parseTime(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const m =
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (
    // eslint-disable-next-line no-restricted-syntax -- checks the calendar fields round-trip, not a business year
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    return null;
  return new Date(utc - BEIJING_OFFSET_MS);
}

/** msgid = fixmedins_code (12) + yyyyMMddHHmmss (14, a real time) + sequence (4 digits). */
export function checkMsgid(msgid: string, fixmedinsCode: string): void {
  if (!/^[HP]\d{11}\d{14}\d{4}$/.test(msgid))
    refuse(
      'msgid_invalid',
      'msgid must be fixmedins_code (12) + yyyyMMddHHmmss (14) + a 4-digit sequence, 30 characters',
    );
  if (!msgid.startsWith(fixmedinsCode))
    refuse('msgid_invalid', 'msgid must start with the sender’s fixmedins_code');
  if (!parseTime(msgid.slice(12, 26))) refuse('msgid_invalid', 'msgid’s characters 13-26 are not a time');
}

/** inf_refmsgid: region (6) + yyyyMMddHHmmss (14) + sequence (10). */
function newRefMsgid(region: string, at: Date): string {
  const r = /^\d{6}$/.test(region) ? region : '000000';
  return r + compactTime(at) + String(randomInt(0, 10_000_000_000)).padStart(10, '0');
}

/** The answer envelope. */
export function answer(
  at: Date,
  region: string,
  output: unknown,
  refusal?: NationalRefusal,
  warn: string | null = null,
): Answer {
  return {
    infcode: refusal ? -1 : 0,
    inf_refmsgid: newRefMsgid(region, at),
    refmsg_time: formatTime(at),
    respond_time: respondTime(at),
    err_msg: refusal ? refusal.message : null,
    warn_msg: warn,
    output: refusal ? null : output,
  };
}

/** The `data` object of an input like `{ data: {...} }`, or a refusal naming the transaction. */
export function dataOf(input: unknown, infno: string, key = 'data'): Record<string, unknown> {
  const data = input && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  if (!data || typeof data !== 'object' || Array.isArray(data))
    refuse('input_invalid', `${infno} needs input.${key} as an object`, `input.${key}`);
  return data as Record<string, unknown>;
}

/** A required string field of an input object (numbers are accepted as their text). */
export function field(o: Record<string, unknown>, name: string, where = 'input.data'): string {
  const v = o[name];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '')
    refuse('field_missing', `${where}.${name} is required`, `${where}.${name}`);
  return (v as string).trim();
}

/** An id the store keeps as a uuid (psn_no, mdtrt_id, setl_id): anything else names nothing. */
export const isUuid = (text: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

/** An optional string field: undefined when absent or empty. */
export function optional(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
