/** The API answers the console reads, named from the generated types of /openapi.json (money in fen). */
import type { Answer, RequestBody } from '../shared/api-types.ts';

/**
 * The roles that may sign in to the console (what PasswordLogin lets in, what the pages are gated on). Not
 * from the API: GET /v1/me answers `role` as a plain string for every kind of account.
 */
export type Role = 'staff' | 'admin';

/** GET /v1/me (`person` is null for staff and administrators). */
export type Me = Answer<'getMe'>;

export type Office = Answer<'listOffices'>['offices'][number];
export type OfficeKind = Office['kind'];

export type IdentityReview = Answer<'listIdentityReviews'>['reviews'][number];

/** GET /v1/staff/persons */
export type Person = Answer<'findPerson'>;

export type CardApplication = Answer<'listCardApplications'>['applications'][number];
export type ApplicationChannel = CardApplication['channel'];
/** The channels a clerk can file an application through at the counter. */
export type CounterChannel = RequestBody<'applyForCardAtCounter'>['channel'];
type ApplicationStatus = CardApplication['status'];
/** The application statuses in the order the screens offer them. */
export const APPLICATION_STATUSES = [
  'pending',
  'ready',
  'issued',
  'handed_out',
  'cancelled',
] as const satisfies readonly ApplicationStatus[];

/** A card application with the card it led to, if any (the answer of every application transition). */
export type ApplicationResult = Answer<'applyForCardAtCounter'>;

/** GET /v1/staff/cards: a person's applications, physical cards and their history. */
export type PersonCards = Answer<'lookUpPersonCards'>;
export type Card = PersonCards['cards'][number];
export type ActivationPlace = RequestBody<'activateCard'>['place'];
export type CardEvent = PersonCards['history'][number];

/** A settlement of a person, as the staff see it. */
export type Settlement = Answer<'listPersonSettlements'>['settlements'][number];

/** POST /v1/staff/family */
export type FamilyResult = Answer<'bindRelativesAtCounter'>;
type FamilyBody = RequestBody<'bindRelativesAtCounter'>;
export type FamilyChannel = FamilyBody['channel'];
/** A relative as the counter form holds it, every switch set. */
export type RelativeRow = Required<FamilyBody['relatives'][number]>;

/** POST /v1/staff/registry/import */
export type ImportReport = Answer<'importRegistry'>;

/** A policy version with its rules. */
export type PolicyVersion = Answer<'getPolicyInForce'>;
export type PolicyRules = PolicyVersion['rules'];

/** The agency's catalogues (issue 16): versions, entries in force, the kinds a file is loaded as. */
export type CatalogueVersion = Answer<'listCatalogueVersions'>['versions'][number];
export type CatalogueEntry = Answer<'searchCatalogue'>['entries'][number];
export type CatalogueKind = CatalogueEntry['kind'];
export const CATALOGUE_KINDS = ['drug', 'service', 'material'] as const satisfies readonly CatalogueKind[];
export type CatalogueImport = Answer<'importCatalogue'>;

/** An institution's item mapping request, as the agency reviews it. */
export type MappingRequest = Answer<'listMappingReviews'>['mappings'][number];

/** A person's approval (special outpatient disease, large-equipment exam, special material). */
export type Approval = Answer<'listPersonApprovals'>['approvals'][number];
export type NewApproval = RequestBody<'createApproval'>;
export type ApprovalKind = NewApproval['kind'];
export const APPROVAL_KINDS = [
  'special_outpatient',
  'large_equipment',
  'special_material',
] as const satisfies readonly ApprovalKind[];
/** The diseases of approved special outpatient care the API accepts as a subject. */
export const SPECIAL_OUTPATIENT_DISEASES = [
  'dialysis',
  'anti_rejection',
  'chemotherapy',
  'radiotherapy',
  'interventional',
  'nuclide',
] as const;

/** A flagged settlement of the claims review, with its flags rendered in the reader's language. */
export type FlaggedClaim = Answer<'listFlaggedClaims'>['claims'][number];
export type ClaimOutcome = RequestBody<'decideClaim'>['outcome'];
export const CLAIM_OUTCOMES = ['accepted', 'recover', 'refer'] as const satisfies readonly ClaimOutcome[];
export type RegionFiling = Answer<'listRegionFilings'>['filings'][number];
export type ClearingOutcome = Answer<'runRegionClearing'>;
export type RegionReconciliation = Answer<'runRegionReconciliation'>['reconciliations'][number];
