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

/**
 * A response field holding a person-facing text: a `Text` in the domain (or a legacy sentence), a string in
 * the reader's language on the wire. The `preSerialization` hook below does the rendering, in one place.
 */
export const RenderedText = (description = 'In the reader’s language (Accept-Language / lang)') =>
  Type.Unsafe<string | Text>({ type: 'string', description });

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

/** Renders every Text of every JSON answer in the reader's language, just before serialisation. */
function installTextRendering(app: FastifyInstance): void {
  app.addHook('preSerialization', async (req: FastifyRequest, _reply, payload: unknown) =>
    renderTexts(payload, req.lang),
  );
}
