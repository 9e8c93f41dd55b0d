/**
 * Names for the generated API types (api-schema.d.ts, from /openapi.json by scripts/api-types.ts):
 * `Answer<'getMyEcard'>` is what GET /v1/me/ecard answers, `RequestBody<'settle'>` what POST
 * /v1/terminal/settlements takes. Declare a screen's type from these, never by hand.
 */
import type { operations } from './api-schema.d.ts';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Success<R> = R extends { 200: infer A } ? A : R extends { 201: infer A } ? A : never;

/** The JSON an operation answers on success (its 200, or 201). */
export type Answer<Op extends keyof operations> = Json<Success<operations[Op]['responses']>>;

/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = Json<NonNullable<operations[Op]['requestBody']>>;
