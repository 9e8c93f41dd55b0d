import { type FastifyError, type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import { AppError } from './errors.ts';
import { ERROR_CODES, type ErrorCode } from './error-codes.ts';
import { maskIdNumbersIn } from './mask.ts';
import { hasText, t, type Lang } from '../i18n/index.ts';

/** The Fastify instance with TypeBox types: every route's body, params and query are typed from its schema. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The one error body every 4xx and 5xx response carries. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(ERROR_CODES, {
        description: 'Stable machine-readable code (src/platform/error-codes.ts)',
      }),
      message: Type.String({
        description:
          'Human-readable explanation in the reader’s language (Accept-Language / lang; zh-CN by default)',
      }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      requestId: Type.String(),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request or failed validation',
  401: 'Missing, invalid or expired credentials',
  403: 'The caller may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state (duplicate, already done)',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Refused by a business rule',
  429: 'Too many requests',
};

/** Response schemas for the given error statuses, all with the shared error body. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of new Set([400, ...statuses])) {
    out[s] = Type.Ref('Error', { description: ERROR_DESCRIPTIONS[s] ?? 'Error' }) as unknown as TSchema;
  }
  return out;
}

/**
 * The `message` of a refusal in the reader's language, from the catalogue entry of its code (`errors.<code>`,
 * src/i18n), with the error's details (and the request id) as parameters. In English the throw site's own
 * sentence is kept, as it may name more (a field, a status); a code the catalogue lacks reads in zh-CN as
 * `errors.fallback` naming the code, never as an English sentence.
 */
export function errorMessage(
  lang: Lang,
  code: string,
  english: string,
  details: Record<string, unknown> | undefined,
  requestId: string,
): string {
  const params = { ...details, requestId, code };
  const key = hasText(`errors.${code}`) ? `errors.${code}` : 'errors.fallback';
  if (lang === 'en' && english) return english;
  try {
    return t(lang, key, params);
  } catch {
    // A catalogue entry naming a parameter this throw site did not give: still a sentence in the language.
    return t(lang, 'errors.fallback', params);
  }
}

/** Maps any thrown error onto the one response shape. Unexpected errors are logged (masked) and become 500. */
export function installErrorHandler(app: App): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    const requestId = String(req.id);
    const send = (status: number, code: ErrorCode, message: string, details?: Record<string, unknown>) =>
      reply.status(status).send({
        error: {
          code,
          message: errorMessage(req.lang, code, message, details, requestId),
          ...(details ? { details } : {}),
          requestId,
        },
      });

    if (err instanceof AppError) return send(err.status, err.code, err.message, err.details);
    const fe = err as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const params = (first?.params ?? {}) as Record<string, unknown>;
      const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      // A missing or an unexpected property is named itself, not its parent object.
      const property = params.missingProperty ?? params.additionalProperty;
      const field = property ? [path, property].filter(Boolean).join('.') : path || fe.validationContext;
      return send(
        400,
        'validation_failed',
        `${fe.validationContext ?? 'request'}${path ? '.' + path : ''} ${first?.message ?? 'is invalid'}`,
        {
          field,
          in: fe.validationContext,
        },
      );
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(400, 'malformed_json', 'The request body is not valid JSON');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(413, 'payload_too_large', 'The request body is larger than this route accepts');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(
          415,
          'unsupported_media_type',
          `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted here`,
        );
    }
    if (err instanceof SyntaxError) return send(400, 'malformed_json', 'The request body is not valid JSON');
    if (fe.statusCode === 429) return send(429, 'rate_limited', fe.message);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
      return send(fe.statusCode, 'bad_request', fe.message);
    req.log.error(
      { err: { message: maskIdNumbersIn(err.message), stack: maskIdNumbersIn(err.stack ?? '') } },
      'unexpected error',
    );
    return send(500, 'internal_error', `Something went wrong on our side; quote request id ${requestId}`);
  });

  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: {
        code: 'route_not_found',
        message: errorMessage(
          req.lang,
          'route_not_found',
          `No route ${req.method} ${req.url.split('?')[0]}`,
          undefined,
          String(req.id),
        ),
        requestId: String(req.id),
      },
    }),
  );
}
