/**
 * The benchmark population: N insured people, each with a person row, an active e-card with payment open
 * and a funded individual account whose opening balance is one balanced posting against the region's
 * `opening_balance` account (so `yibao ledger check` holds).
 *
 * - On a PostgreSQL server, `COPY … FROM STDIN` (pg-copy-streams): the rows are generated in this process
 *   and streamed, `batch` people per transaction, four tables per batch. This is the loader that reaches
 *   10,000,000 people.
 * - On PGlite, which has no COPY FROM STDIN over a socket, server-side `insert … select generate_series`.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, Queryable } from '../src/platform/db.ts';
import { installDemoPolicy } from '../src/settlement/policy-store.ts';

const OPENING_BALANCE = 300_000;

export interface LoadResult {
  people: number;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  /**
   * The population was not loaded in this run: an earlier complete load of the same size was reused (`--keep`);
   * `rows` is 0 and `seconds` the time taken to check it and apply pending migrations.
   */
  reused?: boolean;
}

/** The database of a population on the server: one per size, so that `--keep` can reuse a large one. */
export function populationDatabase(people: number): string {
  return `yibao_bench_${people}`;
}

/**
 * The marker the COPY loader writes once a load is complete (after the last batch, the opening posting's other
 * side and `analyze`): the number of people and the deployment key their payment PINs are hashed with, which a
 * run reusing the population (`--keep`) serves with. A half-finished load has no marker.
 */
const MARKER = 'bench_population';

/** The complete load the database holds, from its marker; null when there is none (or it is unusable). */
export async function loadedPopulation(
  q: Queryable,
): Promise<{ people: number; secretKey: string; loadedAt: Date } | null> {
  const { rows: table } = await q.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [MARKER]);
  if (!table[0]?.t) return null;
  const { rows } = await q.query<{ people: string; secret_key: string | null; loaded_at: Date }>(
    `select people::text as people, secret_key, loaded_at from ${MARKER}`,
  );
  const row = rows[0];
  if (rows.length !== 1 || !row?.secret_key) return null;
  return { people: Number(row.people), secretKey: row.secret_key, loadedAt: row.loaded_at };
}

async function createRegion(db: Queryable): Promise<void> {
  await db.query(`insert into regions (code, name) values ('demo', 'Benchmark region')`);
  await installDemoPolicy(db, new Date());
}

const idNumber = (i: number) => '9' + String(i).padStart(17, '0');
const birthDate = (i: number) =>
  // eslint-disable-next-line no-restricted-syntax -- synthetic birth dates, not "today"
  new Date(Date.UTC(1950, 0, 1) + (i % 20000) * 86_400_000).toISOString().slice(0, 10);

/** Writes `lines(from, to)` into a COPY stream in chunks, waiting when the socket is full. */
async function copy(
  client: pg.PoolClient,
  sql: string,
  count: number,
  line: (k: number) => string,
): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const done = once(stream, 'finish');
  const chunk = 5000;
  for (let k = 0; k < count; k += chunk) {
    let text = '';
    for (let j = k; j < Math.min(count, k + chunk); j++) text += line(j);
    if (!stream.write(text)) await once(stream, 'drain');
  }
  stream.end();
  await done;
}

