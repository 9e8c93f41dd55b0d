import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { Checkbox, Field, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { call } from './client.ts';
import { ECARD_CHANNELS, type Ecard, type EcardChannel } from '../shared/types.ts';

/**
 * A consent checkbox (the API names `authorise` / `consent`) with its refusal beneath it, tied to it the way
 * `Field` ties an error to an input.
 */
export function Consent({
  label,
  name,
  checked,
  onChange,
  error,
}: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <Checkbox
        label={label}
        name={name}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function useChannelOptions(only?: readonly EcardChannel[]) {
  const { t } = useTranslation('person');
  return (only ?? ECARD_CHANNELS).map((c) => ({ value: c, label: t(`channel.${c}`) }));
}

/** What sharing the e-card with a channel means, said before the person agrees. */
function Authorisation({ channel }: { channel: EcardChannel }) {
  const { t } = useTranslation('person');
  return (
    <div className="authorisation" role="region" aria-labelledby="auth-title">
      <h3 id="auth-title">{t('ecard.authTitle')}</h3>
      <p>{t('ecard.authIntro', { channel: t(`channel.${channel}`) })}</p>
      <p>
        <strong>{t('ecard.authItems')}</strong>
      </p>
      <p className="muted">{t('ecard.authWho')}</p>
    </div>
  );
}

/** Apply for the e-card in a channel, after reading and accepting the authorisation. */
export function ApplyForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation('person');
  const [channel, setChannel] = useState<EcardChannel>('app');
  const [authorise, setAuthorise] = useState(false);
  const submission = useSubmit(async () => {
    await call('/v1/me/ecard', { body: { channel, authorise } });
    onDone();
  }, ['channel', 'authorise']);
  return (
    <>
      <h3>{t('ecard.applyTitle')}</h3>
      <Form submission={submission}>
        <Select
          label={t('ecard.channel')}
          name="channel"
          value={channel}
          onChange={(e) => setChannel(e.target.value as EcardChannel)}
          options={useChannelOptions()}
          error={submission.fieldError('channel')}
        />
        <Authorisation channel={channel} />
        <Consent
          label={t('ecard.authorise')}
          name="authorise"
          checked={authorise}
          onChange={setAuthorise}
          error={submission.fieldError('authorise')}
        />
        <SubmitButton busy={submission.busy}>{t('ecard.apply')}</SubmitButton>
      </Form>
    </>
  );
}

/** Activate the applied e-card, with consent. */
export function ActivateForm({ channel, onDone }: { channel: EcardChannel; onDone: () => void }) {
  const { t } = useTranslation('person');
  const [consent, setConsent] = useState(false);
  const submission = useSubmit(async () => {
    await call('/v1/me/ecard/activate', { body: { consent, channel } });
    onDone();
  }, ['consent']);
  return (
    <>
      <h3>{t('ecard.activateTitle')}</h3>
      <p>{t('ecard.activateIntro')}</p>
      <Form submission={submission}>
        <Consent
          label={t('ecard.consentActivate')}
          name="consent"
          checked={consent}
          onChange={setConsent}
          error={submission.fieldError('consent')}
        />
        <SubmitButton busy={submission.busy}>{t('ecard.activate')}</SubmitButton>
      </Form>
    </>
  );
}

/** The texts of the payment-PIN form for each card: the e-voucher's payment function, the e-SSC's second level. */
const PAYMENT_TEXTS = {
  ecard: {
    url: '/v1/me/ecard/payment',
    title: 'ecard.paymentTitle',
    intro: 'ecard.paymentIntro',
    pin: 'ecard.pin',
    pinConfirm: 'ecard.pinConfirm',
    consent: 'ecard.consentPayment',
    submit: 'ecard.openPayment',
  },
  essc: {
    url: '/v1/me/essc/second-level',
    title: 'essc.secondLevelTitle',
    intro: 'essc.secondLevelIntro',
    pin: 'essc.pin',
    pinConfirm: 'essc.pinConfirm',
    consent: 'essc.consent',
    submit: 'essc.open',
  },
} as const;

/** Second-level issuance: a 6-digit payment PIN entered twice, and consent (the e-voucher's or the e-SSC's). */
export function PaymentForm({ onDone, card = 'ecard' }: { onDone: () => void; card?: 'ecard' | 'essc' }) {
  const { t } = useTranslation('person');
  const x = PAYMENT_TEXTS[card];
  const [pin, setPin] = useState('');
  const [pinConfirm, setPinConfirm] = useState('');
  const [consent, setConsent] = useState(false);
  const submission = useSubmit(async () => {
    if (!/^\d{6}$/.test(pin)) throw new ApiError(400, 'pin_format', t('errors.pin_format'), { field: 'pin' });
    if (pin !== pinConfirm)
      throw new ApiError(400, 'pin_mismatch', t('errors.pin_mismatch'), { field: 'pinConfirm' });
    await call(x.url, { body: { pin, consent } });
    onDone();
  }, ['pin', 'pinConfirm', 'consent']);
  return (
    <>
      <h3>{t(x.title)}</h3>
      <p>{t(x.intro)}</p>
      <Form submission={submission}>
        <Field
          label={t(x.pin)}
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={6}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          error={submission.fieldError('pin')}
          required
        />
        <Field
          label={t(x.pinConfirm)}
          name="pinConfirm"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={6}
          value={pinConfirm}
          onChange={(e) => setPinConfirm(e.target.value)}
          error={submission.fieldError('pinConfirm')}
          required
        />
        <Consent
          label={t(x.consent)}
          name="consent"
          checked={consent}
          onChange={setConsent}
          error={submission.fieldError('consent')}
        />
        <SubmitButton busy={submission.busy}>{t(x.submit)}</SubmitButton>
      </Form>
    </>
  );
}

/** Authorise one more channel to show the e-card. */
export function AddChannelForm({ ecard, onDone }: { ecard: Ecard; onDone: () => void }) {
  const { t } = useTranslation('person');
  const remaining = ECARD_CHANNELS.filter((c) => !ecard.channels.includes(c));
  const [channel, setChannel] = useState<EcardChannel | undefined>(remaining[0]);
  const [authorise, setAuthorise] = useState(false);
  const options = useChannelOptions(remaining);
  const chosen = channel && remaining.includes(channel) ? channel : remaining[0];
  const submission = useSubmit(async () => {
    await call('/v1/me/ecard/channels', { body: { channel: chosen, authorise } });
    setAuthorise(false);
    onDone();
  }, ['channel', 'authorise']);
  if (!chosen || ecard.status === 'revoked') return null;
  return (
    <details className="section">
      <summary>{t('ecard.addChannel')}</summary>
      <Form submission={submission}>
        <Select
          label={t('ecard.channel')}
          name="channel"
          value={chosen}
          onChange={(e) => setChannel(e.target.value as EcardChannel)}
          options={options}
          error={submission.fieldError('channel')}
        />
        <Authorisation channel={chosen} />
        <Consent
          label={t('ecard.authorise')}
          name="authorise"
          checked={authorise}
          onChange={setAuthorise}
          error={submission.fieldError('authorise')}
        />
        <SubmitButton busy={submission.busy}>{t('ecard.addChannelSubmit')}</SubmitButton>
      </Form>
    </details>
  );
}
