import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { SettlementSumCells } from '../shared/settlement.tsx';
import { LoadState, Money, useLoad } from '../shared/ui.tsx';
import { Section } from './components.tsx';
import { formatInstant } from './format.ts';
import type { Account, ContributionMonth } from '../shared/types.ts';
import type { Settlement } from './types.ts';

/* The records owed to a person (Social Insurance Law art. 74), as staff read them: account, contributions, benefits. */

export function AccountPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const account = useLoad(
    () => api<Account>('console', `/v1/staff/persons/${personId}/account`, { query: { limit: 20 } }),
    [personId],
  );
  return (
    <Section title={t('persons.account')}>
      <LoadState loaded={account}>
        {(a) => (
          <>
            <p>
              {t('persons.balance')}: <Money fen={a.balance} />
            </p>
            {a.movements.length > 0 && (
              <table>
                <thead>
                  <tr>
                    <th>{t('cards.when')}</th>
                    <th>{t('persons.kind')}</th>
                    <th>{t('persons.memo')}</th>
                    <th className="num">{t('persons.amount')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.movements.map((m) => (
                    <tr key={m.entryId}>
                      <td>{formatInstant(m.at)}</td>
                      <td>{t(`persons.movementKinds.${m.kind}`)}</td>
                      <td>{m.memo}</td>
                      <td className="num">
                        <Money fen={m.amount} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </LoadState>
    </Section>
  );
}

export function ContributionsPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const months = useLoad(
    () => api<{ months: ContributionMonth[] }>('console', `/v1/staff/persons/${personId}/contributions`),
    [personId],
  );
  return (
    <Section title={t('persons.contributions')}>
      <LoadState loaded={months}>
        {({ months: list }) =>
          list.length === 0 ? (
            <p className="muted">{t('persons.noContributions')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('persons.month')}</th>
                  <th className="num">{t('persons.base')}</th>
                  <th className="num">{t('persons.employerPremium')}</th>
                  <th className="num">{t('persons.ownPremium')}</th>
                  <th className="num">{t('persons.credited')}</th>
                  <th>{t('common.status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={`${m.month}-${m.payer}`}>
                    <td>{m.month}</td>
                    <td className="num">
                      <Money fen={m.base} />
                    </td>
                    <td className="num">
                      <Money fen={m.employerPremium} />
                    </td>
                    <td className="num">
                      <Money fen={m.ownPremium} />
                    </td>
                    <td className="num">
                      <Money fen={m.credited} />
                    </td>
                    <td>{t(`persons.contributionStatuses.${m.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </Section>
  );
}

export function SettlementsPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const list = useLoad(
    () =>
      api<{ settlements: Settlement[] }>('console', `/v1/staff/persons/${personId}/settlements`, {
        query: { limit: 20 },
      }),
    [personId],
  );
  return (
    <Section title={t('persons.settlements')}>
      <LoadState loaded={list}>
        {({ settlements }) =>
          settlements.length === 0 ? (
            <p className="muted">{t('persons.noSettlements')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('cards.when')}</th>
                  <th>{t('persons.setting')}</th>
                  <th>{t('common.status')}</th>
                  <th className="num">{t('persons.total')}</th>
                  <th className="num">{t('persons.fund')}</th>
                  <th className="num">{t('persons.accountPaid')}</th>
                  <th className="num">{t('persons.cashPaid')}</th>
                  <th className="num">{t('persons.catalogueVersion')}</th>
                </tr>
              </thead>
              <tbody>
                {settlements.map((s, i) => (
                  <tr key={s.id ?? i}>
                    <td>{formatInstant(s.createdAt)}</td>
                    <td>{t(`persons.settings.${s.result.setting}`, { defaultValue: s.result.setting })}</td>
                    <td>{t(`persons.settlementStatuses.${s.status}`)}</td>
                    <SettlementSumCells totals={s.result.totals} />
                    <td className="num" data-catalogue-version={s.catalogueVersion ?? ''}>
                      {s.catalogueVersion === null
                        ? '—'
                        : s.catalogueVersion === 0
                          ? t('persons.noCatalogue')
                          : s.catalogueVersion}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </Section>
  );
}
