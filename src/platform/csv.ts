import { parse } from 'csv-parse/sync';

/**
 * The records of an uploaded CSV file, as every import reads them: a leading BOM dropped (spreadsheets write
 * one), cells trimmed, empty lines skipped, rows of any length. A file that is not CSV gives `{ error }`
 * with the parser's reason, for the caller to refuse as `malformed_csv`.
 */
export function readCsv(text: string): { records: string[][] } | { error: string } {
  try {
    return {
      records: parse(text.replace(/^\uFEFF/, ''), {
        relax_column_count: true,
        skip_empty_lines: true,
        trim: true,
      }),
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
