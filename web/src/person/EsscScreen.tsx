import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Field, Form, LoadState, Notice, Select, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import { call, formatTime } from './client.ts';
import { Consent, PaymentForm } from './EcardForms.tsx';
import { BANKS, ESSC_CHANNELS, loadEssc } from './essc-state.ts';
import type { Bank, Essc, EsscChannel, Me } from './types.ts';
import type { Loaded } from '../shared/ui.tsx';

/**
 * The electronic social security card: get it in a channel for the city of the physical card, open its
 * payment function (second-level issuance), link the card's bank account, see its history, and reach the
 * self-service records from it.
 */
export function EsscScreen({ me }: { me: Loaded<Me> }) {
  const { t } = useTranslation('person');
  const essc = useLoad(loadEssc);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (text: string) => () => {
    setNotice(text);
    essc.reload();
  };
  const region = me.data?.person?.regionCode ?? me.data?.regionCode ?? 'demo';
  return (
    <section className="card" aria-labelledby="essc-title">
      <h2 id="essc-title">{t('essc.title')}</h2>
      <p className="muted">{t('essc.intro')}</p>
      {notice && <Notice>{notice}</Notice>}
      <LoadState loaded={essc}>
        {(e) => {
          if (!e || e.status === 'ended')
            return (
              <>
                {e && <div className="banner warn">{t('essc.endedNote')}</div>}
                <ChannelForm region={region} onDone={done(t('essc.applied'))} />
              </>
            );
          return (
            <>
              <EsscFacts essc={e} />
              {e.status === 'suspended' && <div className="banner warn">{t('essc.suspendedNote')}</div>}
              {e.status === 'active' && !e.secondLevel && (
                <PaymentForm card="essc" onDone={done(t('essc.opened'))} />
              )}
              {e.status === 'active' && e.secondLevel && (
                <Link className="button primary big" to="/app/qr?card=essc">
                  {t('essc.showQr')}
                </Link>
              )}
              <Link className="button" to="/app/records">
                {t('essc.records')}
              </Link>
              {e.status === 'active' && <BankForm onDone={done(t('essc.linked'))} />}
              <ChannelForm essc={e} region={e.regionCode} onDone={done(t('essc.channelAdded'))} />
              <History essc={e} />
            </>
          );
        }}
      </LoadState>
    </section>
  );
}

