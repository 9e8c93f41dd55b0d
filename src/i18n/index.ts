/**
 * Server texts in the reader's language. Everything the server says to a person is a code with parameters
 * (`Text`), stored as such and rendered late, per reader, from one catalogue per language (`zh-CN.ts`, `en.ts`),
 * with the web apps' conventions: nested camelCase keys, `{{param}}` interpolation, zh-CN first.
 *
 * Parameters are raw values: money as integer fen, ratios as basis points, instants as ISO strings; the
 * catalogue formats them with `{{amount, yuan}}`, `{{ratioBp, percent}}`, `{{at, datetime}}`, `{{day, date}}`,
 * `{{index, position}}` (a 0-based index counted from 1).
 * A parameter may itself be a `Text` (a line explanation inside an item's explanation): it is rendered first.
 */
import i18next from 'i18next';
import { zh } from './zh-CN.ts';
import { en } from './en.ts';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';

export type Params = Record<string, unknown>;
/** A text for a person: a catalogue code and its parameters. */
export interface Text {
  code: string;
  params?: Params;
}
/** What a record may hold: a Text, or (rows written before codes) the English sentence itself. */
export type StoredText = Text | string;

export const catalogues: Record<Lang, Record<string, unknown>> = { 'zh-CN': zh, en };

/** A Text; `params` dropped when empty so stored JSON stays small. */
export const text = (code: string, params?: Params): Text =>
  params && Object.keys(params).length ? { code, params } : { code };

const isText = (v: unknown): v is Text =>
  typeof v === 'object' && v !== null && typeof (v as Text).code === 'string' && !Array.isArray(v);

/** Integer fen as yuan with thousands separators and two decimals, never through a float: 123456 → 1,234.56. */
export function yuanDigits(fen: number): string {
  if (!Number.isSafeInteger(fen)) return String(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Basis points as a percentage without trailing zeros: 9000 → 90%, 9550 → 95.5%. */
function percent(bp: number): string {
  if (!Number.isSafeInteger(bp)) return String(bp);
  const whole = Math.trunc(bp / 100);
  const fraction = Math.abs(bp % 100);
  return fraction === 0 ? `${whole}%` : `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}%`;
}

const BEIJING = 'Asia/Shanghai';
const dateTimeFormats: Record<Lang, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', {
    timeZone: BEIJING,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: BEIJING,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
};

/** An instant as a Beijing date and time in the reader's language (zh: 2025/03/05 14:30; en: 5 Mar 2025, 14:30). */
export function formatDateTime(at: Date | string, lang: Lang): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  return dateTimeFormats[lang].format(d);
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A business date (YYYY-MM-DD, already a Beijing date) in the reader's language (zh: 2025年3月5日; en: 5 Mar 2025). */
export function formatDate(day: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const [, y, mo, d] = m;
  return lang === 'zh-CN'
    ? `${y}年${Number(mo)}月${Number(d)}日`
    : `${Number(d)} ${MONTHS_EN[Number(mo) - 1]} ${y}`;
}

/** Parameters a text used that its caller did not give: a bug, reported loudly under the test runner. */
const missingParams: Array<{ code: string; param: string }> = [];
const strict = process.env.NODE_TEST_CONTEXT !== undefined;

const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LANGS.map((l) => [l, { server: catalogues[l] }])),
  lng: DEFAULT_LANG,
  fallbackLng: false,
  ns: ['server'],
  defaultNS: 'server',
  initAsync: false,
  returnNull: false,
  returnObjects: false,
  interpolation: { escapeValue: false },
  showSupportNotice: false,
  missingInterpolationHandler: (_str: string, match: RegExpExecArray) => missing(currentCode, match[1] ?? ''),
} as Parameters<typeof i18n.init>[0]);
/** What a text's `{{param}}` with nothing given reads as: '' (a bug, thrown under the test runner). */
function missing(code: string, param: string): string {
  missingParams.push({ code, param });
  if (strict) throw new Error(`text ${code} uses {{${param}}} but was not given it`);
  return '';
}

