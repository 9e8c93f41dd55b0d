import { useTranslation } from 'react-i18next';
import { coverageOf, fundMayPay, type Coverage } from './bill.ts';
import type { PriceItem } from './types.ts';

const TONE: Record<Coverage['kind'], string> = {
  class: '',
  unmapped: ' warn',
  pending: ' warn',
  rejected: ' bad',
  lapsed: ' warn',
};

/** The coverage's name: its class (甲类 …) or why the item is out of catalogue (目录外, 对照待审核 …). */
export function useCoverageLabel(): (c: Coverage) => string {
  const { t } = useTranslation('terminal');
  return (c) => t(`labels.coverage.${c.kind === 'class' ? c.class : c.kind}`);
}

/** What the agency's data says of a price-list item, read-only: its class, or out of catalogue and why. */
export function CoverageBadge({ item }: { item: PriceItem }) {
  const { t } = useTranslation('terminal');
  const label = useCoverageLabel();
  const c = coverageOf(item);
  return (
    <span className="coverage" data-coverage={c.kind === 'class' ? c.class : c.kind}>
      <span className={`badge${c.kind === 'class' && c.class === 'C' ? ' warn' : TONE[c.kind]}`}>
        {label(c)}
      </span>
      {!fundMayPay(c) && <small className="muted coverage-note">{t('labels.coverage.selfPaid')}</small>}
    </span>
  );
}
