import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { forbidden } from '../platform/errors.ts';
import { IdNumberField } from '../people/schemas.ts';
import {
  activateEcard,
  applyEcard,
  authoriseChannel,
  getMyEcard,
  openPayment,
  resumeEcard,
  revokeEcard,
  staffFindEcard,
  suspendEcard,
} from './ecard.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Channel = Type.Union([
  Type.Literal('app'),
  Type.Literal('wechat'),
  Type.Literal('alipay'),
  Type.Literal('bank_app'),
]);

const Ecard = Type.Object(
  {
    id: Uuid,
    personId: Uuid,
    status: Type.Union([
      Type.Literal('applied'),
      Type.Literal('active'),
      Type.Literal('suspended'),
      Type.Literal('revoked'),
    ]),
    appliedChannel: Channel,
    channels: Type.Array(Channel, { description: 'Channels the person authorised to show the e-card' }),
    paymentOpen: Type.Boolean({ description: 'Second-level issuance done: the e-card can pay' }),
    physicalCardNumber: Type.Union([Type.String({ description: 'masked but the last 4' }), Type.Null()]),
    suspendedBy: Type.Union([Type.Literal('person'), Type.Literal('staff'), Type.Null()]),
    appliedAt: DateTime,
    activatedAt: Type.Union([DateTime, Type.Null()]),
    paymentOpenedAt: Type.Union([DateTime, Type.Null()]),
  },
  { title: 'Ecard' },
);

function staffOnly(req: FastifyRequest) {
  const staff = requireRole(req, 'staff');
  if (!staff.regionCode) throw forbidden('no_office', 'Your staff account has no office');
  return staff;
}

export async function ecardRoutes(app: App): Promise<void> {
  app.post(
    '/v1/me/ecard',
    {
      schema: {
        operationId: 'applyForEcard',
        summary: 'Apply for the electronic medical insurance card in a channel',
        description:
          'Needs a verified identity (422 `identity_not_verified`) and explicit authorisation (`authorise: true`). One e-card per person (409 `ecard_exists`).',
        tags: ['ecard'],
        security: bearer,
        body: Type.Object({ channel: Channel, authorise: Type.Boolean() }),
        response: { 201: Ecard, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await applyEcard(ctxOf(req), requirePerson(req), req.body)),
  );

  app.get(
    '/v1/me/ecard',
    {
      schema: {
        operationId: 'getMyEcard',
        summary: 'My e-card: status, masked physical card number, authorised channels, payment open',
        tags: ['ecard'],
        security: bearer,
        response: { 200: Ecard, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => getMyEcard(app.db, requirePerson(req).personId),
  );

  app.post(
    '/v1/me/ecard/channels',
    {
      schema: {
        operationId: 'authoriseEcardChannel',
        summary: 'Authorise one more channel to show my e-card',
        tags: ['ecard'],
        security: bearer,
        body: Type.Object({ channel: Channel, authorise: Type.Boolean() }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => authoriseChannel(ctxOf(req), requirePerson(req), req.body),
  );

  app.post(
    '/v1/me/ecard/activate',
    {
      schema: {
        operationId: 'activateEcard',
        summary: 'Activate my e-card, with consent',
        tags: ['ecard'],
        security: bearer,
        body: Type.Object({ consent: Type.Boolean(), channel: Type.Optional(Channel) }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => activateEcard(ctxOf(req), requirePerson(req), req.body),
  );

  app.post(
    '/v1/me/ecard/payment',
    {
      schema: {
        operationId: 'openEcardPayment',
        summary: 'Second-level issuance: open the payment function with a 6-digit payment PIN',
        tags: ['ecard'],
        security: bearer,
        body: Type.Object({
          pin: Type.String({ pattern: '^[0-9]{6}$', description: '6-digit payment PIN (stored hashed)' }),
          consent: Type.Boolean(),
        }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => openPayment(ctxOf(req), requirePerson(req), req.body),
  );

  app.post(
    '/v1/me/ecard/suspend',
    {
      schema: {
        operationId: 'suspendMyEcard',
        summary: 'Suspend my e-card',
        tags: ['ecard'],
        security: bearer,
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => suspendEcard(ctxOf(req), requirePerson(req), null),
  );

  app.post(
    '/v1/me/ecard/resume',
    {
      schema: {
        operationId: 'resumeMyEcard',
        summary: 'Resume my e-card after I suspended it',
        tags: ['ecard'],
        security: bearer,
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => resumeEcard(ctxOf(req), requirePerson(req), null),
  );

  app.get(
    '/v1/staff/ecards',
    {
      schema: {
        operationId: 'findEcard',
        summary: 'A person’s e-card by ID number, in my region',
        tags: ['ecard'],
        security: bearer,
        querystring: Type.Object({ idNumber: IdNumberField }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => staffFindEcard(app.db, staffOnly(req).regionCode!, req.query.idNumber),
  );

  app.post(
    '/v1/staff/ecards/:id/suspend',
    {
      schema: {
        operationId: 'staffSuspendEcard',
        summary: 'Suspend an e-card (only staff can resume it)',
        tags: ['ecard'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => suspendEcard(ctxOf(req), staffOnly(req), req.params.id),
  );

  app.post(
    '/v1/staff/ecards/:id/resume',
    {
      schema: {
        operationId: 'staffResumeEcard',
        summary: 'Resume a suspended e-card',
        tags: ['ecard'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => resumeEcard(ctxOf(req), staffOnly(req), req.params.id),
  );

  app.post(
    '/v1/staff/ecards/:id/revoke',
    {
      schema: {
        operationId: 'revokeEcard',
        summary: 'Revoke an e-card (final)',
        tags: ['ecard'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }),
        response: { 200: Ecard, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => revokeEcard(ctxOf(req), staffOnly(req), req.params.id, req.body.reason),
  );
}
