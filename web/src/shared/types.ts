/**
 * The API answers more than one app reads, written once, matching the schemas of /openapi.json
 * (money in integer fen). Answers only one app reads, or that an app reads only in part, stay in
 * that app's own `types.ts`.
 */

export type IdentityStatus = 'unverified' | 'pending_review' | 'verified' | 'rejected';

export const KINSHIPS = ['spouse', 'parent', 'child', 'grandparent', 'grandchild', 'sibling'] as const;
export type Kinship = (typeof KINSHIPS)[number];

export const ECARD_CHANNELS = ['app', 'wechat', 'alipay', 'bank_app'] as const;
export type EcardChannel = (typeof ECARD_CHANNELS)[number];

/** An e-card (`Ecard` in the OpenAPI document). */
export interface Ecard {
  id: string;
  personId: string;
  status: 'applied' | 'active' | 'suspended' | 'revoked';
  appliedChannel: EcardChannel;
  channels: EcardChannel[];
  paymentOpen: boolean;
  physicalCardNumber: string | null;
  suspendedBy: 'person' | 'staff' | null;
  appliedAt: string;
  activatedAt: string | null;
  paymentOpenedAt: string | null;
}

/** One movement of an individual account (src/ledger/routes.ts `MovementView`). */
export interface AccountMovement {
  entryId: string;
  postingId: string;
  kind: 'settlement' | 'refund' | 'institution_payment' | 'contribution' | 'deposit';
  referenceType: string;
  onBehalfOf: 'self' | 'relative' | null;
  referenceId: string;
  amount: number;
  memo: string;
  at: string;
}

/** An individual account with a page of its movements (src/ledger/routes.ts `AccountBody`). */
export interface Account {
  balance: number;
  movements: AccountMovement[];
  nextCursor: string | null;
}

/** One month of contributions (src/contributions/routes.ts `PersonMonths`). */
export interface ContributionMonth {
  month: string;
  employerPremium: number;
  ownPremium: number;
  credited: number;
  base: number;
  status: 'due' | 'paid';
  payer: 'employer' | 'self';
}

/** Where a settlement stands (an estimate is never stored). */
export type SettlementStatus = 'estimate' | 'settled' | 'partially_refunded' | 'refunded';

/** The totals of a settlement (src/settlement/routes.ts `Totals`). */
export interface SettlementTotals {
  total: number;
  outOfCatalogue: number;
  selfPayFirst: number;
  withoutApproval: number;
  policyScope: number;
  deductiblePaid: number;
  fund: number;
  ceilingOverflow: number;
  person: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
  accountBalanceAfter: number;
  relativeAccountBalanceAfter: number | null;
  fundCeiling: number;
  fundLimitRemaining: number;
}

/** A designated institution (src/institutions/routes.ts `InstitutionView`). */
export interface Institution {
  id: string;
  code: string;
  name: string;
  kind: 'hospital' | 'pharmacy';
  tier: number | null;
  regionCode: string;
  acceptsEcard: boolean;
  status: 'designated' | 'suspended';
}

/** One scan of a QR code or card at a till (src/institutions/routes.ts `ScanAuditView`). */
export interface ScanAuditEntry {
  id: string;
  institutionId: string;
  terminalId: string;
  at: string;
  method: 'qr' | 'card';
  outcome: 'accepted' | 'refused';
  reason: string | null;
  ecardId: string | null;
  personId: string | null;
}

/** A day's sums of settlements or of refunds (src/settlement/routes.ts `Figures`). */
export interface ReconciliationFigures {
  count: number;
  total: number;
  fund: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
}

/** An institution's business day (src/settlement/routes.ts `ReconciliationSchema`). */
export interface Reconciliation {
  institutionId: string;
  businessDate: string;
  settlements: ReconciliationFigures;
  refunds: ReconciliationFigures;
  owedByAgency: number;
  paid: { amount: number; paidAt: string } | null;
}
