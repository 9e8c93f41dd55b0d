import { createHash, randomUUID } from 'node:crypto';
import type { Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { notify } from '../notifications/store.ts';
import { text, type Text } from '../i18n/index.ts';
import { lockPerson, parseIdNumber, type IdentityStatus } from './store.ts';

export type PhotoType = 'image/jpeg' | 'image/png';

const MAGIC: Record<PhotoType, number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/** True when the bytes really are the declared image type (a renamed file is refused). */
function looksLike(bytes: Uint8Array, type: PhotoType): boolean {
  const magic = MAGIC[type];
  return bytes.length > magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Stores (or replaces) the person's ID photo. */
export async function uploadIdPhoto(
  ctx: Ctx,
  personId: string,
  type: PhotoType,
  bytes: Uint8Array,
): Promise<{ sha256: string; bytes: number }> {
  if (!looksLike(bytes, type)) throw unprocessable('invalid_image', `The upload is not a ${type} image`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await ctx.db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (person.identityStatus === 'verified')
      throw conflict('already_verified', 'Your identity is already verified');
    await tx.query(
      `insert into identity_photos (person_id, content_type, bytes, sha256, uploaded_at) values ($1, $2, $3, $4, $5)
       on conflict (person_id) do update set content_type = excluded.content_type, bytes = excluded.bytes,
         sha256 = excluded.sha256, uploaded_at = excluded.uploaded_at`,
      [personId, type, bytes, sha256, ctx.now],
    );
  });
  return { sha256, bytes: bytes.length };
}

export interface IdentityResult {
  status: IdentityStatus;
  /** The server's reason as a code (rendered per reader by the route), or null. */
  reason: Text | null;
}

/**
 * Verifies a person's identity: the ID number and name they give must be those of their record, pass
 * GB 11643, and match the population registry; an ID photo must have been uploaded.
 * A registry match verifies at once; an ID the registry does not know goes to staff review; a name that
 * differs from the registry's is rejected.
 */
export async function submitIdentity(
  ctx: Ctx,
  personId: string,
  claim: { idNumber: string; name: string },
): Promise<IdentityResult> {
  const id = parseIdNumber(claim.idNumber, ctx.now);
  return ctx.db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (person.identityStatus === 'verified')
      throw conflict('already_verified', 'Your identity is already verified');
    if (person.identityStatus === 'pending_review') {
      throw conflict('review_pending', 'Your identity is waiting for staff review');
    }
    if (person.idNumber !== id.idNumber || person.name !== claim.name.trim()) {
      throw unprocessable(
        'details_mismatch',
        'The name or ID number differs from the ones you registered with',
        {
          field: person.idNumber !== id.idNumber ? 'idNumber' : 'name',
        },
      );
    }
    const photo = await tx.query('select 1 from identity_photos where person_id = $1', [personId]);
    if (!photo.rows.length)
      throw unprocessable('photo_required', 'Upload an ID photo first (POST /v1/me/identity/photo)');

    const registry = await tx.query<{ name: string }>(
      'select name from population_registry where id_number = $1',
      [id.idNumber],
    );
    const entry = registry.rows[0];
    let result: IdentityResult;
    if (!entry) {
      result = { status: 'pending_review', reason: text('identity.not_in_registry') };
      await tx.query(
        `insert into identity_reviews (id, person_id, region_code, status, reason, submitted_at) values ($1, $2, $3, 'pending', $4, $5)`,
        [randomUUID(), personId, person.regionCode, 'not_in_registry', ctx.now],
      );
    } else if (entry.name !== person.name) {
      result = { status: 'rejected', reason: text('identity.name_mismatch') };
      await notify(
        tx,
        personId,
        'identity_rejected',
        text('notice.identity_rejected', { reason: result.reason! }),
      );
    } else {
      result = { status: 'verified', reason: null };
      await notify(tx, personId, 'identity_verified', text('notice.identity_verified'));
    }
    await tx.query(
      'update persons set identity_status = $2, identity_reason = null, identity_reason_code = $3 where id = $1',
      [personId, result.status, typeof result.reason === 'string' ? null : (result.reason?.code ?? null)],
    );
    return result;
  });
}

