import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { LoadState, useLoad } from '../shared/ui.tsx';

/**
 * The receipt as the server lays it out for a 58 mm printer (32 columns of text), shown as printed and
 * printed alone (`.printable`: the rest of the page is hidden in print).
 */
export function ReceiptPanel({ settlementId, version }: { settlementId: string; version: number }) {
  const { t } = useTranslation('terminal');
  const receipt = useLoad(
    () =>
      api<string>('terminal', `/v1/terminal/settlements/${settlementId}/receipt`, {
        query: { format: 'text' },
        as: 'text',
      }),
    [settlementId, version],
  );
  return (
    <section className="card" aria-labelledby="receipt-title">
      <h2 id="receipt-title">{t('receipt.title')}</h2>
      <LoadState loaded={receipt}>
        {(text) => (
          <>
            <pre className="printable receipt" aria-label={t('receipt.title')}>
              {text}
            </pre>
            <button type="button" className="primary" onClick={() => window.print()}>
              {t('receipt.print')}
            </button>
          </>
        )}
      </LoadState>
    </section>
  );
}
