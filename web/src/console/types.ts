/** The API answers the console reads, written once, matching the OpenAPI schemas (`/openapi.json`). */

import type { IdentityStatus, Kinship, SettlementStatus } from '../shared/types.ts';

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
type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
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

type CardStatus = 'issued' | 'active' | 'frozen' | 'replaced' | 'cancelled';
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

/** The part of a settlement the console shows. */
export interface Settlement {
  id: string | null;
  estimate: boolean;
  status: SettlementStatus;
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

interface FamilyBinding {
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

type SpecialServiceType = 'large_equipment' | 'special_material' | 'special_outpatient';
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
