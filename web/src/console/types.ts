/** The API answers the console reads, written once, matching the OpenAPI schemas (`/openapi.json`). */

export type Role = 'staff' | 'admin';

export interface Me {
  userId: string;
  role: string;
  displayName: string;
  regionCode: string | null;
}

export type OfficeKind = 'county_centre' | 'service_point' | 'window';
export interface Office {
  id: string;
  regionCode: string;
  name: string;
  kind: OfficeKind;
}

export type IdentityStatus = 'unverified' | 'pending_review' | 'verified' | 'rejected';
export interface IdentityReview {
  id: string;
  personId: string;
  idNumber: string;
  name: string;
  regionCode: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string;
  submittedAt: string;
  decisionReason: string | null;
  decidedAt: string | null;
}

export interface Person {
  id: string;
  idNumber: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  regionCode: string;
  insuranceType: 'employee' | 'resident' | 'flexible';
  retired: boolean;
  status: 'active' | 'suspended' | 'ended';
  employerId: string | null;
  identityStatus: IdentityStatus;
  identityReason: string | null;
}

export type ApplicationChannel = 'county_centre' | 'service_point' | 'agent' | 'employer';
export const APPLICATION_STATUSES = ['pending', 'ready', 'issued', 'handed_out', 'cancelled'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export interface CardApplication {
  id: string;
  personId: string;
  personIdNumber: string;
  personName: string;
  regionCode: string;
  channel: ApplicationChannel;
  submittedVia: 'app' | 'counter' | 'employer';
  officeId: string | null;
  employerId: string | null;
  batchId: string | null;
  introductionRef: string | null;
  agent: { idNumber: string; name: string } | null;
  status: ApplicationStatus;
  dueDate: string | null;
  idChecked: boolean;
  cardId: string | null;
  createdAt: string;
  updatedAt: string;
}

export type CardStatus = 'issued' | 'active' | 'frozen' | 'replaced' | 'cancelled';
export type ActivationPlace = 'bank' | 'hospital' | 'pharmacy';
export interface Card {
  id: string;
  personId: string;
  regionCode: string;
  cardNumber: string;
  bank: string;
  status: CardStatus;
  pinSet: boolean;
  pinLocked: boolean;
  withEmployer: boolean;
  handedOutAt: string | null;
  issuedAt: string;
  activatedAt: string | null;
  activationPlace: ActivationPlace | null;
  replacesCardId: string | null;
  replacedByCardId: string | null;
}

export interface ApplicationResult {
  application: CardApplication;
  card: Card | null;
}

export interface CardEvent {
  subject: 'application' | 'card' | 'ecard';
  subjectId: string;
  event: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorRole: string;
  officeId: string | null;
  channel: string | null;
  institutionId: string | null;
  detail: string | null;
  at: string;
}

export interface PersonCards {
  personId: string;
  applications: CardApplication[];
  cards: Card[];
  history: CardEvent[];
}

export interface Ecard {
  id: string;
  personId: string;
  status: 'applied' | 'active' | 'suspended' | 'revoked';
  appliedChannel: 'app' | 'wechat' | 'alipay' | 'bank_app';
  channels: Array<'app' | 'wechat' | 'alipay' | 'bank_app'>;
  paymentOpen: boolean;
  physicalCardNumber: string | null;
  suspendedBy: 'person' | 'staff' | null;
  appliedAt: string;
  activatedAt: string | null;
  paymentOpenedAt: string | null;
}

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
export interface Account {
  balance: number;
  movements: AccountMovement[];
  nextCursor: string | null;
}

export interface ContributionMonth {
  month: string;
  employerPremium: number;
  ownPremium: number;
  credited: number;
  base: number;
  status: 'due' | 'paid';
  payer: 'employer' | 'self';
}

/** The part of a settlement the console shows. */
export interface Settlement {
  id: string | null;
  estimate: boolean;
  status: 'estimate' | 'settled' | 'partially_refunded' | 'refunded';
  createdAt: string;
  institutionId: string;
  method: 'qr' | 'card';
  relativePaid: boolean;
  policyVersion: string;
  businessDate: string;
  result: {
    setting: string;
    totals: {
      total: number;
      fund: number;
      person: number;
      accountPaid: number;
      relativeAccountPaid: number;
      cashPaid: number;
    };
  };
}

export type Kinship = 'spouse' | 'parent' | 'child' | 'grandparent' | 'grandchild' | 'sibling';
export interface FamilyBinding {
  id: string;
  relativeName: string;
  relativeIdNumber: string;
  kinship: Kinship;
  channel: string;
  mutualAid: boolean;
  cardDisplay: 'off' | 'pending' | 'confirmed' | 'declined';
}
export interface FamilyResult {
  bound: number;
  failed: number;
  results: Array<{
    row: number;
    status: 'bound' | 'error';
    binding?: FamilyBinding;
    code?: string;
    message?: string;
  }>;
}

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

export interface ReconciliationSums {
  count: number;
  total: number;
  fund: number;
  accountPaid: number;
  relativeAccountPaid: number;
  cashPaid: number;
}
export interface Reconciliation {
  institutionId: string;
  businessDate: string;
  settlements: ReconciliationSums;
  refunds: ReconciliationSums;
  owedByAgency: number;
  paid: { amount: number; paidAt: string } | null;
}

export type SpecialServiceType = 'large_equipment' | 'special_material' | 'special_outpatient';
export interface PolicyRules {
  region: string;
  version: string;
  averageWageFen: number;
  fundCeilingBpOfWage: number;
  inpatient: { deductibleBpOfWage: number; fundRatioBp: { notRetired: number; retired: number } };
  outpatient: { thresholdBpOfWage: number; fundRatioBp: number };
  largeEquipment: { fundRatioBp: number };
  specialMaterial: { unitPriceLimitFen: number; domesticFundRatioBp: number; importedFundRatioBp: number };
  specialOutpatient: { fundRatioBp: number };
  approvalRequired: SpecialServiceType[];
  catalogue: { A: { selfPayFirstBp: number }; B: { selfPayFirstBp: number } };
}
export interface PolicyVersion {
  id: string;
  regionCode: string;
  version: string;
  effectiveFrom: string;
  rules: PolicyRules;
  publishedAt: string;
  used: boolean;
}

export interface Scan {
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
