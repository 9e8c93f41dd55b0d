import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, publicRoute, requireRole } from '../platform/context.ts';
import { notFound, unauthorized } from '../platform/errors.ts';
import { verifySecret } from '../platform/password.ts';
import { IdNumberField, NameField, PersonView, RegionCodeField } from '../people/schemas.ts';
import { getPerson } from '../people/store.ts';
import { createSession, endSession } from './sessions.ts';
import { createUser, findUserByLogin } from './store.ts';
import { registerPerson } from './register.ts';
import { createOffice, listOffices } from './offices.ts';

const Password = Type.String({ minLength: 8, maxLength: 128, description: 'At least 8 characters' });
const RoleField = Type.Union([
  Type.Literal('person'),
  Type.Literal('staff'),
  Type.Literal('employer'),
  Type.Literal('institution'),
  Type.Literal('admin'),
]);

export async function accountRoutes(app: App): Promise<void> {
  app.post(
    '/v1/auth/register',
    {
      schema: {
        operationId: 'register',
        summary: 'Register as an insured person (resident or flexible worker)',
        description:
          'Creates the account and, unless an employer already registered this person, the insured person record. Gender and birth date are derived from the ID number.',
        tags: ['auth'],
        security: publicRoute,
        body: Type.Object({
          phone: Type.String({ pattern: '^1[3-9]\\d{9}$', description: 'Mainland mobile number; the login' }),
          password: Password,
          name: NameField,
          idNumber: IdNumberField,
          regionCode: RegionCodeField,
          insuranceType: Type.Optional(
            Type.Union([Type.Literal('resident'), Type.Literal('flexible')], {
              description: 'Flexible workers register themselves as `flexible`; default `resident`',
            }),
          ),
        }),
        response: {
          201: Type.Object({
            userId: Type.String({ format: 'uuid' }),
            personId: Type.String({ format: 'uuid' }),
          }),
          ...errorResponses(409, 422),
        },
      },
    },
    async (req, reply) => {
      const result = await registerPerson(ctxOf(req), req.body);
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/v1/auth/login',
    {
      config: {
        // Counted per client address and login, after the body is parsed, so guessing one account's password is slowed.
        rateLimit: {
          max: app.config.loginRateLimitPerMinute,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req) => `${req.ip}|${(req.body as { login?: string } | undefined)?.login ?? ''}`,
        },
      },
      schema: {
        operationId: 'login',
        summary: 'Log in and receive a bearer token',
        tags: ['auth'],
        security: publicRoute,
        body: Type.Object({
          login: Type.String({
            minLength: 1,
            maxLength: 64,
            description: 'Phone number, or username for staff',
          }),
          password: Type.String({ minLength: 1, maxLength: 128 }),
        }),
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
            role: RoleField,
          }),
          ...errorResponses(401, 429),
        },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const user = await findUserByLogin(ctx.db, req.body.login);
      const ok = user && !user.disabled && (await verifySecret(req.body.password, user.password_hash));
      if (!user || !ok) throw unauthorized('invalid_credentials', 'Wrong login or password');
      const session = await createSession(ctx.db, user.id, ctx.now, ctx.config.sessionTtlSeconds);
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        role: user.role as 'person',
      };
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        operationId: 'logout',
        summary: 'End the current session',
        tags: ['auth'],
        security: bearer,
        response: { 204: Type.Null({ description: 'Logged out' }), ...errorResponses(401) },
      },
    },
    async (req, reply) => {
      if (!req.caller) throw unauthorized('unauthenticated', 'Log in first');
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      await endSession(app.db, token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/me',
    {
      schema: {
        operationId: 'getMe',
        summary: 'The caller’s account and, for a person, their insured person record',
        tags: ['me'],
        security: bearer,
        response: {
          200: Type.Object({
            userId: Type.String({ format: 'uuid' }),
            role: Type.String(),
            displayName: Type.String(),
            regionCode: Type.Union([Type.String(), Type.Null()]),
            person: Type.Union([PersonView, Type.Null()]),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'person', 'staff', 'employer', 'institution', 'admin');
      const { rows } = await app.db.query<{ display_name: string }>(
        'select display_name from users where id = $1',
        [caller.userId],
      );
      return {
        userId: caller.userId,
        role: caller.role,
        displayName: rows[0]?.display_name ?? '',
        regionCode: caller.regionCode,
        person: caller.personId ? await getPerson(app.db, caller.personId) : null,
      };
    },
  );

  const OfficeView = Type.Object({
    id: Type.String({ format: 'uuid' }),
    regionCode: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('county_centre'), Type.Literal('service_point'), Type.Literal('window')]),
  });

  app.post(
    '/v1/admin/offices',
    {
      schema: {
        operationId: 'createOffice',
        summary: 'Create an agency office (county centre, street service point or window)',
        tags: ['admin'],
        security: bearer,
        body: Type.Object({
          regionCode: RegionCodeField,
          name: Type.String({ minLength: 1, maxLength: 100 }),
          kind: OfficeView.properties.kind,
        }),
        response: { 201: OfficeView, ...errorResponses(401, 403, 422) },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      return reply.status(201).send(await createOffice(app.db, req.body));
    },
  );

  app.get(
    '/v1/offices',
    {
      schema: {
        operationId: 'listOffices',
        summary: 'List agency offices',
        tags: ['admin'],
        security: bearer,
        querystring: Type.Object({ regionCode: Type.Optional(RegionCodeField) }),
        response: { 200: Type.Object({ offices: Type.Array(OfficeView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      requireRole(req, 'admin', 'staff', 'person', 'employer', 'institution');
      return { offices: await listOffices(app.db, req.query.regionCode) };
    },
  );

  app.post(
    '/v1/admin/staff',
    {
      schema: {
        operationId: 'createStaff',
        summary: 'Create an agency staff account attached to an office',
        tags: ['admin'],
        security: bearer,
        body: Type.Object({
          login: Type.String({ pattern: '^[a-z][a-z0-9._-]{2,31}$', description: 'Username' }),
          password: Password,
          displayName: NameField,
          officeId: Type.String({ format: 'uuid' }),
        }),
        response: {
          201: Type.Object({ userId: Type.String({ format: 'uuid' }) }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      const { rows } = await app.db.query('select 1 from offices where id = $1', [req.body.officeId]);
      if (!rows.length) throw notFound('office_not_found', 'No such office');
      const userId = await createUser(app.db, { role: 'staff', ...req.body });
      return reply.status(201).send({ userId });
    },
  );
}
