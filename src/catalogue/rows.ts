/**
 * One catalogue file, read and checked: pure, no I/O. The agency's medical insurance catalogues (drugs,
 * medical service items, medical consumables) arrive as CSV, one kind per file; a file either loads whole
 * or not at all, so every bad row is reported by its line with a stable code and its parameters.
 *
 * Columns (header names, any order; unknown columns are refused so a misspelt one is not silently lost):
 * `code`, `name`, `class` (A/B/C or 甲/乙/丙), `dosage_form`, `specification`, `unit`, `price_limit` (fen),
 * `self_pay_first_bp` (class B only), `service_type` (`large_equipment` for service items,
 * `special_material` for consumables; empty: the bill's ordinary rule), `restrictions`, `valid_from`,
 * `valid_to` (YYYY-MM-DD). Restrictions are `;`-separated: `setting=inpatient`, `service=special_outpatient`,
 * `gender=female|male`, `age=MIN-MAX`, `max_daily=N`.
 */
import { readCsv } from '../platform/csv.ts';
import type { ErrorCode } from '../platform/error-codes.ts';

export const CATALOGUE_KINDS = ['drug', 'service', 'material'] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];
export const CATALOGUE_CLASSES = ['A', 'B', 'C'] as const;
export type CatalogueClass = (typeof CATALOGUE_CLASSES)[number];

/** Where an item may be paid by the fund; absent fields restrict nothing. */
export interface Restrictions {
  setting?: 'inpatient' | 'outpatient';
  serviceType?: 'special_outpatient';
  gender?: 'female' | 'male';
  ageMin?: number;
  ageMax?: number;
  /** Most units a day before the agency's review flags the settlement. */
  maxDaily?: number;
}

export interface CatalogueRow {
  code: string;
  name: string;
  class: CatalogueClass;
  dosageForm: string | null;
  specification: string | null;
  unit: string | null;
  /** Fen; the part of a unit price above it is the person's own. */
  priceLimit: number | null;
  /** Basis points; class B only, else the policy's. */
  selfPayFirstBp: number | null;
  serviceType: 'large_equipment' | 'special_material' | null;
  restrictions: Restrictions;
  validFrom: string | null;
  validTo: string | null;
}

/** A row with every optional column empty but those given: for data written in code (the demo, tests). */
export const catalogueRow = (
  r: Partial<CatalogueRow> & Pick<CatalogueRow, 'code' | 'name' | 'class'>,
): CatalogueRow => ({
  dosageForm: null,
  specification: null,
  unit: null,
  priceLimit: null,
  selfPayFirstBp: null,
  serviceType: null,
  restrictions: {},
  validFrom: null,
  validTo: null,
  ...r,
});

export interface RowError {
  line: number;
  code: ErrorCode;
  /** What was wrong, as parameters of the code's text. */
  params: Record<string, string | number>;
}

const COLUMNS = [
  'code',
  'name',
  'class',
  'dosage_form',
  'specification',
  'unit',
  'price_limit',
  'self_pay_first_bp',
  'service_type',
  'restrictions',
  'valid_from',
  'valid_to',
] as const;
type Column = (typeof COLUMNS)[number];

/** A national code, or an institution's own item code. */
export const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CLASS_NAMES: Record<string, CatalogueClass> = { A: 'A', B: 'B', C: 'C', 甲: 'A', 乙: 'B', 丙: 'C' };
/** Which kind may carry which special service type. */
const SERVICE_TYPE_OF_KIND: Record<CatalogueKind, CatalogueRow['serviceType']> = {
  drug: null,
  service: 'large_equipment',
  material: 'special_material',
};
/** The largest price limit, fen: 100 million yuan, far beyond any item and safely an integer. */
const MAX_PRICE_LIMIT = 10_000_000_000;

/** A calendar date that exists, written YYYY-MM-DD. */
export function isCalendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  // A round trip through UTC midnight: a calendar check, not a business date.
  // eslint-disable-next-line no-restricted-syntax
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const wholeNumber = (s: string, max: number): number | null =>
  /^\d{1,15}$/.test(s) && Number(s) <= max ? Number(s) : null;

/** Parses the `restrictions` cell; a problem is returned as its parameters. */
export function parseRestrictions(cell: string): Restrictions | { problem: string } {
  const out: Restrictions = {};
  for (const raw of cell.split(';')) {
    const part = raw.trim();
    if (!part) continue;
    const [key, value = ''] = part.split('=').map((x) => x.trim());
    if (key === 'setting' && (value === 'inpatient' || value === 'outpatient') && !out.setting)
      out.setting = value;
    else if (key === 'service' && value === 'special_outpatient' && !out.serviceType) out.serviceType = value;
    else if (key === 'gender' && (value === 'female' || value === 'male') && !out.gender) out.gender = value;
    else if (key === 'age' && out.ageMin === undefined) {
      const m = /^(\d{1,3})-(\d{1,3})$/.exec(value);
      if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 150) return { problem: part };
      out.ageMin = Number(m[1]);
      out.ageMax = Number(m[2]);
    } else if (key === 'max_daily' && out.maxDaily === undefined) {
      const n = wholeNumber(value, 100_000);
      if (!n) return { problem: part };
      out.maxDaily = n;
    } else return { problem: part };
  }
  return out;
}

