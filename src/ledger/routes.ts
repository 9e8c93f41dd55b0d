import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, requirePerson, requireRole } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { personForStaff } from '../people/store.ts';
import { balanceOf, findAccount, MAX_PAGE, movements } from './ledger.ts';

const MovementView = Type.Object({
  entryId: Type.String({ description: 'Entry id; also the paging cursor' }),
  postingId: Type.String({ format: 'uuid' }),
  kind: Type.Union(
    [
      Type.Literal('settlement'),
      Type.Literal('refund'),
      Type.Literal('institution_payment'),
      Type.Literal('contribution'),
      Type.Literal('deposit'),
      Type.Literal('region_clearing'),
    ],
    { description: 'What moved the money' },
  ),
  referenceType: Type.String({ description: 'The business record behind it, e.g. `settlement`' }),
  onBehalfOf: Type.Union([Type.Literal('self'), Type.Literal('relative'), Type.Null()], {
    description: 'Settlements and refunds: my own bill, or a bound relative’s (family mutual aid out)',
  }),
  referenceId: Type.String(),
  amount: Type.Integer({ description: 'Signed fen: positive into the account, negative out of it' }),
  memo: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

const AccountQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 20 })),
  before: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: '`nextCursor` of the previous page' }),
  ),
});
const AccountBody = Type.Object({
  balance: Type.Integer({ description: 'Balance in fen' }),
  movements: Type.Array(MovementView),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `before` for the next page; null on the last page',
  }),
});

export async function ledgerRoutes(app: App): Promise<void> {
  app.get(
    '/v1/me/account',
    {
      schema: {
        operationId: 'getMyIndividualAccount',
        summary: 'The person’s individual account: balance and movements, newest first',
        tags: ['ledger'],
        security: bearer,
        querystring: AccountQuery,
        response: { 200: AccountBody, ...errorResponses(401, 403) },
      },
    },
    async (req) => accountView(app.db, requirePerson(req).personId, req.query),
  );

  app.get(
    '/v1/staff/persons/:id/account',
    {
      schema: {
        operationId: 'getPersonIndividualAccount',
        summary: 'A person’s individual account, for staff of the person’s region',
        tags: ['ledger'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: AccountQuery,
        response: { 200: AccountBody, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const person = await personForStaff(app.db, requireRole(req, 'staff', 'admin'), req.params.id);
      return accountView(app.db, person.id, req.query);
    },
  );
}

/** Balance and a page of movements, newest first. Reading never creates the account. */
async function accountView(db: Queryable, personId: string, query: { limit?: number; before?: string }) {
  const accountId = await findAccount(db, 'individual', personId.toLowerCase());
  if (!accountId) return { balance: 0, movements: [], nextCursor: null };
  const balance = await balanceOf(db, accountId);
  const page = await movements(db, accountId, { limit: query.limit, before: query.before });
  return {
    balance,
    movements: page.movements.map((m) => ({ ...m, at: m.at.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
