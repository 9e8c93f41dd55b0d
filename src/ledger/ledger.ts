import { randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { combineStatements, isUniqueViolation, type Statement } from '../platform/db.ts';
import { lockedAccounts } from '../platform/locks.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../platform/errors.ts';
import {
  POSTING_KINDS,
  nextBalance,
  reversalOf,
  validateEntries,
  type AccountKind,
  type EntryInput,
  type InstitutionKind,
  type PostingKind,
  type RegionKind,
} from './rules.ts';

export type { AccountKind, EntryInput, PostingKind } from './rules.ts';

/**
 * The double-entry ledger. Every money path (settlement, refund, daily payment to an institution,
 * contributions, demo deposits) writes one balanced posting here, inside its own transaction, through one
 * write path: `postingWrites` builds the statement, `post` runs it alone, the settlement combines it with its
 * own writes; both read the outcome with `postingOutcome`, so the refusals and their details are the same.
 *
 * Locking, so that concurrent postings queue instead of deadlocking (src/platform/locks.ts):
 * 1. callers first lock their business rows in the fixed order person → relative → institution;
 * 2. the posting's write then locks the ledger accounts it touches in ascending id order, inside that one
 *    statement (`lockedAccounts`), and holds them only until the caller commits.
 */

export interface PostingInput {
  kind: PostingKind;
  /** The business event this posting records; (kind, type, id) is unique, so an event posts once. */
  reference: { type: string; id: string };
  regionCode: string;
  entries: readonly EntryInput[];
  memo?: string;
  /** When the event happened (the request's clock); the database's time when omitted. */
  at?: Date;
  /** The person a settlement or refund was for, so that account movements can tell family mutual aid apart. */
  beneficiaryPersonId?: string | null;
}

export interface PostingResult {
  postingId: string;
  /** Each touched account's balance after the posting (e.g. `balc` on a receipt). */
  balances: Record<string, number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inserts of a posting and its entries. */
function rowWrites(postingId: string, input: PostingInput): Statement[] {
  return [
    {
      sql: `insert into ledger_postings (id, kind, reference_type, reference_id, region_code, memo, created_at, beneficiary_person_id)
       values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()), $8)`,
      params: [
        postingId,
        input.kind,
        input.reference.type,
        input.reference.id,
        input.regionCode,
        input.memo ?? '',
        input.at ?? null,
        input.beneficiaryPersonId ?? null,
      ],
    },
    {
      // Arrays, not a VALUES list per entry count: one statement text, so one prepared statement.
      sql: `insert into ledger_entries (posting_id, account_id, amount)
       select $1::uuid, a, m from unnest($2::uuid[], $3::int8[]) with ordinality as e(a, m, n) order by n`,
      params: [
        postingId,
        input.entries.map((e) => e.accountId.toLowerCase()),
        input.entries.map((e) => e.amount),
      ],
    },
  ];
}

/**
 * Writes one balanced posting and moves the balances of its accounts, in the caller's transaction
 * (`tx` must be one: this never opens its own, so the posting commits or rolls back with the caller's
 * other changes), in one round trip. Refusals are AppErrors, and a refused posting writes nothing:
 * 400 `invalid_amount` / `too_few_entries` / `invalid_posting`, 422 `unbalanced_posting`,
 * `amount_out_of_range`, `insufficient_balance` (an individual account would go negative; details
 * `accountId`, `shortfall`), 404 `ledger_account_not_found` / `region_not_found`, 409 `posting_exists`
 * (this event was already posted).
 *
 * @example
 * await db.transaction((tx) => post(tx, {
 *   kind: 'settlement', reference: { type: 'settlement', id }, regionCode: 'demo',
 *   entries: [{ accountId: fund, amount: -3420000 }, { accountId: receivable, amount: 3420000 }],
 * }));
 */
export async function post(tx: Queryable, input: PostingInput): Promise<PostingResult> {
  const posting = postingWrites(input);
  const one = combineStatements(posting.writes, posting.select);
  let rows: AccountMove[];
  try {
    rows = (await tx.query<AccountMove>(one.sql, one.params)).rows;
  } catch (err) {
    throw postingWriteError(err, input);
  }
  return { postingId: posting.postingId, balances: postingOutcome(rows) };
}

function checkPostingInput(input: PostingInput): void {
  if (!(POSTING_KINDS as readonly string[]).includes(input.kind)) {
    throw badRequest('invalid_posting', `Unknown posting kind ${String(input.kind)}`);
  }
  if (!input.reference?.type || !input.reference?.id || !input.regionCode) {
    throw badRequest('invalid_posting', 'A posting needs a reference type, reference id and region');
  }
}

/** The entries checked (balanced, whole fen, ids well formed); each account's net delta, by lower-case id. */
function validEntries(input: PostingInput): Map<string, number> {
  const v = validateEntries(input.entries);
  if (!v.ok) {
    const { code, message, ...details } = v.problem;
    const status = code === 'unbalanced_posting' || code === 'amount_out_of_range' ? 422 : 400;
    throw new AppError(status, code, message, details);
  }
  for (const e of input.entries) {
    if (!UUID.test(e.accountId))
      throw notFound('ledger_account_not_found', `No ledger account ${e.accountId}`);
  }
  return new Map([...v.deltas].map(([id, d]) => [id.toLowerCase(), d] as const));
}

/** One account as the posting's write moved it (or, when refused, left it): see `postingOutcome`. */
export interface AccountMove {
  id: string;
  kind: AccountKind;
  before: number;
  delta: number;
  ok: boolean;
}

/** The balance-moving clause's name inside a combined statement. */
const MOVES = 'ledger_moves';
/** The clause of the shared (sharded) accounts' moves. */
const SHARED = 'ledger_shared';

/**
 * A posting as writes, for `post` or for a caller that combines them with its own into one statement and so
 * holds the accounts' row locks for the shortest time (the settlement: the region's pooled fund and the
 * institution's receivable are touched by every settlement, so their lock is what concurrent settlements
 * queue on). Run `combineStatements(writes, select)`, map a failure with `postingWriteError` and pass the
 * rows to `postingOutcome`, which refuses or returns the balances; throwing there rolls the caller's
 * transaction back, so nothing written beside the posting survives a refusal either.
 *
 * The first write locks the accounts in ascending id order (`lockedAccounts`) and moves each balance
 * unless the ledger's rules (`nextBalance`) refuse it, in which case it stays put and the outcome says why.
 * The shared accounts (`SHARDED_KINDS`) are not locked there: their delta goes to one of their balance
 * shards, picked at random per posting, after the account rows (see `ledger_balance_shards`). The table's
 * CHECKs remain a backstop. With `deferShared` (a settlement in a group commit) the shared accounts' deltas
 * are only reported (`sharedDeltas` of the rows): the batch adds them up and writes each shared account
 * once, in the same transaction, before its commit (`balanceShardsWrite`).
 */
export function postingWrites(
  input: PostingInput,
  opts: { deferShared?: boolean } = {},
): {
  postingId: string;
  writes: Statement[];
  select: string;
} {
  checkPostingInput(input);
  const deltas = validEntries(input);
  const postingId = randomUUID();
  // Every touched account, also one whose entries cancel out, is locked and reported.
  const ids = [...new Set(input.entries.map((e) => e.accountId.toLowerCase()))];
  const amounts = ids.map((id) => deltas.get(id) ?? 0);
  return {
    postingId,
    writes: [
      {
        as: MOVES,
        sql: `update ledger_accounts a set balance = case when v.ok then a.balance + v.delta else a.balance end
           from (select l.id, l.kind, l.balance, d.delta,
                        (l.kind <> 'individual' or l.balance + d.delta >= 0)
                        and l.balance + d.delta between ${-MAX_SAFE} and ${MAX_SAFE} as ok
                   from ${lockedAccounts('$1', SHARDED_KINDS)} l
                   join unnest($1::uuid[], $2::int8[]) as d(id, delta) on d.id = l.id) v
          where a.id = v.id
          returning a.id, v.kind, v.balance as before, v.delta, v.ok`,
        params: [ids, amounts],
      },
      {
        // The shared accounts of the posting, with their whole balance before it (the row and every shard,
        // as of the statement's snapshot: what `post` reports; nothing is decided on it but the safe range).
        // Deferred (group commit): only their deltas, which the batch writes once (`balanceShardsWrite`).
        as: SHARED,
        sql: `select a.id, a.kind, d.delta,
                  ${opts.deferShared ? '0::int8' : 'a.balance + coalesce((select sum(x.balance) from ledger_balance_shards x where x.account_id = a.id), 0)::int8'} as before
             from ledger_accounts a join unnest($1::uuid[], $2::int8[]) as d(id, delta) on d.id = a.id
            where a.kind in (${SHARDED_KINDS.map((k) => `'${k}'`).join(', ')})`,
        params: [ids, amounts],
      },
      ...(opts.deferShared
        ? []
        : [
            {
              // Their deltas into one shard each, locked in ascending account id and after the account rows of
              // the first clause (the scalar sub-select makes that clause run first).
              sql: `insert into ledger_balance_shards as s (account_id, shard, balance)
           select id, $1::int2, delta from ${SHARED} where (select count(*) from ${MOVES}) >= 0 order by id
           on conflict (account_id, shard) do update set balance = s.balance + excluded.balance`,
              params: [randomInt(BALANCE_SHARDS)],
            },
          ]),
      ...rowWrites(postingId, input),
    ],
    select: `select id, kind, before, delta, ok from ${MOVES}
      union all select id, kind, before, delta, true from ${SHARED} order by id`,
  };
}

/**
 * The accounts every settlement moves, whose balance is kept in `BALANCE_SHARDS` rows so that concurrent
 * postings rarely lock the same one (migration 091): the account's balance is its row's plus its shards'.
 */
export const SHARDED_KINDS: readonly AccountKind[] = [
  'pooled_fund',
  'patient_cash',
  'institution_receivable',
  'institution_cash',
];
const BALANCE_SHARDS = 16;

/** The shared accounts' deltas among a deferred posting's rows (see `postingWrites`' `deferShared`). */
export function sharedDeltas(rows: readonly AccountMove[]): Array<[accountId: string, delta: number]> {
  return rows.filter((r) => SHARDED_KINDS.includes(r.kind)).map((r) => [r.id, r.delta]);
}

/**
 * The summed deltas of the shared accounts of several postings in one transaction (a group commit), into
 * one shard each (picked at random per batch), in ascending account id: the lock order's last step. Null
 * when nothing moves.
 */
export function balanceShardsWrite(deltas: ReadonlyMap<string, number>): Statement | null {
  const moved = [...deltas].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!moved.length) return null;
  return {
    sql: `insert into ledger_balance_shards as s (account_id, shard, balance)
       select id, $3::int2, delta from unnest($1::uuid[], $2::int8[]) as d(id, delta) order by id
       on conflict (account_id, shard) do update set balance = s.balance + excluded.balance`,
    params: [moved.map(([id]) => id), moved.map(([, d]) => d), randomInt(BALANCE_SHARDS)],
  };
}

/** The balance of the account `a` (an alias of ledger_accounts) in SQL: its row's and its shards'. */
export const ACCOUNT_BALANCE_SQL = (a: string) =>
  `(${a}.balance + coalesce((select sum(x.balance) from ledger_balance_shards x where x.account_id = ${a}.id), 0))::int8`;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Each account's balance after the posting, or the refusal: 422 `insufficient_balance` (details `accountId`,
 * `shortfall`) or `amount_out_of_range` (`accountId`). Call it on the rows of `postingWrites`' `select`.
 */
