/**
 * The terminal's scan before billing: who pays, their insured status, what can pay, the policy in force.
 * It lives beside the settlement it prepares (it reads the policy), so src/qr stays below src/settlement.
 */
import { Type } from 'typebox';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole, type Caller, type Ctx } from '../platform/context.ts';
import { AppError, badRequest } from '../platform/errors.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { businessDate } from '../platform/business-date.ts';
import { loadEcardForPayment, type EcardForPayment } from '../cards/ecard.ts';
import { pinCheckError, verifyCardPin } from '../cards/cards.ts';
import { recordScan } from '../institutions/store.ts';
import { balanceOf, findAccount } from '../ledger/ledger.ts';
import { QrCardFrozen, QrCardRevoked, QrTokenReplayed } from '../qr/errors.ts';
import { verifyScannedCode } from '../qr/scan.ts';
import { isConsumed, type QrKeySets } from '../qr/store.ts';
import type { KeySet, TokenClaims } from '../qr/token.ts';
import { loadEsscForPayment } from '../essc/essc.ts';
import type { Credential } from './settle.ts';
import { policyInForce } from './policy-store.ts';

/** Which credential identified the payer, as the API shows it. */
export const CredentialSchema = Type.Union(
  [Type.Literal('ecard'), Type.Literal('essc'), Type.Literal('card')],
  {
    description: 'ecard: the e-voucher’s QR code; essc: the e-SSC’s QR code; card: the physical card',
  },
);

/** The electronic card a scanned code names, in the scan's terms (an e-SSC's second level opens payment). */
interface ScannedCard {
  id: string;
  personId: string;
  status: string;
  paymentOpen: boolean;
}

/** `verifyScannedCode`, then the card the token names (the e-voucher or the e-SSC), if any. */
async function readScannedCode(
  ctx: Ctx,
  keys: QrKeySets,
  institutionId: string | null,
  text: string,
): Promise<{ claims: TokenClaims; credential: KeySet; card: ScannedCard | null }> {
  const { keySet, claims } = await verifyScannedCode(ctx, keys, institutionId, text);
  if (keySet === 'essc') {
    const e = await loadEsscForPayment(ctx.db, claims.ecardId);
    return {
      claims,
      credential: keySet,
      card: e && { id: e.id, personId: e.personId, status: e.status, paymentOpen: e.secondLevel },
    };
  }
  const ecard: EcardForPayment | null = await loadEcardForPayment(ctx.db, claims.ecardId);
  return { claims, credential: keySet, card: ecard };
}

interface ScanRequest {
  qr?: string;
  card?: { number: string; pin: string };
}

export interface Eligibility {
  method: 'qr' | 'card';
  /** The credential read: the e-voucher's QR code, the e-SSC's QR code, or the physical card. */
  credential: Credential;
  person: {
    maskedName: string;
    maskedIdNumber: string;
    insuranceType: string;
    retired: boolean;
    status: string;
  };
  /** The e-voucher read, or the e-SSC (`paymentOpen`: its second-level issuance), by `credential`. */
  ecard: { status: string; paymentOpen: boolean } | null;
  card: { status: string } | null;
  /** Whether the individual account can pay now (open payment for a QR code, a positive balance). */
  canPayFromAccount: boolean;
  accountBalance: number;
  policy: { regionCode: string; version: string };
  /** When the scanned QR code stops being valid. */
  expiresAt: string | null;
}

/**
 * Checks a scanned QR code (or a physical card with its chip PIN) and returns what the cashier needs to
 * know before billing. Nothing is consumed: the settlement does that. Every scan, accepted or refused, is
 * written to the audit trail with the reason.
 */
export async function scan(
  ctx: Ctx,
  keys: QrKeySets,
  terminal: Caller,
  req: ScanRequest,
): Promise<Eligibility> {
  const method = req.card ? 'card' : 'qr';
  const audit = {
    institutionId: terminal.institutionId!,
    terminalId: terminal.terminalId!,
    regionCode: terminal.regionCode!,
    at: ctx.now,
    method,
  } as const;
  let ids: { ecardId?: string | null; personId?: string | null } = {};
  try {
    const result = await check(ctx, keys, terminal.institutionId!, req, (found) => (ids = found));
    await recordScan(ctx.db, { ...audit, outcome: 'accepted', reason: null, ...ids });
    return result;
  } catch (err) {
    if (err instanceof AppError)
      await recordScan(ctx.db, { ...audit, outcome: 'refused', reason: err.code, ...ids });
    throw err;
  }
}

/**
 * The eligibility of a code of this region's person scanned at another region's till (src/regions): the same
 * checks, the institution's own having been made by its region; nothing consumed, no audit row here.
 */
export function eligibilityAcross(ctx: Ctx, keys: QrKeySets, qr: string): Promise<Eligibility> {
  return check(ctx, keys, null, { qr }, () => undefined);
}

