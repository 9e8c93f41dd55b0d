import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole } from '../platform/context.ts';
import { RegionCodeField } from '../people/schemas.ts';
import { listPolicyVersions, policyInForce, publishPolicy, withdrawPolicy } from './policy-store.ts';
import { businessDate } from '../platform/business-date.ts';

const PolicyVersionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  regionCode: Type.String(),
  version: Type.String(),
  effectiveFrom: Type.String({ format: 'date' }),
  rules: Type.Ref('PolicyRules'),
  publishedAt: Type.String({ format: 'date-time' }),
  used: Type.Boolean({ description: 'A used version can no longer be withdrawn' }),
});

export async function policyRoutes(app: App): Promise<void> {
  app.post(
    '/v1/admin/policies',
    {
      schema: {
        operationId: 'publishPolicy',
        summary: 'Publish a policy version for a region, effective from a date (today or later)',
        description:
          'The rules are validated as a whole; every problem is listed in `details.problems` of the 422. A version is never edited: publish a new one.',
        tags: ['policy'],
        security: bearer,
        body: Type.Object({
          regionCode: RegionCodeField,
          effectiveFrom: Type.String({ format: 'date' }),
          // Validated by validatePolicy so that every problem is reported at once, not just the first.
          rules: Type.Object(
            {},
            { additionalProperties: true, description: 'PolicyRules (see the schema of the same name)' },
          ),
        }),
        response: { 201: PolicyVersionView, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) => {
      const admin = requireRole(req, 'admin');
      const ctx = ctxOf(req);
      const v = await publishPolicy(app.db, { ...req.body, publishedBy: admin.userId }, ctx.now);
      return reply.status(201).send(v);
    },
  );

  app.get(
    '/v1/policies',
    {
      schema: {
        operationId: 'listPolicies',
        summary: 'Policy versions of a region, oldest first',
        tags: ['policy'],
        security: bearer,
        querystring: Type.Object({ regionCode: RegionCodeField }),
        response: { 200: Type.Object({ versions: Type.Array(PolicyVersionView) }), ...errorResponses(401) },
      },
    },
    async (req) => {
      requireRole(req, 'admin', 'staff', 'institution', 'terminal', 'person', 'employer');
      return { versions: await listPolicyVersions(app.db, req.query.regionCode) };
    },
  );

  app.get(
    '/v1/policies/in-force',
    {
      schema: {
        operationId: 'getPolicyInForce',
        summary: 'The policy version in force in a region on a date (default today)',
        tags: ['policy'],
        security: bearer,
        querystring: Type.Object({
          regionCode: RegionCodeField,
          date: Type.Optional(Type.String({ format: 'date' })),
        }),
        response: { 200: PolicyVersionView, ...errorResponses(401, 422) },
      },
    },
    async (req) => {
      requireRole(req, 'admin', 'staff', 'institution', 'terminal', 'person', 'employer');
      const date = req.query.date ?? businessDate(ctxOf(req).now);
      return policyInForce(app.db, req.query.regionCode, date);
    },
  );

  app.delete(
    '/v1/admin/policies/:id',
    {
      schema: {
        operationId: 'withdrawPolicy',
        summary: 'Withdraw a version that has not yet taken effect',
        tags: ['policy'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null({ description: 'Withdrawn' }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      await withdrawPolicy(app.db, req.params.id, ctxOf(req).now);
      return reply.status(204).send(null);
    },
  );
}
