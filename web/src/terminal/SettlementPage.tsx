import { beijingDateTime } from '../shared/dates.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../shared/api.ts';
import { accountsPaid } from '../shared/settlement.tsx';
import { LoadState, Money, Notice, useLoad } from '../shared/ui.tsx';
import { Breakdown } from './Breakdown.tsx';
import { ReceiptPanel } from './ReceiptPanel.tsx';
import { RefundPanel } from './RefundPanel.tsx';
import type { Refund, TerminalSettlement } from './types.ts';

/** One settlement of this institution: its breakdown, the receipt to print, and refunds. */
export function SettlementPage() {
  const { t } = useTranslation('terminal');
  const { id = '' } = useParams();
  const loaded = useLoad(() => api<TerminalSettlement>('terminal', `/v1/terminal/settlements/${id}`), [id]);
  const [refunds, setRefunds] = useState<Refund[]>([]);
  const last = refunds[refunds.length - 1];
  return (
    <LoadState loaded={loaded}>
      {(s) => (
        <div className="settlement">
          <section className="card" aria-labelledby="settlement-title">
            <h2 id="settlement-title">
              {t('result.title')}{' '}
              <span className={`badge${s.status === 'settled' ? '' : ' warn'}`} data-status={s.status}>
                {t(`labels.settlementStatus.${s.status}`)}
              </span>
            </h2>
            <p>
              <strong>{s.person.maskedName}</strong> <span className="muted">{s.person.maskedIdNumber}</span>{' '}
              · {t(`labels.insurance.${s.person.insuranceType}`, { defaultValue: s.person.insuranceType })} ·{' '}
              {t(`labels.setting.${s.result.setting}`, { defaultValue: s.result.setting })} ·{' '}
              {beijingDateTime(s.createdAt)}
            </p>
            {s.cardActivated && <Notice>{t('result.cardActivated')}</Notice>}
            {last && (
              <Notice>
                {t('refund.done', { count: last.lines.length })} <Money fen={last.total} />（
                {t('breakdown.fund')} <Money fen={last.fund} /> · {t('breakdown.accountPaid')}{' '}
                <Money fen={accountsPaid(last)} /> · {t('breakdown.cashPaid')} <Money fen={last.cashPaid} />）
              </Notice>
            )}
            <Breakdown settlement={s} />
            <p>
              <Link to="/terminal">{t('result.nextCustomer')}</Link>
            </p>
          </section>
          <div className="grid">
            <ReceiptPanel settlementId={id} version={refunds.length} />
            <RefundPanel
              settlement={s}
              onRefunded={(r) => {
                setRefunds((list) => [...list, r]);
                loaded.reload();
              }}
            />
          </div>
        </div>
      )}
    </LoadState>
  );
}
