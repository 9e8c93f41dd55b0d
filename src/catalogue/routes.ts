import { Type, type Static } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole, actingRegion } from '../platform/context.ts';
import { businessDate } from '../platform/business-date.ts';
import { CATALOGUE_CLASSES, CATALOGUE_KINDS } from './rows.ts';
import { catalogueChanges, importCatalogue, listVersions, searchCatalogue } from './store.ts';
import { decideMapping, getMappings, requestMapping, requestMappingsCsv } from './mappings.ts';
import { APPROVAL_KINDS, createApproval, listApprovals, revokeApproval } from './approvals.ts';

const Uuid = Type.String({ format: 'uuid' });
const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'YYYY-MM-DD (a Beijing business date)',
});
const Code = Type.String({ minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Kind = Type.Enum(CATALOGUE_KINDS, { description: 'drug, medical service item or medical consumable' });
const Fen = (description: string) => Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description });
const Nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

const Restrictions = Type.Object(
  {
    setting: Type.Optional(Type.Union([Type.Literal('inpatient'), Type.Literal('outpatient')])),
    serviceType: Type.Optional(Type.Literal('special_outpatient')),
    gender: Type.Optional(Type.Union([Type.Literal('female'), Type.Literal('male')])),
    ageMin: Type.Optional(Type.Integer({ minimum: 0 })),
    ageMax: Type.Optional(Type.Integer({ minimum: 0 })),
    maxDaily: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { description: 'Where the fund may pay the item; absent fields restrict nothing' },
);
const Entry = Type.Object({
  code: Type.String(),
  kind: Kind,
  version: Type.Integer({ description: 'The catalogue version that wrote this entry' }),
  name: Type.String(),
  class: Type.Enum(CATALOGUE_CLASSES, { description: 'A / B / C (甲 / 乙 / 丙)' }),
  dosageForm: Nullable('Dosage form (drugs)'),
  specification: Nullable('Specification'),
  unit: Nullable('Unit'),
  priceLimit: Fen('Price limit per unit (fen); the part of a unit price above it is the person’s own'),
  selfPayFirstBp: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Class B self-pay-first ratio (basis points); null: the policy’s',
  }),
  serviceType: Type.Union([Type.Literal('large_equipment'), Type.Literal('special_material'), Type.Null()], {
    description: 'A special rule of the policy; null: the bill’s ordinary rule',
  }),
  restrictions: Restrictions,
  validFrom: Type.Union([Day, Type.Null()]),
  validTo: Type.Union([Day, Type.Null()]),
});
const Change = Type.Object({
  ...Entry.properties,
  removed: Type.Boolean({ description: 'True: the code is no longer in the catalogue from this version on' }),
});
const ImportResult = Type.Object({
  version: Type.Integer(),
  kind: Kind,
  effectiveFrom: Day,
  rowsInFile: Type.Integer(),
  added: Type.Integer(),
  changed: Type.Integer(),
  removed: Type.Integer(),
});
const Version = Type.Object({
  ...ImportResult.properties,
  createdAt: Type.String({ format: 'date-time' }),
});
const MappingStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('replaced')],
  {
    description: 'pending review, approved (in force), rejected, or replaced by a newer request or approval',
  },
);
const Mapping = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  institutionCode: Type.String(),
  institutionName: Type.String(),
  itemCode: Type.String({ description: 'The institution’s own item code' }),
  catalogueCode: Type.String(),
  catalogueName: Nullable('The catalogue entry’s name in force today'),
  status: MappingStatus,
  reason: Nullable('The reviewer’s reason, as written'),
  requestedAt: Type.String({ format: 'date-time' }),
  reviewedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Approval = Type.Object({
  id: Uuid,
  personId: Uuid,
  kind: Type.Enum(APPROVAL_KINDS),
  subject: Type.String({ description: 'The disease (special outpatient) or the catalogue code approved' }),
  institutionId: Type.Union([Uuid, Type.Null()]),
  institutionName: Nullable('Where it is valid; null: at any designated institution'),
  domesticReferencePrice: Fen('Special material: the domestic type’s reference price (fen)'),
  importedReferencePrice: Fen('Special material: the imported type’s reference price (fen)'),
  validFrom: Day,
  validTo: Day,
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
  revokeReason: Nullable('Why staff revoked it'),
  createdAt: Type.String({ format: 'date-time' }),
});
const Approvals = Type.Object({ approvals: Type.Array(Approval) });

