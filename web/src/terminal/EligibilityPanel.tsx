import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Money } from '../shared/ui.tsx';
import type { Eligibility } from './types.ts';

/** Seconds left until `iso`, ticking once a second (null when there is no deadline). */
function useSecondsLeft(iso: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000)) : null;
}

/** Who is paying and whether they can: the masked person, statuses, balance and the policy in force. */
export function EligibilityPanel({
  eligibility: e,
  onNext,
}: {
  eligibility: Eligibility;
  onNext: () => void;
}) {
  const { t } = useTranslation('terminal');
  const left = useSecondsLeft(e.expiresAt);
  const yesNo = (v: boolean) => t(v ? 'common:yes' : 'common:no');
  return (
    <section className="card eligibility" aria-labelledby="eligibility-title">
      <h2 id="eligibility-title">{t('elig.title')}</h2>
      {e.canPayFromAccount ? (
        <p className="badge">{t('elig.canPay')}</p>
      ) : (
        <p className="badge warn">{t('elig.cannotPay')}</p>
      )}
      <dl className="facts">
        <dt>{t('elig.name')}</dt>
        <dd className="masked-name">{e.person.maskedName}</dd>
        <dt>{t('elig.idNumber')}</dt>
        <dd>{e.person.maskedIdNumber}</dd>
        <dt>{t('elig.insuranceType')}</dt>
        <dd>
          {t(`labels.insurance.${e.person.insuranceType}`, { defaultValue: e.person.insuranceType })}
          {e.person.retired && ` · ${t('elig.retired')}`}
        </dd>
        <dt>{t('elig.personStatus')}</dt>
        <dd>{t(`labels.personStatus.${e.person.status}`, { defaultValue: e.person.status })}</dd>
        <dt>{t('elig.method')}</dt>
        <dd data-testid="credential">
          <strong>{t(`labels.credential.${e.credential}`)}</strong>
        </dd>
        {e.ecard && (
          <>
            <dt>{e.credential === 'essc' ? t('elig.essc') : t('elig.ecard')}</dt>
            <dd>
              {t(`labels.${e.credential === 'essc' ? 'esscStatus' : 'ecardStatus'}.${e.ecard.status}`, {
                defaultValue: e.ecard.status,
              })}{' '}
              · {t('elig.paymentOpen')}: {yesNo(e.ecard.paymentOpen)}
            </dd>
          </>
        )}
        {e.card && (
          <>
            <dt>{t('elig.card')}</dt>
            <dd>{t(`labels.cardStatus.${e.card.status}`, { defaultValue: e.card.status })}</dd>
          </>
        )}
        <dt>{t('elig.balance')}</dt>
        <dd>
          <Money fen={e.accountBalance} />
        </dd>
        <dt>{t('elig.policy')}</dt>
        <dd>
          {e.policy.regionCode} · {e.policy.version}
        </dd>
        {left !== null && (
          <>
            <dt>{t('elig.codeValid')}</dt>
            <dd>
              {left > 0 ? (
                t('elig.secondsLeft', { count: left })
              ) : (
                <span className="badge bad">{t('elig.expired')}</span>
              )}
            </dd>
          </>
        )}
      </dl>
      <button type="button" onClick={onNext}>
        {t('elig.next')}
      </button>
    </section>
  );
}
