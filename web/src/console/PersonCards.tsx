import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { ErrorBanner, Notice, useSubmit } from '../shared/ui.tsx';
import { ActivateForm, CancelForm, PinResetForm, ReplaceForm } from './CardForms.tsx';
import { Badge, ConfirmButton, IdNumberSearch, Section } from './components.tsx';
import { formatInstant } from './format.ts';
import { EsscPanel } from './EsscPanel.tsx';
import type { Card, CardEvent, PersonCards as PersonCardsView } from './types.ts';

const LIVE: Card['status'][] = ['issued', 'active', 'frozen'];

/**
 * A person's physical cards by ID number: loss, replacement, cancellation, activation, PIN reset; the e-SSC
 * that follows them; the history of both.
 */
export function PersonCards() {
  const { t } = useTranslation('console');
  const [idNumber, setIdNumber] = useState<string | null>(null);
  const [view, setView] = useState<PersonCardsView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const lookUp = async (id: string) => {
    const r = await api<PersonCardsView>('console', '/v1/staff/cards', { query: { idNumber: id } });
    setIdNumber(id);
    setView(r);
  };
  /** A status of the history, in the words of its subject's own list. */
  const statusText = (subject: CardEvent['subject'], status: string | null) => {
    if (!status) return '—';
    const list = {
      application: 'apps.statuses',
      card: 'cards.statuses',
      ecard: 'persons.ecardStatuses',
      essc: 'persons.esscStatuses',
    }[subject];
    return t(`${list}.${status}`, { defaultValue: status });
  };
  const changed = (text: string) => {
    setNotice(text);
    if (idNumber) void lookUp(idNumber).catch(() => undefined);
  };
  return (
    <section aria-labelledby="cards-title">
      <h2 id="cards-title">{t('cards.title')}</h2>
      <IdNumberSearch
        onSearch={async (id) => {
          setNotice(null);
          await lookUp(id);
        }}
      />
      {notice && <Notice>{notice}</Notice>}
      {view && (
        <>
          <Section title={t('cards.cards')}>
            {view.cards.length === 0 ? (
              <p className="muted">{t('cards.noCards')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('cards.number')}</th>
                    <th>{t('cards.bank')}</th>
                    <th>{t('common.status')}</th>
                    <th>{t('cards.issuedAt')}</th>
                    <th>{t('cards.activated')}</th>
                    <th>{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.cards.map((c) => (
                    <CardRow key={c.id} card={c} onChanged={changed} />
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <EsscPanel key={`${idNumber}-${notice ?? ''}`} idNumber={idNumber!} />
          <Section title={t('cards.applications')}>
            {view.applications.length === 0 ? (
              <p className="muted">{t('apps.empty')}</p>
            ) : (
              <ul>
                {view.applications.map((a) => (
                  <li key={a.id}>
                    {formatInstant(a.createdAt)} · {t(`apps.channels.${a.channel}`)} ·{' '}
                    {t(`apps.statuses.${a.status}`)}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title={t('cards.history')}>
            <table>
              <thead>
                <tr>
                  <th>{t('cards.when')}</th>
                  <th>{t('cards.subject')}</th>
                  <th>{t('cards.event')}</th>
                  <th>{t('cards.change')}</th>
                  <th>{t('cards.by')}</th>
                  <th>{t('cards.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {view.history.map((e, i) => (
                  <tr key={`${e.subjectId}-${i}`}>
                    <td>{formatInstant(e.at)}</td>
                    <td>{t(`cards.subjects.${e.subject}`)}</td>
                    <td>{t(`cards.events.${e.event}`, { defaultValue: e.event })}</td>
                    <td>
                      {statusText(e.subject, e.fromStatus)} → {statusText(e.subject, e.toStatus)}
                    </td>
                    <td>
                      {t(`roles.${e.actorRole}`, { defaultValue: e.actorRole })}
                      {e.channel && ` · ${t(`cards.channels.${e.channel}`, { defaultValue: e.channel })}`}
                    </td>
                    <td>{e.detail ? t(`apps.channels.${e.detail}`, { defaultValue: e.detail }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        </>
      )}
    </section>
  );
}

type Panel = 'replace' | 'activate' | 'pin' | 'cancel' | null;

function CardRow({ card, onChanged }: { card: Card; onChanged: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [panel, setPanel] = useState<Panel>(null);
  const live = LIVE.includes(card.status);
  const loss = useSubmit(async () => {
    await api<Card>('console', `/v1/staff/cards/${card.id}/report-loss`, { method: 'POST' });
    onChanged(t('cards.lossNotice', { number: card.cardNumber }));
  });
  const toggle = (p: Panel) => setPanel(panel === p ? null : p);
  const done = (text: string) => {
    setPanel(null);
    onChanged(text);
  };
  return (
    <>
      <tr>
        <td>{card.cardNumber}</td>
        <td>{card.bank}</td>
        <td>
          <Badge tone={card.status === 'active' ? 'ok' : card.status === 'issued' ? 'warn' : 'bad'}>
            {t(`cards.statuses.${card.status}`)}
          </Badge>
          {card.pinLocked && <Badge tone="bad">{t('cards.pinLocked')}</Badge>}
        </td>
        <td>{formatInstant(card.issuedAt)}</td>
        <td>
          {card.activatedAt
            ? `${formatInstant(card.activatedAt)} · ${t(`cards.places.${card.activationPlace ?? 'bank'}`)}`
            : '—'}
        </td>
        <td>
          {live && (
            <div className="row actions">
              {card.status !== 'frozen' && (
                <ConfirmButton
                  label={t('cards.reportLoss')}
                  question={t('cards.lossQuestion', { number: card.cardNumber })}
                  onConfirm={() => void loss.submit()}
                  busy={loss.busy}
                />
              )}
              <button type="button" onClick={() => toggle('replace')} aria-expanded={panel === 'replace'}>
                {t('cards.replace')}
              </button>
              {card.status === 'issued' && (
                <button type="button" onClick={() => toggle('activate')} aria-expanded={panel === 'activate'}>
                  {t('cards.activate')}
                </button>
              )}
              <button type="button" onClick={() => toggle('pin')} aria-expanded={panel === 'pin'}>
                {t('cards.resetPin')}
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => toggle('cancel')}
                aria-expanded={panel === 'cancel'}
              >
                {t('cards.cancel')}
              </button>
            </div>
          )}
          {loss.formError && <ErrorBanner error={loss.formError} />}
        </td>
      </tr>
      {panel && (
        <tr>
          <td colSpan={6}>
            {panel === 'replace' && <ReplaceForm card={card} onDone={done} />}
            {panel === 'activate' && <ActivateForm card={card} onDone={done} />}
            {panel === 'pin' && <PinResetForm card={card} onDone={done} />}
            {panel === 'cancel' && <CancelForm card={card} onDone={done} />}
          </td>
        </tr>
      )}
    </>
  );
}
