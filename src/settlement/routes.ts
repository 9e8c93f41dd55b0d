import { RenderedText } from '../i18n/fastify.ts';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requirePerson, requireRole } from '../platform/context.ts';
import { forbidden, notFound } from '../platform/errors.ts';
import { businessDate } from '../platform/business-date.ts';
import { personForStaff } from '../people/store.ts';
import { SERVICE_TYPES } from '../institutions/service-types.ts';
import { SPECIAL_OUTPATIENT_DISEASES } from '../catalogue/approvals.ts';
import { settle } from './settle.ts';
import { CredentialSchema } from './eligibility.ts';
import { refund } from './refund.ts';
import { payInstitutionDay, reconcile } from './reconciliation.ts';
import {
  getInstitutionSettlement,
  listInstitutionSettlements,
  listPersonSettlements,
  receiptFor,
} from './queries.ts';

const Fen = (description: string) => Type.Integer({ minimum: 0, description: `${description} (fen)` });
const SERVICE_TYPE = Type.Enum(SERVICE_TYPES);

const BillItem = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'The institution’s own item code; its approved mapping to the catalogue decides coverage',
    }),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'For the receipt; the catalogue’s name if absent',
      }),
    ),
    quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unitPrice: Fen('unit price'),
  },
  {
    description:
      'A line names the institution’s item only: a line that declares coverage (catalogue, category, serviceType, reference prices, approvalRef) is refused with 400 coverage_declared',
  },
);

const Bill = Type.Object({
  setting: Type.Union([Type.Literal('outpatient'), Type.Literal('inpatient')]),
  specialOutpatient: Type.Optional(
    Type.Enum(SPECIAL_OUTPATIENT_DISEASES, {
      description:
        'An outpatient visit of approved special outpatient care: the disease (the person’s approval decides)',
    }),
  ),
  items: Type.Array(BillItem, { minItems: 1, maxItems: 500 }),
});

const Accumulators = Type.Object({
  inpatientDeductiblePaid: Type.Integer(),
  outpatientEligibleSpent: Type.Integer(),
  fundPaid: Type.Integer(),
});

const Line = Type.Object({
  index: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  serviceType: SERVICE_TYPE,
  amount: Type.Integer(),
  fund: Type.Integer(),
  person: Type.Integer(),
  personal: Type.Object({ account: Type.Integer(), relativeAccount: Type.Integer(), cash: Type.Integer() }),
  outOfCatalogue: Type.Integer(),
  overLimit: Type.Optional(
    Type.Integer({
      description: 'Above the catalogue price limit (absent in answers stored before price limits: 0)',
    }),
  ),
  selfPayFirst: Type.Integer(),
  withoutApproval: Type.Integer(),
  policyScope: Type.Integer(),
  deductibleApplied: Type.Integer(),
  belowOutpatientThreshold: Type.Integer(),
  outpatientEligibleApplied: Type.Integer(),
  ceilingOverflow: Type.Integer(),
  rule: Type.String(),
  accumulatorDeltas: Accumulators,
  explanations: Type.Array(RenderedText('Why the line came out so, in the reader’s language')),
});

const Totals = Type.Object({
  total: Type.Integer(),
  outOfCatalogue: Type.Integer(),
  overLimit: Type.Optional(
    Type.Integer({
      description: 'Above the catalogue price limit (absent in answers stored before price limits: 0)',
    }),
  ),
  selfPayFirst: Type.Integer(),
  withoutApproval: Type.Integer(),
  policyScope: Type.Integer(),
  deductiblePaid: Type.Integer(),
  fund: Type.Integer(),
  ceilingOverflow: Type.Integer(),
  person: Type.Integer(),
  accountPaid: Type.Integer(),
  relativeAccountPaid: Type.Integer(),
  cashPaid: Type.Integer(),
  accountBalanceAfter: Type.Integer(),
  relativeAccountBalanceAfter: Type.Union([Type.Integer(), Type.Null()]),
  fundCeiling: Type.Integer(),
  fundLimitRemaining: Type.Integer(),
});