export async function catalogueRoutes(app: App): Promise<void> {
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/admin/catalogue/:kind',
    {
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        operationId: 'importCatalogue',
        summary: 'Load a catalogue file of one kind as the region’s next version (CSV, all or nothing)',
        description:
          'Columns: code, name, class (required); dosage_form, specification, unit, price_limit (fen), ' +
          'self_pay_first_bp, service_type, restrictions, valid_from, valid_to. Any bad row refuses the whole ' +
          'file (`invalid_catalogue_file`, every bad row in `details.rows` with its line, code and parameters).',
        tags: ['catalogue'],
        security: bearer,
        consumes: ['text/csv'],
        params: Type.Object({ kind: Kind }),
        querystring: Type.Object({
          region: Type.String({ minLength: 1, maxLength: 12 }),
          effectiveFrom: Type.Optional(Day),
        }),
        body: Type.String({ description: 'CSV text with a header line' }),
        response: { 201: ImportResult, ...errorResponses(400, 401, 403, 415, 422) },
      },
    },
    async (req, reply) => {
      const caller = requireRole(req, 'admin');
      const result = await importCatalogue(app.db, {
        region: req.query.region,
        kind: req.params.kind,
        csv: req.body,
        ...(req.query.effectiveFrom ? { effectiveFrom: req.query.effectiveFrom } : {}),
        importedBy: caller.userId,
        now: ctxOf(req).now,
      });
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/v1/staff/catalogue/versions',
    {
      schema: {
        operationId: 'listCatalogueVersions',
        summary: 'The region’s catalogue versions, newest first',
        tags: ['catalogue'],
        security: bearer,
        querystring: Type.Object({ region: Type.Optional(Type.String({ maxLength: 12 })) }),
        response: { 200: Type.Object({ versions: Type.Array(Version) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => ({
      versions: await listVersions(
        app.db,
        actingRegion(requireRole(req, 'staff', 'admin'), req.query.region),
      ),
    }),
  );

  app.get(
    '/v1/staff/catalogue',
    {
      schema: {
        operationId: 'searchCatalogue',
        summary: 'Catalogue entries in force on a day, by code prefix or part of the name',
        tags: ['catalogue'],
        security: bearer,
        querystring: Type.Object({
          region: Type.Optional(Type.String({ maxLength: 12 })),
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          kind: Type.Optional(Kind),
          date: Type.Optional(Day),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: {
          200: Type.Object({ version: Type.Integer(), entries: Type.Array(Entry) }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'staff', 'admin', 'institution');
      return searchCatalogue(
        app.db,
        actingRegion(caller, req.query.region),
        req.query.date ?? businessDate(ctxOf(req).now),
        {
          ...(req.query.q ? { query: req.query.q } : {}),
          ...(req.query.kind ? { kind: req.query.kind } : {}),
          limit: req.query.limit ?? 50,
        },
      );
    },
  );

  app.get(
    '/v1/terminal/catalogue',
    {
      schema: {
        operationId: 'downloadCatalogue',
        summary:
          'What changed in the region’s catalogue since the version the terminal holds, a page at a time',
        description:
          'Like the national interface’s 1301-1321 downloads: start with `since=0`, follow `next` while it is not ' +
          'null, then keep `latestVersion` for the next call. Future versions are included so a till is ready on ' +
          'their date.',
        tags: ['terminal', 'catalogue'],
        security: bearer,
        querystring: Type.Object({
          since: Type.Integer({ minimum: 0, description: 'The version the terminal holds (0: none)' }),
          after: Type.Optional(
            Type.String({
              pattern: '^\\d{1,9}:[A-Za-z0-9._-]{1,50}$',
              description: '`next` of the previous page',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
        }),
        response: {
          200: Type.Object({
            latestVersion: Type.Integer(),
            entries: Type.Array(Change),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(400, 401, 403, 422),
        },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'terminal');
      const [v, code] = req.query.after ? req.query.after.split(':') : [];
      return catalogueChanges(
        app.db,
        caller.regionCode!,
        req.query.since,
        req.query.limit ?? 1000,
        v && code ? { version: Number(v), code } : null,
      );
    },
  );

  const institutionOf = (req: Parameters<typeof requireRole>[0]) => requireRole(req, 'institution');

  app.get(
    '/v1/institution/catalogue-mappings',
    {
      schema: {
        operationId: 'listInstitutionMappings',
        summary: 'The institution’s item mappings and requests',
        tags: ['catalogue', 'institutions'],
        security: bearer,
        querystring: Type.Object({ status: Type.Optional(MappingStatus) }),
        response: { 200: Type.Object({ mappings: Type.Array(Mapping) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => ({
      mappings: await getMappings(
        app.db,
        {
          institutionId: institutionOf(req).institutionId!,
          ...(req.query.status ? { status: req.query.status } : {}),
        },
        ctxOf(req).now,
      ),
    }),
  );

  app.post(
    '/v1/institution/catalogue-mappings',
    {
      schema: {
        operationId: 'requestMapping',
        summary:
          'Ask for one of the institution’s items to be mapped to a catalogue code (reviewed by the agency)',
        tags: ['catalogue', 'institutions'],
        security: bearer,
        body: Type.Object({ itemCode: Code, catalogueCode: Code }),
        response: { 201: Mapping, ...errorResponses(401, 403, 422) },
      },
    },
    async (req, reply) => {
      const caller = institutionOf(req);
      return reply
        .status(201)
        .send(await requestMapping(app.db, caller.institutionId!, req.body, caller.userId, ctxOf(req).now));
    },
  );

  app.post(
    '/v1/institution/catalogue-mappings/import',
    {
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        operationId: 'importMappings',
        summary: 'Mapping requests in bulk from CSV (columns item_code, catalogue_code; all or nothing)',
        tags: ['catalogue', 'institutions'],
        security: bearer,
        consumes: ['text/csv'],
        body: Type.String({ description: 'CSV text with a header line' }),
        response: {
          201: Type.Object({ requested: Type.Integer() }),
          ...errorResponses(401, 403, 415, 422),
        },
      },
    },
    async (req, reply) => {
      const caller = institutionOf(req);
      return reply
        .status(201)
        .send(
          await requestMappingsCsv(app.db, caller.institutionId!, req.body, caller.userId, ctxOf(req).now),
        );
    },
  );

  app.get(
    '/v1/staff/catalogue-mappings',
    {
      schema: {
        operationId: 'listMappingReviews',
        summary: 'Mapping requests for review (pending by default), oldest first',
        tags: ['catalogue'],
        security: bearer,
        querystring: Type.Object({
          status: Type.Optional(MappingStatus),
          institutionId: Type.Optional(Uuid),
        }),
        response: { 200: Type.Object({ mappings: Type.Array(Mapping) }), ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      requireRole(req, 'staff', 'admin');
      return {
        mappings: await getMappings(
          app.db,
          {
            status: req.query.status ?? 'pending',
            ...(req.query.institutionId ? { institutionId: req.query.institutionId } : {}),
          },
          ctxOf(req).now,
        ),
      };
    },
  );

  app.post(
    '/v1/staff/catalogue-mappings/:id/decision',
    {
      schema: {
        operationId: 'decideMapping',
        summary: 'Approve or reject a mapping request (a rejection needs a reason)',
        tags: ['catalogue'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: Type.Object({
          approve: Type.Boolean(),
          reason: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 200: Mapping, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'staff', 'admin');
      return decideMapping(app.db, req.params.id, req.body, caller.userId, ctxOf(req).now);
    },
  );

  const NewApproval = Type.Object({
    kind: Type.Enum(APPROVAL_KINDS),
    subject: Code,
    institutionCode: Type.Optional(Type.String({ pattern: '^[HP][0-9]{11}$' })),
    domesticReferencePrice: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000_000 })),
    importedReferencePrice: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000_000 })),
    validFrom: Day,
    validTo: Day,
  });

  app.post(
    '/v1/staff/persons/:id/approvals',
    {
      schema: {
        operationId: 'createApproval',
        summary:
          'Register an approval for a person: special outpatient disease, large-equipment exam, special material',
        tags: ['catalogue'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        body: NewApproval,
        response: { 201: Approval, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (req, reply) => {
      const caller = requireRole(req, 'staff', 'admin');
      const body: Static<typeof NewApproval> = req.body;
      return reply
        .status(201)
        .send(await createApproval(app.db, req.params.id, body, caller.userId, ctxOf(req).now));
    },
  );

  app.get(
    '/v1/staff/persons/:id/approvals',
    {
      schema: {
        operationId: 'listPersonApprovals',
        summary: 'A person’s approvals, newest first',
        tags: ['catalogue'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: Approvals, ...errorResponses(401, 403) },
      },
    },
    async (req) => {
      requireRole(req, 'staff', 'admin');
      return { approvals: await listApprovals(app.db, req.params.id) };
    },
  );

  app.post(
    '/v1/staff/persons/:id/approvals/:approvalId/revoke',
    {
      schema: {
        operationId: 'revokeApproval',
        summary: 'Revoke one of a person’s approvals',
        tags: ['catalogue'],
        security: bearer,
        params: Type.Object({ id: Uuid, approvalId: Uuid }),
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: { 200: Approval, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const caller = requireRole(req, 'staff', 'admin');
      return revokeApproval(
        app.db,
        req.params.id,
        req.params.approvalId,
        req.body.reason,
        caller.userId,
        ctxOf(req).now,
      );
    },
  );

  app.get(
    '/v1/me/approvals',
    {
      schema: {
        operationId: 'listMyApprovals',
        summary: 'My approvals and filings',
        tags: ['me', 'catalogue'],
        security: bearer,
        response: { 200: Approvals, ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ approvals: await listApprovals(app.db, requirePerson(req).personId) }),
  );
}
