import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../shared/api.ts';
import { SettlementSumCells } from '../shared/settlement.tsx';
import { beijingTimeOfDay, todayInBeijing } from '../shared/dates.ts';
import { LoadState, useLoad } from '../shared/ui.tsx';
import { BusinessDateField } from './BusinessDateField.tsx';
import type { TerminalSettlement } from './types.ts';

/** The institution's settlements of a business date, newest first: open one for its receipt or a refund. */
export function SettlementsPage() {
  const { t } = useTranslation('terminal');
  const [date, setDate] = useState(todayInBeijing);
  const loaded = useLoad(
    () =>
      api<{ settlements: TerminalSettlement[] }>('terminal', '/v1/terminal/settlements', {
        query: { date, limit: 200 },
      }),
    [date],
  );
  return (
    <section className="card" aria-labelledby="settlements-title">
      <h2 id="settlements-title">{t('settlements.title')}</h2>
      <BusinessDateField value={date} onChange={setDate} />
      <LoadState loaded={loaded}>
        {({ settlements }) =>
          settlements.length === 0 ? (
            <p className="muted">{t('settlements.none')}</p>
          ) : (
            <div className="table-scroll">
              <table className="settlements-table">
                <caption className="sr-only">{t('settlements.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('settlements.at')}</th>
                    <th scope="col">{t('settlements.person')}</th>
                    <th scope="col">{t('elig.method')}</th>
                    <th scope="col">{t('settlements.status')}</th>
                    <th scope="col" className="num">
                      {t('breakdown.total')}
                    </th>
                    <th scope="col" className="num">
                      {t('breakdown.fund')}
                    </th>
                    <th scope="col" className="num">
                      {t('breakdown.accountPaid')}
                    </th>
                    <th scope="col" className="num">
                      {t('breakdown.cashPaid')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {settlements.map((s) => (
                    <tr key={s.id} data-settlement={s.id}>
                      <td>
                        <Link to={`/terminal/settlements/${s.id}`}>{beijingTimeOfDay(s.createdAt)}</Link>
                      </td>
                      <td>{s.person.maskedName}</td>
                      <td>{t(`labels.method.${s.method}`)}</td>
                      <td>
                        <span className={`badge${s.status === 'settled' ? '' : ' warn'}`}>
                          {t(`labels.settlementStatus.${s.status}`)}
                        </span>
                      </td>
                      <SettlementSumCells totals={s.result.totals} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>
    </section>
  );
}
