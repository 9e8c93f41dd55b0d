import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, LoadState, Notice, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import { Section } from './components.tsx';
import { formatInstant } from './format.ts';
import type { MappingRequest } from './types.ts';

/** The agency's queue of institutions' item mapping requests: approve, or reject with a reason. */
export function MappingReview() {
  const { t } = useTranslation('console');
  const queue = useLoad(() => api<{ mappings: MappingRequest[] }>('console', '/v1/staff/catalogue-mappings'));
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="mappings-title">
      <h2 id="mappings-title">{t('mappings.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <Section title={t('mappings.pending')}>
        <LoadState loaded={queue}>
          {({ mappings }) =>
            mappings.length === 0 ? (
              <p className="muted">{t('mappings.empty')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('mappings.institution')}</th>
                    <th>{t('mappings.itemCode')}</th>
                    <th>{t('mappings.catalogueCode')}</th>
                    <th>{t('mappings.requestedAt')}</th>
                    <th>{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {mappings.map((m) => (
                    <tr key={m.id} data-mapping={m.id}>
                      <td>
                        {m.institutionName}
                        <div className="muted">{m.institutionCode}</div>
                      </td>
                      <td>{m.itemCode}</td>
                      <td>
                        {m.catalogueCode}
                        <div className="muted">{m.catalogueName ?? '—'}</div>
                      </td>
                      <td>{formatInstant(m.requestedAt)}</td>
                      <td>
                        <Decision
                          mapping={m}
                          onDecided={(text) => {
                            setNotice(text);
                            queue.reload();
                          }}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </Section>
    </section>
  );
}

function Decision({ mapping, onDecided }: { mapping: MappingRequest; onDecided: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [reason, setReason] = useState('');
  const decide = (yes: boolean) => async () => {
    await api('console', `/v1/staff/catalogue-mappings/${mapping.id}/decision`, {
      body: yes ? { approve: true } : { approve: false, reason: reason.trim() },
    });
    onDecided(t(yes ? 'mappings.approvedNotice' : 'mappings.rejectedNotice', { item: mapping.itemCode }));
  };
  const approval = useSubmit(decide(true));
  const rejection = useSubmit(decide(false), ['reason'], { rejection_reason_required: 'reason' });
  const [rejecting, setRejecting] = useState(false);
  if (!rejecting)
    return (
      <Form submission={approval} label={t('mappings.decisionFor', { item: mapping.itemCode })}>
        <div className="row actions">
          <SubmitButton busy={approval.busy}>{t('mappings.approve')}</SubmitButton>
          <button type="button" onClick={() => setRejecting(true)}>
            {t('mappings.reject')}
          </button>
        </div>
      </Form>
    );
  return (
    <Form submission={rejection} label={t('mappings.rejectionFor', { item: mapping.itemCode })}>
      <Field
        label={t('common.reason')}
        name="reason"
        value={reason}
        maxLength={500}
        onChange={(e) => setReason(e.target.value)}
        error={rejection.fieldError('reason')}
      />
      <div className="row actions">
        <button type="submit" className="danger" disabled={rejection.busy}>
          {t('mappings.confirmReject')}
        </button>
        <button type="button" onClick={() => setRejecting(false)}>
          {t('cancel', { ns: 'common' })}
        </button>
      </div>
    </Form>
  );
}
