import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { notFound } from '../platform/errors.ts';
import { IdNumberField, NameField } from '../people/schemas.ts';
import { findPersonByIdNumber, parseIdNumber } from '../people/store.ts';
import {
  bindRelatives,
  decideDisplay,
  listBindings,
  listRequests,
  unbind,
  updatePermissions,
} from './family.ts';

const Uuid = Type.String({ format: 'uuid' });
const KinshipField = Type.Union([
  Type.Literal('spouse'),
  Type.Literal('parent'),
  Type.Literal('child'),
  Type.Literal('grandparent'),
  Type.Literal('grandchild'),
  Type.Literal('sibling'),
]);
const DisplayField = Type.Union(
  [Type.Literal('off'), Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('declined')],
  {
    description: 'Family card display: `pending` waits for the relative’s confirmation',
  },
);
const RelativeInput = Type.Object({
  idNumber: IdNumberField,
  name: NameField,
  kinship: KinshipField,
  mutualAid: Type.Optional(
    Type.Boolean({ description: 'My individual account may pay this relative’s share' }),
  ),
  cardDisplay: Type.Optional(Type.Boolean({ description: 'Ask to show this relative’s e-card QR code' })),
});
const BindingView = Type.Object({
  id: Uuid,
  binderPersonId: Uuid,
  relativePersonId: Uuid,
  relativeName: Type.String(),
  relativeIdNumber: Type.String({ description: 'Masked' }),
  kinship: KinshipField,
  channel: Type.String(),
  mutualAid: Type.Boolean(),
  cardDisplay: DisplayField,
  createdAt: Type.String({ format: 'date-time' }),
});
const BindResults = Type.Object({
  bound: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(
    Type.Object({
      row: Type.Integer(),
      status: Type.Union([Type.Literal('bound'), Type.Literal('error')]),
      binding: Type.Optional(BindingView),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
  ),
});
const RequestView = Type.Object({
  id: Uuid,
  binderName: Type.String(),
  kinship: KinshipField,
  cardDisplay: DisplayField,
  createdAt: Type.String({ format: 'date-time' }),
});

const summarise = <R extends { status: string }>(results: R[]) => {
  const bound = results.filter((r) => r.status === 'bound').length;
  return { bound, failed: results.length - bound, results };
};

export async function familyRoutes(app: App): Promise<void> {
  app.post(
    '/v1/me/family',
    {
      schema: {
        operationId: 'bindRelatives',
        summary: 'Bind one or several relatives; each row succeeds or fails on its own',
        tags: ['family'],
        security: bearer,
        body: Type.Object({
          channel: Type.Optional(
            Type.Union([Type.Literal('app'), Type.Literal('web_portal')], { description: 'Default `app`' }),
          ),
          relatives: Type.Array(RelativeInput, { minItems: 1, maxItems: 20 }),
        }),
        response: { 200: BindResults, ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      const me = requirePerson(req);
      return summarise(
        await bindRelatives(ctxOf(req), me, me.personId, req.body.channel ?? 'app', req.body.relatives),
      );
    },
  );

  app.get(
    '/v1/me/family',
    {
      schema: {
        operationId: 'listMyRelatives',
        summary: 'The relatives I have bound, with their permissions',
        tags: ['family'],
        security: bearer,
        response: { 200: Type.Object({ relatives: Type.Array(BindingView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ relatives: await listBindings(app.db, requirePerson(req).personId) }),
  );

  app.get(
    '/v1/me/family/requests',
    {
      schema: {
        operationId: 'listFamilyRequests',
        summary: 'Bindings naming me as the relative; pending card display requests first',
        tags: ['family'],
        security: bearer,
        response: { 200: Type.Object({ requests: Type.Array(RequestView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ requests: await listRequests(app.db, requirePerson(req).personId) }),
  );

  for (const action of ['confirm', 'decline'] as const) {
    app.post(
      `/v1/me/family/requests/:id/${action}`,
      {
        schema: {
          operationId: action === 'confirm' ? 'confirmFamilyDisplay' : 'declineFamilyDisplay',
          summary: `${action === 'confirm' ? 'Confirm' : 'Decline'} that a relative shows my e-card QR code`,
          tags: ['family'],
          security: bearer,
          params: Type.Object({ id: Uuid }),
          response: { 200: RequestView, ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (req) =>
        decideDisplay(ctxOf(req), requirePerson(req).personId, req.params.id, action === 'confirm'),
    );
  }

  app.patch(
    '/v1/me/family/:id',
    {
      schema: {
        operationId: 'updateRelativePermissions',
        summary: 'Turn family mutual aid or card display on or off for a bound relative',
        tags: ['family'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { mutualAid: Type.Optional(Type.Boolean()), cardDisplay: Type.Optional(Type.Boolean()) },
          { minProperties: 1 },
        ),
        response: { 200: BindingView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => updatePermissions(ctxOf(req), requirePerson(req).personId, req.params.id, req.body),
  );

  app.delete(
    '/v1/me/family/:id',
    {
      schema: {
        operationId: 'unbindRelative',
        summary: 'Unbind a relative',
        tags: ['family'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null({ description: 'Unbound' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await unbind(ctxOf(req), requirePerson(req).personId, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/staff/family',
    {
      schema: {
        operationId: 'bindRelativesAtCounter',
        summary:
          'Bind relatives for a person at the counter, a hospital insurance office or a self-service terminal',
        tags: ['family'],
        security: bearer,
        body: Type.Object({
          binderIdNumber: IdNumberField,
          channel: Type.Union([
            Type.Literal('window'),
            Type.Literal('hospital_office'),
            Type.Literal('self_service_terminal'),
          ]),
          relatives: Type.Array(RelativeInput, { minItems: 1, maxItems: 20 }),
        }),
        response: { 200: BindResults, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (req) => {
      const staff = requireRole(req, 'staff');
      const ctx = ctxOf(req);
      const binder = await findPersonByIdNumber(
        app.db,
        parseIdNumber(req.body.binderIdNumber, ctx.now, 'binderIdNumber').idNumber,
      );
      if (!binder || binder.regionCode !== staff.regionCode)
        throw notFound('person_not_found', 'No insured person with this ID number in your region');
      return summarise(await bindRelatives(ctx, staff, binder.id, req.body.channel, req.body.relatives));
    },
  );
}
