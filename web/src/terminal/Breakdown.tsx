import { useTranslation } from 'react-i18next';
import { Money } from '../shared/ui.tsx';
import { SETTLEMENT_FIGURES } from '../shared/settlement.tsx';
import type { Settlement } from './types.ts';

/**
 * A settlement's (or an estimate's) breakdown: who pays what, and line by line, with the catalogue version the
 * lines were resolved against. A line above its price limit shows the part the person pays (超限价自付); a line
 * the catalogue restricts to another setting shows the server's explanation.
 */
export function Breakdown({ settlement: s }: { settlement: Settlement }) {
  const { t } = useTranslation('terminal');
  const totals = s.result.totals;
  const overLimit = (totals.overLimit ?? 0) > 0;
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
        {s.catalogueVersion !== null && (
          <div className="figure figure-catalogue" data-figure="catalogueVersion">
            <dt>{t('breakdown.catalogueVersion')}</dt>
            <dd>
              {s.catalogueVersion === 0
                ? t('breakdown.noCatalogue')
                : t('breakdown.catalogueVersionValue', { version: s.catalogueVersion })}
            </dd>
          </div>
        )}
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
            {overLimit && (
              <th scope="col" className="num">
                {t('breakdown.overLimit')}
              </th>
            )}
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
            <tr key={l.index} data-line={l.index} data-rule={l.rule}>
              <td>
                {l.name}
                {l.rule === 'restricted' &&
                  l.explanations.map((x) => (
                    <div key={x} className="muted line-explanation">
                      <small>{x}</small>
                    </div>
                  ))}
              </td>
              <td>{t(`labels.serviceType.${l.serviceType}`, { defaultValue: l.serviceType })}</td>
              <td className="num">
                <Money fen={l.amount} />
              </td>
              {overLimit && (
                <td className="num" data-figure-line="overLimit">
                  <Money fen={l.overLimit ?? 0} />
                </td>
              )}
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
