import { Type } from 'typebox';
import { errorResponses, type App } from './http.ts';
import { publicRoute } from './context.ts';

export async function systemRoutes(app: App): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'health',
        summary: 'Liveness and database reachability',
        tags: ['system'],
        security: publicRoute,
        response: {
          200: Type.Object({ status: Type.Literal('ok'), store: Type.String() }),
          ...errorResponses(),
        },
      },
    },
    async () => {
      await app.db.query('select 1');
      return { status: 'ok' as const, store: app.db.kind };
    },
  );

  app.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'openapi',
        summary: 'This API described in OpenAPI 3.1',
        tags: ['system'],
        security: publicRoute,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses() },
      },
    },
    async () => app.swagger(),
  );
}