type Format = (value: unknown, lng: string | undefined) => string;
/** The catalogue's formats (`{{x, yuan}}`), for i18next and for the compiled templates below alike. */
const FORMATS: Record<string, Format> = {
  yuan: (value) => yuanDigits(Number(value)),
  percent: (value) => percent(Number(value)),
  // A 0-based index (as stored) counted from 1, as a cashier and the receipt number lines.
  position: (value) => String(Number(value) + 1),
  datetime: (value, lng) => formatDateTime(String(value), asLang(lng)),
  date: (value, lng) => formatDate(String(value), asLang(lng)),
};
for (const [name, format] of Object.entries(FORMATS)) i18n.services.formatter?.add(name, format);
let currentCode = '';

const asLang = (l: string | undefined): Lang => (l === 'en' ? 'en' : 'zh-CN');

/** True when the catalogue has the code (in zh-CN; the catalogue test keeps the two in step). */
export function hasText(code: string): boolean {
  let known = knownCodes.get(code);
  if (known === undefined) {
    known = i18n.exists(code, { lng: DEFAULT_LANG });
    // The catalogue never changes while running; codes come from it, so this stays small.
    if (knownCodes.size < 10_000) knownCodes.set(code, known);
  }
  return known;
}
const knownCodes = new Map<string, boolean>();

/** Renders one code with its parameters; Text-valued parameters are rendered first, in the same language. */
export function t(lang: Lang, code: string, params: Params = {}): string {
  const values: Params = {};
  let plain = true;
  for (const k in params) {
    if (!Object.hasOwn(params, k)) continue;
    const v = params[k];
    if (isText(v)) values[k] = render(lang, v);
    else if (Array.isArray(v))
      values[k] = v.map((x) => (isText(x) ? render(lang, x) : String(x))).join(sep(lang));
    else values[k] = v;
    const value = values[k];
    if (
      I18NEXT_OPTIONS.has(k) ||
      (typeof value === 'string' && (value.includes('{{') || value.includes('$t(')))
    )
      plain = false;
  }
  const template = plain ? compiledTemplate(lang, code) : null;
  if (template) {
    const out = interpolate(template, lang, code, values);
    if (!out.includes('$t(')) {
      if (strict) {
        const reference = i18nextT(lang, code, values);
        if (reference !== out)
          throw new Error(
            `text ${code} (${lang}): compiled ${JSON.stringify(out)}, i18next ${JSON.stringify(reference)}`,
          );
      }
      return out;
    }
  }
  return i18nextT(lang, code, values);
}

function i18nextT(lang: Lang, code: string, values: Params): string {
  const outer = currentCode;
  currentCode = code;
  try {
    return i18n.t(code, { ...values, lng: lang, interpolation: { escapeValue: false } });
  } finally {
    currentCode = outer;
  }
}

/**
 * Compiled templates: a catalogue string split once into its literal parts and `{{name}}` / `{{name, format}}`
 * slots, filled by a loop instead of a full i18next call (about 30 times cheaper; a settlement's explanation
 * lines are rendered on every reply). Only what is certain to read the same as i18next is compiled: no
 * nesting (`$t(`), no unescaped (`{{-`) or dotted names, a single known format without options; parameters
 * named like i18next's own options (`count`, `context`, …) or holding `{{` / `$t(` go through i18next. Under
 * the test runner every compiled rendering is checked against i18next's.
 */
type Slot = { name: string; raw: string; format: Format | null };
type Template = ReadonlyArray<string | Slot>;

/** Options i18next reads from `t`'s second argument: a parameter so named must go through i18next. */
const I18NEXT_OPTIONS = new Set([
  'appendNamespaceToMissingKey',
  'applyPostProcessor',
  'compatibilityJSON',
  'context',
  'count',
  'defaultNS',
  'defaultValue',
  'fallbackLng',
  'formatParams',
  'i18nResolved',
  'ignoreJSONStructure',
  'interpolation',
  'interpolationkey',
  'joinArrays',
  'keyPrefix',
  'keySeparator',
  'lng',
  'lngs',
  'missingInterpolationHandler',
  'nest',
  'ns',
  'nsSeparator',
  'ordinal',
  'postProcess',
  'replace',
  'returnDetails',
  'returnEmptyString',
  'returnNull',
  'returnObjects',
  'skipInterpolation',
]);

