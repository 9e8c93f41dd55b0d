import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DEFAULT_LANG, hasText, pickLang, render, type Lang, type Text } from './index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The reader's language, from `lang` / `X-Yibao-Lang` / `Accept-Language` (zh-CN by default). */
    lang: Lang;
  }
}

/** Works out each request's language before anything else runs, so even a refused token is refused in it. */
export function installLocale(app: FastifyInstance): void {
  app.decorateRequest('lang', DEFAULT_LANG);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const query = req.query as Record<string, unknown> | undefined;
    const explicit =
      (typeof query?.lang === 'string' ? query.lang : undefined) ??
      (typeof req.headers['x-yibao-lang'] === 'string' ? req.headers['x-yibao-lang'] : undefined);
    req.lang = pickLang(explicit, req.headers['accept-language']);
  });
  installTextRendering(app);
}

/** The schemas made by `RenderedText()`: where a route's answer holds texts to render. */
const renderedTexts = new WeakSet<object>();

/**
 * A response field holding a person-facing text: a `Text` in the domain (or a legacy sentence), a string in
 * the reader's language on the wire. The `preSerialization` hook below does the rendering, in one place.
 */
export const RenderedText = (description = 'In the reader’s language (Accept-Language / lang)') => {
  const schema = Type.Unsafe<string | Text>({ type: 'string', description });
  renderedTexts.add(schema);
  return schema;
};

/** A Text as the walker recognises it: `code` (a dotted catalogue code) and optional `params`, nothing else. */
function isRenderable(v: Record<string, unknown>): v is Text & Record<string, unknown> {
  if (typeof v.code !== 'string' || !v.code.includes('.')) return false;
  for (const k of Object.keys(v)) if (k !== 'code' && k !== 'params') return false;
  return hasText(v.code);
}

/** The payload with every Text in it rendered in `lang`; objects are copied only where something changed. */
function renderTexts(value: unknown, lang: Lang): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const r = renderTexts(value[i], lang);
      if (r !== value[i]) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date || Buffer.isBuffer(value))
    return value;
  const obj = value as Record<string, unknown>;
  if (isRenderable(obj)) return render(lang, obj);
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(obj)) {
    const r = renderTexts(v, lang);
    if (r !== v) (out ??= { ...obj })[k] = r;
  }
  return out ?? value;
}

/**
 * Where in an answer texts may be, worked out once per response schema: `null` nowhere (a subtree of plain
 * fields, e.g. a settlement's line figures: not walked at all), `ALL` anywhere (a `RenderedText()`, or a part
 * the schema leaves open — unknown values, records, unions with such a branch, references —: walked whole as
 * before), or the object's properties / the array's items that lead to texts.
 */
const ALL = 'all';
type Plan = null | typeof ALL | { props: ReadonlyArray<readonly [string, Plan]> } | { items: Plan };

const PRIMITIVE = new Set(['string', 'integer', 'number', 'boolean', 'null']);

function planOf(schema: unknown, depth = 0): Plan {
  if (typeof schema !== 'object' || schema === null || depth > 32) return ALL;
  if (renderedTexts.has(schema)) return ALL;
  const s = schema as Record<string, unknown>;
  if ('$ref' in s || 'not' in s || 'if' in s || 'patternProperties' in s || 'prefixItems' in s) return ALL;
  let union = false;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = s[key];
    if (branches === undefined) continue;
    if (!Array.isArray(branches) || branches.some((b) => planOf(b, depth + 1) !== null)) return ALL;
    union = true;
  }
  const type = s.type;
  if (union && type === undefined) return null;
  if (type === 'object') {
    const props = s.properties;
    if (typeof props !== 'object' || props === null) return ALL;
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) return ALL;
    const leading: Array<readonly [string, Plan]> = [];
    for (const [k, sub] of Object.entries(props)) {
      const p = planOf(sub, depth + 1);
      if (p !== null) leading.push([k, p]);
    }
    return leading.length ? { props: leading } : null;
  }
  if (type === 'array') {
    if (typeof s.items !== 'object' || s.items === null || Array.isArray(s.items)) return ALL;
    const items = planOf(s.items, depth + 1);
    return items === null ? null : { items };
  }
  if (typeof type === 'string' && PRIMITIVE.has(type)) return null;
  // Enums and literals without a type are plain values too; anything else (no type: any value) is open.
  if (type === undefined && (Array.isArray(s.enum) || 'const' in s)) return null;
  return ALL;
}

function renderPlanned(value: unknown, plan: Plan, lang: Lang): unknown {
  if (plan === null) return value;
  if (plan === ALL) return renderTexts(value, lang);
  if ('items' in plan) {
    if (!Array.isArray(value)) return renderTexts(value, lang);
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const r = renderPlanned(value[i], plan.items, lang);
      if (r !== value[i]) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date)
    return renderTexts(value, lang);
  const obj = value as Record<string, unknown>;
  if (isRenderable(obj)) return render(lang, obj);
  let out: Record<string, unknown> | null = null;
  for (const [k, sub] of plan.props) {
    const v = obj[k];
    const r = renderPlanned(v, sub, lang);
    if (r !== v) (out ??= { ...obj })[k] = r;
  }
  return out ?? value;
}

const plans = new WeakMap<object, Plan>();

/** The plan of the schema Fastify serialises this status with (its own order: the code, `2xx`, `default`). */
function planFor(response: unknown, statusCode: number): Plan {
  if (typeof response !== 'object' || response === null) return ALL;
  const byStatus = response as Record<string, unknown>;
  const schema = byStatus[statusCode] ?? byStatus[`${String(statusCode)[0]}xx`] ?? byStatus.default;
  if (typeof schema !== 'object' || schema === null) return ALL;
  let plan = plans.get(schema);
  if (plan === undefined) {
    // A schema per content type ({ 'application/json': … }) is not worked out: walked whole.
    plan = Object.keys(schema).some((k) => k.includes('/')) ? ALL : planOf(schema);
    plans.set(schema, plan);
  }
  return plan;
}

/** Under the test runner: a Text left where the plan did not look would have been rendered before. */
const strict = process.env.NODE_TEST_CONTEXT !== undefined;

/**
 * Renders the Texts of every JSON answer in the reader's language, just before serialisation: only where the
 * route's response schema has `RenderedText()` fields or leaves the shape open; everywhere in an answer
 * without a schema.
 */
function installTextRendering(app: FastifyInstance): void {
  app.addHook('preSerialization', async (req: FastifyRequest, reply, payload: unknown) => {
    const plan = planFor(req.routeOptions.schema?.response, reply.statusCode);
    const out = renderPlanned(payload, plan, req.lang);
    if (strict && plan !== ALL && renderTexts(out, req.lang) !== out)
      throw new Error(`${req.method} ${req.url}: a Text outside the RenderedText() fields of its schema`);
    return out;
  });
}