const National = Type.Object(
  {
    medfee_sumamt: Type.Integer(),
    fulamt_ownpay_amt: Type.Integer(),
    overlmt_selfpay: Type.Integer(),
    preselfpay_amt: Type.Integer(),
    inscp_scp_amt: Type.Integer(),
    act_pay_dedc: Type.Integer(),
    hifp_pay: Type.Integer(),
    fund_pay_sumamt: Type.Integer(),
    psn_part_amt: Type.Integer(),
    acct_pay: Type.Integer(),
    acct_mulaid_pay: Type.Integer(),
    psn_cash_pay: Type.Integer(),
    balc: Type.Integer(),
  },
  { description: 'The same figures under the national terminal interface names (fen)' },
);

const SettlementSchema = Type.Object({
  id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'null for an estimate' }),
  estimate: Type.Boolean(),
  status: Type.Union([
    Type.Literal('estimate'),
    Type.Literal('settled'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  institutionId: Type.String({ format: 'uuid' }),
  terminalId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  method: Type.Union([Type.Literal('qr'), Type.Literal('card')]),
  credential: CredentialSchema,
  cashMethod: Type.Union([Type.Literal('cash'), Type.Literal('bank_account')], {
    description: 'How the cash share was paid: at the till, or by the social security card’s bank account',
  }),
  bankInstruction: Type.Union([
    Type.Object(
      {
        bank: Type.String(),
        accountMasked: Type.String(),
        amount: Type.Integer({ description: 'fen' }),
        refunded: Type.Integer({
          description: 'What refunds took back of it before the bank answered (fen)',
        }),
        status: Type.Union([Type.Literal('instructed'), Type.Literal('cancelled')]),
      },
      { description: 'The instruction to the bank for the cash share (no transfer is pretended here)' },
    ),
    Type.Null(),
  ]),
  person: Type.Object({
    maskedName: Type.String(),
    maskedIdNumber: Type.String(),
    insuranceType: Type.String(),
    retired: Type.Boolean(),
  }),
  relativePaid: Type.Boolean(),
  policyVersion: Type.String(),
  catalogueVersion: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description:
      'The treatment region’s catalogue version the lines were resolved against (0: none in force; null: settled before catalogues decided coverage)',
  }),
  businessDate: Type.String({ format: 'date' }),
  cardActivated: Type.Boolean(),
  result: Type.Object({
    policyRegion: Type.String(),
    policyVersion: Type.String(),
    setting: Type.String(),
    lines: Type.Array(Line),
    totals: Totals,
    accumulatorsBefore: Accumulators,
    accumulatorDeltas: Accumulators,
    newAccumulators: Accumulators,
    explanations: Type.Array(RenderedText('Why the line came out so, in the reader’s language')),
  }),
  national: National,
  crossRegion: Type.Optional(
    Type.Object(
      {
        insuredRegion: Type.String(),
        treatmentRegion: Type.String(),
        filed: Type.Boolean({ description: 'Whether the person had a valid filing (异地就医备案)' }),
        filingKind: Type.Union([Type.String(), Type.Null()]),
      },
      {
        description:
          'A cross-region direct settlement (异地就医直接结算): the person is insured in another region, whose policy applied',
      },
    ),
  ),
});

/** What the institution's terminal sees of its own settlements: the settlement and its refunded lines. */
const TerminalSettlementSchema = Type.Object({
  ...SettlementSchema.properties,
  refundedLines: Type.Array(Type.Integer(), { description: 'Indexes of the lines already refunded' }),
});

const RefundSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  settlementId: Type.String({ format: 'uuid' }),
  lines: Type.Array(Type.Integer()),
  total: Type.Integer(),
  fund: Type.Integer(),
  accountPaid: Type.Integer(),
  relativeAccountPaid: Type.Integer(),
  cashPaid: Type.Integer(),
  settlementStatus: Type.Union([Type.Literal('partially_refunded'), Type.Literal('refunded')]),
  createdAt: Type.String({ format: 'date-time' }),
});

