import { RenderedText } from '../i18n/fastify.ts';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { forbidden } from '../platform/errors.ts';
import { IdNumberField, NameField } from '../people/schemas.ts';
import {
  activateCard,
  applyAsPerson,
  applyAtCounter,
  cancelApplication,
  cancelCard,
  collectCard,
  handOutCard,
  issueApplication,
  listApplications,
  listEmployerCards,
  markReady,
  myCards,
  replaceCard,
  reportLoss,
  resetPin,
  staffLookup,
  submitBatch,
} from './cards.ts';
import { ecardRoutes } from './ecard-routes.ts';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const PinField = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit PIN (stored hashed)' });

const Channel = Type.Union([
  Type.Literal('county_centre'),
  Type.Literal('service_point'),
  Type.Literal('agent'),
  Type.Literal('employer'),
]);
const ApplicationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('ready'),
  Type.Literal('issued'),
  Type.Literal('handed_out'),
  Type.Literal('cancelled'),
]);
const CardStatus = Type.Union([
  Type.Literal('issued'),
  Type.Literal('active'),
  Type.Literal('frozen'),
  Type.Literal('replaced'),
  Type.Literal('cancelled'),
]);
const Place = Type.Union([Type.Literal('bank'), Type.Literal('hospital'), Type.Literal('pharmacy')]);

const Application = Type.Object(
  {
    id: Uuid,
    personId: Uuid,
    personIdNumber: Type.String(),
    personName: Type.String(),
    regionCode: Type.String(),
    channel: Channel,
    submittedVia: Type.Union([Type.Literal('app'), Type.Literal('counter'), Type.Literal('employer')]),
    officeId: Nullable(Uuid),
    employerId: Nullable(Uuid),
    batchId: Nullable(Uuid),
    introductionRef: Nullable(Type.String()),
    agent: Type.Union([
      Type.Object({
        idNumber: Type.String({ description: 'masked' }),
        name: Type.String({ description: 'masked' }),
      }),
      Type.Null(),
    ]),
    status: ApplicationStatus,
    dueDate: Type.Union([
      Type.String({ format: 'date', description: 'Service point: ready by this date (3 working days)' }),
      Type.Null(),
    ]),
    idChecked: Type.Boolean(),
    cardId: Nullable(Uuid),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'CardApplication' },
);

const Card = Type.Object(
  {
    id: Uuid,
    personId: Uuid,
    regionCode: Type.String(),
    cardNumber: Type.String({
      description:
        '9 characters: 2-character region prefix + 7-character base-36 serial; masked for the holder',
    }),
    bank: Type.String({ description: 'Issuing bank' }),
    status: CardStatus,
    pinSet: Type.Boolean(),
    pinLocked: Type.Boolean(),
    withEmployer: Type.Boolean({ description: 'Issued to the employer and not handed out yet' }),
    handedOutAt: Nullable(DateTime),
    issuedAt: DateTime,
    activatedAt: Nullable(DateTime),
    activationPlace: Type.Union([Place, Type.Null()]),
    replacesCardId: Nullable(Uuid),
    replacedByCardId: Nullable(Uuid),
  },
  { title: 'Card' },
);

export const CardEvent = Type.Object(
  {
    subject: Type.Union([
      Type.Literal('application'),
      Type.Literal('card'),
      Type.Literal('ecard'),
      Type.Literal('essc'),
    ]),
    subjectId: Uuid,
    event: Type.String(),
    fromStatus: Nullable(Type.String()),
    toStatus: Nullable(Type.String()),
    actorRole: Type.String(),
    officeId: Nullable(Uuid),
    channel: Nullable(Type.String()),
    institutionId: Nullable(Uuid),
    detail: Type.Union([
      RenderedText('A channel or place code, or what the server said, in the reader’s language'),
      Type.Null(),
    ]),
    at: DateTime,
  },
  { title: 'CardEvent' },
);

const ApplicationResult = Type.Object({ application: Application, card: Type.Union([Card, Type.Null()]) });
const IdParams = Type.Object({ id: Uuid });
const IssueBody = Type.Object({
  idChecked: Type.Boolean({ description: 'Staff confirm the original ID document was checked' }),
  pin: Type.Optional(PinField),
  bank: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
});
const AgentField = Type.Object({ idNumber: IdNumberField, name: NameField });

function staffOnly(req: FastifyRequest) {
  const staff = requireRole(req, 'staff');
  if (!staff.regionCode) throw forbidden('no_office', 'Your staff account has no office');
  return staff;
}

