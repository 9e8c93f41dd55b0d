import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, publicRoute, requirePerson, requireRole } from '../platform/context.ts';
import { issueQr } from './issue.ts';
import type { KeySet } from './token.ts';
import { mayDisplayCard } from '../family/family.ts';

// The verifier's Jwk type is the general RFC 7517 shape; ours are always OKP/Ed25519 with every field set.
const Jwk = Type.Object({
  kty: Type.String({ examples: ['OKP'] }),
  crv: Type.Optional(Type.String({ examples: ['Ed25519'] })),
  x: Type.Optional(Type.String()),
  kid: Type.Optional(Type.String()),
  use: Type.Optional(Type.String({ examples: ['sig'] })),
  alg: Type.Optional(Type.String({ examples: ['EdDSA'] })),
  exp: Type.Optional(Type.Integer({ description: 'A retired key stops verifying at this unix time' })),
});

const Jwks = Type.Object({ keys: Type.Array(Jwk) }, { title: 'Jwks' });

/** A fresh signed code: its text, its times and its pictures. */
export const SignedQrSchema = Type.Object({
  token: Type.String({ description: 'The text inside the QR code' }),
  issuedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  ttlSeconds: Type.Integer(),
  svg: Type.String(),
  pngDataUrl: Type.String(),
});

/**
 * Each key set's public keys and rotation: the e-voucher's (medical insurance platform) and, beside it, the
 * e-SSC's (national social security card platform). Terminals cache both to check either code offline.
 */
const KEY_SET_ROUTES = [
  {
    keySet: 'ecard',
    tag: 'qr',
    jwks: '/.well-known/jwks.json',
    jwksOp: 'getQrJwks',
    jwksSummary: 'Public keys that verify QR codes, for terminals to check codes offline',
    rotate: '/v1/admin/qr-keys/rotate',
    rotateOp: 'rotateQrKeys',
    rotateSummary: 'Rotate the QR signing key; the old key keeps verifying for its grace period',
  },
  {
    keySet: 'essc',
    tag: 'essc',
    jwks: '/.well-known/essc-jwks.json',
    jwksOp: 'getEsscQrJwks',
    jwksSummary:
      'Public keys of the social security card platform that verify e-SSC QR codes (`SS1:`), beside the e-voucher’s, for terminals to check codes offline',
    rotate: '/v1/admin/essc-qr-keys/rotate',
    rotateOp: 'rotateEsscQrKeys',
    rotateSummary: 'Rotate the e-SSC QR signing key; the old key keeps verifying for its grace period',
  },
] as const satisfies ReadonlyArray<{ keySet: KeySet } & Record<string, string>>;

export async function qrRoutes(app: App): Promise<void> {
  for (const r of KEY_SET_ROUTES) {
    app.get(
      r.jwks,
      {
        schema: {
          operationId: r.jwksOp,
          summary: r.jwksSummary,
          tags: [r.tag],
          security: publicRoute,
          response: { 200: Jwks, ...errorResponses() },
        },
      },
      async (req, reply) => {
        const now = ctxOf(req).now;
        const ring = await app.qrKeySets[r.keySet].get(now);
        // Terminals cache this; a short max-age lets them pick up a rotation within a minute.
        reply.header('cache-control', 'public, max-age=60');
        return ring.toJwks(now);
      },
    );

    app.post(
      r.rotate,
      {
        schema: {
          operationId: r.rotateOp,
          summary: r.rotateSummary,
          tags: [r.tag],
          security: bearer,
          response: {
            200: Type.Object({ added: Type.String(), retired: Type.Array(Type.String()) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async (req) => {
        requireRole(req, 'admin');
        return app.qrKeySets[r.keySet].rotate(ctxOf(req).now);
      },
    );
  }

  app.get(
    '/v1/me/ecard/qr',
    {
      schema: {
        operationId: 'getMyQrCode',
        summary: 'A fresh QR code to pay with (own e-card, or a relative’s with `for`)',
        description:
          'The code is valid for a short time (60 s by default) and pays once. With `for=<person id>` a person who holds a confirmed family card display permission gets the relative’s code.',
        tags: ['qr'],
        security: bearer,
        querystring: Type.Object({
          for: Type.Optional(Type.String({ format: 'uuid', description: 'The relative’s person id' })),
        }),
        response: {
          200: Type.Object({
            ...SignedQrSchema.properties,
            holder: Type.Object({ self: Type.Boolean(), maskedName: Type.String() }),
          }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
    },
    async (req, reply) => {
      const person = requirePerson(req);
      reply.header('cache-control', 'no-store');
      return issueQr(ctxOf(req), app.qrKeys, person.personId, req.query.for, (viewer, relative) =>
        mayDisplayCard(app.db, viewer, relative),
      );
    },
  );
}
