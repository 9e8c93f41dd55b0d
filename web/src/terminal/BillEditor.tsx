import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { formatFen } from '../shared/money.ts';
import { Field, Form, Money, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { addItem, billTotal, lineAmount, parseQuantity, type BillLine } from './bill.ts';
import { SERVICE_TYPES, type Catalogue, type PriceItem, type ServiceType, type Setting } from './types.ts';

/** The bill: items picked from the institution's price list, their quantities and how each is treated. */
export function BillEditor({
  priceList,
  lines,
  onLines,
  setting,
  onSetting,
}: {
  priceList: PriceItem[];
  lines: BillLine[];
  onLines: (lines: BillLine[]) => void;
  setting: Setting;
  onSetting: (s: Setting) => void;
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
  const change = (line: BillLine, patch: Partial<BillLine>) =>
    onLines(lines.map((l) => (l === line ? { ...l, ...patch } : l)));
  const serviceOptions = SERVICE_TYPES.map((s) => ({ value: s, label: t(`labels.serviceType.${s}`) }));
  const catalogueOptions = (['in', 'out'] as const).map((c) => ({
    value: c,
    label: t(`labels.catalogue.${c}`),
  }));

  return (
    <section className="card" aria-labelledby="bill-title">
      <h2 id="bill-title">{t('bill.title')}</h2>
      <Select
        label={t('bill.setting')}
        value={setting}
        onChange={(e) => onSetting(e.target.value as Setting)}
        options={(['outpatient', 'inpatient'] as const).map((s) => ({
          value: s,
          label: t(`labels.setting.${s}`),
        }))}
      />
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
                label: `${i.name} · ${formatFen(i.unitPrice)}${i.unit ? `/${i.unit}` : ''}`,
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
                <th scope="col">{t('bill.serviceType')}</th>
                <th scope="col">{t('bill.catalogue')}</th>
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
                <tr key={l.key}>
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
                    <Select
                      label={t('bill.serviceTypeOf', { name: l.item.name })}
                      value={l.serviceType}
                      onChange={(e) => change(l, { serviceType: e.target.value as ServiceType })}
                      options={serviceOptions}
                    />
                  </td>
                  <td>
                    <Select
                      label={t('bill.catalogueOf', { name: l.item.name })}
                      value={l.catalogue}
                      onChange={(e) => change(l, { catalogue: e.target.value as Catalogue })}
                      options={catalogueOptions}
                    />
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
                <th scope="row" colSpan={5}>
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
