import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, LoadState, Money, useLoad } from '../shared/ui.tsx';
import { call, formatTime } from './client.ts';
import type { Account, AccountMovement } from '../shared/types.ts';

/** The individual account: balance and movements, newest first, with on whose behalf money moved. */
export function AccountRecords() {
  const { t } = useTranslation('person');
  const account = useLoad(() => call<Account>('/v1/me/account', { query: { limit: 20 } }));
  const [older, setOlder] = useState<{ movements: AccountMovement[]; next: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const more = async (before: string) => {
    try {
      const page = await call<Account>('/v1/me/account', { query: { limit: 20, before } });
      setOlder((o) => ({ movements: [...(o?.movements ?? []), ...page.movements], next: page.nextCursor }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="account-title">
      <h3 id="account-title">{t('records.account')}</h3>
      <LoadState loaded={account}>
        {(a) => {
          const movements = [...a.movements, ...(older?.movements ?? [])];
          const next = older ? older.next : a.nextCursor;
          return (
            <>
              <p className="balance">
                {t('records.balance')} <Money fen={a.balance} className="big" />
              </p>
              <h4>{t('records.movements')}</h4>
              {movements.length === 0 ? (
                <p className="muted">{t('records.noMovements')}</p>
              ) : (
                <ul className="plain list movements">
                  {movements.map((m) => (
                    <li key={m.entryId}>
                      <div className="spread">
                        <span>
                          {t(`records.movementKind.${m.kind}`)}
                          {m.onBehalfOf && (
                            <span className={`badge${m.onBehalfOf === 'relative' ? ' warn' : ''}`}>
                              {t(`records.onBehalf.${m.onBehalfOf}`)}
                            </span>
                          )}
                        </span>
                        <Money fen={m.amount} />
                      </div>
                      <small className="muted">
                        {formatTime(m.at)}
                        {m.memo && ` · ${m.memo}`}
                      </small>
                    </li>
                  ))}
                </ul>
              )}
              <ErrorBanner error={error} />
              {next && (
                <button type="button" onClick={() => void more(next)}>
                  {t('records.more')}
                </button>
              )}
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
