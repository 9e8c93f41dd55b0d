import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole } from '../platform/context.ts';
import { unprocessable } from '../platform/errors.ts';
import { importRegistry } from './registry.ts';

export async function registryRoutes(app: App): Promise<void> {
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/staff/registry/import',
    {
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        operationId: 'importRegistry',
        summary: 'Load population-registry rows from CSV (columns id_number, name)',
        description:
          'Good rows are inserted or updated; bad rows are reported with their line number and a code.',
        tags: ['registry'],
        security: bearer,
        consumes: ['text/csv'],
        body: Type.String({ description: 'CSV text with a header line' }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            accepted: Type.Integer(),
            rejected: Type.Integer(),
            errors: Type.Array(
              Type.Object({ line: Type.Integer(), code: Type.String(), message: Type.String() }),
            ),
          }),
          ...errorResponses(401, 403, 415, 422),
        },
      },
    },
    async (req) => {
      requireRole(req, 'staff', 'admin');
      const report = await importRegistry(app.db, req.body, ctxOf(req).now);
      if (report.accepted === 0 && report.errors.some((e) => e.line <= 1)) {
        throw unprocessable(report.errors[0]!.code, report.errors[0]!.message);
      }
      return report;
    },
  );
}
