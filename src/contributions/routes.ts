import { RenderedText } from '../i18n/fastify.ts';
import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { IdNumberField, RegionCodeField } from '../people/schemas.ts';
import { personForStaff } from '../people/store.ts';
import {
  listEmployerRuns,
  payArrears,
  payFlexibleMonth,
  personContributions,
  publishPremiumRules,
  runEmployerMonth,
} from './store.ts';
import { getJob, listStatements, runStatementJob, startStatementJob, statementPdf } from './statements.ts';

const Uuid = Type.String({ format: 'uuid' });
const MonthParam = Type.Object({
  month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }),
});
const Fen = (description: string) => Type.Integer({ minimum: 0, description: `${description} (fen)` });
const Status = Type.Union([Type.Literal('due'), Type.Literal('paid')]);
const RunSummary = {
  id: Uuid,
  month: Type.String(),
  status: Status,
  premiumVersion: Type.String(),
  employerPremium: Type.Integer(),
  employeePremium: Type.Integer(),
  toPooledFund: Type.Integer(),
  toIndividualAccounts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  paidAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};
const RunView = Type.Object({
  ...RunSummary,
  lines: Type.Array(
    Type.Object({
      personId: Uuid,
      idNumber: Type.String(),
      name: Type.String(),
      month: Type.String(),
      declaredBase: Type.Integer(),
      base: Type.Integer(),
      baseAdjustment: Type.Union([
        Type.Literal('none'),
        Type.Literal('raised_to_floor'),
        Type.Literal('lowered_to_cap'),
      ]),
      employerPremium: Type.Integer(),
      employeePremium: Type.Integer(),
      toPooledFund: Type.Integer(),
      toIndividualAccount: Type.Integer(),
    }),
  ),
});
/** The run, whether it was an earlier identical declaration, and each row's outcome. */
const DeclarationAnswer = Type.Object({
  run: RunView,
  replayed: Type.Boolean(),
  rows: Type.Array(
    Type.Object({
      row: Type.Integer(),
      status: Type.Union([Type.Literal('accepted'), Type.Literal('error')]),
      personId: Type.Optional(Uuid),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
  ),
});
const PersonMonths = Type.Object({
  months: Type.Array(
    Type.Object({
      month: Type.String(),
      employerPremium: Type.Integer(),
      ownPremium: Type.Integer(),
      credited: Type.Integer({ description: 'Credited to the individual account' }),
      base: Type.Integer(),
      status: Status,
      payer: Type.Union([Type.Literal('employer'), Type.Literal('self')]),
    }),
  ),
});

export async function contributionRoutes(app: App): Promise<void> {
  app.post(
    '/v1/admin/premium-rules',
    {
      schema: {
        operationId: 'publishPremiumRules',
        summary:
          'Publish a region’s premium rules (rates, base floor and cap, credited share), effective from a date',
        tags: ['contributions'],
        security: bearer,
        body: Type.Object({
          regionCode: RegionCodeField,
          effectiveFrom: Type.String({ format: 'date' }),
          rules: Type.Object(
            {},
            { additionalProperties: true, description: 'PremiumRules; every problem is listed in the 422' },
          ),
        }),
        response: {
          201: Type.Object({
            id: Uuid,
            regionCode: Type.String(),
            version: Type.String(),
            effectiveFrom: Type.String({ format: 'date' }),
          }),
          ...errorResponses(401, 403, 409, 422),
        },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      const v = await publishPremiumRules(app.db, req.body, ctxOf(req).now);
      return reply
        .status(201)
        .send({ id: v.id, regionCode: v.regionCode, version: v.version, effectiveFrom: v.effectiveFrom });
    },
  );

  app.post(
    '/v1/employer/contributions/:month',
    {
      schema: {
        operationId: 'declareContributions',
        summary:
          'Declare each employee’s base for a month; the run computes the premiums and posts them when paid',
        description:
          'Rows are checked one by one (valid ones make the run). Unpaid runs are arrears until `POST …/pay`. One run per month: the same declaration again returns the first run and posts nothing.',
        tags: ['contributions'],
        security: bearer,
        params: MonthParam,
        body: Type.Object({
          declarations: Type.Array(
            Type.Object({ idNumber: IdNumberField, declaredBase: Fen('monthly contribution base') }),
            {
              minItems: 1,
              maxItems: 5000,
            },
          ),
          paid: Type.Boolean({ description: 'Paid now; false records arrears' }),
        }),
        response: {
          200: DeclarationAnswer,
          201: DeclarationAnswer,
          ...errorResponses(401, 403, 409, 422),
        },
      },
    },
    async (req, reply) => {
      const employer = requireRole(req, 'employer');
      const out = await runEmployerMonth(ctxOf(req), employer.employerId!, req.params.month, req.body);
      return reply.status(out.replayed ? 200 : 201).send(out);
    },
  );

  app.post(
    '/v1/employer/contributions/:month/pay',
    {
      schema: {
        operationId: 'payContributionArrears',
        summary:
          'Pay a month’s arrears: the premiums are posted to the pooled fund and the individual accounts',
        tags: ['contributions'],
        security: bearer,
        params: MonthParam,
        response: { 200: RunView, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req) => payArrears(ctxOf(req), requireRole(req, 'employer').employerId!, req.params.month),
  );

  app.get(
    '/v1/employer/contributions',
    {
      schema: {
        operationId: 'listEmployerContributions',
        summary: 'The employer’s monthly runs; `status=due` lists the arrears',
        tags: ['contributions'],
        security: bearer,
        querystring: Type.Object({ status: Type.Optional(Status) }),
        response: {
          200: Type.Object({ runs: Type.Array(Type.Object(RunSummary)) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({
      runs: await listEmployerRuns(app.db, requireRole(req, 'employer').employerId!, req.query.status),
    }),
  );

  app.post(
    '/v1/me/contributions/:month',
    {
      schema: {
        operationId: 'payOwnContribution',
        summary: 'A flexible worker pays their own premium for a month on the base they choose',
        tags: ['contributions'],
        security: bearer,
        params: MonthParam,
        body: Type.Object({ declaredBase: Fen('monthly contribution base') }),
        response: { 201: RunView, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await payFlexibleMonth(
            ctxOf(req),
            requirePerson(req).personId,
            req.params.month,
            req.body.declaredBase,
          ),
        ),
  );

  app.get(
    '/v1/me/contributions',
    {
      schema: {
        operationId: 'listMyContributions',
        summary:
          'My contributions by month: the employer’s part, my own part, what was credited to my account',
        tags: ['contributions'],
        security: bearer,
        response: { 200: PersonMonths, ...errorResponses(401, 403) },
      },
    },
    async (req) => ({ months: await personContributions(app.db, requirePerson(req).personId) }),
  );

  app.get(
    '/v1/staff/persons/:id/contributions',
    {
      schema: {
        operationId: 'listPersonContributions',
        summary: 'A person’s contributions by month, for staff of the person’s region',
        tags: ['contributions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: PersonMonths, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const person = await personForStaff(app.db, requireRole(req, 'staff', 'admin'), req.params.id);
      return { months: await personContributions(app.db, person.id) };
    },
  );
}

const JobView = Type.Object({
  id: Uuid,
  regionCode: Type.String(),
  year: Type.Integer(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  total: Type.Integer(),
  processed: Type.Integer(),
  progress: RenderedText('How far the job is, in the reader’s language'),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** Runs statement jobs in the background of the server; stops them between batches when the server closes. */
function statementRunner(app: App) {
  const running = new Map<string, Promise<unknown>>();
  let stopping = false;
  app.addHook('onClose', async () => {
    stopping = true;
    await Promise.allSettled(running.values());
  });
  return {
    start(jobId: string) {
      if (running.has(jobId)) return;
      const run = runStatementJob(app.db, jobId, app.clock, undefined, () => stopping)
        .catch((err: Error) =>
          app.log.error({ err: { message: err.message }, jobId }, 'statement job failed'),
        )
        .finally(() => running.delete(jobId));
      running.set(jobId, run);
    },
  };
}

export async function statementRoutes(app: App): Promise<void> {
  const runner = statementRunner(app);
  // Jobs a previous process left running continue where they stopped.
  app.addHook('onReady', async () => {
    const { rows } = await app.db.query<{ id: string }>(
      `select id from statement_jobs where status = 'running'`,
    );
    for (const r of rows) runner.start(r.id);
  });

  app.post(
    '/v1/admin/statement-jobs',
    {
      schema: {
        operationId: 'startStatementJob',
        summary: 'Send every person of a region their yearly personal rights record (runs in the background)',
        tags: ['contributions'],
        security: bearer,
        body: Type.Object({
          regionCode: RegionCodeField,
          year: Type.Integer({ minimum: 2000, maximum: 2100 }),
        }),
        response: { 202: JobView, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (req, reply) => {
      requireRole(req, 'admin');
      const job = await startStatementJob(app.db, req.body.regionCode, req.body.year, ctxOf(req).now);
      runner.start(job.id);
      return reply.status(202).send(job);
    },
  );

  app.get(
    '/v1/admin/statement-jobs/:id',
    {
      schema: {
        operationId: 'getStatementJob',
        summary: 'Progress of a statement job',
        tags: ['contributions'],
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: JobView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      return getJob(app.db, req.params.id);
    },
  );

  app.get(
    '/v1/me/statements',
    {
      schema: {
        operationId: 'listMyStatements',
        summary: 'The years I have a personal rights record for',
        tags: ['contributions'],
        security: bearer,
        response: {
          200: Type.Object({
            statements: Type.Array(
              Type.Object({ year: Type.Integer(), createdAt: Type.String({ format: 'date-time' }) }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({ statements: await listStatements(app.db, requirePerson(req).personId) }),
  );

  app.get(
    '/v1/me/statements/:year/pdf',
    {
      schema: {
        operationId: 'getMyStatementPdf',
        summary: 'My personal rights record of a year, as a PDF',
        tags: ['contributions'],
        security: bearer,
        params: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
        produces: ['application/pdf'],
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const pdf = await statementPdf(app.db, requirePerson(req).personId, req.params.year, req.lang);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="statement-${req.params.year}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
}