export interface ParsedCatalogue {
  rows: CatalogueRow[];
  errors: RowError[];
}

/** Reads a catalogue CSV of one kind: every good row, and every bad one by line. */
export function parseCatalogueCsv(text: string, kind: CatalogueKind): ParsedCatalogue {
  const csv = readCsv(text);
  if ('error' in csv)
    return { rows: [], errors: [{ line: 0, code: 'malformed_csv', params: { reason: csv.error } }] };
  const { records } = csv;
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const unknown = header.find((h) => !(COLUMNS as readonly string[]).includes(h));
  const missing = (['code', 'name', 'class'] as const).find((c) => !header.includes(c));
  if (unknown !== undefined || missing || new Set(header).size !== header.length)
    return {
      rows: [],
      errors: [{ line: 1, code: 'missing_header', params: { columns: COLUMNS.join(',') } }],
    };
  const col = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
  const rows: CatalogueRow[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((rec, i) => {
    const line = i + 2;
    const cell = (c: Column) => (col[c] >= 0 ? (rec[col[c]] ?? '').trim() : '');
    const optional = (c: Column) => cell(c) || null;
    const bad = (field: string, value = cell(field as Column)) =>
      errors.push({ line, code: 'invalid_catalogue_row', params: { field, value } });

    const code = cell('code');
    if (!CODE.test(code)) return bad('code');
    const earlier = seen.get(code);
    if (earlier)
      return errors.push({ line, code: 'duplicate_catalogue_code', params: { code, line: earlier } });
    seen.set(code, line);
    const name = cell('name');
    if (!name || name.length > 200) return bad('name');
    const cls = CLASS_NAMES[cell('class').toUpperCase()] ?? CLASS_NAMES[cell('class')];
    if (!cls) return bad('class');
    for (const c of ['dosage_form', 'specification', 'unit'] as const)
      if (cell(c).length > 100) return bad(c);
    if (kind !== 'drug' && cell('dosage_form')) return bad('dosage_form');

    let priceLimit: number | null = null;
    if (cell('price_limit')) {
      priceLimit = wholeNumber(cell('price_limit'), MAX_PRICE_LIMIT);
      if (!priceLimit) return bad('price_limit');
    }
    let selfPayFirstBp: number | null = null;
    if (cell('self_pay_first_bp')) {
      selfPayFirstBp = wholeNumber(cell('self_pay_first_bp'), 10_000);
      if (selfPayFirstBp === null || cls !== 'B') return bad('self_pay_first_bp');
    }
    const serviceType = optional('service_type');
    if (serviceType !== null && serviceType !== SERVICE_TYPE_OF_KIND[kind]) return bad('service_type');

    const restrictions = parseRestrictions(cell('restrictions'));
    if ('problem' in restrictions) return bad('restrictions', restrictions.problem);
    const validFrom = optional('valid_from');
    const validTo = optional('valid_to');
    if (validFrom !== null && !isCalendarDate(validFrom)) return bad('valid_from');
    if (validTo !== null && (!isCalendarDate(validTo) || (validFrom !== null && validTo < validFrom)))
      return bad('valid_to');

    rows.push({
      code,
      name,
      class: cls,
      dosageForm: optional('dosage_form'),
      specification: optional('specification'),
      unit: optional('unit'),
      priceLimit,
      selfPayFirstBp,
      serviceType: serviceType as CatalogueRow['serviceType'],
      restrictions,
      validFrom,
      validTo,
    });
  });
  if (records.length < 2 && errors.length === 0)
    errors.push({ line: 1, code: 'empty_catalogue', params: {} });
  return { rows, errors };
}

/** True when two rows of the same code say the same thing (an unchanged row makes no new entry). */
export function sameRow(a: CatalogueRow, b: CatalogueRow): boolean {
  return canonical(a) === canonical(b);
}
/** A row as text with its fields and its restrictions' keys in one order, whatever order they were built in. */
const canonical = (r: CatalogueRow) => {
  const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
  const fields: Omit<CatalogueRow, 'restrictions'> = {
    code: r.code,
    name: r.name,
    class: r.class,
    dosageForm: r.dosageForm,
    specification: r.specification,
    unit: r.unit,
    priceLimit: r.priceLimit,
    selfPayFirstBp: r.selfPayFirstBp,
    serviceType: r.serviceType,
    validFrom: r.validFrom,
    validTo: r.validTo,
  };
  // Only the row's own fields: an entry read back from the store also carries its kind and version.
  return JSON.stringify([fields, sorted(r.restrictions)]);
};
