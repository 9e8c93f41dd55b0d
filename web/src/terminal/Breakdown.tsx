import { useTranslation } from 'react-i18next';
import { Money } from '../shared/ui.tsx';
import { SETTLEMENT_FIGURES } from '../shared/settlement.tsx';
import type { Settlement } from './types.ts';

/** A settlement's (or an estimate's) breakdown: who pays what, and line by line. */
export function Breakdown({ settlement: s }: { settlement: Settlement }) {
  const { t } = useTranslation('terminal');
  const totals = s.result.totals;
  return (
    <div className="breakdown">
      <dl className="facts figures">
        {SETTLEMENT_FIGURES.filter(
          (k) => k === 'total' || k === 'fund' || k === 'cashPaid' || (totals[k] ?? 0) !== 0,
        ).map((k) => (
          <div key={k} className={`figure figure-${k}`} data-figure={k}>
            <dt>{t(`breakdown.${k}`)}</dt>
            <dd>
              <Money fen={totals[k] ?? 0} />
            </dd>
          </div>
        ))}
        <div className="figure figure-credential" data-figure="credential">
          <dt>{t('breakdown.credential')}</dt>
          <dd>{t(`labels.credential.${s.credential}`)}</dd>
        </div>
        {s.bankInstruction && (
          <div className="figure figure-bank" data-figure="bank">
            <dt>{t('breakdown.bankPaid')}</dt>
            <dd>
              <Money fen={s.bankInstruction.amount} /> · {s.bankInstruction.bank.toUpperCase()}{' '}
              {s.bankInstruction.accountMasked} · {t(`labels.bankStatus.${s.bankInstruction.status}`)}
            </dd>
          </div>
        )}
      </dl>
      <table className="lines-table">
        <caption className="sr-only">{t('breakdown.lines')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('bill.item')}</th>
            <th scope="col">{t('bill.serviceType')}</th>
            <th scope="col" className="num">
              {t('bill.amount')}
            </th>
            <th scope="col" className="num">
              {t('breakdown.fund')}
            </th>
            <th scope="col" className="num">
              {t('breakdown.accountPaid')}
            </th>
            <th scope="col" className="num">
              {t('breakdown.relativeAccountPaid')}
            </th>
            <th scope="col" className="num">
              {t('breakdown.cashPaid')}
            </th>
          </tr>
        </thead>
        <tbody>
          {s.result.lines.map((l) => (
            <tr key={l.index}>
              <td>{l.name}</td>
              <td>{t(`labels.serviceType.${l.serviceType}`, { defaultValue: l.serviceType })}</td>
              <td className="num">
                <Money fen={l.amount} />
              </td>
              <td className="num">
                <Money fen={l.fund} />
              </td>
              <td className="num">
                <Money fen={l.personal.account} />
              </td>
              <td className="num">
                <Money fen={l.personal.relativeAccount} />
              </td>
              <td className="num">
                <Money fen={l.personal.cash} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.result.explanations.length > 0 && (
        <details className="explanations">
          <summary>{t('breakdown.explanations')}</summary>
          <ul className="muted">
            {s.result.explanations.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
