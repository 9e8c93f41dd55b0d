import { readCsv } from '../platform/csv.ts';
import type { Queryable } from '../platform/db.ts';
import type { ErrorCode } from '../platform/error-codes.ts';
import { checkIdNumber } from './id-number.ts';

export interface RegistryRow {
  idNumber: string;
  name: string;
}
interface RowError {
  line: number;
  code: ErrorCode;
  message: string;
}
export interface ParsedRegistry {
  rows: RegistryRow[];
  errors: RowError[];
}

/**
 * Parses a population-registry CSV: a header naming `id_number` and `name` (any order, extra columns
 * ignored), then one citizen per line. Bad rows are reported by line number; good rows are kept.
 */
export function parseRegistryCsv(text: string, today: Date): ParsedRegistry {
  const csv = readCsv(text);
  if ('error' in csv) return { rows: [], errors: [{ line: 0, code: 'malformed_csv', message: csv.error }] };
  const { records } = csv;
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const idCol = header.indexOf('id_number');
  const nameCol = header.indexOf('name');
  if (idCol < 0 || nameCol < 0) {
    return {
      rows: [],
      errors: [
        {
          line: 1,
          code: 'missing_header',
          message: 'The first line must name the columns id_number and name',
        },
      ],
    };
  }
  const rows: RegistryRow[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((rec, i) => {
    const line = i + 2;
    const check = checkIdNumber(rec[idCol] ?? '', today);
    const name = rec[nameCol] ?? '';
    if (!check.ok) return errors.push({ line, code: 'invalid_id_number', message: check.message });
    if (!name || name.length > 50)
      return errors.push({ line, code: 'invalid_name', message: 'name must be 1 to 50 characters' });
    const earlier = seen.get(check.info.idNumber);
    if (earlier) {
      return errors.push({
        line,
        code: 'duplicate_in_file',
        message: `the same ID number is on line ${earlier}`,
      });
    }
    seen.set(check.info.idNumber, line);
    rows.push({ idNumber: check.info.idNumber, name });
  });
  return { rows, errors };
}

/** Inserts or updates registry rows, a thousand per statement. */
export async function upsertRegistry(q: Queryable, rows: RegistryRow[], now: Date): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    await q.query(
      `insert into population_registry (id_number, name, updated_at)
       select * , $3::timestamptz from unnest($1::text[], $2::text[])
       on conflict (id_number) do update set name = excluded.name, updated_at = excluded.updated_at`,
      [batch.map((r) => r.idNumber), batch.map((r) => r.name), now],
    );
  }
}

export interface ImportReport {
  total: number;
  accepted: number;
  rejected: number;
  errors: RowError[];
}

/** Parses and loads a registry CSV in one transaction; bad rows are reported, good ones loaded. */
export async function importRegistry(
  db: { transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  text: string,
  now: Date,
): Promise<ImportReport> {
  const parsed = parseRegistryCsv(text, now);
  await db.transaction((tx) => upsertRegistry(tx, parsed.rows, now));
  return {
    total: parsed.rows.length + parsed.errors.filter((e) => e.line > 1).length,
    accepted: parsed.rows.length,
    rejected: parsed.errors.length,
    errors: parsed.errors,
  };
}
