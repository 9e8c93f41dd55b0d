import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, LoadState, Money, useLoad } from '../shared/ui.tsx';
import { call } from './client.ts';
import { AccountRecords } from './AccountRecords.tsx';
import { SettlementRecords } from './SettlementRecords.tsx';
import { MyApprovals } from './Approvals.tsx';
import type { ContributionMonth } from '../shared/types.ts';
import type { Statement } from './types.ts';

/** My records: the individual account, settlements, approvals, contributions by month, yearly statements. */
export function Records() {
  const { t } = useTranslation('person');
  return (
    <div className="records">
      <h2>{t('records.title')}</h2>
      <AccountRecords />
      <SettlementRecords />
      <MyApprovals />
      <Contributions />
      <Statements />
    </div>
  );
}

function Contributions() {
  const { t } = useTranslation('person');
  const months = useLoad(() => call<{ months: ContributionMonth[] }>('/v1/me/contributions'));
  return (
    <section className="card" aria-labelledby="contributions-title">
      <h3 id="contributions-title">{t('records.contributions')}</h3>
      <LoadState loaded={months}>
        {(m) =>
          m.months.length === 0 ? (
            <p className="muted">{t('records.noContributions')}</p>
          ) : (
            <ul className="plain list">
              {m.months.map((c) => (
                <li key={`${c.month}-${c.payer}`} aria-label={c.month}>
                  <div className="spread">
                    <strong>{c.month}</strong>
                    <span className={`badge${c.status === 'due' ? ' warn' : ''}`}>
                      {t(`records.contributionStatus.${c.status}`)}
                    </span>
                  </div>
                  <dl className="facts breakdown">
                    {(
                      [
                        ['base', c.base],
                        ['employerPart', c.employerPremium],
                        ['ownPart', c.ownPremium],
                        ['credited', c.credited],
                      ] as const
                    ).map(([label, fen]) => (
                      <div key={label} className="spread">
                        <dt>{t(`records.${label}`)}</dt>
                        <dd>
                          <Money fen={fen} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}

function Statements() {
  const { t } = useTranslation('person');
  const statements = useLoad(() => call<{ statements: Statement[] }>('/v1/me/statements'));
  const [error, setError] = useState<unknown>(null);
  const download = async (year: number) => {
    setError(null);
    try {
      const pdf = await call<Blob>(`/v1/me/statements/${year}/pdf`, { as: 'blob' });
      const url = URL.createObjectURL(pdf);
      const a = document.createElement('a');
      a.href = url;
      a.download = `yibao-statement-${year}.pdf`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="statements-title">
      <h3 id="statements-title">{t('records.statements')}</h3>
      <ErrorBanner error={error} />
      <LoadState loaded={statements}>
        {(s) =>
          s.statements.length === 0 ? (
            <p className="muted">{t('records.noStatements')}</p>
          ) : (
            <ul className="plain list">
              {s.statements.map((st) => (
                <li key={st.year}>
                  <button type="button" onClick={() => void download(st.year)}>
                    {t('records.download', { year: st.year })}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}
