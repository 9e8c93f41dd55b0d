import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole, actingRegion } from '../platform/context.ts';
import { RenderedText } from '../i18n/fastify.ts';
import { FLAG_REASONS } from './rules.ts';
import { decideClaim, flaggedClaims, runClaimsReview } from './store.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A Beijing business date' });
const Region = Type.Optional(
  Type.String({ maxLength: 12, description: 'An administrator names the region' }),
);

const Claim = Type.Object({
  settlementId: Type.String({ format: 'uuid' }),
  institutionCode: Type.String(),
  institutionName: Type.String(),
  maskedName: Type.String(),
  maskedIdNumber: Type.String(),
  total: Type.Integer({ description: 'fen' }),
  fund: Type.Integer({ description: 'The pooled fund’s share (fen)' }),
  flags: Type.Array(
    Type.Object({
      line: Type.Integer({ description: '0-based line of the settlement' }),
      reason: Type.Enum(FLAG_REASONS),
      text: RenderedText('The reason in the reader’s language'),
    }),
  ),
  review: Type.Union([
    Type.Object({
      outcome: Type.Union([Type.Literal('accepted'), Type.Literal('recover'), Type.Literal('refer')]),
      note: Type.Union([Type.String(), Type.Null()]),
      reviewedAt: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
});

/** The agency's review of settled claims: flags after the fact, a sampled queue, decisions. */
export async function claimRoutes(app: App): Promise<void> {
  app.post(
    '/v1/staff/claims/review-runs',
    {
      schema: {
        operationId: 'runClaimsReview',
        summary:
          'Run the review rules over the region’s settlements of a day (repeatable; flags never block a till)',
        tags: ['claims'],
        security: bearer,
        querystring: Type.Object({ region: Region }),
        body: Type.Object({ date: Day }),
        response: {
          200: Type.Object({
            settlements: Type.Integer(),
            flags: Type.Integer({ description: 'new flags' }),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'staff', 'admin');
      return runClaimsReview(app.db, actingRegion(caller, req.query.region), req.body.date, ctxOf(req).now);
    },
  );

  app.get(
    '/v1/staff/claims',
    {
      schema: {
        operationId: 'listFlaggedClaims',
        summary:
          'The flagged settlements of a day to review: all, a reproducible random share, or by fund amount',
        tags: ['claims'],
        security: bearer,
        querystring: Type.Object({
          region: Region,
          date: Day,
          percent: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 100, description: 'a random share, in %' }),
          ),
          minFund: Type.Optional(
            Type.Integer({ minimum: 0, description: 'only fund shares of at least this (fen)' }),
          ),
        }),
        response: { 200: Type.Object({ claims: Type.Array(Claim) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'staff', 'admin');
      const { percent, minFund } = req.query;
      return {
        claims: await flaggedClaims(app.db, actingRegion(caller, req.query.region), req.query.date, {
          ...(percent !== undefined ? { percent } : {}),
          ...(minFund !== undefined ? { minFund } : {}),
        }),
      };
    },
  );

  app.post(
    '/v1/staff/claims/:settlementId/decision',
    {
      schema: {
        operationId: 'decideClaim',
        summary: 'Record the review’s decision on a flagged settlement (once)',
        tags: ['claims'],
        security: bearer,
        params: Type.Object({ settlementId: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ region: Region }),
        body: Type.Object({
          outcome: Type.Union([Type.Literal('accepted'), Type.Literal('recover'), Type.Literal('refer')], {
            description:
              'accepted as billed, fund share to recover from the institution, or referred for inspection',
          }),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 204: Type.Null({ description: 'Recorded' }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const caller = requireRole(req, 'staff', 'admin');
      await decideClaim(
        app.db,
        actingRegion(caller, req.query.region),
        req.params.settlementId,
        req.body,
        caller.userId,
        ctxOf(req).now,
      );
      return reply.status(204).send(null);
    },
  );
}
