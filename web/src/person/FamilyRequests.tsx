import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, LoadState, useLoad } from '../shared/ui.tsx';
import { call } from './client.ts';
import type { FamilyRequest } from './types.ts';

/** Bindings naming me: I confirm or decline that the relative shows my QR code. */
export function FamilyRequests() {
  const { t } = useTranslation('person');
  const requests = useLoad(() => call<{ requests: FamilyRequest[] }>('/v1/me/family/requests'));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (id: string, decision: 'confirm' | 'decline') => {
    setBusy(true);
    setError(null);
    try {
      await call(`/v1/me/family/requests/${id}/${decision}`, { method: 'POST' });
      requests.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="requests-title" className="section">
      <h3 id="requests-title">{t('family.requests')}</h3>
      <ErrorBanner error={error} />
      <LoadState loaded={requests}>
        {(r) =>
          r.requests.length === 0 ? (
            <p className="muted">{t('family.noRequests')}</p>
          ) : (
            <ul className="plain list">
              {r.requests.map((q) => {
                const who = { name: q.binderName, kinship: t(`kinship.${q.kinship}`) };
                return (
                  <li key={q.id}>
                    {q.cardDisplay === 'pending' ? (
                      <>
                        <p>{t('family.requestFrom', who)}</p>
                        <div className="row">
                          <button
                            type="button"
                            className="primary"
                            disabled={busy}
                            onClick={() => void decide(q.id, 'confirm')}
                          >
                            {t('family.confirm')}
                          </button>
                          <button type="button" disabled={busy} onClick={() => void decide(q.id, 'decline')}>
                            {t('family.decline')}
                          </button>
                        </div>
                      </>
                    ) : (
                      <p>{t('family.requestState', { ...who, status: t(`cardDisplay.${q.cardDisplay}`) })}</p>
                    )}
                  </li>
                );
              })}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}
