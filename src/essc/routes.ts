import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { forbidden } from '../platform/errors.ts';
import { IdNumberField } from '../people/schemas.ts';
import { CardEvent } from '../cards/routes.ts';
import { SignedQrSchema } from '../qr/routes.ts';
import {
  BANK_CODES,
  applyEssc,
  getMyEssc,
  issueEsscQr,
  linkBankAccount,
  openSecondLevel,
  staffFindEssc,
} from './essc.ts';

const Bank = Type.Enum(BANK_CODES, {
  description: 'The bank of the social security card’s financial function',
});

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Channel = Type.Union(
  [
    Type.Literal('wechat'),
    Type.Literal('official_account'),
    Type.Literal('app'),
    Type.Literal('alipay'),
    Type.Literal('bank_app'),
  ],
  {
    description:
      'WeChat (me → wallet → city services), the e-SSC official account, the official app, Alipay, a bank app',
  },
);
const RegionCode = Type.String({
  minLength: 1,
  maxLength: 12,
  description: 'The city (region) of the physical card',
});

const Essc = Type.Object(
  {
    id: Uuid,
    esscNumber: Type.String({ description: 'The e-SSC’s own number' }),
    personId: Uuid,
    regionCode: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('ended')]),
    physicalCard: Type.Object({
      id: Uuid,
      cardNumber: Type.String({ description: 'masked but the last 4' }),
      status: Type.String(),
    }),
    channel: Channel,
    authorisations: Type.Array(
      Type.Object({ channel: Channel, regionCode: Type.String(), authorisedAt: DateTime }),
    ),
    secondLevel: Type.Boolean({ description: 'Second-level issuance done: the e-SSC can pay' }),
    issuedAt: DateTime,
    secondLevelAt: Nullable(DateTime),
    endedAt: Nullable(DateTime),
    bankAccount: Nullable(
      Type.Object({
        bank: Bank,
        accountMasked: Type.String({ description: 'The first and last four digits' }),
        linkedAt: DateTime,
      }),
    ),
    history: Type.Array(CardEvent),
  },
  { title: 'Essc' },
);

export async function esscRoutes(app: App): Promise<void> {
  app.post(
    '/v1/me/essc',
    {
      schema: {
        operationId: 'applyForEssc',
        summary: 'Get the electronic social security card in a channel',
        description:
          'Choose the city (region) of your physical card and authorise the channel. The first application issues the e-SSC (201), linked to your live physical card; one in another channel authorises that channel for the same e-SSC (200). Refusals (422): `authorisation_required`, `identity_not_verified`, `no_physical_card`, `card_lost`, `card_cancelled`, `card_other_region`; 409 `channel_already_authorised`.',
        tags: ['essc'],
        security: bearer,
        body: Type.Object({ channel: Channel, regionCode: RegionCode, authorise: Type.Boolean() }),
        response: { 200: Essc, 201: Essc, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) => {
      const r = await applyEssc(ctxOf(req), requirePerson(req), req.body);
      return reply.status(r.created ? 201 : 200).send(r.essc);
    },
  );

  app.get(
    '/v1/me/essc',
    {
      schema: {
        operationId: 'getMyEssc',
        summary: 'My e-SSC: number, status, linked physical card (masked), channels, history',
        tags: ['essc'],
        security: bearer,
        response: { 200: Essc, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => getMyEssc(app.db, requirePerson(req).personId),
  );

  app.post(
    '/v1/me/essc/second-level',
    {
      schema: {
        operationId: 'openEsscSecondLevel',
        summary: 'Second-level issuance: open my e-SSC’s payment function with its own payment PIN',
        description:
          '422 `consent_required`, `essc_suspended`; 404 `essc_not_found`; 409 `second_level_done`.',
        tags: ['essc'],
        security: bearer,
        body: Type.Object({ pin: Type.String({ pattern: '^[0-9]{6}$' }), consent: Type.Boolean() }),
        response: { 200: Essc, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => openSecondLevel(ctxOf(req), requirePerson(req), req.body),
  );

  app.get(
    '/v1/staff/esscs',
    {
      schema: {
        operationId: 'staffFindEssc',
        summary: 'Find a person’s e-SSC in my region by ID number',
        tags: ['essc'],
        security: bearer,
        querystring: Type.Object({ idNumber: IdNumberField }),
        response: { 200: Essc, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const staff = requireRole(req, 'staff');
      if (!staff.regionCode) throw forbidden('no_office', 'Your staff account has no office');
      return staffFindEssc(app.db, staff.regionCode, req.query.idNumber);
    },
  );

  app.get(
    '/v1/me/essc/qr',
    {
      schema: {
        operationId: 'getMyEsscQrCode',
        summary:
          'A fresh QR code of my e-SSC to pay with, signed by the social security card platform’s keys',
        description:
          'One-time and short-lived (60 s by default), verifiable offline with `/.well-known/essc-jwks.json`. 404 `essc_not_found`; 422 `essc_suspended`, `second_level_required`.',
        tags: ['essc'],
        security: bearer,
        response: { 200: SignedQrSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (req, reply) => {
      const person = requirePerson(req);
      reply.header('cache-control', 'no-store');
      return issueEsscQr(ctxOf(req), app.qrKeySets.essc, person.personId);
    },
  );

  app.post(
    '/v1/me/essc/bank-account',
    {
      schema: {
        operationId: 'linkEsscBankAccount',
        summary: 'Link the bank account behind my social security card’s financial function',
        description:
          'A new link replaces the old one. The till can then take the cash share “by social security card bank account”. 422 `invalid_bank_account`, `essc_suspended`; 404 `essc_not_found`.',
        tags: ['essc'],
        security: bearer,
        body: Type.Object({
          bank: Bank,
          accountNumber: Type.String({
            minLength: 12,
            maxLength: 23,
            description: '12-19 digits (spaces allowed)',
          }),
        }),
        response: { 200: Essc, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (req) => linkBankAccount(ctxOf(req), requirePerson(req), req.body),
  );
}
