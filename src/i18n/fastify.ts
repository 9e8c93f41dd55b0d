import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_LANG, pickLang, type Lang } from './index.ts';

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
}
