import { useTranslation } from 'react-i18next';
import { LoadState, Money, useLoad } from '../shared/ui.tsx';
import { call, formatTime } from './client.ts';
import { SETTLEMENT_FIGURES } from '../shared/settlement.tsx';
import type { Settlement } from './types.ts';

/** My settlements, newest first, each with its full breakdown and the card and way it was paid. */
export function SettlementRecords() {
  const { t } = useTranslation('person');
  const settlements = useLoad(() =>
    call<{ settlements: Settlement[] }>('/v1/me/settlements', { query: { limit: 50 } }),
  );
  return (
    <section className="card" aria-labelledby="settlements-title">
      <h3 id="settlements-title">{t('records.settlements')}</h3>
      <LoadState loaded={settlements}>
        {(s) =>
          s.settlements.length === 0 ? (
            <p className="muted">{t('records.noSettlements')}</p>
          ) : (
            <ul className="plain list">
              {s.settlements.map((st, i) => (
                <li key={st.id ?? i}>
                  <details>
                    <summary>
                      <span className="spread">
                        <span>
                          {formatTime(st.createdAt)}{' '}
                          <span className="badge">{t(`records.settlementStatus.${st.status}`)}</span>
                        </span>
                        <Money fen={st.result.totals.total} />
                      </span>
                    </summary>
                    {st.relativePaid && <p className="badge warn">{t('records.relativePaid')}</p>}
                    <p className="muted">
                      {t('records.paidWith', { credential: t(`records.credential.${st.credential}`) })}
                      {st.bankInstruction &&
                        ` · ${t('records.bankPaid', {
                          bank: t(`bank.${st.bankInstruction.bank}`, {
                            defaultValue: st.bankInstruction.bank,
                          }),
                          account: st.bankInstruction.accountMasked,
                        })}`}
                      {!!st.catalogueVersion &&
                        ` · ${t('records.catalogueVersion', { version: st.catalogueVersion })}`}
                    </p>
                    <h4>{t('records.breakdown')}</h4>
                    <dl className="facts breakdown">
                      {SETTLEMENT_FIGURES.map((k) => (
                        <div key={k} className="spread">
                          <dt>{t(`records.${k}`)}</dt>
                          <dd>
                            <Money fen={st.result.totals[k] ?? 0} />
                          </dd>
                        </div>
                      ))}
                    </dl>
                    <table>
                      <thead>
                        <tr>
                          <th>{t('records.items')}</th>
                          <th className="num">{t('records.amount')}</th>
                          <th className="num">{t('records.fund')}</th>
                          <th className="num">{t('records.person')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {st.result.lines.map((l) => (
                          <tr key={l.index}>
                            <td>{l.name}</td>
                            <td className="num">
                              <Money fen={l.amount} />
                            </td>
                            <td className="num">
                              <Money fen={l.fund} />
                            </td>
                            <td className="num">
                              <Money fen={l.person} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </details>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}
