import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { beijingDateTime, todayInBeijing } from '../shared/dates.ts';
import { LoadState, Money, useLoad } from '../shared/ui.tsx';
import { BusinessDateField } from './BusinessDateField.tsx';
import { RECONCILIATION_FIGURES } from '../shared/settlement.tsx';
import type { Reconciliation } from '../shared/types.ts';

/** The institution's day: settlements, refunds, what the agency owes and whether it has paid. */
export function ReconciliationPage() {
  const { t } = useTranslation('terminal');
  const [date, setDate] = useState(todayInBeijing);
  const loaded = useLoad(
    () => api<Reconciliation>('terminal', '/v1/terminal/reconciliation', { query: { date } }),
    [date],
  );
  return (
    <section className="card" aria-labelledby="recon-title">
      <h2 id="recon-title">{t('recon.title')}</h2>
      <BusinessDateField value={date} onChange={setDate} />
      <LoadState loaded={loaded}>
        {(r) => (
          <>
            <table className="recon-table">
              <caption className="sr-only">{t('recon.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('recon.kind')}</th>
                  <th scope="col" className="num">
                    {t('recon.count')}
                  </th>
                  {RECONCILIATION_FIGURES.map((c) => (
                    <th key={c} scope="col" className="num">
                      {t(`breakdown.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {(['settlements', 'refunds'] as const).map((kind) => (
                  <tr key={kind} data-kind={kind}>
                    <th scope="row">{t(`recon.${kind}`)}</th>
                    <td className="num">{r[kind].count}</td>
                    {RECONCILIATION_FIGURES.map((c) => (
                      <td key={c} className="num" data-figure={c}>
                        <Money fen={r[kind][c]} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <dl className="facts">
              <dt>{t('recon.byMethod')}</dt>
              <dd data-figure="byMethod">
                {t('settle.cashAtTill')} <Money fen={r.settlements.byMethod.cash - r.refunds.byMethod.cash} />{' '}
                · {t('settle.cashByBank')}{' '}
                <Money fen={r.settlements.byMethod.bankAccount - r.refunds.byMethod.bankAccount} />
              </dd>
              <dt>{t('recon.byCredential')}</dt>
              <dd data-figure="byCredential">
                {(['ecard', 'essc', 'card'] as const)
                  .map((c) => `${t(`labels.credential.${c}`)} ${r.settlements.byCredential[c]}`)
                  .join(' · ')}
              </dd>
              <dt>{t('recon.owed')}</dt>
              <dd data-figure="owedByAgency">
                <Money fen={r.owedByAgency} />
              </dd>
              <dt>{t('recon.paidTitle')}</dt>
              <dd>
                {r.paid ? (
                  <>
                    <Money fen={r.paid.amount} /> · {beijingDateTime(r.paid.paidAt)}
                  </>
                ) : (
                  t('recon.unpaid')
                )}
              </dd>
            </dl>
          </>
        )}
      </LoadState>
    </section>
  );
}
