import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole } from '../platform/context.ts';
import { addPriceItem, listPriceItems, removePriceItem, updatePriceItem } from './price-list.ts';

const Uuid = Type.String({ format: 'uuid' });
const ItemFields = {
  code: Type.String({ minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$', examples: ['XJ01CA04'] }),
  name: Type.String({ minLength: 1, maxLength: 200, examples: ['阿莫西林胶囊 0.25g×24粒'] }),
  unit: Type.String({
    maxLength: 20,
    description: 'The unit it is sold in (盒, 次, 天 …)',
    examples: ['盒'],
  }),
  unitPrice: Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'Unit price (fen)' }),
};

const Mapping = Type.Union(
  [
    Type.Object({
      catalogueCode: Type.String(),
      status: Type.Union([Type.Literal('approved'), Type.Literal('pending'), Type.Literal('rejected')], {
        description: 'approved decides settlement; otherwise the latest request, waiting or refused',
      }),
      catalogueName: Type.Union([Type.String(), Type.Null()]),
      class: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Null()]),
      priceLimit: Type.Union([Type.Integer({ description: 'fen' }), Type.Null()]),
    }),
    Type.Null(),
  ],
  {
    description:
      'The item code’s mapping to the agency’s catalogue (目录对照) and, once approved, the entry in force today; null: not mapped, settles as out of catalogue',
  },
);

const PriceItemView = Type.Object({
  id: Uuid,
  ...ItemFields,
  mapping: Mapping,
  updatedAt: Type.String({ format: 'date-time' }),
});
const PriceList = Type.Object({ items: Type.Array(PriceItemView) });

/** The institution's price list: its staff keep it, its terminals read it to build bills. */
export async function priceListRoutes(app: App): Promise<void> {
  const staffInstitution = (req: Parameters<typeof requireRole>[0]) =>
    requireRole(req, 'institution').institutionId!;

  app.get(
    '/v1/institution/price-list',
    {
      schema: {
        operationId: 'listInstitutionPriceList',
        summary: 'The institution’s price list, by code',
        tags: ['institutions'],
        security: bearer,
        response: { 200: PriceList, ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ items: await listPriceItems(app.db, staffInstitution(req), ctxOf(req).now) }),
  );

  app.post(
    '/v1/institution/price-list',
    {
      schema: {
        operationId: 'addPriceItem',
        summary: 'Add an item to the institution’s price list',
        tags: ['institutions'],
        security: bearer,
        body: Type.Object(
          { ...ItemFields, unit: Type.Optional(ItemFields.unit) },
          {
            additionalProperties: false,
            description: 'What the fund covers is not the price list’s to say: map the code to the catalogue',
          },
        ),
        response: { 201: PriceItemView, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await addPriceItem(app.db, ctxOf(req).now, staffInstitution(req), req.body)),
  );

  app.patch(
    '/v1/institution/price-list/:id',
    {
      schema: {
        operationId: 'updatePriceItem',
        summary: 'Change an item of the institution’s price list (code, name, unit, price)',
        tags: ['institutions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: Type.Partial(Type.Object(ItemFields), { minProperties: 1, additionalProperties: false }),
        response: { 200: PriceItemView, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => updatePriceItem(app.db, ctxOf(req).now, staffInstitution(req), req.params.id, req.body),
  );

  app.delete(
    '/v1/institution/price-list/:id',
    {
      schema: {
        operationId: 'removePriceItem',
        summary: 'Remove an item from the institution’s price list (settled bills keep their lines)',
        tags: ['institutions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await removePriceItem(app.db, staffInstitution(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/terminal/price-list',
    {
      schema: {
        operationId: 'getTerminalPriceList',
        summary: 'The price list of the terminal’s institution, to build a bill from',
        tags: ['terminal'],
        security: bearer,
        response: { 200: PriceList, ...errorResponses(401, 403) },
      },
    },
    async (req) => ({
      items: await listPriceItems(app.db, requireRole(req, 'terminal').institutionId!, ctxOf(req).now),
    }),
  );
}