export function postingOutcome(rows: readonly AccountMove[]): Record<string, number> {
  const balances: Record<string, number> = {};
  for (const a of rows) {
    const next = nextBalance(a.kind, a.before, a.delta);
    if (!next.ok || !a.ok) {
      if (!next.ok && next.problem === 'insufficient_balance') {
        throw unprocessable('insufficient_balance', 'The individual account does not hold enough money', {
          accountId: a.id,
          shortfall: -(a.before + a.delta),
        });
      }
      throw unprocessable(
        'amount_out_of_range',
        `The balance of account ${a.id} would leave the safe range`,
        {
          accountId: a.id,
        },
      );
    }
    balances[a.id] = next.balance;
  }
  return balances;
}

/** Turns a failed write of a posting's rows into the refusal `post` documents (or returns `err` itself). */
export function postingWriteError(err: unknown, input: PostingInput): unknown {
  const e = err as { code?: string; constraint?: string };
  if (isUniqueViolation(err, 'ledger_postings_reference_unique')) {
    return conflict('posting_exists', `This ${input.kind} was already posted`, {
      referenceType: input.reference.type,
      referenceId: input.reference.id,
    });
  }
  if (e?.code === '23503' && e.constraint === 'ledger_postings_region_code_fkey') {
    return notFound('region_not_found', `No region ${input.regionCode}`);
  }
  // Backstops: the write leaves a refused balance as it was, so these CHECKs should never fire.
  if (e?.code === '23514' && e.constraint === 'ledger_individual_not_negative') {
    return unprocessable('insufficient_balance', 'The individual account does not hold enough money');
  }
  if (
    e?.code === '23514' &&
    (e.constraint === 'ledger_balance_safe' || e.constraint === 'ledger_balance_shards_safe')
  ) {
    return unprocessable('amount_out_of_range', 'An account balance would leave the safe range');
  }
  if (e?.code === '23503' && e.constraint === 'ledger_entries_account_id_fkey') {
    return notFound('ledger_account_not_found', 'No such ledger account');
  }
  return err;
}

