import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorBanner, LoadState, Notice, useLoad, useSubmit } from '../shared/ui.tsx';
import { call } from './client.ts';
import { ConfirmButton } from './Confirm.tsx';
import { loadEcard } from './ecard-state.ts';
import { ActivateForm, AddChannelForm, ApplyForm, PaymentForm } from './EcardForms.tsx';
import type { Ecard } from '../shared/types.ts';

/** The e-card: apply with authorisation, activate, open payment, suspend/resume, authorised channels. */
export function EcardScreen() {
  const { t } = useTranslation('person');
  const ecard = useLoad(loadEcard);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (text: string) => () => {
    setNotice(text);
    ecard.reload();
  };
  return (
    <section className="card" aria-labelledby="ecard-title">
      <h2 id="ecard-title">{t('ecard.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <LoadState loaded={ecard}>
        {(e) => {
          if (!e || e.status === 'revoked') return <ApplyForm onDone={done(t('ecard.applied'))} />;
          if (e.status === 'applied')
            return <ActivateForm channel={e.appliedChannel} onDone={done(t('ecard.activated'))} />;
          return (
            <>
              <EcardFacts ecard={e} />
              {e.status === 'active' && !e.paymentOpen && (
                <PaymentForm onDone={done(t('ecard.paymentOpened'))} />
              )}
              {e.status === 'active' && e.paymentOpen && (
                <Link className="button primary big" to="/app/qr">
                  {t('ecard.showQr')}
                </Link>
              )}
              <AddChannelForm ecard={e} onDone={done(t('ecard.channelAdded'))} />
              <SuspendResume
                ecard={e}
                onSuspended={done(t('ecard.suspended'))}
                onResumed={done(t('ecard.resumed'))}
              />
            </>
          );
        }}
      </LoadState>
    </section>
  );
}

function EcardFacts({ ecard }: { ecard: Ecard }) {
  const { t } = useTranslation('person');
  return (
    <dl className="facts">
      <dt>{t('ecard.status')}</dt>
      <dd>
        <span className={`badge${ecard.status === 'active' ? '' : ' warn'}`}>
          {t(`ecardStatus.${ecard.status}`)}
        </span>
      </dd>
      <dt>{t('ecard.payment')}</dt>
      <dd>{ecard.paymentOpen ? t('ecard.paymentOn') : t('ecard.paymentOff')}</dd>
      {ecard.physicalCardNumber && (
        <>
          <dt>{t('ecard.physicalCard')}</dt>
          <dd>{ecard.physicalCardNumber}</dd>
        </>
      )}
      <dt>{t('ecard.channels')}</dt>
      <dd>
        <ul className="plain">
          {ecard.channels.map((c) => (
            <li key={c}>{t(`channel.${c}`)}</li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}

function SuspendResume({
  ecard,
  onSuspended,
  onResumed,
}: {
  ecard: Ecard;
  onSuspended: () => void;
  onResumed: () => void;
}) {
  const { t } = useTranslation('person');
  const suspend = useSubmit(async () => {
    await call('/v1/me/ecard/suspend', { method: 'POST' });
    onSuspended();
  });
  const resume = useSubmit(async () => {
    await call('/v1/me/ecard/resume', { method: 'POST' });
    onResumed();
  });
  if (ecard.status === 'suspended' && ecard.suspendedBy === 'staff')
    return <div className="banner warn">{t('ecard.suspendedByStaff')}</div>;
  return (
    <div className="actions">
      <ErrorBanner error={suspend.error || resume.error} />
      {ecard.status === 'active' && (
        <ConfirmButton
          label={t('ecard.suspend')}
          question={t('ecard.suspendConfirm')}
          busy={suspend.busy}
          onConfirm={suspend.submit}
        />
      )}
      {ecard.status === 'suspended' && (
        <button type="button" className="primary" disabled={resume.busy} onClick={() => void resume.submit()}>
          {t('ecard.resume')}
        </button>
      )}
    </div>
  );
}
