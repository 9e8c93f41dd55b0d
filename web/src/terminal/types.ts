/** The API answers the terminal app reads, as the OpenAPI document describes them (money in integer fen). */

import type { Institution, SettlementStatus, SettlementTotals } from '../shared/types.ts';

export type ServiceType =
  'inpatient' | 'outpatient' | 'large_equipment' | 'special_material' | 'special_outpatient';
export const SERVICE_TYPES: readonly ServiceType[] = [
  'outpatient',
  'inpatient',
  'large_equipment',
  'special_material',
  'special_outpatient',
];
export type Catalogue = 'in' | 'out';
export type Setting = 'outpatient' | 'inpatient';

/** GET /v1/terminal/me */
export interface TerminalMe {
  terminalId: string;
  terminalName: string;
  institution: Institution;
}

export interface TerminalView {
  id: string;
  institutionId: string;
  name: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

/** One item of the institution's price list. */
export interface PriceItem {
  id: string;
  code: string;
  name: string;
  unit: string;
  unitPrice: number;
  catalogue: Catalogue;
  category: 'A' | 'B' | null;
  serviceType: ServiceType;
  updatedAt: string;
}

/** Who pays: the scanned QR text, or the physical card with its chip PIN. */
export type Payer = { qr: string } | { card: { number: string; pin: string } };

/** POST /v1/terminal/scan */
export interface Eligibility {
  method: 'qr' | 'card';
  person: {
    maskedName: string;
    maskedIdNumber: string;
    insuranceType: string;
    retired: boolean;
    status: string;
  };
  ecard: { status: string; paymentOpen: boolean } | null;
  card: { status: string } | null;
  canPayFromAccount: boolean;
  accountBalance: number;
  policy: { regionCode: string; version: string };
  expiresAt: string | null;
}

/** A bill item as POST /v1/terminal/settlements takes it. */
export interface BillItem {
  code: string;
  name: string;
  quantity: number;
  unitPrice: number;
  catalogue: Catalogue;
  category?: 'A' | 'B';
  serviceType: ServiceType;
}

interface Accumulators {
  inpatientDeductiblePaid: number;
  outpatientEligibleSpent: number;
  fundPaid: number;
}

interface SettlementLine {
  index: number;
  code: string;
  name: string;
  serviceType: string;
  amount: number;
  fund: number;
  person: number;
  personal: { account: number; relativeAccount: number; cash: number };
  outOfCatalogue: number;
  selfPayFirst: number;
  withoutApproval: number;
  policyScope: number;
  deductibleApplied: number;
  belowOutpatientThreshold: number;
  outpatientEligibleApplied: number;
  ceilingOverflow: number;
  rule: string;
  accumulatorDeltas: Accumulators;
  explanations: string[];
}

/** A settlement (or an estimate, with `id` null). */
export interface Settlement {
  id: string | null;
  estimate: boolean;
  status: SettlementStatus;
  createdAt: string;
  institutionId: string;
  terminalId: string | null;
  method: 'qr' | 'card';
  person: { maskedName: string; maskedIdNumber: string; insuranceType: string; retired: boolean };
  relativePaid: boolean;
  policyVersion: string;
  businessDate: string;
  cardActivated: boolean;
  result: {
    policyRegion: string;
    policyVersion: string;
    setting: string;
    lines: SettlementLine[];
    totals: SettlementTotals;
    accumulatorsBefore: Accumulators;
    accumulatorDeltas: Accumulators;
    newAccumulators: Accumulators;
    explanations: string[];
  };
  national: Record<string, number>;
}

/** GET /v1/terminal/settlements[/{id}]: a settlement of this institution with the lines already refunded. */
export type TerminalSettlement = Settlement & { refundedLines: number[] };

/** POST /v1/terminal/settlements/{id}/refunds */
export interface Refund {
  id: string;
  settlementId: string;
  lines: number[];
  total: number;
  fund: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
  settlementStatus: 'partially_refunded' | 'refunded';
  createdAt: string;
}

/** GET /v1/terminal/reconciliation */
