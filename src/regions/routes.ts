import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { forbidden } from '../platform/errors.ts';
import { businessDate } from '../platform/business-date.ts';
import { FILING_KINDS, decideFiling, fileForTreatment, listFilings, withdrawFiling } from './filing.ts';
import { regionUnavailable } from './rpc.ts';
import type { RegionFederation } from './federation.ts';

const FilingSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    personId: Type.String({ format: 'uuid' }),
    regionCode: Type.String({ description: 'The insured region, which decides' }),
    kind: Type.Enum(FILING_KINDS),
    targetRegion: Type.String({ description: 'The region of treatment' }),
    validFrom: Type.String({ format: 'date' }),
    validTo: Type.String({ format: 'date' }),
    reason: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('approved'),
      Type.Literal('rejected'),
      Type.Literal('withdrawn'),
    ]),
    decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    decisionNote: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'RegionFiling' },
);

const Statement = Type.Object({
  month: Type.String(),
  insuredRegion: Type.String(),
  treatmentRegion: Type.String(),
  insuredAmount: Type.Union([Type.Integer(), Type.Null()]),
  treatmentAmount: Type.Union([Type.Integer(), Type.Null()]),
  insuredSettlements: Type.Union([Type.Integer(), Type.Null()]),
  treatmentSettlements: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union([
    Type.Literal('waiting'),
    Type.Literal('agreed'),
    Type.Literal('mismatch'),
    Type.Literal('confirmed'),
  ]),
});

const ReconciliationSchema = Type.Object({
  treatmentRegion: Type.String(),
  insuredRegion: Type.String(),
  date: Type.String({ format: 'date' }),
  settlements: Type.Integer(),
  onlyTreatment: Type.Array(Type.String()),
  onlyInsured: Type.Array(Type.String()),
  different: Type.Array(Type.String()),
  balanced: Type.Boolean(),
});

function federation(app: App): RegionFederation {
  if (!app.regions) throw regionUnavailable('federation', 'this deployment serves no region');
  return app.regions;
}

/** Filing for treatment in another region (the person, the agency), and the federation's admin runs. */
export async function regionRoutes(app: App): Promise<void> {
  app.post(
    '/v1/me/filings',
    {
      schema: {
        operationId: 'fileForTreatmentElsewhere',
        summary: 'File for treatment in another region (异地就医备案)',
        description:
          'Resident elsewhere and temporary work are approved on filing; a referral waits for the insured region’s staff. Without a valid filing a cross-region settlement follows the policy’s unfiled ratios.',
        tags: ['regions'],
        security: bearer,
        body: Type.Object({
          kind: Type.Enum(FILING_KINDS),
          targetRegion: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' }),
          validFrom: Type.String({ format: 'date' }),
          validTo: Type.String({ format: 'date' }),
          reason: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: FilingSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (req, reply) => {
      const person = requirePerson(req);
      return reply
        .status(201)
        .send(await fileForTreatment(app.db, person.personId, req.body, ctxOf(req).now));
    },
  );

  app.get(
    '/v1/me/filing-regions',
    {
      schema: {
        operationId: 'listFilingRegions',
        summary:
          'The other regions of the federation a person may file for (empty on a stand-alone deployment)',
        tags: ['regions'],
        security: bearer,
        response: {
          200: Type.Object({
            regions: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => {
      requirePerson(req);
      // The regions whose keys this region holds from the hub's directory: the federation's other regions.
      const { rows } = await app.db.query<{ code: string; name: string }>(
        `select r.code, r.name from regions r where exists (select 1 from region_keys k where k.region_code = r.code)
          order by r.code`,
      );
      return { regions: rows };
    },
  );

  app.get(
    '/v1/me/filings',
    {
      schema: {
        operationId: 'listMyFilings',
        summary: 'My filings for treatment in another region, newest first',
        tags: ['regions'],
        security: bearer,
        response: { 200: Type.Object({ filings: Type.Array(FilingSchema) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ filings: await listFilings(app.db, { personId: requirePerson(req).personId }) }),
  );

  app.post(
    '/v1/me/filings/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawMyFiling',
        summary: 'Withdraw a pending or approved filing of mine',
        tags: ['regions'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: FilingSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => withdrawFiling(app.db, requirePerson(req).personId, req.params.id),
  );

  app.get(
    '/v1/staff/filings',
    {
      schema: {
        operationId: 'listRegionFilings',
        summary: 'The region’s filings (the queue: `status=pending`), oldest first',
        tags: ['regions'],
        security: bearer,
        querystring: Type.Object({
          status: Type.Optional(
            Type.Union([
              Type.Literal('pending'),
              Type.Literal('approved'),
              Type.Literal('rejected'),
              Type.Literal('withdrawn'),
            ]),
          ),
        }),
        response: { 200: Type.Object({ filings: Type.Array(FilingSchema) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      const staff = requireRole(req, 'staff');
      if (!staff.regionCode) throw forbidden('wrong_role', 'Staff without an office region');
      return {
        filings: await listFilings(app.db, {
          regionCode: staff.regionCode,
          ...(req.query.status ? { status: req.query.status } : {}),
        }),
      };
    },
  );

  app.post(
    '/v1/staff/filings/:id/decision',
    {
      schema: {
        operationId: 'decideRegionFiling',
        summary: 'Approve or reject a pending filing of the region',
        tags: ['regions'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({
          approve: Type.Boolean(),
          note: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: FilingSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const staff = requireRole(req, 'staff');
      if (!staff.regionCode) throw forbidden('wrong_role', 'Staff without an office region');
      return decideFiling(
        app.db,
        { userId: staff.userId, regionCode: staff.regionCode },
        req.params.id,
        req.body,
        ctxOf(req).now,
      );
    },
  );

  app.post(
    '/v1/admin/regions/clearing',
    {
      schema: {
        operationId: 'runRegionClearing',
        summary: 'Report a month’s cross-region figures to the hub, then confirm and post every agreed pair',
        tags: ['regions'],
        security: bearer,
        body: Type.Object({ month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }) }),
        response: {
          200: Type.Object({
            statements: Type.Array(Statement),
            posted: Type.Array(
              Type.Object({
                counterparty: Type.String(),
                role: Type.Union([Type.Literal('insured'), Type.Literal('treatment')]),
                amount: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses(401, 403, 409, 503),
        },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      return federation(app).clear(req.body.month);
    },
  );

  app.post(
    '/v1/admin/regions/reconciliation',
    {
      schema: {
        operationId: 'runRegionReconciliation',
        summary: 'The day’s reconciliation with every region whose people this region treated',
        tags: ['regions'],
        security: bearer,
        body: Type.Object({ date: Type.Optional(Type.String({ format: 'date' })) }),
        response: {
          200: Type.Object({ reconciliations: Type.Array(ReconciliationSchema) }),
          ...errorResponses(401, 403, 503),
        },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      const date = req.body.date ?? businessDate(ctxOf(req).now);
      return { reconciliations: await federation(app).reconcile(date) };
    },
  );
}