const Figures = Type.Object({
  count: Type.Integer(),
  total: Type.Integer(),
  fund: Type.Integer(),
  accountPaid: Type.Integer(),
  relativeAccountPaid: Type.Integer(),
  cashPaid: Type.Integer(),
  byMethod: Type.Object(
    {
      cash: Type.Integer({ description: 'Cash share paid at the till (fen)' }),
      bankAccount: Type.Integer({
        description: 'Cash share paid by social security card bank account (fen)',
      }),
    },
    { description: 'The cash share by payment method' },
  ),
  byCredential: Type.Object(
    { ecard: Type.Integer(), essc: Type.Integer(), card: Type.Integer() },
    { description: 'How many were paid with each credential' },
  ),
  crossRegion: Type.Integer({
    description:
      'How many were of persons insured in another region (cross-region direct settlement; their fund and account shares are owed by that region)',
  }),
});
const ReconciliationSchema = Type.Object({
  institutionId: Type.String({ format: 'uuid' }),
  businessDate: Type.String({ format: 'date' }),
  settlements: Figures,
  refunds: Figures,
  owedByAgency: Type.Integer({ description: 'Fund and account shares less refunds (fen)' }),
  paid: Type.Union([
    Type.Object({ amount: Type.Integer(), paidAt: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
});

const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 100,
      description: 'Unique per request; a retry with the same key returns the first answer',
    }),
  ),
});

function terminalOf(req: FastifyRequest) {
  const t = requireRole(req, 'terminal');
  if (!t.institutionId) throw forbidden('no_institution', 'This terminal belongs to no institution');
  return t;
}

