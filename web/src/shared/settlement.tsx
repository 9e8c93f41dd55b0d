import { Money } from './ui.tsx';
import type { ReconciliationFigures, SettlementTotals } from './types.ts';

/** A settlement's figures, in the order a receipt reads them (each app labels them in its own messages). */
export const SETTLEMENT_FIGURES = [
  'total',
  'outOfCatalogue',
  'overLimit',
  'selfPayFirst',
  'withoutApproval',
  'policyScope',
  'deductiblePaid',
  'fund',
  'ceilingOverflow',
  'person',
  'accountPaid',
  'relativeAccountPaid',
  'cashPaid',
  'accountBalanceAfter',
  'fundLimitRemaining',
] as const satisfies ReadonlyArray<keyof SettlementTotals>;

/** The money figures of a day's settlements or refunds, in the order the reconciliation tables show them. */
export const RECONCILIATION_FIGURES = [
  'total',
  'fund',
  'accountPaid',
  'relativeAccountPaid',
  'cashPaid',
] as const satisfies ReadonlyArray<keyof ReconciliationFigures>;

/** What the individual accounts paid: the person's own and a bound relative's (family mutual aid). */
export function accountsPaid(paid: { accountPaid: number; relativeAccountPaid: number }): number {
  return paid.accountPaid + paid.relativeAccountPaid;
}

/** The four money cells of a row in a list of settlements: total, fund, accounts (own and relative), cash. */
export function SettlementSumCells({
  totals,
}: {
  totals: Pick<SettlementTotals, 'total' | 'fund' | 'accountPaid' | 'relativeAccountPaid' | 'cashPaid'>;
}) {
  return (
    <>
      <td className="num">
        <Money fen={totals.total} />
      </td>
      <td className="num">
        <Money fen={totals.fund} />
      </td>
      <td className="num">
        <Money fen={accountsPaid(totals)} />
      </td>
      <td className="num">
        <Money fen={totals.cashPaid} />
      </td>
    </>
  );
}