/**
 * Posts the exact reversal of an earlier posting (a refund undoes a settlement entry by entry).
 * The reference names the refund's business event; posting the same one twice is a 409.
 */
export async function reversePosting(
  tx: Queryable,
  postingId: string,
  opts: { kind?: PostingKind; reference: { type: string; id: string }; memo?: string; at?: Date },
): Promise<PostingResult> {
  if (!UUID.test(postingId)) throw notFound('posting_not_found', 'No such posting');
  const { rows: head } = await tx.query<{ region_code: string }>(
    'select region_code from ledger_postings where id = $1',
    [postingId],
  );
  if (!head[0]) throw notFound('posting_not_found', 'No such posting');
  const { rows } = await tx.query<{ account_id: string; amount: number }>(
    'select account_id, amount from ledger_entries where posting_id = $1 order by id',
    [postingId],
  );
  return post(tx, {
    kind: opts.kind ?? 'refund',
    reference: opts.reference,
    regionCode: head[0].region_code,
    memo: opts.memo,
    at: opts.at,
    entries: reversalOf(rows.map((r) => ({ accountId: r.account_id, amount: r.amount }))),
  });
}

// ---------------------------------------------------------------------------------------------------
// Accounts: one per kind and owner, created on first use.

interface Owner {
  ownerId: string;
  regionCode: string;
  personId?: string;
  institutionId?: string;
}

