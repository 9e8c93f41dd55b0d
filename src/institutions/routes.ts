import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole } from '../platform/context.ts';
import { createUser } from '../accounts/store.ts';
import { RegionCodeField } from '../people/schemas.ts';
import {
  createInstitution,
  createTerminal,
  getInstitution,
  getTerminal,
  listInstitutions,
  listTerminals,
  queryScanAudit,
  revokeTerminal,
  updateInstitution,
} from './store.ts';
import { priceListRoutes } from './price-list-routes.ts';

const Uuid = Type.String({ format: 'uuid' });
const InstitutionView = Type.Object({
  id: Uuid,
  code: Type.String({ description: 'National fixmedins code' }),
  name: Type.String(),
  kind: Type.Union([Type.Literal('hospital'), Type.Literal('pharmacy')]),
  tier: Type.Union([Type.Integer({ minimum: 1, maximum: 3 }), Type.Null()]),
  regionCode: Type.String(),
  acceptsEcard: Type.Boolean(),
  status: Type.Union([Type.Literal('designated'), Type.Literal('suspended')]),
});
const TerminalView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const ScanAuditView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  terminalId: Uuid,
  at: Type.String({ format: 'date-time' }),
  method: Type.Union([Type.Literal('qr'), Type.Literal('card')]),
  outcome: Type.Union([Type.Literal('accepted'), Type.Literal('refused')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  ecardId: Type.Union([Uuid, Type.Null()]),
  personId: Type.Union([Uuid, Type.Null()]),
  crossRegion: Type.Union(
    [
      Type.Object({
        insuredRegion: Type.String(),
        maskedName: Type.Union([Type.String(), Type.Null()]),
        maskedIdNumber: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    {
      description:
        'A code of another region’s person (异地就医): its insured region and the masked identity that region answered (null when refused before it answered); `personId` is then null',
    },
  ),
});
const AuditQuery = Type.Object({
  institutionId: Type.Optional(Uuid),
  terminalId: Type.Optional(Uuid),
  outcome: Type.Optional(Type.Union([Type.Literal('accepted'), Type.Literal('refused')])),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});

/** An institution staff member and their institution. */
function institutionStaff(req: FastifyRequest) {
  const c = requireRole(req, 'institution');
  return { userId: c.userId, institutionId: c.institutionId! };
}

export async function institutionRoutes(app: App): Promise<void> {
  await priceListRoutes(app);

  app.post(
    '/v1/admin/institutions',
    {
      schema: {
        operationId: 'createInstitution',
        summary: 'Register a designated hospital or pharmacy',
        tags: ['institutions'],
        security: bearer,
        body: Type.Object({
          code: Type.String({ minLength: 12, maxLength: 12, examples: ['H44030300001'] }),
          name: Type.String({ minLength: 1, maxLength: 100 }),
          kind: Type.Union([Type.Literal('hospital'), Type.Literal('pharmacy')]),
          tier: Type.Optional(Type.Integer({ minimum: 1, maximum: 3, description: 'Hospitals only' })),
          regionCode: RegionCodeField,
          acceptsEcard: Type.Optional(Type.Boolean({ description: 'Default true' })),
        }),
        response: { 201: InstitutionView, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      return reply.status(201).send(await createInstitution(app.db, req.body));
    },
  );

  app.get(
    '/v1/admin/institutions',
    {
      schema: {
        operationId: 'listInstitutions',
        summary: 'Designated institutions (staff see their region’s)',
        tags: ['institutions'],
        security: bearer,
        querystring: Type.Object({
          regionCode: Type.Optional(RegionCodeField),
          status: Type.Optional(Type.Union([Type.Literal('designated'), Type.Literal('suspended')])),
        }),
        response: {
          200: Type.Object({ institutions: Type.Array(InstitutionView) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => {
      const c = requireRole(req, 'admin', 'staff');
      const regionCode = c.role === 'staff' ? c.regionCode! : req.query.regionCode;
      return { institutions: await listInstitutions(app.db, { regionCode, status: req.query.status }) };
    },
  );

  app.patch(
    '/v1/admin/institutions/:id',
    {
      schema: {
        operationId: 'updateInstitution',
        summary: 'Suspend or reinstate an institution, or change whether it accepts the e-card',
        tags: ['institutions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('designated'), Type.Literal('suspended')])),
            acceptsEcard: Type.Optional(Type.Boolean()),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { minProperties: 1 },
        ),
        response: { 200: InstitutionView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      return updateInstitution(app.db, req.params.id, req.body);
    },
  );

  app.post(
    '/v1/admin/institutions/:id/staff',
    {
      schema: {
        operationId: 'createInstitutionStaff',
        summary: 'Create a staff account of an institution (manages its terminals)',
        tags: ['institutions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: Type.Object({
          login: Type.String({ pattern: '^[a-z][a-z0-9._-]{2,31}$' }),
          password: Type.String({ minLength: 8, maxLength: 128 }),
          displayName: Type.String({ minLength: 1, maxLength: 50 }),
        }),
        response: { 201: Type.Object({ userId: Uuid }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      await getInstitution(app.db, req.params.id);
      const userId = await createUser(app.db, {
        role: 'institution',
        ...req.body,
        institutionId: req.params.id,
      });
      return reply.status(201).send({ userId });
    },
  );

  app.post(
    '/v1/institution/terminals',
    {
      schema: {
        operationId: 'createTerminal',
        summary: 'Create a terminal; its credential is shown this once',
        tags: ['institutions'],
        security: bearer,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 60 }) }),
        response: {
          201: Type.Object({
            terminal: TerminalView,
            credential: Type.String({
              description: 'Send as `Authorization: Bearer <credential>`; not shown again',
            }),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req, reply) => {
      const s = institutionStaff(req);
      return reply
        .status(201)
        .send(await createTerminal(app.db, ctxOf(req).now, s.institutionId, req.body.name, s.userId));
    },
  );

  app.get(
    '/v1/institution/terminals',
    {
      schema: {
        operationId: 'listTerminals',
        summary: 'The institution’s terminals',
        tags: ['institutions'],
        security: bearer,
        response: { 200: Type.Object({ terminals: Type.Array(TerminalView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ terminals: await listTerminals(app.db, institutionStaff(req).institutionId) }),
  );

  app.post(
    '/v1/institution/terminals/:id/revoke',
    {
      schema: {
        operationId: 'revokeTerminal',
        summary: 'Revoke a terminal: its credential stops working at once',
        tags: ['institutions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: TerminalView, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => revokeTerminal(ctxOf(req), institutionStaff(req).institutionId, req.params.id),
  );

  app.get(
    '/v1/terminal/me',
    {
      schema: {
        operationId: 'getTerminalMe',
        summary: 'The calling terminal and its institution',
        tags: ['terminal'],
        security: bearer,
        response: {
          200: Type.Object({ terminalId: Uuid, terminalName: Type.String(), institution: InstitutionView }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => {
      const t = requireRole(req, 'terminal');
      const terminal = await getTerminal(app.db, t.institutionId!, t.terminalId!);
      return {
        terminalId: terminal.id,
        terminalName: terminal.name,
        institution: await getInstitution(app.db, t.institutionId!),
      };
    },
  );

  app.get(
    '/v1/institution/scan-audit',
    {
      schema: {
        operationId: 'listInstitutionScanAudit',
        summary: 'The institution’s own scans, newest first',
        tags: ['institutions'],
        security: bearer,
        querystring: AuditQuery,
        response: { 200: Type.Object({ scans: Type.Array(ScanAuditView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      const s = institutionStaff(req);
      return {
        scans: await queryScanAudit(app.db, {
          ...req.query,
          institutionId: s.institutionId,
          limit: req.query.limit ?? 100,
        }),
      };
    },
  );

  app.get(
    '/v1/staff/scan-audit',
    {
      schema: {
        operationId: 'listScanAudit',
        summary: 'Scans at the institutions of the staff member’s region (all regions for admins)',
        tags: ['institutions'],
        security: bearer,
        querystring: AuditQuery,
        response: { 200: Type.Object({ scans: Type.Array(ScanAuditView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      const c = requireRole(req, 'staff', 'admin');
      const regionCode = c.role === 'staff' ? c.regionCode! : undefined;
      return {
        scans: await queryScanAudit(app.db, { ...req.query, regionCode, limit: req.query.limit ?? 100 }),
      };
    },
  );
}