export async function settlementRoutes(app: App): Promise<void> {
  app.post(
    '/v1/terminal/settlements',
    {
      schema: {
        operationId: 'settle',
        summary: 'Settle a bill in real time (or estimate it) for a scanned QR code or a physical card',
        description:
          'One transaction: consume the QR token, compute the fund, account, relative-account and cash shares under the policy in force, post them to the ledger and update the year’s accumulators. Requires an Idempotency-Key unless `estimate` is true.',
        tags: ['settlement'],
        security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({
          qr: Type.Optional(
            Type.String({ minLength: 1, maxLength: 400, description: 'The scanned QR text' }),
          ),
          card: Type.Optional(
            Type.Object({
              number: Type.String({ minLength: 1, maxLength: 20 }),
              pin: Type.String({ pattern: '^\\d{6}$' }),
            }),
          ),
          bill: Bill,
          estimate: Type.Optional(Type.Boolean()),
          paymentPin: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
          familyAccount: Type.Optional(
            Type.Boolean({ description: 'Let a bound relative’s account pay (default true)' }),
          ),
          cashBy: Type.Optional(
            Type.Union([Type.Literal('cash'), Type.Literal('bank_account')], {
              description:
                'Pay the cash share at the till (default) or by the social security card bank account linked in the person’s e-SSC (422 `bank_account_required` when none is)',
            }),
          ),
        }),
        response: {
          200: SettlementSchema,
          201: SettlementSchema,
          ...errorResponses(401, 403, 404, 409, 422, 503),
        },
      },
    },
    async (req, reply) => {
      // A code signed by another region of the federation settles there (src/regions, docs/REGIONS.md).
      const across = app.regions && (await app.regions.insuredRegionOf(req.body.qr));
      const out = across
        ? await app.regions!.settle(ctxOf(req), terminalOf(req), req.body, req.headers['idempotency-key'])
        : await settle(ctxOf(req), app.qrKeySets, terminalOf(req), req.body, req.headers['idempotency-key']);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.status as 201).send(out.body);
    },
  );

  app.get(
    '/v1/terminal/settlements/:id',
    {
      schema: {
        operationId: 'getTerminalSettlement',
        summary: 'A settlement of this institution',
        tags: ['settlement'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: TerminalSettlementSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => getInstitutionSettlement(app.db, req.params.id, terminalOf(req).institutionId!),
  );

  app.get(
    '/v1/terminal/settlements',
    {
      schema: {
        operationId: 'listTerminalSettlements',
        summary: 'This institution’s settlements of a business date (today by default), newest first',
        tags: ['settlement'],
        security: bearer,
        querystring: Type.Object({
          date: Type.Optional(Type.String({ format: 'date', description: 'Business date (Beijing)' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: {
          200: Type.Object({ settlements: Type.Array(TerminalSettlementSchema) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({
      settlements: await listInstitutionSettlements(
        app.db,
        terminalOf(req).institutionId!,
        req.query.date ?? businessDate(ctxOf(req).now),
        req.query.limit ?? 100,
      ),
    }),
  );

  app.get(
    '/v1/terminal/settlements/:id/receipt',
    {
      schema: {
        operationId: 'getReceipt',
        summary: 'The receipt in the reader’s language: plain text for a 58 mm printer (32 columns) or HTML',
        tags: ['settlement'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('html')])),
        }),
        produces: ['text/plain', 'text/html'],
        response: { 200: Type.String({ description: 'The receipt' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'text';
      const body = await receiptFor(app.db, req.params.id, terminalOf(req).institutionId!, format, req.lang);
      return reply
        .type(format === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
        .send(body);
    },
  );

  app.post(
    '/v1/terminal/settlements/:id/refunds',
    {
      schema: {
        operationId: 'refundSettlement',
        summary: 'Refund a settlement, whole or by line; reverses the ledger entries and the accumulators',
        tags: ['settlement'],
        security: bearer,
        headers: IdempotencyHeader,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({
          lines: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 500 })),
          reason: Type.String({ minLength: 2, maxLength: 200 }),
        }),
        response: { 201: RefundSchema, ...errorResponses(401, 403, 404, 409, 422, 503) },
      },
    },
    async (req, reply) => {
      const terminal = terminalOf(req);
      const across = app.regions && (await app.regions.isCrossing(terminal.institutionId!, req.params.id));
      const out = across
        ? await app.regions!.refund(
            ctxOf(req),
            terminal,
            req.params.id,
            req.body,
            req.headers['idempotency-key'],
          )
        : await refund(ctxOf(req), terminal, req.params.id, req.body, req.headers['idempotency-key']);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.status as 201).send(out.body);
    },
  );

  app.get(
    '/v1/terminal/reconciliation',
    {
      schema: {
        operationId: 'getTerminalReconciliation',
        summary:
          'This institution’s daily reconciliation: settlements, refunds, what the agency owes, whether paid',
        tags: ['settlement'],
        security: bearer,
        querystring: Type.Object({ date: Type.Optional(Type.String({ format: 'date' })) }),
        response: { 200: ReconciliationSchema, ...errorResponses(401, 403) },
      },
    },
    async (req) =>
      reconcile(app.db, terminalOf(req).institutionId!, req.query.date ?? businessDate(ctxOf(req).now)),
  );

  app.get(
    '/v1/staff/institutions/:id/reconciliation',
    {
      schema: {
        operationId: 'getInstitutionReconciliation',
        summary: 'An institution’s daily reconciliation, for the agency',
        tags: ['settlement'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ date: Type.String({ format: 'date' }) }),
        response: { 200: ReconciliationSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      await agencyMayManage(req, req.params.id);
      return reconcile(app.db, req.params.id, req.query.date);
    },
  );

  app.post(
    '/v1/staff/institutions/:id/payments',
    {
      schema: {
        operationId: 'payInstitutionDay',
        summary: 'Mark a day’s total as paid to the institution (posts it in the ledger)',
        tags: ['settlement'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ date: Type.String({ format: 'date' }) }),
        response: { 201: ReconciliationSchema, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const caller = await agencyMayManage(req, req.params.id);
      return reply
        .status(201)
        .send(await payInstitutionDay(ctxOf(req), req.params.id, req.body.date, caller.userId));
    },
  );

  app.get(
    '/v1/me/settlements',
    {
      schema: {
        operationId: 'listMySettlements',
        summary: 'The person’s settlements with their breakdown, newest first',
        tags: ['settlement'],
        security: bearer,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
        response: {
          200: Type.Object({ settlements: Type.Array(SettlementSchema) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (req) => ({
      settlements: await listPersonSettlements(app.db, requirePerson(req).personId, req.query.limit ?? 20),
    }),
  );

  app.get(
    '/v1/staff/persons/:id/settlements',
    {
      schema: {
        operationId: 'listPersonSettlements',
        summary: 'A person’s settlements (benefits received), for staff of the person’s region',
        tags: ['settlement'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
        response: {
          200: Type.Object({ settlements: Type.Array(SettlementSchema) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const person = await personForStaff(app.db, requireRole(req, 'staff', 'admin'), req.params.id);
      return { settlements: await listPersonSettlements(app.db, person.id, req.query.limit ?? 20) };
    },
  );

  /** Staff of the institution's region, or an admin. */
  async function agencyMayManage(req: FastifyRequest, institutionId: string) {
    const caller = requireRole(req, 'staff', 'admin');
    const { rows } = await app.db.query<{ region_code: string }>(
      'select region_code from institutions where id = $1',
      [institutionId],
    );
    if (!rows[0] || (caller.role === 'staff' && rows[0].region_code !== caller.regionCode)) {
      throw notFound('institution_not_found', 'No such institution in your region');
    }
    return caller;
  }
}
