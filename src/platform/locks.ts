import type { Queryable } from './db.ts';

/**
 * The row locks of the money paths, and their one order. Every transaction that locks more than one of
 * these takes them in this order, so concurrent settlements, refunds, contributions, payments to
 * institutions and card changes queue behind each other instead of deadlocking (DOMAIN.md "No deadlocks by
 * design"):
 *
 *   1. the person whose money or card it is: `lockPerson`, `lockPersonOf`;
 *   2. then the bound relative whose account pays for them (family mutual aid): `lockPerson` again;
 *   3. then the institution: `lockInstitution`;
 *   4. then the ledger accounts, all of them in one statement in ascending id: `lockedAccounts`, the
 *      locking sub-select the ledger's one write statement is built on;
 *   5. then, in the same statement, the balance shards of the ledger's shared accounts (pooled fund, patient
 *      cash, institution receivable and cash), in ascending (account, shard): `ledger.postingWrites`.
 *      They are taken after every account row of the statement, so no one waits for an account row while
 *      holding a shard.
 *
 * A lock on a module's own rows (a card, an e-card, a binding, a settlement, a contribution run) comes after
 * the lock of the person it belongs to. Each change a payment must respect (loss report, freeze, cancel,
 * e-card suspension) takes the person's lock first, so a payment that reads the card after its own person
 * lock sees every such change committed before it.
 *
 * This is the only file that writes `for update` on persons, institutions and ledger_accounts
 * (`locks.test.ts` checks). It lives in `src/platform` and speaks plain SQL on ids, so that every domain
 * module may call it; the columns returned are the caller's, so a lock and the read it guards stay one round
 * trip.
 */

/**
 * Locks a person's row and returns `columns` of it (SQL, e.g. `'id, region_code'`), or undefined. With
 * `nowait`, a row another transaction holds is not waited for: PostgreSQL refuses at once (55P03, see
 * `isLockNotAvailable`). A group commit locks a relative so, since it already holds later locks of its other
 * members and must not wait out of order.
 */
export async function lockPerson<T>(
  q: Queryable,
  personId: string,
  columns = 'id',
  opts: { nowait?: boolean } = {},
): Promise<T | undefined> {
  const { rows } = await q.query<T>(
    `select ${columns} from persons where id = $1 for update${opts.nowait ? ' nowait' : ''}`,
    [personId],
  );
  return rows[0];
}

/** True when `err` is PostgreSQL's refusal of a `nowait` lock another transaction holds. */
export function isLockNotAvailable(err: unknown): boolean {
  return (err as { code?: string })?.code === '55P03';
}

/** True when `err` is PostgreSQL's refusal of a transaction chosen as a deadlock's victim. */
export function isDeadlock(err: unknown): boolean {
  return (err as { code?: string })?.code === '40P01';
}

/** Where a payer's person is found: through an e-card or an e-SSC, or directly by the person's id. */
export interface PersonOf {
  of: 'ecards' | 'esscs' | 'persons';
  id: string;
}

/**
 * Locks the persons of several payers at once, in ascending person id (the order every batch agrees on),
 * and returns `columns` of each with `payer_of` and `payer_id` saying which payer it was found through (a
 * person found through two payers comes twice). A payer whose card or person does not exist is absent.
 */
export async function lockPersonsOf<T>(
  q: Queryable,
  payers: readonly PersonOf[],
  columns = 'id',
): Promise<Array<T & { payer_of: PersonOf['of']; payer_id: string }>> {
  const ids = (of: PersonOf['of']) => payers.filter((p) => p.of === of).map((p) => p.id);
  const { rows } = await q.query<T & { payer_of: PersonOf['of']; payer_id: string }>(
    `select ${columns
      .split(',')
      .map((c) => `p.${c.trim()}`)
      .join(', ')}, w.payer_of, w.payer_id
       from persons p join (
              select 'ecards' as payer_of, id as payer_id, person_id from ecards where id = any($1::uuid[])
              union all select 'esscs', id, person_id from esscs where id = any($2::uuid[])
              union all select 'persons', x, x from unnest($3::uuid[]) as x) w on w.person_id = p.id
      order by p.id for update of p`,
    [ids('ecards'), ids('esscs'), ids('persons')],
  );
  return rows;
}

/** Locks the person with this ID number (registration paths), or returns undefined. */
export async function lockPersonByIdNumber<T>(
  q: Queryable,
  idNumber: string,
  columns = 'id',
): Promise<T | undefined> {
  const { rows } = await q.query<T>(`select ${columns} from persons where id_number = $1 for update`, [
    idNumber,
  ]);
  return rows[0];
}

/**
 * Locks the person a card or an e-card belongs to, in one statement. Cards and e-cards never change owner,
 * so the sub-select needs no lock of its own; lock the card itself afterwards if it changes.
 */
export async function lockPersonOf<T>(
  q: Queryable,
  of: 'cards' | 'ecards' | 'esscs',
  id: string,
  columns = 'id',
): Promise<T | undefined> {
  const { rows } = await q.query<T>(
    `select ${columns} from persons where id = (select person_id from ${of} where id = $1) for update`,
    [id],
  );
  return rows[0];
}

/** Locks an institution's row and returns `columns` of it, or undefined. */
export async function lockInstitution<T>(
  q: Queryable,
  institutionId: string,
  columns = 'id',
): Promise<T | undefined> {
  const { rows } = await q.query<T>(`select ${columns} from institutions where id = $1 for update`, [
    institutionId,
  ]);
  return rows[0];
}

/**
 * The locking sub-select of ledger accounts, ascending id (of the kinds not in `exceptKinds`), for use inside one statement (the ledger's write):
 * `(select id, kind, balance from ledger_accounts where id = any(<ids>::uuid[]) order by id for update)`,
 * where `idsParam` is the placeholder of the id array. It returns each row as it is once locked (READ
 * COMMITTED re-reads a row another transaction changed), so a balance read here is the one being moved.
 */
export function lockedAccounts(idsParam: string, exceptKinds: readonly string[] = []): string {
  // Kinds whose balance lives elsewhere (the ledger's sharded accounts) are left unlocked: a row that the
  // filter drops is never locked. The kinds are the ledger's constants, never a request's values.
  const except = exceptKinds.length
    ? ` and kind not in (${exceptKinds.map((k) => `'${k}'`).join(', ')})`
    : '';
  return `(select id, kind, balance from ledger_accounts where id = any(${idsParam}::uuid[])${except} order by id for update)`;
}
