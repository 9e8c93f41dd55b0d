/**
 * The API answers more than one app reads, named from the generated types of /openapi.json (money in integer
 * fen). Answers only one app reads stay in that app's own `types.ts`, named the same way.
 */
import type { Answer } from './api-types.ts';

/** An e-card (`Ecard` in the OpenAPI document). */
export type Ecard = Answer<'getMyEcard'>;
export type EcardChannel = Ecard['appliedChannel'];
/** The e-card channels in the order the screens offer them. */
export const ECARD_CHANNELS = [
  'app',
  'wechat',
  'alipay',
  'bank_app',
] as const satisfies readonly EcardChannel[];

export type Kinship = Answer<'listMyRelatives'>['relatives'][number]['kinship'];
/** The kinships in the order the screens offer them. */
export const KINSHIPS = [
  'spouse',
  'parent',
  'child',
  'grandparent',
  'grandchild',
  'sibling',
] as const satisfies readonly Kinship[];

/** An individual account with a page of its movements. */
export type Account = Answer<'getMyIndividualAccount'>;
/** One movement of an individual account. */
export type AccountMovement = Account['movements'][number];

/** One month of contributions. */
export type ContributionMonth = Answer<'listMyContributions'>['months'][number];

/** The totals of a settlement. */
export type SettlementTotals = Answer<'settle'>['result']['totals'];

/** A designated institution. */
export type Institution = Answer<'listInstitutions'>['institutions'][number];

/** One scan of a QR code or card at a till. */
export type ScanAuditEntry = Answer<'listScanAudit'>['scans'][number];

/** An institution's business day. */
export type Reconciliation = Answer<'getTerminalReconciliation'>;
/** A day's sums of settlements or of refunds. */
export type ReconciliationFigures = Reconciliation['settlements'];
