/** The API answers the person's app reads, named from the generated types of /openapi.json. */
import type { Answer, RequestBody } from '../shared/api-types.ts';

export type Me = Answer<'getMe'>;
export type IdentityResult = Answer<'verifyIdentity'>;
export type QrCode = Answer<'getMyQrCode'>;

export type Binding = Answer<'listMyRelatives'>['relatives'][number];
export type RelativeInput = RequestBody<'bindRelatives'>['relatives'][number];
export type BindResult = Answer<'bindRelatives'>;
export type FamilyRequest = Answer<'listFamilyRequests'>['requests'][number];

export type Office = Answer<'listOffices'>['offices'][number];

export type MyCards = Answer<'getMyCards'>;
export type CardApplication = MyCards['applications'][number];
export type PhysicalCard = MyCards['cards'][number];

export type Settlement = Answer<'listMySettlements'>['settlements'][number];
export type Statement = Answer<'listMyStatements'>['statements'][number];
export type Notification = Answer<'listMyNotifications'>['notifications'][number];

export type Essc = Answer<'getMyEssc'>;
export type EsscChannel = Essc['channel'];
export type Bank = NonNullable<Essc['bankAccount']>['bank'];
export type EsscQrCode = Answer<'getMyEsscQrCode'>;
/** One of my approvals and filings (GET /v1/me/approvals). */
export type MyApproval = Answer<'listMyApprovals'>['approvals'][number];
export type Filing = Answer<'listMyFilings'>['filings'][number];
export type FilingRegion = Answer<'listFilingRegions'>['regions'][number];
