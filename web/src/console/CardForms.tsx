import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { CheckField } from './components.tsx';
import type { ActivationPlace, Card } from './types.ts';

/* The counter's forms on one physical card: replacement, activation, PIN reset, cancellation. */

const PLACES = ['bank', 'hospital', 'pharmacy'] as const satisfies readonly ActivationPlace[];

export function ReplaceForm({ card, onDone }: { card: Card; onDone: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [idChecked, setIdChecked] = useState(false);
  const [pin, setPin] = useState('');
  const [bank, setBank] = useState('');
  const submission = useSubmit(async () => {
    const r = await api<{ old: Card; card: Card }>('console', `/v1/staff/cards/${card.id}/replace`, {
      body: { idChecked, pin, ...(bank.trim() ? { bank: bank.trim() } : {}) },
    });
    onDone(t('cards.replacedNotice', { old: r.old.cardNumber, number: r.card.cardNumber }));
  }, ['idChecked', 'pin', 'bank']);
  const title = t('cards.replaceTitle', { number: card.cardNumber });
  return (
    <Form submission={submission} label={title}>
      <h4>{title}</h4>
      <CheckField
        label={t('apps.idChecked')}
        checked={idChecked}
        onChange={setIdChecked}
        error={submission.fieldError('idChecked')}
      />
      <Field
        label={t('cards.newPin')}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
        value={pin}
        onChange={(e) => setPin(e.target.value)}
        error={submission.fieldError('pin')}
      />
      <Field
        label={t('apps.bank')}
        name="bank"
        value={bank}
        placeholder={card.bank}
        onChange={(e) => setBank(e.target.value)}
        error={submission.fieldError('bank')}
      />
      <SubmitButton busy={submission.busy}>{t('cards.replace')}</SubmitButton>
    </Form>
  );
}

export function ActivateForm({ card, onDone }: { card: Card; onDone: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [place, setPlace] = useState<ActivationPlace>('bank');
  const [pin, setPin] = useState('');
  const submission = useSubmit(async () => {
    await api<Card>('console', `/v1/staff/cards/${card.id}/activate`, {
      body: { place, ...(pin ? { pin } : {}) },
    });
    onDone(t('cards.activatedNotice', { number: card.cardNumber }));
  }, ['place', 'pin']);
  const title = t('cards.activateTitle', { number: card.cardNumber });
  return (
    <Form submission={submission} label={title}>
      <h4>{title}</h4>
      <Select
        label={t('cards.place')}
        value={place}
        onChange={(e) => setPlace(e.target.value as ActivationPlace)}
        error={submission.fieldError('place')}
        options={PLACES.map((p) => ({
          value: p,
          label: t(`cards.places.${p}`),
        }))}
      />
      {!card.pinSet && (
        <Field
          label={t('cards.newPin')}
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          error={submission.fieldError('pin')}
        />
      )}
      <SubmitButton busy={submission.busy}>{t('cards.activate')}</SubmitButton>
    </Form>
  );
}

export function PinResetForm({ card, onDone }: { card: Card; onDone: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [pin, setPin] = useState('');
  const submission = useSubmit(
    async () => {
      await api<Card>('console', `/v1/staff/cards/${card.id}/reset-pin`, { body: pin ? { pin } : {} });
      onDone(t('cards.pinNotice', { number: card.cardNumber }));
    },
    ['pin'],
    { not_locked: 'pin' },
  );
  const title = t('cards.pinTitle', { number: card.cardNumber });
  return (
    <Form submission={submission} label={title}>
      <h4>{title}</h4>
      <Field
        label={t('cards.newPinOptional')}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
        value={pin}
        onChange={(e) => setPin(e.target.value)}
        error={submission.fieldError('pin')}
      />
      <SubmitButton busy={submission.busy}>{t('cards.resetPin')}</SubmitButton>
    </Form>
  );
}

export function CancelForm({ card, onDone }: { card: Card; onDone: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const submission = useSubmit(async () => {
    // Enter in the reason field asks first too; only the confirmation cancels the card.
    if (!asking) return setAsking(true);
    await api<Card>('console', `/v1/staff/cards/${card.id}/cancel`, { body: { reason: reason.trim() } });
    onDone(t('cards.cancelledNotice', { number: card.cardNumber }));
  }, ['reason']);
  const title = t('cards.cancelTitle', { number: card.cardNumber });
  return (
    <Form submission={submission} label={title}>
      <h4>{title}</h4>
      <Field
        label={t('common.reason')}
        name="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={submission.fieldError('reason')}
      />
      {!asking ? (
        <button type="button" className="danger" onClick={() => setAsking(true)}>
          {t('cards.cancel')}
        </button>
      ) : (
        <div className="row" role="group" aria-label={t('cards.cancelQuestion', { number: card.cardNumber })}>
          <span>{t('cards.cancelQuestion', { number: card.cardNumber })}</span>
          <SubmitButton busy={submission.busy}>{t('confirm', { ns: 'common' })}</SubmitButton>
          <button type="button" onClick={() => setAsking(false)}>
            {t('cancel', { ns: 'common' })}
          </button>
        </div>
      )}
    </Form>
  );
}
