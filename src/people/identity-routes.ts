import { RenderedText } from '../i18n/fastify.ts';
import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { forbidden } from '../platform/errors.ts';
import { IdNumberField, NameField } from './schemas.ts';
import {
  decideReview,
  listReviews,
  reviewPhoto,
  submitIdentity,
  uploadIdPhoto,
  type PhotoType,
} from './identity.ts';

const IdentityStatusField = Type.Union([
  Type.Literal('unverified'),
  Type.Literal('pending_review'),
  Type.Literal('verified'),
  Type.Literal('rejected'),
]);
const ReviewStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
]);
const ReviewView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  personId: Type.String({ format: 'uuid' }),
  idNumber: Type.String(),
  name: Type.String(),
  regionCode: Type.String(),
  status: ReviewStatus,
  reason: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

function staffRegion(req: Parameters<typeof requireRole>[0]) {
  const staff = requireRole(req, 'staff');
  if (!staff.regionCode) throw forbidden('no_office', 'Your staff account has no office');
  return { userId: staff.userId, regionCode: staff.regionCode };
}

export async function identityRoutes(app: App): Promise<void> {
  // ID photos arrive as the raw image body; anything larger than the configured limit is a 413.
  for (const type of ['image/jpeg', 'image/png']) {
    app.addContentTypeParser(
      type,
      { parseAs: 'buffer', bodyLimit: app.config.maxPhotoBytes },
      (_req, body, done) => done(null, body),
    );
  }

  app.post(
    '/v1/me/identity/photo',
    {
      bodyLimit: app.config.maxPhotoBytes,
      schema: {
        operationId: 'uploadIdPhoto',
        summary: 'Upload the ID photo (JPEG or PNG) used for identity verification',
        tags: ['identity'],
        security: bearer,
        consumes: ['image/jpeg', 'image/png'],
        body: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The image bytes' }),
        response: {
          201: Type.Object({ sha256: Type.String(), bytes: Type.Integer() }),
          ...errorResponses(401, 403, 409, 413, 415, 422),
        },
      },
      // The body is a Buffer, which JSON-schema validation cannot describe; its type is checked by magic bytes.
      validatorCompiler: () => () => true,
    },
    async (req, reply) => {
      const caller = requirePerson(req);
      const type = (req.headers['content-type'] ?? '').split(';')[0] as PhotoType;
      const result = await uploadIdPhoto(ctxOf(req), caller.personId, type, req.body as Buffer);
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/v1/me/identity',
    {
      schema: {
        operationId: 'verifyIdentity',
        summary: 'Verify identity against the population registry',
        description:
          'The ID number and name must be the ones registered, pass GB 11643 and match the population registry; an ID photo must be uploaded first. The result is `verified`, `pending_review` (staff will look) or `rejected` with a reason.',
        tags: ['identity'],
        security: bearer,
        body: Type.Object({ idNumber: IdNumberField, name: NameField }),
        response: {
          200: Type.Object({
            status: IdentityStatusField,
            reason: Type.Union([RenderedText(), Type.Null()]),
          }),
          ...errorResponses(401, 403, 409, 422),
        },
      },
    },
    async (req) => submitIdentity(ctxOf(req), requirePerson(req).personId, req.body),
  );

  app.get(
    '/v1/staff/identity-reviews',
    {
      schema: {
        operationId: 'listIdentityReviews',
        summary: 'Identity review queue of the staff member’s region',
        tags: ['identity'],
        security: bearer,
        querystring: Type.Object({ status: Type.Optional(ReviewStatus) }),
        response: { 200: Type.Object({ reviews: Type.Array(ReviewView) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      const staff = staffRegion(req);
      return { reviews: await listReviews(app.db, staff.regionCode, req.query.status ?? 'pending') };
    },
  );

  app.get(
    '/v1/staff/identity-reviews/:id/photo',
    {
      schema: {
        operationId: 'getIdentityReviewPhoto',
        summary: 'The ID photo of a review',
        tags: ['identity'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        produces: ['image/jpeg', 'image/png'],
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The image' }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const staff = staffRegion(req);
      const photo = await reviewPhoto(app.db, staff.regionCode, req.params.id);
      return reply.type(photo.type).header('cache-control', 'no-store').send(Buffer.from(photo.bytes));
    },
  );

  app.post(
    '/v1/staff/identity-reviews/:id/decision',
    {
      schema: {
        operationId: 'decideIdentityReview',
        summary: 'Approve or reject a pending identity review, with a reason',
        tags: ['identity'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({
          approve: Type.Boolean(),
          reason: Type.String({ minLength: 2, maxLength: 500, description: 'Shown to the person' }),
        }),
        response: { 200: ReviewView, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => decideReview(ctxOf(req), staffRegion(req), req.params.id, req.body),
  );
}
