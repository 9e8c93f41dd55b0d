import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, LoadState, Notice, useLoad, type Loaded } from '../shared/ui.tsx';
import { call, formatTime } from './client.ts';
import { ConfirmButton } from './Confirm.tsx';
import { CardApplyForm } from './CardApplyForm.tsx';
import type { CardApplication, Me, MyCards, PhysicalCard } from './types.ts';

/** Where the status words of each history subject are translated. */
const STATUS_KEYS = {
  application: 'applicationStatus',
  card: 'cardStatus',
  ecard: 'ecardStatus',
  essc: 'esscStatus',
} as const;
/** A person holding one of these applies for no new card (a lost card is replaced at the counter). */
const LIVE_CARD: readonly PhysicalCard['status'][] = ['issued', 'active', 'frozen'];

/** The physical social security card: apply, follow the application and its history, report loss, cancel. */
export function Cards({ me }: { me: Loaded<Me> }) {
  const { t } = useTranslation('person');
  const cards = useLoad(() => call<MyCards>('/v1/me/cards'));
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = async (path: string, text: string) => {
    setError(null);
    try {
      await call(path, { method: 'POST' });
      setNotice(text);
      cards.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="cards-title">
      <h2 id="cards-title">{t('cards.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner error={error} />
      <LoadState loaded={cards}>
        {(c) => (
          <>
            <section aria-labelledby="my-cards-title" className="section">
              <h3 id="my-cards-title">{t('cards.cards')}</h3>
              {c.cards.length === 0 ? (
                <p className="muted">{t('cards.noCards')}</p>
              ) : (
                <ul className="plain list">
                  {c.cards.map((card) => (
                    <CardItem
                      key={card.id}
                      card={card}
                      onReportLoss={() => act(`/v1/me/cards/${card.id}/report-loss`, t('cards.lost'))}
                    />
                  ))}
                </ul>
              )}
            </section>
            <section aria-labelledby="applications-title" className="section">
              <h3 id="applications-title">{t('cards.applications')}</h3>
              {c.applications.length === 0 ? (
                <p className="muted">{t('cards.noApplications')}</p>
              ) : (
                <ul className="plain list">
                  {c.applications.map((a) => (
                    <ApplicationItem
                      key={a.id}
                      application={a}
                      onCancel={() => act(`/v1/me/cards/applications/${a.id}/cancel`, t('cards.cancelled'))}
                    />
                  ))}
                </ul>
              )}
            </section>
            {!c.applications.some((a) => a.status === 'pending' || a.status === 'ready') &&
              !c.cards.some((card) => LIVE_CARD.includes(card.status)) && (
                <LoadState loaded={me}>
                  {(m) => (
                    <CardApplyForm
                      regionCode={m.person?.regionCode ?? m.regionCode ?? 'demo'}
                      onDone={() => {
                        setNotice(t('cards.applied'));
                        cards.reload();
                      }}
                    />
                  )}
                </LoadState>
              )}
            {c.history.length > 0 && (
              <section aria-labelledby="history-title" className="section">
                <h3 id="history-title">{t('cards.history')}</h3>
                <ol className="plain history">
                  {c.history.map((h, i) => (
                    <li key={i}>
                      <span className="muted">{formatTime(h.at)}</span>{' '}
                      {t(`cardEvent.${h.event}`, { defaultValue: h.event })}
                      {h.toStatus &&
                        ` → ${t(`${STATUS_KEYS[h.subject]}.${h.toStatus}`, { defaultValue: h.toStatus })}`}
                    </li>
                  ))}
                </ol>
              </section>
            )}
          </>
        )}
      </LoadState>
    </section>
  );
}

function CardItem({ card, onReportLoss }: { card: PhysicalCard; onReportLoss: () => unknown }) {
  const { t } = useTranslation('person');
  return (
    <li>
      <p>
        {t('cards.cardLine', { bank: card.bank, number: card.cardNumber })}{' '}
        <span className={`badge${card.status === 'frozen' ? ' bad' : ''}`}>
          {t(`cardStatus.${card.status}`)}
        </span>
      </p>
      {(card.status === 'issued' || card.status === 'active') && (
        <ConfirmButton
          label={t('cards.reportLoss')}
          question={t('cards.reportLossConfirm')}
          onConfirm={onReportLoss}
        />
      )}
    </li>
  );
}

function ApplicationItem({
  application: a,
  onCancel,
}: {
  application: CardApplication;
  onCancel: () => unknown;
}) {
  const { t } = useTranslation('person');
  return (
    <li>
      <p>
        {t(`cardChannel.${a.channel}`)}{' '}
        <span className={`badge${a.status === 'cancelled' ? ' bad' : ''}`}>
          {t(`applicationStatus.${a.status}`)}
        </span>
      </p>
      <p className="muted">
        {formatTime(a.createdAt)}
        {a.dueDate && a.status === 'pending' && ` · ${t('cards.due', { date: a.dueDate })}`}
      </p>
      {(a.status === 'pending' || a.status === 'ready') && (
        <ConfirmButton label={t('cards.cancel')} question={t('cards.cancelConfirm')} onConfirm={onCancel} />
      )}
    </li>
  );
}