function EsscFacts({ essc }: { essc: Essc }) {
  const { t } = useTranslation('person');
  return (
    <dl className="facts" aria-label={t('essc.title')}>
      <dt>{t('essc.number')}</dt>
      <dd>{essc.esscNumber}</dd>
      <dt>{t('essc.status')}</dt>
      <dd>
        <span className={`badge${essc.status === 'active' ? '' : ' warn'}`} data-testid="essc-status">
          {t(`esscStatus.${essc.status}`)}
        </span>
      </dd>
      <dt>{t('essc.physicalCard')}</dt>
      <dd data-testid="essc-card">{essc.physicalCard.cardNumber}</dd>
      <dt>{t('essc.secondLevel')}</dt>
      <dd>{essc.secondLevel ? t('essc.secondLevelOn') : t('essc.secondLevelOff')}</dd>
      <dt>{t('essc.bankTitle')}</dt>
      <dd>
        {essc.bankAccount
          ? t('essc.bankLinked', {
              bank: t(`bank.${essc.bankAccount.bank}`),
              account: essc.bankAccount.accountMasked,
            })
          : t('essc.noBank')}
      </dd>
      <dt>{t('essc.channels')}</dt>
      <dd>
        <ul className="plain">
          {essc.authorisations.map((a) => (
            <li key={a.channel}>{t(`esscChannel.${a.channel}`)}</li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}

/** Get the e-SSC in a first channel, or add it in one more; the city is the physical card's. */
function ChannelForm({ essc, region, onDone }: { essc?: Essc; region: string; onDone: () => void }) {
  const { t } = useTranslation('person');
  const remaining = ESSC_CHANNELS.filter((c) => !essc?.authorisations.some((a) => a.channel === c));
  const [channel, setChannel] = useState<EsscChannel | undefined>(remaining[0]);
  const [regionCode, setRegionCode] = useState(region);
  const [authorise, setAuthorise] = useState(false);
  const chosen = channel && remaining.includes(channel) ? channel : remaining[0];
  const submission = useSubmit(async () => {
    await call('/v1/me/essc', { body: { channel: chosen, regionCode, authorise } });
    setAuthorise(false);
    onDone();
  }, ['channel', 'regionCode', 'authorise']);
  if (!chosen) return null;
  const form = (
    <Form submission={submission} label={essc ? t('essc.addChannel') : t('essc.applyTitle')}>
      <Select
        label={t('essc.channel')}
        name="channel"
        value={chosen}
        onChange={(e) => setChannel(e.target.value as EsscChannel)}
        options={remaining.map((c) => ({ value: c, label: t(`esscChannel.${c}`) }))}
        error={submission.fieldError('channel')}
      />
      {!essc && (
        <Field
          label={t('essc.region')}
          name="regionCode"
          value={regionCode}
          onChange={(e) => setRegionCode(e.target.value)}
          error={submission.fieldError('regionCode')}
          required
        />
      )}
      <div className="authorisation" role="region" aria-label={t('essc.authTitle')}>
        <h3>{t('essc.authTitle')}</h3>
        <p>{t('essc.authIntro', { channel: t(`esscChannel.${chosen}`) })}</p>
        <p>
          <strong>{t('essc.authItems')}</strong>
        </p>
      </div>
      <Consent
        label={t('essc.authorise')}
        name="authorise"
        checked={authorise}
        onChange={setAuthorise}
        error={submission.fieldError('authorise')}
      />
      <SubmitButton busy={submission.busy}>
        {essc ? t('essc.addChannelSubmit') : t('essc.apply')}
      </SubmitButton>
    </Form>
  );
  if (!essc)
    return (
      <>
        <h3>{t('essc.applyTitle')}</h3>
        {form}
      </>
    );
  return (
    <details className="section">
      <summary>{t('essc.addChannel')}</summary>
      {form}
    </details>
  );
}

/** Link the bank account behind the physical card's financial function. */
function BankForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation('person');
  const [bank, setBank] = useState<Bank>('icbc');
  const [accountNumber, setAccountNumber] = useState('');
  const submission = useSubmit(
    async () => {
      await call('/v1/me/essc/bank-account', { body: { bank, accountNumber } });
      setAccountNumber('');
      onDone();
    },
    ['bank', 'accountNumber'],
    { invalid_bank_account: 'accountNumber' },
  );
  return (
    <details className="section">
      <summary>{t('essc.bankTitle')}</summary>
      <p className="muted">{t('essc.bankIntro')}</p>
      <Form submission={submission} label={t('essc.bankTitle')}>
        <Select
          label={t('essc.bank')}
          name="bank"
          value={bank}
          onChange={(e) => setBank(e.target.value as Bank)}
          options={BANKS.map((b) => ({ value: b, label: t(`bank.${b}`) }))}
        />
        <Field
          label={t('essc.accountNumber')}
          name="accountNumber"
          inputMode="numeric"
          autoComplete="off"
          value={accountNumber}
          onChange={(e) => setAccountNumber(e.target.value)}
          error={submission.fieldError('accountNumber')}
          required
        />
        <SubmitButton busy={submission.busy}>{t('essc.link')}</SubmitButton>
      </Form>
    </details>
  );
}

function History({ essc }: { essc: Essc }) {
  const { t } = useTranslation('person');
  return (
    <section aria-labelledby="essc-history">
      <h3 id="essc-history">{t('essc.history')}</h3>
      <ul className="plain list">
        {essc.history.map((h, i) => (
          <li key={i}>
            <div className="spread">
              <strong>{t(`cardEvent.${h.event}`, { defaultValue: h.event })}</strong>
              <span className="muted">{formatTime(h.at)}</span>
            </div>
            {typeof h.detail === 'string' && h.detail && <span className="muted">{h.detail}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
