import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, publicRoute, requireRole } from '../platform/context.ts';
import { IdNumberField, NameField, RegionCodeField } from '../people/schemas.ts';
import { listEmployees, registerEmployees, registerEmployer } from './store.ts';

const DateField = Type.String({ format: 'date' });

export async function employerRoutes(app: App): Promise<void> {
  app.post(
    '/v1/employers',
    {
      schema: {
        operationId: 'registerEmployer',
        summary: 'Register an employer with its unified social credit code (GB 32100)',
        tags: ['employers'],
        security: publicRoute,
        body: Type.Object({
          creditCode: Type.String({ minLength: 18, maxLength: 18, examples: ['91350100M000100Y43'] }),
          name: Type.String({ minLength: 1, maxLength: 100 }),
          regionCode: RegionCodeField,
          login: Type.String({
            pattern: '^[a-z0-9][a-z0-9._-]{2,31}$',
            description: 'Username for the employer portal',
          }),
          password: Type.String({ minLength: 8, maxLength: 128 }),
        }),
        response: {
          201: Type.Object({
            employerId: Type.String({ format: 'uuid' }),
            userId: Type.String({ format: 'uuid' }),
          }),
          ...errorResponses(409, 422),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await registerEmployer(ctxOf(req), req.body)),
  );

  app.post(
    '/v1/employer/employees',
    {
      schema: {
        operationId: 'registerEmployees',
        summary: 'Register employees (one or many); each row succeeds or fails on its own',
        description:
          'Rows registered more than 30 days after the hire date are accepted and flagged `overdue` (Social Insurance Law art. 58).',
        tags: ['employers'],
        security: bearer,
        body: Type.Object({
          employees: Type.Array(
            Type.Object({
              idNumber: IdNumberField,
              name: NameField,
              hireDate: DateField,
              retired: Type.Optional(Type.Boolean()),
            }),
            { minItems: 1, maxItems: 1000 },
          ),
        }),
        response: {
          200: Type.Object({
            registered: Type.Integer(),
            failed: Type.Integer(),
            results: Type.Array(
              Type.Object({
                row: Type.Integer(),
                status: Type.Union([Type.Literal('registered'), Type.Literal('error')]),
                personId: Type.Optional(Type.String({ format: 'uuid' })),
                overdue: Type.Optional(Type.Boolean()),
                daysAfterHire: Type.Optional(Type.Integer()),
                code: Type.Optional(Type.String()),
                message: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'employer');
      const results = await registerEmployees(ctxOf(req), caller.employerId!, req.body.employees);
      const registered = results.filter((r) => r.status === 'registered').length;
      return { registered, failed: results.length - registered, results };
    },
  );

  app.get(
    '/v1/employer/employees',
    {
      schema: {
        operationId: 'listEmployees',
        summary: 'The employer’s current employees',
        tags: ['employers'],
        security: bearer,
        response: {
          200: Type.Object({
            employees: Type.Array(
              Type.Object({
                personId: Type.String({ format: 'uuid' }),
                idNumber: Type.String(),
                name: Type.String(),
                hireDate: DateField,
                registeredOn: DateField,
                overdue: Type.Boolean(),
                retired: Type.Boolean(),
                status: Type.String(),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({ employees: await listEmployees(app.db, requireRole(req, 'employer').employerId!) }),
  );
}
