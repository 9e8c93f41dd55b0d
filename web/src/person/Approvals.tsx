import { useTranslation } from 'react-i18next';
import { LoadState, Money, useLoad } from '../shared/ui.tsx';
import { call } from './client.ts';
import type { MyApproval } from './types.ts';

/** My approvals and filings (special outpatient diseases, large-equipment exams, special materials), read-only. */
export function MyApprovals() {
  const { t } = useTranslation('person');
  const list = useLoad(() => call<{ approvals: MyApproval[] }>('/v1/me/approvals'));
  return (
    <section className="card" aria-labelledby="approvals-title">
      <h3 id="approvals-title">{t('approvals.title')}</h3>
      <LoadState loaded={list}>
        {({ approvals }) =>
          approvals.length === 0 ? (
            <p className="muted">{t('approvals.none')}</p>
          ) : (
            <ul className="plain list">
              {approvals.map((a) => (
                <li key={a.id} data-approval={a.id}>
                  <div className="spread">
                    <strong>
                      {t(`approvals.kinds.${a.kind}`)} ·{' '}
                      {a.kind === 'special_outpatient'
                        ? t(`approvals.diseases.${a.subject}`, { defaultValue: a.subject })
                        : a.subject}
                    </strong>
                    <span className={`badge${a.status === 'active' ? '' : ' bad'}`}>
                      {t(`approvals.statuses.${a.status}`)}
                    </span>
                  </div>
                  <div className="muted">
                    {t('approvals.valid', { from: a.validFrom, to: a.validTo })} ·{' '}
                    {a.institutionName ?? t('approvals.anyInstitution')}
                  </div>
                  {a.domesticReferencePrice !== null && (
                    <div className="muted">
                      {t('approvals.domestic')} <Money fen={a.domesticReferencePrice} />
                    </div>
                  )}
                  {a.importedReferencePrice !== null && (
                    <div className="muted">
                      {t('approvals.imported')} <Money fen={a.importedReferencePrice} />
                    </div>
                  )}
                  {a.revokeReason && (
                    <div className="muted">{t('approvals.revokedBecause', { reason: a.revokeReason })}</div>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}
