/** The API answers the terminal app reads, named from the generated types of /openapi.json (money in fen). */
import type { Answer, RequestBody } from '../shared/api-types.ts';

/** GET /v1/terminal/me */
export type TerminalMe = Answer<'getTerminalMe'>;
export type TerminalView = Answer<'listTerminals'>['terminals'][number];

/** One item of the institution's price list, with what the agency's data says of its code (`mapping`). */
export type PriceItem = Answer<'getTerminalPriceList'>['items'][number];
/** The item code's mapping to the agency's catalogue; null: not mapped. */
export type PriceItemMapping = NonNullable<PriceItem['mapping']>;

type SettleBody = RequestBody<'settle'>;
export type Setting = SettleBody['bill']['setting'];
export type SpecialOutpatient = NonNullable<SettleBody['bill']['specialOutpatient']>;
/** The diseases of approved special outpatient care, in the order the till offers them. */
export const SPECIAL_OUTPATIENT_DISEASES = [
  'dialysis',
  'anti_rejection',
  'chemotherapy',
  'radiotherapy',
  'interventional',
  'nuclide',
] as const satisfies readonly SpecialOutpatient[];
/** The bill as POST /v1/terminal/settlements takes it. */
export type Bill = SettleBody['bill'];

/** Who pays: the scanned QR text, or the physical card with its chip PIN. */
export type Payer = Required<Pick<SettleBody, 'qr'>> | Required<Pick<SettleBody, 'card'>>;

/** POST /v1/terminal/scan */
export type Eligibility = Answer<'scan'>;

/** A settlement (or an estimate, with `id` null). */
export type Settlement = Answer<'settle'>;

/** GET /v1/terminal/settlements[/{id}]: a settlement of this institution with the lines already refunded. */
export type TerminalSettlement = Answer<'getTerminalSettlement'>;

/** POST /v1/terminal/settlements/{id}/refunds */
export type Refund = Answer<'refundSettlement'>;

/** One of the institution's item mappings to the agency's catalogue, with its review status. */
export type ItemMapping = Answer<'listInstitutionMappings'>['mappings'][number];
