import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LoadState, useLoad, type Loaded } from '../shared/ui.tsx';
import { loadEcard, nextStep } from './ecard-state.ts';
import { loadEssc } from './essc-state.ts';
import type { Me } from './types.ts';

const NEXT = {
  verify: { to: '/app/identity', key: 'home.nextVerify' },
  apply: { to: '/app/ecard', key: 'home.nextApply' },
  activate: { to: '/app/ecard', key: 'home.nextActivate' },
  payment: { to: '/app/ecard', key: 'home.nextPayment' },
} as const;

/** The overview: who is signed in, where their identity and e-card stand, and the next step. */
export function Home({ me }: { me: Loaded<Me> }) {
  const { t } = useTranslation('person');
  const ecard = useLoad(loadEcard);
  const essc = useLoad(loadEssc);
  return (
    <LoadState loaded={me}>
      {(m) => (
        <section className="card" aria-labelledby="home-title">
          <h2 id="home-title">{t('home.hello', { name: m.displayName })}</h2>
          <dl className="facts">
            <dt>{t('home.identity')}</dt>
            <dd>
              <span className="badge">{t(`identityStatus.${m.person?.identityStatus ?? 'unverified'}`)}</span>
            </dd>
            <dt>{t('home.ecard')}</dt>
            <dd>
              {ecard.data === undefined ? (
                '…'
              ) : (
                <span className="badge">
                  {ecard.data ? t(`ecardStatus.${ecard.data.status}`) : t('home.noEcard')}
                </span>
              )}
            </dd>
          </dl>
          <h3>{t('home.bothCards')}</h3>
          <div className="two-cards">
            <Link className="mini-card" to="/app/ecard" aria-label={t('home.openEcard')}>
              <strong>{t('home.ecard')}</strong>
              <span className="badge" data-testid="home-ecard">
                {ecard.data === undefined
                  ? '…'
                  : ecard.data
                    ? t(`ecardStatus.${ecard.data.status}`)
                    : t('home.noEcard')}
              </span>
            </Link>
            <Link className="mini-card" to="/app/essc" aria-label={t('home.openEssc')}>
              <strong>{t('home.essc')}</strong>
              <span
                className={`badge${essc.data && essc.data.status !== 'active' ? ' warn' : ''}`}
                data-testid="home-essc"
              >
                {essc.data === undefined
                  ? '…'
                  : essc.data
                    ? t(`esscStatus.${essc.data.status}`)
                    : t('home.noEssc')}
              </span>
            </Link>
          </div>
          <LoadState loaded={ecard}>
            {(e) => {
              const step = nextStep(m.person?.identityStatus === 'verified', e);
              if (step)
                return (
                  <Link className="button primary" to={NEXT[step].to}>
                    {t(NEXT[step].key)}
                  </Link>
                );
              return (
                <Link className="button primary big" to="/app/qr">
                  {t('home.showQr')}
                </Link>
              );
            }}
          </LoadState>
        </section>
      )}
    </LoadState>
  );
}
