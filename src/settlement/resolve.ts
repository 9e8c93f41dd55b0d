/**
 * How the agency's data decides what the fund covers on a bill (docs/POLICY.md, "From a bill line to its
 * figures"). A till sends its own item codes, quantities and unit prices; this resolves each line into the
 * calculator's item: the institution's approved mapping names the catalogue code, the catalogue entry in force
 * on the settlement date gives class, price limit, self-pay-first ratio, special rule and restrictions, and the
 * person's approvals give the approval (and a special material's reference price). Pure: the reads that feed it
 * are `billCoverageRead` (catalogue/store.ts) and `approvalsInForceRead` (catalogue/approvals.ts).
 */
import type { Bill, BillItem, CareSetting } from './calculator.ts';
import type { CatalogueClass } from '../catalogue/rows.ts';
import type { MappedEntry } from '../catalogue/store.ts';
import { SPECIAL_OUTPATIENT_DISEASES, type ApprovalInForce } from '../catalogue/approvals.ts';

type SpecialOutpatientDisease = (typeof SPECIAL_OUTPATIENT_DISEASES)[number];

/** One line of a till's bill: the institution's own item, nothing about coverage. */
interface TillItem {
  /** The institution's own item code (its price list's). */
  code: string;
  /** The name printed on the receipt; the catalogue's name when absent. */
  name?: string;
  quantity: number;
  /** Fen. */
  unitPrice: number;
}

/** A till's bill: the care setting, the special outpatient disease of the visit if it is one, the lines. */
export interface TillBill {
  setting: CareSetting;
  specialOutpatient?: SpecialOutpatientDisease;
  items: readonly TillItem[];
}

/** What the agency's data said of a line, recorded beside the settlement. */
interface LineCoverage {
  catalogueCode: string | null;
  class: CatalogueClass | null;
  approvalId: string | null;
}

export interface ResolvedBill {
  bill: Bill;
  coverage: LineCoverage[];
}

/** The entry when it is valid on `day` (its own validity period, beside the version's date). */
function validOn(entry: MappedEntry | undefined, day: string): MappedEntry | undefined {
  if (!entry) return undefined;
  if (entry.validFrom !== null && day < entry.validFrom) return undefined;
  if (entry.validTo !== null && day > entry.validTo) return undefined;
  return entry;
}

/**
 * Resolves a till's bill against the catalogue entries mapped to its item codes (`mapped`, by the
 * institution's item code, as in force on `day`) and the person's approvals.
 */
export function resolveBill(
  till: TillBill,
  mapped: ReadonlyMap<string, MappedEntry>,
  approvals: readonly ApprovalInForce[],
  day: string,
): ResolvedBill {
  const coverage: LineCoverage[] = [];
  const items = till.items.map((line): BillItem => {
    const entry = validOn(mapped.get(line.code), day);
    const ordinary =
      till.specialOutpatient && till.setting === 'outpatient' ? 'special_outpatient' : till.setting;
    const base = { code: line.code, quantity: line.quantity, unitPrice: line.unitPrice };
    if (!entry) {
      coverage.push({ catalogueCode: null, class: null, approvalId: null });
      return { ...base, name: line.name ?? line.code, catalogue: 'out', serviceType: till.setting };
    }
    const serviceType = entry.serviceType ?? ordinary;
    const approval = approvalFor(serviceType, entry.code, till.specialOutpatient, approvals);
    coverage.push({ catalogueCode: entry.code, class: entry.class, approvalId: approval?.id ?? null });
    const item: BillItem = {
      ...base,
      name: line.name ?? entry.name,
      catalogue: 'in',
      category: entry.class,
      serviceType,
    };
    if (entry.priceLimit !== null) item.priceLimit = entry.priceLimit;
    if (entry.class === 'B' && entry.selfPayFirstBp !== null) item.selfPayFirstBp = entry.selfPayFirstBp;
    const restricted = restrictionBroken(entry, till.setting, serviceType);
    if (restricted) item.restrictedTo = restricted;
    if (approval) {
      item.approvalRef = approval.id;
      if (approval.domesticReferencePrice !== null)
        item.domesticReferencePrice = approval.domesticReferencePrice;
      if (approval.importedReferencePrice !== null)
        item.importedReferencePrice = approval.importedReferencePrice;
    }
    return item;
  });
  return { bill: { setting: till.setting, items }, coverage };
}

/**
 * The restriction of the entry this line does not meet, among those known at the till (the setting and
 * approved special outpatient care); gender, age and daily quantity are the agency's review's to flag.
 */
function restrictionBroken(
  entry: MappedEntry,
  setting: CareSetting,
  serviceType: BillItem['serviceType'],
): BillItem['restrictedTo'] {
  const r = entry.restrictions;
  if (r.setting && r.setting !== setting) return r.setting;
  if (r.serviceType === 'special_outpatient' && serviceType !== 'special_outpatient')
    return 'special_outpatient';
  return undefined;
}

/** The approval a line of this service type needs, when the person holds one. */
function approvalFor(
  serviceType: BillItem['serviceType'],
  catalogueCode: string,
  disease: SpecialOutpatientDisease | undefined,
  approvals: readonly ApprovalInForce[],
): ApprovalInForce | undefined {
  switch (serviceType) {
    case 'special_outpatient':
      return approvals.find((a) => a.kind === 'special_outpatient' && a.subject === disease);
    case 'large_equipment':
    case 'special_material':
      return approvals.find((a) => a.kind === serviceType && a.subject === catalogueCode);
    default:
      return undefined;
  }
}

/** The fields with which a till once declared coverage itself; the agency's data decides them now. */
const COVERAGE_FIELDS = [
  'catalogue',
  'category',
  'serviceType',
  'priceLimit',
  'selfPayFirstBp',
  'domesticReferencePrice',
  'importedReferencePrice',
  'approvalRef',
  'restrictedTo',
] as const;

/** The path of the first coverage field a till's bill still declares (`bill.items.2.catalogue`), if any. */
export function declaredCoverage(bill: TillBill): string | null {
  for (const [index, item] of bill.items.entries()) {
    const field = COVERAGE_FIELDS.find((f) => f in item);
    if (field) return `bill.items.${index}.${field}`;
  }
  return null;
}