export interface ReviewView {
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

interface ReviewRow {
  id: string;
  person_id: string;
  id_number: string;
  name: string;
  region_code: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string;
  submitted_at: Date;
  decision_reason: string | null;
  decided_at: Date | null;
}

const toReview = (r: ReviewRow): ReviewView => ({
  id: r.id,
  personId: r.person_id,
  idNumber: r.id_number,
  name: r.name,
  regionCode: r.region_code,
  status: r.status,
  reason: r.reason,
  submittedAt: r.submitted_at.toISOString(),
  decisionReason: r.decision_reason,
  decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
});

/** The review queue of one region, oldest first. */
export async function listReviews(
  q: Queryable,
  regionCode: string,
  status: ReviewView['status'],
): Promise<ReviewView[]> {
  const { rows } = await q.query<ReviewRow>(
    `select r.id, r.person_id, p.id_number, p.name, r.region_code, r.status, r.reason, r.submitted_at, r.decision_reason, r.decided_at
       from identity_reviews r join persons p on p.id = r.person_id
      where r.region_code = $1 and r.status = $2
      order by r.submitted_at, r.id limit 500`,
    [regionCode, status],
  );
  return rows.map(toReview);
}

/** The photo of a review in the staff member's region. */
export async function reviewPhoto(
  q: Queryable,
  regionCode: string,
  reviewId: string,
): Promise<{ type: string; bytes: Uint8Array }> {
  const { rows } = await q.query<{ content_type: string; bytes: Uint8Array }>(
    `select ph.content_type, ph.bytes from identity_reviews r join identity_photos ph on ph.person_id = r.person_id
      where r.id = $1 and r.region_code = $2`,
    [reviewId, regionCode],
  );
  if (!rows[0]) throw notFound('review_not_found', 'No such review in your region');
  return { type: rows[0].content_type, bytes: rows[0].bytes };
}

/** Staff approve or reject a pending review; the person is told in their inbox. */
export async function decideReview(
  ctx: Ctx,
  staff: { userId: string; regionCode: string },
  reviewId: string,
  decision: { approve: boolean; reason: string },
): Promise<ReviewView> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ person_id: string; status: string }>(
      'select person_id, status from identity_reviews where id = $1 and region_code = $2 for update',
      [reviewId, staff.regionCode],
    );
    const review = rows[0];
    if (!review) throw notFound('review_not_found', 'No such review in your region');
    if (review.status !== 'pending')
      throw conflict('review_already_decided', `This review was already ${review.status}`);
    await lockPerson(tx, review.person_id);
    const status = decision.approve ? 'approved' : 'rejected';
    await tx.query(
      `update identity_reviews set status = $2, decided_by = $3, decision_reason = $4, decided_at = $5 where id = $1`,
      [reviewId, status, staff.userId, decision.reason, ctx.now],
    );
    // The staff member's typed reason is theirs, kept as written; the server's own reason is cleared.
    await tx.query(
      `update persons set identity_status = $2, identity_reason = $3, identity_reason_code = null,
         identity_reason_params = null where id = $1`,
      [
        review.person_id,
        decision.approve ? 'verified' : 'rejected',
        decision.approve ? null : decision.reason,
      ],
    );
    await notify(
      tx,
      review.person_id,
      decision.approve ? 'identity_verified' : 'identity_rejected',
      decision.approve
        ? text('notice.identity_verified_by_staff')
        : text('notice.identity_rejected_by_staff', { reason: decision.reason }),
    );
    const out = await tx.query<ReviewRow>(
      `select r.id, r.person_id, p.id_number, p.name, r.region_code, r.status, r.reason, r.submitted_at, r.decision_reason, r.decided_at
         from identity_reviews r join persons p on p.id = r.person_id where r.id = $1`,
      [reviewId],
    );
    return toReview(out.rows[0]!);
  });
}