/** The id of the account of `kind` for `ownerId`, or null when it has not been created yet. */
export async function findAccount(q: Queryable, kind: AccountKind, ownerId: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    'select id from ledger_accounts where kind = $1 and owner_id = $2',
    [kind, ownerId],
  );
  return rows[0]?.id ?? null;
}

/** Get-or-create, safe under concurrency: a racing insert is absorbed by `on conflict do nothing`. */
async function accountFor(q: Queryable, kind: AccountKind, owner: Owner): Promise<string> {
  const existing = await findAccount(q, kind, owner.ownerId);
  if (existing) return existing;
  await q.query(
    `insert into ledger_accounts (id, kind, owner_id, region_code, person_id, institution_id)
     values ($1, $2, $3, $4, $5, $6) on conflict (kind, owner_id) do nothing`,
    [
      randomUUID(),
      kind,
      owner.ownerId,
      owner.regionCode,
      owner.personId ?? null,
      owner.institutionId ?? null,
    ],
  );
  const id = await findAccount(q, kind, owner.ownerId);
  if (!id) throw new Error(`ledger account ${kind} for ${owner.ownerId} vanished`);
  return id;
}

/** The person's individual account and its balance as a statement (columns `id`, `balance`; no row before its first use). */
export function individualAccountRead(personId: string): Statement {
  return {
    sql: `select id, balance from ledger_accounts where kind = 'individual' and owner_id = $1::text`,
    params: [personId.toLowerCase()],
  };
}

/** A person's individual account and its balance, created at zero on first use. */
export async function accountOf(q: Queryable, personId: string): Promise<{ id: string; balance: number }> {
  const read = individualAccountRead(personId);
  const { rows } = await q.query<{ id: string; balance: number }>(read.sql, read.params);
  return rows[0] ?? { id: await individualAccount(q, personId), balance: 0 };
}

/** The person's individual account (in the person's region). 404 `person_not_found` for an unknown person. */
export async function individualAccount(q: Queryable, personId: string): Promise<string> {
  const { rows } = UUID.test(personId)
    ? await q.query<{ region_code: string }>('select region_code from persons where id = $1', [personId])
    : { rows: [] };
  if (!rows[0]) throw notFound('person_not_found', 'No such person');
  return accountFor(q, 'individual', {
    ownerId: personId.toLowerCase(),
    regionCode: rows[0].region_code,
    personId,
  });
}

/** A region-level account: `pooled_fund`, `premium_income`, `opening_balance` or `patient_cash`. */
export function regionAccount(q: Queryable, kind: RegionKind, regionCode: string): Promise<string> {
  return accountFor(q, kind, { ownerId: regionCode, regionCode });
}

export const pooledFund = (q: Queryable, regionCode: string) => regionAccount(q, 'pooled_fund', regionCode);
export const premiumIncome = (q: Queryable, regionCode: string) =>
  regionAccount(q, 'premium_income', regionCode);
export const openingBalance = (q: Queryable, regionCode: string) =>
  regionAccount(q, 'opening_balance', regionCode);
export const patientCash = (q: Queryable, regionCode: string) => regionAccount(q, 'patient_cash', regionCode);

/**
 * An institution-level account. The region is the institution's own; the caller passes it because the
 * institutions table lives in another module.
 */
