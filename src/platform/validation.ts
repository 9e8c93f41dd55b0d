/**
 * Request validation: Fastify's Ajv compiler, with type coercion only where HTTP leaves no choice.
 * Query strings, path parameters and headers are text on the wire, so `?limit=10` must become the integer
 * the schema asks for. A JSON body has its own types: Fastify's default (`coerceTypes: 'array'`) would read
 * `"unitPrice": true` as 1 fen, `"quantity": [2]` as 2 and `"familyAccount": null` as false, so a malformed
 * bill would be settled as some other bill. Bodies are therefore validated without coercion: a value of
 * the wrong type is refused as `validation_failed`. (Found by the fuzz pass, src/settlement/bill.fuzz.api.test.ts.)
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

type BuildValidator = ReturnType<typeof AjvCompiler>;

/** A `schemaController.compilersFactory.buildValidator`: no coercion for the body, the default elsewhere. */
export function strictBodyValidator(): BuildValidator {
  const pool = AjvCompiler();
  const build: BuildValidator = (externalSchemas, options) => {
    const coercing = pool(externalSchemas, options);
    // Fastify passes its `ajv` server option (never JTD mode here); the pool keys compilers by their options.
    const ajv = (options ?? {}) as { customOptions?: AjvCompiler.Options };
    const strict = pool(externalSchemas, {
      ...ajv,
      customOptions: { ...ajv.customOptions, coerceTypes: false },
    } as Parameters<BuildValidator>[1]);
    const compile: FastifySchemaCompiler<unknown> = (route) =>
      route.httpPart === 'body' ? strict(route) : coercing(route);
    return compile as ReturnType<BuildValidator>;
  };
  return build;
}
