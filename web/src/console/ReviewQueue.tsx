import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, LoadState, Notice, Select, useLoad, useSubmit } from '../shared/ui.tsx';
import { Badge, ReviewPhoto } from './components.tsx';
import { formatInstant } from './format.ts';
import type { IdentityReview } from './types.ts';

type Status = IdentityReview['status'];
const STATUSES = ['pending', 'approved', 'rejected'] as const satisfies readonly Status[];

/** The identity review queue of the staff member's region: the ID photo, approve or reject with a reason. */
export function ReviewQueue() {
  const { t } = useTranslation('console');
  const [status, setStatus] = useState<Status>('pending');
  const [openId, setOpenId] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reviews = useLoad(
    () => api<{ reviews: IdentityReview[] }>('console', '/v1/staff/identity-reviews', { query: { status } }),
    [status],
  );
  return (
    <section aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t('reviews.title')}</h2>
      {done && <Notice>{done}</Notice>}
      <div className="row">
        <Select
          label={t('reviews.filter')}
          value={status}
          onChange={(e) => setStatus(e.target.value as Status)}
          options={STATUSES.map((s) => ({
            value: s,
            label: t(`reviews.status.${s}`),
          }))}
        />
      </div>
      <LoadState loaded={reviews}>
        {({ reviews: list }) =>
          list.length === 0 ? (
            <p className="muted">{t('reviews.empty')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('common.name')}</th>
                  <th>{t('common.idNumber')}</th>
                  <th>{t('reviews.submittedAt')}</th>
                  <th>{t('reviews.why')}</th>
                  <th>{t('common.status')}</th>
                  <th>{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <ReviewRow
                    key={r.id}
                    review={r}
                    open={openId === r.id}
                    onToggle={() => setOpenId(openId === r.id ? null : r.id)}
                    onDecided={(d) => {
                      setOpenId(null);
                      setDone(
                        t(d.status === 'approved' ? 'reviews.approvedNotice' : 'reviews.rejectedNotice', {
                          name: d.name,
                        }),
                      );
                      reviews.reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </section>
  );
}

function ReviewRow({
  review,
  open,
  onToggle,
  onDecided,
}: {
  review: IdentityReview;
  open: boolean;
  onToggle: () => void;
  onDecided: (r: IdentityReview) => void;
}) {
  const { t } = useTranslation('console');
  return (
    <>
      <tr>
        <td>{review.name}</td>
        <td>{review.idNumber}</td>
        <td>{formatInstant(review.submittedAt)}</td>
        <td>{t(`reviews.reasons.${review.reason}`, { defaultValue: review.reason })}</td>
        <td>
          <Badge tone={review.status === 'rejected' ? 'bad' : review.status === 'pending' ? 'warn' : 'ok'}>
            {t(`reviews.status.${review.status}`)}
          </Badge>
          {review.decisionReason && <div className="muted">{review.decisionReason}</div>}
        </td>
        <td>
          <button type="button" onClick={onToggle} aria-expanded={open}>
            {open ? t('common.close') : t('reviews.open', { name: review.name })}
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <div className="review-detail">
              <ReviewPhoto reviewId={review.id} alt={t('reviews.photoOf', { name: review.name })} />
              {review.status === 'pending' && <Decision review={review} onDecided={onDecided} />}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function Decision({ review, onDecided }: { review: IdentityReview; onDecided: (r: IdentityReview) => void }) {
  const { t } = useTranslation('console');
  const [reason, setReason] = useState('');
  // Which of the two submit buttons was pressed (Enter presses the first, approve).
  const approve = useRef(true);
  const [rejecting, setRejecting] = useState(false);
  const decide = useSubmit(async () => {
    // Approving needs no typed reason (the console sends a standard one); rejecting must say why.
    setRejecting(!approve.current);
    const text = approve.current && reason.trim() === '' ? t('reviews.defaultApproveReason') : reason.trim();
    const r = await api<IdentityReview>('console', `/v1/staff/identity-reviews/${review.id}/decision`, {
      body: { approve: approve.current, reason: text },
    });
    onDecided(r);
  }, ['reason']);
  return (
    <Form submission={decide} label={t('reviews.decision')}>
      <Field
        label={t('reviews.reason')}
        hint={t('reviews.reasonHint')}
        name="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={
          // The server refuses a reason shorter than 2 characters; say what the clerk must do.
          decide.fieldError('reason') &&
          (rejecting ? t('reviews.reasonRequired') : decide.fieldError('reason'))
        }
      />
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={decide.busy}
          onClick={() => (approve.current = true)}
        >
          {t('reviews.approve')}
        </button>
        <button
          type="submit"
          className="danger"
          disabled={decide.busy}
          onClick={() => (approve.current = false)}
        >
          {t('reviews.reject')}
        </button>
      </div>
    </Form>
  );
}