/** Loads the population into a PostgreSQL server with COPY; reports rows per second. */
export async function loadPopulationCopy(
  url: string,
  people: number,
  pinHash: string,
  opts: {
    batch?: number;
    progress?: (done: number) => void;
    skipForeignKeyChecks?: boolean;
    /** The deployment key `pinHash` was made with, recorded in the marker so that a later run can reuse the load. */
    secretKey?: string;
  } = {},
): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  const t0 = performance.now();
  let rows = 0;
  try {
    await createRegion({
      query: async <T>(sql: string, params?: readonly unknown[]) => {
        const r = await client.query(sql, params as unknown[] | undefined);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
      },
      exec: async (sql: string) => void (await client.query(sql)),
    });
    const opening = randomUUID();
    const posting = randomUUID();
    await client.query(
      `insert into ledger_accounts (id, kind, owner_id, region_code, balance) values ($1, 'opening_balance', 'demo', 'demo', 0)`,
      [opening],
    );
    await client.query(
      `insert into ledger_postings (id, kind, reference_type, reference_id, region_code, memo) values ($1, 'deposit', 'bench', 'opening', 'demo', 'benchmark opening balances')`,
      [posting],
    );
    if (opts.skipForeignKeyChecks) {
      // As pg_restore --disable-triggers does: the rows are generated consistent here, and the per-row
      // foreign-key triggers (seven look-ups per person) are most of a bulk load's cost. Superuser only.
      await client.query(`set session_replication_role = replica`);
    }
    const batch = opts.batch ?? 200_000;
    const now = new Date().toISOString();
    for (let from = 0; from < people; from += batch) {
      const n = Math.min(people, from + batch) - from;
      const personIds = Array.from({ length: n }, () => randomUUID());
      const accountIds = Array.from({ length: n }, () => randomUUID());
      await client.query('begin');
      await copy(
        client,
        'copy persons (id, id_number, name, gender, birth_date, region_code, insurance_type, retired, identity_status) from stdin',
        n,
        (k) => {
          const i = from + k;
          return `${personIds[k]}\t${idNumber(i)}\t参保人${i}\t${i % 2 === 0 ? 'male' : 'female'}\t${birthDate(i)}\tdemo\t${
            i % 3 === 0 ? 'resident' : 'employee'
          }\t${i % 7 === 0 ? 't' : 'f'}\tverified\n`;
        },
      );
      await copy(
        client,
        'copy ecards (id, person_id, region_code, status, payment_open, payment_pin_hash, applied_channel, applied_at, activated_at, payment_opened_at, updated_at) from stdin',
        n,
        (k) =>
          `${randomUUID()}\t${personIds[k]}\tdemo\tactive\tt\t${pinHash}\tapp\t${now}\t${now}\t${now}\t${now}\n`,
      );
      await copy(
        client,
        'copy ledger_accounts (id, kind, owner_id, region_code, person_id, balance) from stdin',
        n,
        (k) => `${accountIds[k]}\tindividual\t${personIds[k]}\tdemo\t${personIds[k]}\t${OPENING_BALANCE}\n`,
      );
      await copy(
        client,
        'copy ledger_entries (posting_id, account_id, amount) from stdin',
        n,
        (k) => `${posting}\t${accountIds[k]}\t${OPENING_BALANCE}\n`,
      );
      await client.query('commit');
      rows += 4 * n;
      opts.progress?.(from + n);
    }
    // The opening posting's other side: it balances once every person's entry is in.
    await client.query('begin');
    await client.query('update ledger_accounts set balance = $2 where id = $1', [
      opening,
      -OPENING_BALANCE * people,
    ]);
    await client.query('insert into ledger_entries (posting_id, account_id, amount) values ($1, $2, $3)', [
      posting,
      opening,
      -OPENING_BALANCE * people,
    ]);
    await client.query('commit');
    rows += 4;
    await client.query('analyze');
    // Last: the marker that the load is complete (see loadedPopulation).
    await client.query(`drop table if exists ${MARKER}`);
    await client.query(
      `create table ${MARKER} (people int8 not null, secret_key text, loaded_at timestamptz not null default now())`,
    );
    await client.query(`insert into ${MARKER} (people, secret_key) values ($1, $2)`, [
      people,
      opts.secretKey ?? null,
    ]);
  } finally {
    client.release();
    await pool.end();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { people, rows, seconds, rowsPerSec: rows / seconds };
}

/** Loads the population with server-side `insert … select generate_series` (any store; PGlite). */
export async function loadPopulationSql(db: Db, people: number, pinHash: string): Promise<LoadResult> {
  const t0 = performance.now();
  await createRegion(db);
  let rows = 0;
  const batch = 50_000;
  for (let from = 0; from < people; from += batch) {
    const to = Math.min(people, from + batch) - 1;
    await db.transaction(async (tx) => {
      // Synthetic ID numbers: unique, 18 characters; the settlement path never reads their check digit.
      const persons = await tx.query(
        `insert into persons (id, id_number, name, gender, birth_date, region_code, insurance_type, retired, identity_status)
         select gen_random_uuid(), '9' || lpad(i::text, 17, '0'), '参保人' || i, case when i % 2 = 0 then 'male' else 'female' end,
                date '1950-01-01' + (i % 20000), 'demo', case when i % 3 = 0 then 'resident' else 'employee' end, i % 7 = 0, 'verified'
           from generate_series($1::int, $2::int) i`,
        [from, to],
      );
      const ecards = await tx.query(
        `insert into ecards (id, person_id, region_code, status, payment_open, payment_pin_hash, applied_channel, applied_at,
           activated_at, payment_opened_at, updated_at)
         select gen_random_uuid(), p.id, 'demo', 'active', true, $3, 'app', now(), now(), now(), now()
           from persons p where p.id_number between '9' || lpad($1::text, 17, '0') and '9' || lpad($2::text, 17, '0')`,
        [from, to, pinHash],
      );
      const accounts = await tx.query(
        `insert into ledger_accounts (id, kind, owner_id, region_code, person_id, balance)
         select gen_random_uuid(), 'individual', p.id::text, 'demo', p.id, $3::int8
           from persons p where p.id_number between '9' || lpad($1::text, 17, '0') and '9' || lpad($2::text, 17, '0')`,
        [from, to, OPENING_BALANCE],
      );
      rows += persons.rowCount + ecards.rowCount + accounts.rowCount;
    });
  }
  await db.transaction(async (tx) => {
    const opening = randomUUID();
    await tx.query(
      `insert into ledger_accounts (id, kind, owner_id, region_code, balance) values ($1, 'opening_balance', 'demo', 'demo', $2)`,
      [opening, -OPENING_BALANCE * people],
    );
    const posting = randomUUID();
    await tx.query(
      `insert into ledger_postings (id, kind, reference_type, reference_id, region_code, memo) values ($1, 'deposit', 'bench', 'opening', 'demo', 'benchmark opening balances')`,
      [posting],
    );
    const entries = await tx.query(
      `insert into ledger_entries (posting_id, account_id, amount)
       select $1::uuid, id, balance from ledger_accounts where kind = 'individual'
       union all select $1::uuid, $2::uuid, $3::int8`,
      [posting, opening, -OPENING_BALANCE * people],
    );
    rows += entries.rowCount + 2;
  });
  await db.query('analyze');
  const seconds = (performance.now() - t0) / 1000;
  return { people, rows, seconds, rowsPerSec: rows / seconds };
}