export async function cardRoutes(app: App): Promise<void> {
  // ---- the person ----
  app.post(
    '/v1/me/cards/applications',
    {
      schema: {
        operationId: 'applyForCard',
        summary: 'Apply for the physical social security card at a service point or county centre',
        description:
          'At a `service_point` the card is ready within 3 working days (`dueDate`); you are notified to collect it with your original ID. At a `county_centre` it is issued on the spot when you come in. One application or live card at a time (409 `already_applied` / `card_exists`).',
        tags: ['cards'],
        security: bearer,
        body: Type.Object({
          channel: Type.Union([Type.Literal('service_point'), Type.Literal('county_centre')]),
          officeId: Uuid,
        }),
        response: { 201: ApplicationResult, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await applyAsPerson(ctxOf(req), requirePerson(req), req.body)),
  );

  app.get(
    '/v1/me/cards',
    {
      schema: {
        operationId: 'getMyCards',
        summary: 'My card applications, cards (numbers masked but the last 4) and their history',
        tags: ['cards'],
        security: bearer,
        response: {
          200: Type.Object({
            applications: Type.Array(Application),
            cards: Type.Array(Card),
            history: Type.Array(CardEvent),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => myCards(app.db, requirePerson(req).personId),
  );

  app.post(
    '/v1/me/cards/:id/report-loss',
    {
      schema: {
        operationId: 'reportMyCardLost',
        summary: 'Report my card lost: it is frozen at once',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        response: { 200: Card, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => reportLoss(ctxOf(req), requirePerson(req), req.params.id),
  );

  app.post(
    '/v1/me/cards/applications/:id/cancel',
    {
      schema: {
        operationId: 'cancelMyCardApplication',
        summary: 'Withdraw my pending or ready card application',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        response: { 200: ApplicationResult, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => cancelApplication(ctxOf(req), requirePerson(req), req.params.id),
  );

  // ---- staff ----
  app.post(
    '/v1/staff/cards/applications',
    {
      schema: {
        operationId: 'applyForCardAtCounter',
        summary: 'File a card application at the counter on a person’s behalf',
        description:
          '`county_centre` (county-centre staff only): issued in one step; `idChecked: true` and `pin` required. `service_point` (service-point staff only): pending, due in 3 working days. `agent`: an agent applies with both IDs (`agent`); at a county centre it is issued on the spot (PIN optional, set at activation), elsewhere due in 3 working days.',
        tags: ['cards'],
        security: bearer,
        body: Type.Object({
          channel: Type.Union([
            Type.Literal('county_centre'),
            Type.Literal('service_point'),
            Type.Literal('agent'),
          ]),
          idNumber: IdNumberField,
          name: NameField,
          idChecked: Type.Optional(Type.Boolean()),
          pin: Type.Optional(PinField),
          bank: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
          agent: Type.Optional(AgentField),
        }),
        response: { 201: ApplicationResult, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await applyAtCounter(ctxOf(req), staffOnly(req), req.body)),
  );

  app.get(
    '/v1/staff/cards/applications',
    {
      schema: {
        operationId: 'listCardApplications',
        summary: 'Card application queue of my region, oldest first',
        tags: ['cards'],
        security: bearer,
        querystring: Type.Object({
          officeId: Type.Optional(Uuid),
          channel: Type.Optional(Channel),
          status: Type.Optional(ApplicationStatus),
        }),
        response: {
          200: Type.Object({ applications: Type.Array(Application) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({ applications: await listApplications(app.db, staffOnly(req).regionCode!, req.query) }),
  );

  app.get(
    '/v1/staff/cards',
    {
      schema: {
        operationId: 'lookUpPersonCards',
        summary: 'A person’s card applications, cards and their history (e-card included), by ID number',
        tags: ['cards'],
        security: bearer,
        querystring: Type.Object({ idNumber: IdNumberField }),
        response: {
          200: Type.Object({
            personId: Uuid,
            applications: Type.Array(Application),
            cards: Type.Array(Card),
            history: Type.Array(CardEvent),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => staffLookup(app.db, staffOnly(req).regionCode!, req.query.idNumber),
  );

  for (const [path, operationId, summary, fn] of [
    [
      'ready',
      'markCardReady',
      'Service point: the card is ready; the person is notified to collect it',
      markReady,
    ],
    ['cancel', 'cancelCardApplication', 'Cancel a pending or ready application', cancelApplication],
  ] as const) {
    app.post(
      `/v1/staff/cards/applications/:id/${path}`,
      {
        schema: {
          operationId,
          summary,
          tags: ['cards'],
          security: bearer,
          params: IdParams,
          response: { 200: ApplicationResult, ...errorResponses(401, 403, 404, 409, 422) },
        },
      },
      async (req) => fn(ctxOf(req), staffOnly(req), req.params.id),
    );
  }

  for (const [path, operationId, summary, fn] of [
    [
      'issue',
      'issueCardOnTheSpot',
      'County centre: issue the card of an app application on the spot',
      issueApplication,
    ],
    [
      'collect',
      'collectCard',
      'Hand a ready card to its holder after checking the original ID (`idChecked: true`)',
      collectCard,
    ],
  ] as const) {
    app.post(
      `/v1/staff/cards/applications/:id/${path}`,
      {
        schema: {
          operationId,
          summary,
          tags: ['cards'],
          security: bearer,
          params: IdParams,
          body: IssueBody,
          response: { 200: ApplicationResult, ...errorResponses(401, 403, 404, 409, 422) },
        },
      },
      async (req) => fn(ctxOf(req), staffOnly(req), req.params.id, req.body),
    );
  }

  app.post(
    '/v1/staff/cards/:id/activate',
    {
      schema: {
        operationId: 'activateCard',
        summary: 'Activate a card at the issuing bank, a designated hospital or a designated pharmacy',
        description:
          'A card issued without a PIN (employer batch, agent) needs `pin` here; otherwise `pin` is ignored.',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        body: Type.Object({ place: Place, institutionId: Type.Optional(Uuid), pin: Type.Optional(PinField) }),
        response: { 200: Card, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => activateCard(ctxOf(req), staffOnly(req), req.params.id, req.body),
  );

  app.post(
    '/v1/staff/cards/:id/report-loss',
    {
      schema: {
        operationId: 'reportCardLost',
        summary: 'Record a loss report at the counter: the card is frozen at once',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        response: { 200: Card, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => reportLoss(ctxOf(req), staffOnly(req), req.params.id),
  );

  app.post(
    '/v1/staff/cards/:id/replace',
    {
      schema: {
        operationId: 'replaceCard',
        summary: 'Issue a replacement: a new card number; the old card becomes `replaced`',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        body: Type.Object({
          idChecked: Type.Boolean(),
          pin: PinField,
          bank: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
        }),
        response: { 200: Type.Object({ old: Card, card: Card }), ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => replaceCard(ctxOf(req), staffOnly(req), req.params.id, req.body),
  );

  app.post(
    '/v1/staff/cards/:id/cancel',
    {
      schema: {
        operationId: 'cancelCard',
        summary: 'Cancel a card (no replacement)',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }),
        response: { 200: Card, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => cancelCard(ctxOf(req), staffOnly(req), req.params.id, req.body.reason),
  );

  app.post(
    '/v1/staff/cards/:id/reset-pin',
    {
      schema: {
        operationId: 'resetCardPin',
        summary: 'Unlock a PIN-locked card, optionally setting a new PIN',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        body: Type.Object({ pin: Type.Optional(PinField) }),
        response: { 200: Card, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => resetPin(ctxOf(req), staffOnly(req), req.params.id, req.body),
  );

  // ---- employer ----
  app.post(
    '/v1/employer/card-batches',
    {
      schema: {
        operationId: 'submitCardBatch',
        summary: 'Apply for employees’ cards in bulk; each row succeeds or fails on its own',
        description:
          'With the letter of introduction and the agent’s ID. Valid rows are issued at once to the employer, who hands each card out; invalid rows are reported with their error code.',
        tags: ['cards'],
        security: bearer,
        body: Type.Object({
          introductionRef: Type.String({
            minLength: 1,
            maxLength: 100,
            description: 'Letter of introduction reference',
          }),
          agent: AgentField,
          employees: Type.Array(Type.Object({ idNumber: IdNumberField, name: NameField }), {
            minItems: 1,
            maxItems: 1000,
          }),
        }),
        response: {
          200: Type.Object({
            batchId: Uuid,
            issued: Type.Integer(),
            failed: Type.Integer(),
            results: Type.Array(
              Type.Object({
                row: Type.Integer(),
                status: Type.Union([Type.Literal('issued'), Type.Literal('error')]),
                personId: Type.Optional(Uuid),
                applicationId: Type.Optional(Uuid),
                cardId: Type.Optional(Uuid),
                code: Type.Optional(Type.String()),
                message: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errorResponses(401, 403, 422),
        },
      },
    },
    async (req) => {
      const r = await submitBatch(ctxOf(req), requireRole(req, 'employer'), req.body);
      const issued = r.results.filter((x) => x.status === 'issued').length;
      return { batchId: r.batchId, issued, failed: r.results.length - issued, results: r.results };
    },
  );

  const EmployerCard = Type.Object(
    {
      cardId: Uuid,
      applicationId: Nullable(Uuid),
      batchId: Nullable(Uuid),
      personId: Uuid,
      idNumber: Type.String({ description: 'masked' }),
      name: Type.String({ description: 'masked' }),
      cardNumber: Type.String({ description: 'masked' }),
      status: CardStatus,
      handedOutAt: Nullable(DateTime),
    },
    { title: 'EmployerCard' },
  );

  app.get(
    '/v1/employer/cards',
    {
      schema: {
        operationId: 'listEmployerCards',
        summary: 'Cards issued to the employer for its employees',
        tags: ['cards'],
        security: bearer,
        response: { 200: Type.Object({ cards: Type.Array(EmployerCard) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ cards: await listEmployerCards(app.db, requireRole(req, 'employer').employerId!) }),
  );

  app.post(
    '/v1/employer/cards/:id/hand-out',
    {
      schema: {
        operationId: 'handOutCard',
        summary: 'Mark a card as handed to its holder',
        tags: ['cards'],
        security: bearer,
        params: IdParams,
        response: { 200: EmployerCard, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => handOutCard(ctxOf(req), requireRole(req, 'employer'), req.params.id),
  );

  await app.register(ecardRoutes);
}
