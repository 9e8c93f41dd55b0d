import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../platform/http.ts';

/** Where `npm run build` (Vite) writes the web apps. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths the API owns: they answer JSON 404s, never the web page. */
const API_PREFIXES = ['/v1/', '/.well-known/', '/docs', '/openapi.json', '/health'];

/**
 * Serves the built front end at `/`. Any other GET that asks for HTML and is not an API path gets
 * index.html, so a deep link like /app/qr or a reload on /terminal/settle opens the right screen.
 * Returns false (and serves nothing) when the front end has not been built.
 */
export async function webRoutes(app: App, dist = WEB_DIST): Promise<boolean> {
  if (!existsSync(dist + 'index.html')) return false;
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // Hashed assets never change under the same name; index.html must always be fresh.
    setHeaders(reply, path) {
      reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    const path = req.url.split('?')[0]!;
    const wantsPage = (req.headers.accept ?? '').includes('text/html');
    if (!wantsPage || API_PREFIXES.some((p) => path.startsWith(p)) || /\.[a-z0-9]+$/i.test(path)) {
      return reply.callNotFound();
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  return true;
}