const templates: Record<Lang, Map<string, Template | null>> = { 'zh-CN': new Map(), en: new Map() };

function compiledTemplate(lang: Lang, code: string): Template | null {
  const cache = templates[lang];
  let template = cache.get(code);
  if (template === undefined) {
    template = code.includes(':') ? null : compile(i18n.getResource(lang, 'server', code));
    // Codes come from the catalogue; a store full of unknown ones is not allowed to grow this without end.
    if (cache.size < 10_000) cache.set(code, template);
  }
  return template;
}

function compile(source: unknown): Template | null {
  if (typeof source !== 'string' || source.includes('$t(') || source.includes('{{-')) return null;
  const parts: Array<string | Slot> = [];
  const slot = /{{(.+?)}}/g;
  let last = 0;
  for (let m = slot.exec(source); m; m = slot.exec(source)) {
    const raw = m[1]!;
    const comma = raw.indexOf(',');
    const name = (comma < 0 ? raw : raw.slice(0, comma)).trim();
    let format: Format | null = null;
    if (comma >= 0) {
      const f = raw.slice(comma + 1).trim();
      format = Object.hasOwn(FORMATS, f) ? FORMATS[f]! : null;
      if (!format) return null;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name in Object.prototype || I18NEXT_OPTIONS.has(name))
      return null;
    if (m.index > last) parts.push(source.slice(last, m.index));
    parts.push({ name, raw, format });
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return parts;
}

/** What i18next's interpolation does for these templates: a missing value is `missing`, null reads as ''. */
function interpolate(template: Template, lang: Lang, code: string, values: Params): string {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value = Object.hasOwn(values, part.name) ? values[part.name] : undefined;
    if (part.format && value !== undefined && value !== null) {
      try {
        value = part.format(value, lang);
      } catch {
        // i18next keeps the unformatted value when a format throws
      }
    }
    if (value === undefined) value = missing(code, part.raw);
    out += typeof value === 'string' ? value : value === null ? '' : String(value);
  }
  return out;
}

/** The list separator of the language. */
const sep = (lang: Lang): string => (lang === 'zh-CN' ? '；' : '; ');

/** Renders a stored text: a Text from the catalogue, a legacy sentence as it was written, null as null. */
export function render(lang: Lang, value: StoredText): string;
export function render(lang: Lang, value: StoredText | null | undefined): string | null;
export function render(lang: Lang, value: StoredText | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return t(lang, value.code, value.params);
}

/** A list of stored texts rendered. */
export const renderAll = (lang: Lang, values: readonly StoredText[]): string[] =>
  values.map((v) => render(lang, v));

/**
 * The reader's language: an explicit choice (`lang` query parameter or `X-Yibao-Lang`, what the web apps'
 * language menu sends) first, then the best of `Accept-Language`; zh-CN when nothing matches.
 */
export function pickLang(explicit: string | undefined, acceptLanguage: string | undefined): Lang {
  const direct = matchLang(explicit);
  if (direct) return direct;
  if (!acceptLanguage) return DEFAULT_LANG;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag, ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => /^\s*q=([\d.]+)\s*$/.exec(a)?.[1]).find(Boolean);
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const l = matchLang(tag);
    if (l) return l;
  }
  return DEFAULT_LANG;
}

function matchLang(tag: string | undefined): Lang | null {
  if (!tag) return null;
  const lower = tag.trim().toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-') || lower.startsWith('zh_')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-') || lower.startsWith('en_')) return 'en';
  return null;
}

/** The language of the command line: `--lang`, else LANG / LC_ALL / LC_MESSAGES, else zh-CN. */
export function cliLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i >= 0) {
    const a = argv[i]!;
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
    const l = matchLang(v);
    if (l) return l;
  }
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const l = matchLang(env[name]?.split('.')[0]);
    if (l) return l;
  }
  return DEFAULT_LANG;
}
