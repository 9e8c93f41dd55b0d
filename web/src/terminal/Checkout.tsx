import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../shared/api.ts';
import { LoadState, useLoad } from '../shared/ui.tsx';
import { BillEditor } from './BillEditor.tsx';
import { EligibilityPanel } from './EligibilityPanel.tsx';
import { ScanPanel } from './ScanPanel.tsx';
import { SettlePanel } from './SettlePanel.tsx';
import type { BillLine, Visit } from './bill.ts';
import type { Eligibility, Payer, PriceItem } from './types.ts';

/** One customer at the till: identify the payer, ring up the bill, estimate, settle. */
export function Checkout() {
  const { t } = useTranslation('terminal');
  const navigate = useNavigate();
  const prices = useLoad(() => api<{ items: PriceItem[] }>('terminal', '/v1/terminal/price-list'));
  const [scanned, setScanned] = useState<{ payer: Payer; eligibility: Eligibility } | null>(null);
  const [lines, setLines] = useState<BillLine[]>([]);
  const [visit, setVisit] = useState<Visit>({ setting: 'outpatient', specialOutpatient: null });
  return (
    <div className="checkout">
      <h2 className="sr-only">{t('nav.checkout')}</h2>
      <div className="grid checkout-grid">
        <div>
          {scanned ? (
            <EligibilityPanel eligibility={scanned.eligibility} onNext={() => setScanned(null)} />
          ) : (
            <ScanPanel onScanned={(payer, eligibility) => setScanned({ payer, eligibility })} />
          )}
        </div>
        <div>
          <LoadState loaded={prices}>
            {({ items }) => (
              <BillEditor
                priceList={items}
                lines={lines}
                onLines={setLines}
                visit={visit}
                onVisit={setVisit}
              />
            )}
          </LoadState>
          <SettlePanel
            payer={scanned?.payer ?? null}
            lines={lines}
            visit={visit}
            onSettled={(s) => void navigate(`/terminal/settlements/${s.id}`)}
          />
        </div>
      </div>
    </div>
  );
}