async function check(
  ctx: Ctx,
  keys: QrKeySets,
  institutionId: string | null,
  req: ScanRequest,
  found: (ids: { ecardId?: string | null; personId?: string | null }) => void,
): Promise<Eligibility> {
  if (!!req.qr === !!req.card) throw badRequest('payer_required', 'Send exactly one of `qr` or `card`');
  let personId: string;
  let credential: Credential = 'card';
  let ecard: ScannedCard | null = null;
  let card: { status: string } | null = null;
  let expiresAt: string | null = null;
  if (req.qr) {
    const read = await readScannedCode(ctx, keys, institutionId, req.qr);
    const claims = read.claims;
    credential = read.credential;
    found({ ecardId: claims.ecardId });
    ecard = read.card;
    if (!ecard || ecard.status === 'revoked' || ecard.status === 'ended') throw new QrCardRevoked();
    found({ ecardId: ecard.id, personId: ecard.personId });
    if (ecard.status !== 'active') throw new QrCardFrozen(`The card is ${ecard.status}`);
    if (await isConsumed(ctx.db, claims)) throw new QrTokenReplayed();
    personId = ecard.personId;
    expiresAt = claims.expiresAt.toISOString();
  } else {
    const c = req.card!;
    const pin = await ctx.db.transaction((tx) => verifyCardPin(tx, c.number, c.pin, ctx.now));
    if (!pin.ok) throw pinCheckError(pin);
    found({ personId: pin.personId });
    personId = pin.personId;
    card = { status: pin.status };
  }
  const { rows } = await ctx.db.query<{
    id_number: string;
    name: string;
    insurance_type: string;
    retired: boolean;
    status: string;
    region_code: string;
  }>('select id_number, name, insurance_type, retired, status, region_code from persons where id = $1', [
    personId,
  ]);
  const p = rows[0]!;
  const policy = await policyInForce(ctx.db, p.region_code, businessDate(ctx.now));
  const account = await findAccount(ctx.db, 'individual', personId);
  const accountBalance = account ? await balanceOf(ctx.db, account) : 0;
  return {
    method: req.qr ? 'qr' : 'card',
    credential,
    person: {
      maskedName: maskName(p.name),
      maskedIdNumber: maskIdNumber(p.id_number),
      insuranceType: p.insurance_type,
      retired: p.retired,
      status: p.status,
    },
    ecard: ecard ? { status: ecard.status, paymentOpen: ecard.paymentOpen } : null,
    card,
    canPayFromAccount:
      p.status === 'active' && accountBalance > 0 && (req.card ? true : (ecard?.paymentOpen ?? false)),
    accountBalance,
    policy: { regionCode: p.region_code, version: policy.version },
    expiresAt,
  };
}

export async function eligibilityRoutes(app: App): Promise<void> {
  app.post(
    '/v1/terminal/scan',
    {
      schema: {
        operationId: 'scan',
        summary:
          'Check a scanned QR code of the e-voucher or the e-SSC (or a physical card with its chip PIN): who, insured status, what can pay',
        description:
          'Nothing is consumed; the settlement consumes the code. Every scan, accepted or refused, is written to the audit trail. Refusals: `qr_expired`, `qr_bad_signature`, `qr_unknown_key`, `qr_replayed`, `qr_card_frozen`, `qr_card_revoked`, `ecard_not_accepted`, and the card PIN codes.',
        tags: ['terminal'],
        security: bearer,
        body: Type.Object({
          qr: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
          card: Type.Optional(
            Type.Object({
              number: Type.String({ minLength: 1, maxLength: 20 }),
              pin: Type.String({ pattern: '^\\d{6}$' }),
            }),
          ),
        }),
        response: {
          200: Type.Object({
            method: Type.Union([Type.Literal('qr'), Type.Literal('card')]),
            credential: CredentialSchema,
            person: Type.Object({
              maskedName: Type.String(),
              maskedIdNumber: Type.String(),
              insuranceType: Type.String(),
              retired: Type.Boolean(),
              status: Type.String(),
            }),
            ecard: Type.Union([
              Type.Object({ status: Type.String(), paymentOpen: Type.Boolean() }),
              Type.Null(),
            ]),
            card: Type.Union([Type.Object({ status: Type.String() }), Type.Null()]),
            canPayFromAccount: Type.Boolean(),
            accountBalance: Type.Integer({ description: 'fen' }),
            policy: Type.Object({ regionCode: Type.String(), version: Type.String() }),
            expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          }),
          ...errorResponses(401, 403, 409, 422),
        },
      },
    },
    async (req) => {
      const terminal = requireRole(req, 'terminal');
      // A code signed by another region of the federation: its insured region says (src/regions).
      if (app.regions && (await app.regions.insuredRegionOf(req.body.qr)))
        return app.regions.eligibility(ctxOf(req), terminal, req.body.qr!);
      return scan(ctxOf(req), app.qrKeySets, terminal, req.body);
    },
  );
}
