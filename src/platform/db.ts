import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Result of one statement: rows already parsed into JS values (int8 → safe number, date → 'YYYY-MM-DD'). */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Run the transaction's prepared statements on their generic plan (`plan_cache_mode =
   * force_generic_plan`, PostgreSQL only). PostgreSQL otherwise re-plans a statement on every call when it
   * guesses a plan for the call's values is cheaper, as it does for the settlement's combined statements
   * (tens of parameters, arrays of lines): planning was a large share of their cost. Only for transactions
   * whose statements look rows up by key, where one plan is right for every value.
   */
  genericPlans?: boolean;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;

/** Money and counters are int8; we keep them as JS numbers and refuse any that would lose precision. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value out of safe integer range: ${text}`);
  return n;
}

const parseDate = (text: string): string => text;

/** Opens the embedded store (PGlite) at `dataDir`, or in memory when `dataDir` is undefined. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const lite = await PGlite.create(dataDir, { parsers: { [INT8]: parseInt8, [DATE]: parseDate } });
  // PGlite is one connection: a transaction holds it, so everything else queues behind it.
  const toResult = <T>(r: { rows: T[]; affectedRows?: number }): QueryResult<T> => ({
    rows: r.rows,
    rowCount: r.affectedRows ?? r.rows.length,
  });
  let closed = false;
  return {
    kind: 'pglite',
    async query<T>(sql: string, params?: readonly unknown[]) {
      return toResult(await lite.query<T>(sql, params as unknown[] | undefined));
    },
    async exec(sql: string) {
      await lite.exec(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return lite.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params?: readonly unknown[]) {
            return toResult(await tx.query<R>(sql, params as unknown[] | undefined));
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await lite.close();
    },
  };
}

const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return parseInt8;
    if (oid === DATE) return parseDate;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Server-side prepared statements: a query with parameters runs as a named statement, parsed and planned
 * once per connection instead of on every call. The name is derived from the SQL text, so every connection
 * agrees on it. Our statements are a fixed set; the cap only guards against SQL built with values in it.
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 2000;

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = 'y_' + createHash('sha256').update(sql).digest('base64url').slice(0, 24);
    statementNames.set(sql, name);
  }
  return name;
}

/** Opens a pool on a PostgreSQL server. */
/**
 * If this process dies, a backend of ours waiting on a row lock keeps its own locks (an idempotency claim, a
 * person) until that wait ends; polling the socket every second ends it soon after. Sent once per connection
 * with its first transaction (PostgreSQL 14+; older servers ignore it).
 */
const CHECK_CLIENT_CONNECTION = `do $$ begin
  perform set_config('client_connection_check_interval', '1000', false);
exception when others then null;
end $$`;

export async function openPostgres(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes as pg.CustomTypesConfig });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  // Connections whose session already checks that this process is alive (see CHECK_CLIENT_CONNECTION).
  const checking = new WeakSet<pg.PoolClient>();
  await pool.query('select 1');
  let closed = false;
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = params
        ? await c.query({ text: sql, values: params as unknown[], name: statementName(sql) })
        : await c.query(sql);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  const self = wrap(pool);
  return {
    kind: 'postgres',
    query: self.query,
    exec: self.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions) {
      const client = await pool.connect();
      // `set local` ends with the transaction; sent with `begin`, it costs no round trip.
      const begin = opts?.genericPlans ? 'begin; set local plan_cache_mode = force_generic_plan' : 'begin';
      // A connection lost while checked out (the backend terminated, the server restarted) is reported as
      // an 'error' event when no query is running: unheard, it would crash the process. The transaction
      // fails on its next statement; the broken client is then destroyed instead of going back to the pool.
      let lost: Error | undefined;
      const onError = (err: Error) => (lost ??= err);
      client.on('error', onError);
      try {
        if (checking.has(client)) await client.query(begin);
        else {
          await client.query(`${CHECK_CLIENT_CONNECTION}; ${begin}`);
          checking.add(client);
        }
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (lost ??= e));
        throw err;
      } finally {
        client.off('error', onError);
        client.release(lost);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** PostgreSQL when a URL is given, otherwise the embedded store. */
export function openDb(opts: { databaseUrl?: string; dataDir?: string; poolSize?: number }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize) : openPglite(opts.dataDir);
}

/** True when `err` is a PostgreSQL unique violation, optionally on the named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** One SQL statement and its parameters. */
export interface Statement {
  sql: string;
  params: readonly unknown[];
  /** Its clause's name inside `combineStatements`, for a final select that reads what it returns. */
  as?: string;
}

/**
 * Several writes as one statement, so that they cost one round trip: each becomes a data-modifying WITH
 * clause, its `$n` placeholders renumbered. They must not depend on each other's effects (they all see the
 * same snapshot) and must not update the same row twice; foreign keys between their rows are checked at
 * the end of the statement, so a child may reference a parent inserted beside it. Placeholders must not
 * appear inside string literals of the statements. `select` is the statement's result, reading the RETURNING
 * rows of clauses named with `as` (e.g. the ledger's balance moves); `select 1` by default.
 *
 * @example
 * const one = combineStatements([insertSettlement, insertLines]);
 * await tx.query(one.sql, one.params);
 */
export function combineStatements(statements: readonly Statement[], select = 'select 1'): Statement {
  if (statements.length === 1 && select === 'select 1') return statements[0]!;
  const params: unknown[] = [];
  const clauses = statements.map((s, i) => {
    const offset = params.length;
    params.push(...s.params);
    return `${s.as ?? `w${i}`} as (${s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
  });
  return { sql: `with ${clauses.join(',\n')}\n${select}`, params };
}

/** Runs a `delete … limit $n` statement until it deletes fewer rows than a batch; returns the total. */
export async function deleteInBatches(
  q: Queryable,
  sql: string,
  params: unknown[],
  batchSize: number,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await q.query(sql, params)).rowCount;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
