/** The API answers the person's app reads, written once, matching the schemas of /openapi.json. */

import type { IdentityStatus, Kinship, SettlementStatus, SettlementTotals } from '../shared/types.ts';

type InsuranceType = 'employee' | 'resident' | 'flexible';

export interface Me {
  userId: string;
  role: string;
  displayName: string;
  regionCode: string | null;
  person: {
    id: string;
    idNumber: string;
    name: string;
    gender: 'male' | 'female';
    birthDate: string;
    regionCode: string;
    insuranceType: InsuranceType;
    retired: boolean;
    status: 'active' | 'suspended' | 'ended';
    employerId: string | null;
    identityStatus: IdentityStatus;
    identityReason: string | null;
  } | null;
}

export interface IdentityResult {
  status: IdentityStatus;
  reason: string | null;
}

export interface QrCode {
  token: string;
  issuedAt: string;
  expiresAt: string;
  ttlSeconds: number;
  svg: string;
  pngDataUrl: string;
  holder: { self: boolean; maskedName: string };
}

type CardDisplay = 'off' | 'pending' | 'confirmed' | 'declined';

export interface Binding {
  id: string;
  binderPersonId: string;
  relativePersonId: string;
  relativeName: string;
  relativeIdNumber: string;
  kinship: Kinship;
  channel: string;
  mutualAid: boolean;
  cardDisplay: CardDisplay;
  createdAt: string;
}

export interface RelativeInput {
  idNumber: string;
  name: string;
  kinship: Kinship;
  mutualAid: boolean;
  cardDisplay: boolean;
}

export interface BindResult {
  bound: number;
  failed: number;
  results: { row: number; status: 'bound' | 'error'; binding?: Binding; code?: string; message?: string }[];
}

export interface FamilyRequest {
  id: string;
  binderName: string;
  kinship: Kinship;
  cardDisplay: CardDisplay;
  createdAt: string;
}

export interface Office {
  id: string;
  regionCode: string;
  name: string;
  kind: 'county_centre' | 'service_point';
}

export interface CardApplication {
  id: string;
  channel: 'county_centre' | 'service_point' | 'agent' | 'employer';
  submittedVia: 'app' | 'counter' | 'employer';
  officeId: string | null;
  status: 'pending' | 'ready' | 'issued' | 'handed_out' | 'cancelled';
  dueDate: string | null;
  cardId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PhysicalCard {
  id: string;
  cardNumber: string;
  bank: string;
  status: 'issued' | 'active' | 'frozen' | 'replaced' | 'cancelled';
  withEmployer: boolean;
  issuedAt: string;
  activatedAt: string | null;
}

interface CardHistoryEntry {
  subject: 'application' | 'card' | 'ecard';
  subjectId: string;
  event: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorRole: string;
  channel: string | null;
  detail: string | null;
  at: string;
}

export interface MyCards {
  applications: CardApplication[];
  cards: PhysicalCard[];
  history: CardHistoryEntry[];
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
}

export interface Settlement {
  id: string | null;
  estimate: boolean;
  status: SettlementStatus;
  createdAt: string;
  institutionId: string;
  method: 'qr' | 'card';
  person: { maskedName: string; maskedIdNumber: string; insuranceType: string; retired: boolean };
  relativePaid: boolean;
  businessDate: string;
  result: { setting: string; lines: SettlementLine[]; totals: SettlementTotals };
}

export interface Statement {
  year: number;
  createdAt: string;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}
