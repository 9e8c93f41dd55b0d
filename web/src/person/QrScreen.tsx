import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../shared/api.ts';
import { ErrorBanner, Select, useLoad } from '../shared/ui.tsx';
import { call, secondsLeft } from './client.ts';
import type { Binding, EsscQrCode, QrCode } from './types.ts';

/** A new code is fetched this many seconds before the shown one expires, so the cashier never scans a dead one. */
const REFRESH_BEFORE_SECONDS = 5;
const SETUP_CODES = {
  ecard: ['ecard_not_found', 'ecard_not_active', 'payment_not_open', 'ecard_suspended'],
  essc: ['essc_not_found', 'essc_suspended', 'second_level_required'],
};
type Card = keyof typeof SETUP_CODES;

interface Shown {
  /** The e-voucher's code (with its holder), or the e-SSC's (always the person's own). */
  qr: QrCode | EsscQrCode;
  /** Expiry on this device's clock: receipt time + the code's lifetime, so a skewed phone clock does not matter. */
  expiresAtMs: number;
  generation: number;
}

/**
 * The QR code to pay with: large, counting down, refreshing itself; the e-voucher's (the person's own or a
 * relative's) or the e-SSC's, each signed by its own platform's keys.
 */
export function QrScreen() {
  const { t } = useTranslation('person');
  const [params, setParams] = useSearchParams();
  const card: Card = params.get('card') === 'essc' ? 'essc' : 'ecard';
  const family = useLoad(() => call<{ relatives: Binding[] }>('/v1/me/family'));
  const shownFor = (family.data?.relatives ?? []).filter((r) => r.cardDisplay === 'confirmed');
  const [forId, setForId] = useState('');
  const [generation, setGeneration] = useState(0);
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let live = true;
    const fetched =
      card === 'essc'
        ? call<EsscQrCode>('/v1/me/essc/qr')
        : call<QrCode>('/v1/me/ecard/qr', { query: { for: forId || undefined } });
    fetched.then(
      (qr) => {
        if (!live) return;
        const lifetime = Date.parse(qr.expiresAt) - Date.parse(qr.issuedAt);
        const received = Date.now();
        setShown({ qr, expiresAtMs: received + lifetime, generation });
        setNow(received);
        setError(null);
      },
      (err: unknown) => {
        if (!live) return;
        setShown(null);
        setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [card, forId, generation]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // `now` may lag the receipt by up to a tick: never show more than the code's lifetime.
  const left = shown ? Math.min(shown.qr.ttlSeconds, secondsLeft(shown.expiresAtMs, now)) : 0;
  // Refresh once per shown code: only while the code on screen is the latest one asked for.
  useEffect(() => {
    if (shown && shown.generation === generation && left <= REFRESH_BEFORE_SECONDS)
      setGeneration((g) => g + 1);
  }, [shown, generation, left]);

  const setupNeeded = error instanceof ApiError && SETUP_CODES[card].includes(error.code);
  const holder = shown && 'holder' in shown.qr ? shown.qr.holder : null;
  return (
    <section className="card qr-screen" aria-labelledby="qr-title">
      <h2 id="qr-title">{t('qr.title')}</h2>
      <Select
        label={t('qr.which')}
        name="card"
        value={card}
        onChange={(e) => {
          setShown(null);
          setParams(e.target.value === 'essc' ? { card: 'essc' } : {});
        }}
        options={[
          { value: 'ecard', label: t('qr.ecard') },
          { value: 'essc', label: t('qr.essc') },
        ]}
      />
      {card === 'ecard' && shownFor.length > 0 && (
        <Select
          label={t('qr.whose')}
          value={forId}
          onChange={(e) => setForId(e.target.value)}
          options={[
            { value: '', label: t('qr.mine') },
            ...shownFor.map((r) => ({
              value: r.relativePersonId,
              label: t('qr.relative', { name: r.relativeName, kinship: t(`kinship.${r.kinship}`) }),
            })),
          ]}
        />
      )}
      <ErrorBanner error={error} />
      {setupNeeded && (
        <Link className="button primary" to={card === 'essc' ? '/app/essc' : '/app/ecard'}>
          {card === 'essc' ? t('qr.esscSetup') : t('qr.setup')}
        </Link>
      )}
      {shown && (
        <figure className="qr">
          <img
            className="qr-image"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(shown.qr.svg)}`}
            alt={holder ? t('qr.alt', { name: holder.maskedName }) : t('qr.essc')}
            data-card={card}
            // Which fetch this code came from (codes issued within one second share `issuedAt`).
            data-generation={shown.generation}
          />
          <figcaption>
            {holder ? (
              <strong className="qr-holder">{t('qr.holder', { name: holder.maskedName })}</strong>
            ) : (
              <strong className="qr-holder">{t('qr.essc')}</strong>
            )}
            {holder && !holder.self && <span className="badge warn">{t('qr.relativeNote')}</span>}
            <span role="timer" className="qr-countdown">
              {left > 0 ? t('qr.countdown', { seconds: left }) : t('qr.expired')}
            </span>
            <progress max={shown.qr.ttlSeconds} value={left} aria-hidden="true" />
            <span className="muted">{t('qr.hint')}</span>
          </figcaption>
        </figure>
      )}
      <button type="button" onClick={() => setGeneration((g) => g + 1)}>
        {t('qr.refresh')}
      </button>
    </section>
  );
}
