import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import {
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Notice,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Badge, ConfirmButton, Section } from './components.tsx';
import { formatInstant } from './format.ts';
import type { Ecard } from '../shared/types.ts';

/* A person's e-card at the counter: its state, suspend and resume, revoke with a reason. */

export function EcardPanel({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation('console');
  const [notice, setNotice] = useState<string | null>(null);
  const ecard = useLoad(
    () =>
      api<Ecard>('console', '/v1/staff/ecards', { query: { idNumber } }).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'ecard_not_found') return null;
        throw err;
      }),
    [idNumber],
  );
  const act = (path: 'suspend' | 'resume', id: string) =>
    api<Ecard>('console', `/v1/staff/ecards/${id}/${path}`, { method: 'POST' });
  const [stepError, setStepError] = useState<unknown>(null);
  const run = async (path: 'suspend' | 'resume', id: string) => {
    setStepError(null);
    try {
      await act(path, id);
      setNotice(t(path === 'suspend' ? 'persons.ecardSuspended' : 'persons.ecardResumed'));
      ecard.reload();
    } catch (err) {
      setStepError(err);
    }
  };
  return (
    <Section title={t('persons.ecard')}>
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner error={stepError} />
      <LoadState loaded={ecard}>
        {(e) =>
          e === null ? (
            <p className="muted">{t('persons.noEcard')}</p>
          ) : (
            <>
              <dl className="facts">
                <dt>{t('common.status')}</dt>
                <dd>
                  <Badge tone={e.status === 'active' ? 'ok' : e.status === 'revoked' ? 'bad' : 'warn'}>
                    {t(`persons.ecardStatuses.${e.status}`)}
                  </Badge>
                  {e.suspendedBy && (
                    <span className="muted"> {t(`persons.suspendedBy.${e.suspendedBy}`)}</span>
                  )}
                </dd>
                <dt>{t('persons.payment')}</dt>
                <dd>{e.paymentOpen ? t('common.yes') : t('common.no')}</dd>
                <dt>{t('persons.channels')}</dt>
                <dd>
                  {e.channels.length
                    ? e.channels.map((c) => t(`cards.channels.${c}`, { defaultValue: c })).join('、')
                    : '—'}
                </dd>
                <dt>{t('persons.physicalCard')}</dt>
                <dd>{e.physicalCardNumber ?? '—'}</dd>
                <dt>{t('persons.activatedAt')}</dt>
                <dd>{formatInstant(e.activatedAt)}</dd>
              </dl>
              <div className="row actions">
                {e.status === 'active' && (
                  <ConfirmButton
                    label={t('persons.suspend')}
                    question={t('persons.suspendQuestion')}
                    onConfirm={() => void run('suspend', e.id)}
                  />
                )}
                {e.status === 'suspended' && (
                  <button type="button" onClick={() => void run('resume', e.id)}>
                    {t('persons.resume')}
                  </button>
                )}
              </div>
              {e.status !== 'revoked' && (
                <RevokeForm
                  ecard={e}
                  onDone={() => {
                    setNotice(t('persons.ecardRevoked'));
                    ecard.reload();
                  }}
                />
              )}
            </>
          )
        }
      </LoadState>
    </Section>
  );
}

function RevokeForm({ ecard, onDone }: { ecard: Ecard; onDone: () => void }) {
  const { t } = useTranslation('console');
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const submission = useSubmit(async () => {
    if (!asking) return setAsking(true);
    setAsking(false);
    await api<Ecard>('console', `/v1/staff/ecards/${ecard.id}/revoke`, { body: { reason: reason.trim() } });
    onDone();
  }, ['reason']);
  return (
    <Form submission={submission} label={t('persons.revokeTitle')}>
      <h4>{t('persons.revokeTitle')}</h4>
      <Field
        label={t('common.reason')}
        name="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={submission.fieldError('reason')}
      />
      {asking ? (
        <div className="row" role="group" aria-label={t('persons.revokeQuestion')}>
          <span>{t('persons.revokeQuestion')}</span>
          <SubmitButton busy={submission.busy}>{t('confirm', { ns: 'common' })}</SubmitButton>
          <button type="button" onClick={() => setAsking(false)}>
            {t('cancel', { ns: 'common' })}
          </button>
        </div>
      ) : (
        <button type="submit" className="danger">
          {t('persons.revoke')}
        </button>
      )}
    </Form>
  );
}