export async function institutionAccount(
  q: Queryable,
  kind: InstitutionKind,
  institutionId: string,
  regionCode: string,
): Promise<string> {
  if (!UUID.test(institutionId)) throw notFound('institution_not_found', 'No such institution');
  return accountFor(q, kind, {
    ownerId: institutionId.toLowerCase(),
    regionCode,
    institutionId,
  });
}

export const institutionReceivable = (q: Queryable, institutionId: string, regionCode: string) =>
  institutionAccount(q, 'institution_receivable', institutionId, regionCode);
export const institutionCash = (q: Queryable, institutionId: string, regionCode: string) =>
  institutionAccount(q, 'institution_cash', institutionId, regionCode);
export const institutionBank = (q: Queryable, institutionId: string, regionCode: string) =>
  institutionAccount(q, 'institution_bank', institutionId, regionCode);

/** An account's current balance in fen. 404 `ledger_account_not_found`. */
export async function balanceOf(q: Queryable, accountId: string): Promise<number> {
  const { rows } = UUID.test(accountId)
    ? await q.query<{ balance: number }>(
        `select ${ACCOUNT_BALANCE_SQL('a')} as balance from ledger_accounts a where a.id = $1`,
        [accountId],
      )
    : { rows: [] };
  if (!rows[0]) throw notFound('ledger_account_not_found', `No ledger account ${accountId}`);
  return rows[0].balance;
}

export interface Movement {
  /** The entry's id; also the paging cursor. */
  entryId: string;
  postingId: string;
  kind: PostingKind;
  referenceType: string;
  referenceId: string;
  /** Signed fen: positive in, negative out. */
  amount: number;
  memo: string;
  at: Date;
  /**
   * For settlements and refunds: `self` when the account's owner was the patient, `relative` when the money
   * paid a bound relative's bill (family mutual aid out); null for other postings.
   */
  onBehalfOf: 'self' | 'relative' | null;
}

export const MAX_PAGE = 100;

/**
 * An account's entries, newest first, `limit` at a time. Pass the returned `nextCursor` as `before`
 * for the next page; it is null on the last page.
 */
export async function movements(
  q: Queryable,
  accountId: string,
  opts: { limit?: number; before?: string | null } = {},
): Promise<{ movements: Movement[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20), 1), MAX_PAGE);
  if (opts.before != null && !/^\d{1,15}$/.test(opts.before)) {
    throw badRequest('invalid_cursor', 'The cursor is not one this API returned');
  }
  const { rows } = await q.query<{
    id: number;
    posting_id: string;
    kind: PostingKind;
    reference_type: string;
    reference_id: string;
    amount: number;
    memo: string;
    created_at: Date;
    on_behalf_of: 'self' | 'relative' | null;
  }>(
    `select e.id, e.posting_id, p.kind, p.reference_type, p.reference_id, e.amount, p.memo, p.created_at,
            case when p.beneficiary_person_id is null then null
                 when p.beneficiary_person_id = a.person_id then 'self' else 'relative' end as on_behalf_of
       from ledger_entries e join ledger_postings p on p.id = e.posting_id join ledger_accounts a on a.id = e.account_id
      where e.account_id = $1 and ($2::int8 is null or e.id < $2::int8)
      order by e.id desc
      limit $3`,
    [accountId, opts.before ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    movements: page.map((r) => ({
      entryId: String(r.id),
      postingId: r.posting_id,
      kind: r.kind,
      referenceType: r.reference_type,
      referenceId: r.reference_id,
      amount: r.amount,
      memo: r.memo,
      at: r.created_at,
      onBehalfOf: r.on_behalf_of,
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}

/**
 * Credits a person's individual account from their region's `opening_balance` account: the demo seed
 * and tests fund accounts this way until contributions exist. Amount: positive safe integer fen.
 */
export async function deposit(
  tx: Queryable,
  personId: string,
  amount: number,
  memo = 'deposit',
  at?: Date,
): Promise<{ postingId: string; accountId: string; balance: number }> {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw badRequest('invalid_amount', 'A deposit is a positive whole number of fen');
  }
  const accountId = await individualAccount(tx, personId);
  const { rows } = await tx.query<{ region_code: string }>(
    'select region_code from ledger_accounts where id = $1',
    [accountId],
  );
  const regionCode = rows[0]!.region_code;
  const source = await openingBalance(tx, regionCode);
  const r = await post(tx, {
    kind: 'deposit',
    reference: { type: 'deposit', id: randomUUID() },
    regionCode,
    memo,
    at,
    entries: [
      { accountId: source, amount: -amount },
      { accountId, amount },
    ],
  });
  return { postingId: r.postingId, accountId, balance: r.balances[accountId]! };
}
