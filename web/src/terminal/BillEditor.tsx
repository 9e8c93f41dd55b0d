import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { formatFen } from '../shared/money.ts';
import { Field, Form, Money, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import {
  addItem,
  billTotal,
  coverageOf,
  lineAmount,
  overLimitOf,
  parseQuantity,
  type BillLine,
  type Visit,
} from './bill.ts';
import { CoverageBadge, useCoverageLabel } from './Coverage.tsx';
import {
  SPECIAL_OUTPATIENT_DISEASES,
  type PriceItem,
  type Setting,
  type SpecialOutpatient,
} from './types.ts';

/**
 * The bill: the visit's setting (and special outpatient disease), items picked from the institution's price
 * list and their quantities. Each line shows what the agency's data says of the item (its class, or out of
 * catalogue and why; the part above a price limit), read-only: the server resolves the same at settlement.
 */
export function BillEditor({
  priceList,
  lines,
  onLines,
  visit,
  onVisit,
}: {
  priceList: PriceItem[];
  lines: BillLine[];
  onLines: (lines: BillLine[]) => void;
  visit: Visit;
  onVisit: (v: Visit) => void;
}) {
  const { t } = useTranslation('terminal');
  const [itemId, setItemId] = useState(priceList[0]?.id ?? '');
  const [quantity, setQuantity] = useState('1');
  const add = useSubmit(async () => {
    const item = priceList.find((i) => i.id === itemId);
    if (!item) throw new ApiError(400, 'pick_item', t('bill.pickItem'), { field: 'item' });
    const n = parseQuantity(quantity);
    if (n === null) throw new ApiError(400, 'bad_quantity', t('bill.quantityInvalid'), { field: 'quantity' });
    onLines(addItem(lines, item, n));
    setQuantity('1');
  }, ['item', 'quantity']);
  const coverageLabel = useCoverageLabel();
  const change = (line: BillLine, patch: Partial<BillLine>) =>
    onLines(lines.map((l) => (l === line ? { ...l, ...patch } : l)));

  return (
    <section className="card" aria-labelledby="bill-title">
      <h2 id="bill-title">{t('bill.title')}</h2>
      <div className="row visit-row">
        <Select
          label={t('bill.setting')}
          name="setting"
          value={visit.setting}
          onChange={(e) => onVisit({ ...visit, setting: e.target.value as Setting })}
          options={(['outpatient', 'inpatient'] as const).map((s) => ({
            value: s,
            label: t(`labels.setting.${s}`),
          }))}
        />
        {visit.setting === 'outpatient' && (
          <Select
            label={t('bill.specialOutpatient')}
            name="specialOutpatient"
            value={visit.specialOutpatient ?? ''}
            hint={t('bill.specialOutpatientHint')}
            onChange={(e) =>
              onVisit({ ...visit, specialOutpatient: (e.target.value || null) as SpecialOutpatient | null })
            }
            options={[
              { value: '', label: t('bill.ordinaryOutpatient') },
              ...SPECIAL_OUTPATIENT_DISEASES.map((d) => ({
                value: d,
                label: t(`labels.specialOutpatient.${d}`),
              })),
            ]}
          />
        )}
      </div>
      {priceList.length === 0 ? (
        <p className="banner warn">{t('bill.noPriceList')}</p>
      ) : (
        <Form submission={add} label={t('bill.addForm')}>
          <div className="row">
            <Select
              label={t('bill.item')}
              value={itemId}
              onChange={(e) => setItemId(e.target.value)}
              error={add.fieldError('item')}
              options={priceList.map((i) => ({
                value: i.id,
                label: `${i.name} · ${formatFen(i.unitPrice)}${i.unit ? `/${i.unit}` : ''} · ${coverageLabel(coverageOf(i))}`,
              }))}
            />
            <Field
              label={t('bill.quantity')}
              name="quantity"
              inputMode="numeric"
              className="qty"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              error={add.fieldError('quantity')}
            />
            <SubmitButton>{t('bill.add')}</SubmitButton>
          </div>
        </Form>
      )}
      {lines.length === 0 ? (
        <p className="muted">{t('bill.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="bill-table">
            <caption className="sr-only">{t('bill.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('bill.item')}</th>
                <th scope="col" className="num">
                  {t('bill.unitPrice')}
                </th>
                <th scope="col">{t('bill.quantity')}</th>
                <th scope="col">{t('bill.coverage')}</th>
                <th scope="col" className="num">
                  {t('bill.amount')}
                </th>
                <th scope="col">
                  <span className="sr-only">{t('bill.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.key} data-item={l.item.code}>
                  <td>
                    {l.item.name}
                    <br />
                    <small className="muted">{l.item.code}</small>
                  </td>
                  <td className="num">
                    <Money fen={l.item.unitPrice} />
                  </td>
                  <td>
                    <QuantityCell line={l} onQuantity={(quantity) => change(l, { quantity })} />
                  </td>
                  <td>
                    <CoverageBadge item={l.item} />
                    <OverLimit line={l} />
                  </td>
                  <td className="num">
                    <Money fen={lineAmount(l)} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-label={t('bill.removeOf', { name: l.item.name })}
                      onClick={() => onLines(lines.filter((x) => x !== l))}
                    >
                      {t('bill.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  {t('bill.total')}
                </th>
                <td className="num bill-total">
                  <Money fen={billTotal(lines)} />
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}

/** The part of a line above its catalogue price limit, when there is one: the person's to pay. */
function OverLimit({ line }: { line: BillLine }) {
  const { t } = useTranslation('terminal');
  const amount = overLimitOf(line);
  const c = coverageOf(line.item);
  if (amount === 0 || c.kind !== 'class' || c.priceLimit === null) return null;
  return (
    <div className="muted over-limit" data-over-limit={amount}>
      <small>{t('bill.aboveLimit', { limit: formatFen(c.priceLimit), amount: formatFen(amount) })}</small>
    </div>
  );
}

/** A line's quantity, typed freely; the bill takes it once it is a whole number from 1 to 100,000. */
function QuantityCell({ line, onQuantity }: { line: BillLine; onQuantity: (n: number) => void }) {
  const { t } = useTranslation('terminal');
  const [text, setText] = useState(String(line.quantity));
  // When the quantity changes from outside (the same item added again), show the new one.
  const [seen, setSeen] = useState(line.quantity);
  if (seen !== line.quantity) {
    setSeen(line.quantity);
    if (parseQuantity(text) !== line.quantity) setText(String(line.quantity));
  }
  const valid = parseQuantity(text) !== null;
  return (
    <Field
      label={t('bill.quantityOf', { name: line.item.name })}
      inputMode="numeric"
      className="qty"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = parseQuantity(e.target.value);
        if (n !== null) onQuantity(n);
      }}
      onBlur={() => setText(String(line.quantity))}
      error={valid ? undefined : t('bill.quantityInvalid')}
    />
  );
}
