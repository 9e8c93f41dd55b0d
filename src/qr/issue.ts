import type { Ctx } from '../platform/context.ts';
import { forbidden, notFound, unprocessable } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import { renderQr } from './render.ts';
import { issueToken } from './token.ts';
import type { KeyRingCache } from './store.ts';

/** A fresh signed code and its pictures. */
export interface SignedQr {
  token: string;
  issuedAt: string;
  expiresAt: string;
  ttlSeconds: number;
  svg: string;
  pngDataUrl: string;
}

export interface IssuedQr extends SignedQr {
  /** Whose card the code pays with: the viewer's own, or a relative's (masked name). */
  holder: { self: boolean; maskedName: string };
}

/**
 * Signs a one-time, short-lived code for an electronic card with its key set's current key (the cache's set:
 * the e-voucher's, or the e-SSC's) and renders it. The caller checks that the card may pay.
 */
export async function signedQr(ctx: Ctx, keys: KeyRingCache, cardId: string): Promise<SignedQr> {
  const ring = await keys.get(ctx.now);
  const issued = issueToken(ring, {
    ecardId: cardId,
    now: ctx.now,
    ttlSeconds: ctx.config.qrTtlSeconds,
    keySet: keys.keySet,
  });
  return {
    token: issued.token,
    issuedAt: issued.issuedAt.toISOString(),
    expiresAt: issued.expiresAt.toISOString(),
    ttlSeconds: ctx.config.qrTtlSeconds,
    ...(await renderQr(issued.token)),
  };
}

/**
 * A fresh QR code for the viewer's e-card, or for a relative's when the viewer may display it (family card
 * display permission, checked by `mayDisplay`). Only an active e-card with its payment function open gets one.
 */
export async function issueQr(
  ctx: Ctx,
  keys: KeyRingCache,
  viewerPersonId: string,
  forPersonId: string | undefined,
  mayDisplay: (viewer: string, relative: string) => Promise<boolean>,
): Promise<IssuedQr> {
  const holderId = forPersonId ?? viewerPersonId;
  const self = holderId === viewerPersonId;
  if (!self && !(await mayDisplay(viewerPersonId, holderId))) {
    throw forbidden(
      'display_not_allowed',
      'You may not show this person’s card: no confirmed family card display binding',
    );
  }
  const { rows } = await ctx.db.query<{ id: string; status: string; payment_open: boolean; name: string }>(
    `select e.id, e.status, e.payment_open, p.name from ecards e join persons p on p.id = e.person_id
      where e.person_id = $1 and e.status <> 'revoked' order by e.applied_at desc limit 1`,
    [holderId],
  );
  const ecard = rows[0];
  if (!ecard) throw notFound('ecard_not_found', self ? 'You have no e-card' : 'This relative has no e-card');
  if (ecard.status !== 'active') throw unprocessable('ecard_not_active', `The e-card is ${ecard.status}`);
  if (!ecard.payment_open) {
    throw unprocessable(
      'payment_not_open',
      'Open the e-card’s payment function first (POST /v1/me/ecard/payment)',
    );
  }
  return { ...(await signedQr(ctx, keys, ecard.id)), holder: { self, maskedName: maskName(ecard.name) } };
}
