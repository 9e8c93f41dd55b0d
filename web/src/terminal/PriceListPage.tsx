import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { formatFen, parseYuan } from '../shared/money.ts';
import {
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Money,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { SERVICE_TYPES, type Catalogue, type PriceItem, type ServiceType } from './types.ts';

/** The institution's price list, which its tills build bills from: add, change the price, remove. */
export function PriceListPage() {
  const { t } = useTranslation('terminal');
  const list = useLoad(() => api<{ items: PriceItem[] }>('institution', '/v1/institution/price-list'));
  const [rowError, setRowError] = useState<unknown>(null);
  const remove = async (item: PriceItem) => {
    setRowError(null);
    try {
      await api('institution', `/v1/institution/price-list/${item.id}`, { method: 'DELETE' });
      list.reload();
    } catch (err) {
      setRowError(err);
    }
  };
  return (
    <div className="grid list-and-form">
      <section className="card compact-label" aria-labelledby="prices-title">
        <h2 id="prices-title">{t('prices.title')}</h2>
        <ErrorBanner error={rowError} />
        <LoadState loaded={list}>
          {({ items }) =>
            items.length === 0 ? (
              <p className="muted">{t('prices.none')}</p>
            ) : (
              <table className="price-table">
                <thead>
                  <tr>
                    <th scope="col">{t('prices.code')}</th>
                    <th scope="col">{t('prices.name')}</th>
                    <th scope="col">{t('bill.serviceType')}</th>
                    <th scope="col">{t('bill.catalogue')}</th>
                    <th scope="col" className="num">
                      {t('bill.unitPrice')}
                    </th>
                    <th scope="col">
                      <span className="sr-only">{t('prices.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((i) => (
                    <tr key={i.id}>
                      <td>{i.code}</td>
                      <td>
                        {i.name}
                        {i.unit && <span className="muted"> / {i.unit}</span>}
                      </td>
                      <td>{t(`labels.serviceType.${i.serviceType}`)}</td>
                      <td>
                        {t(`labels.catalogue.${i.catalogue}`)}
                        {i.category && ` · ${i.category}`}
                      </td>
                      <td className="num">
                        <Money fen={i.unitPrice} />
                      </td>
                      <td>
                        <PriceChange item={i} onChanged={list.reload} />
                        <ConfirmButton
                          label={t('prices.remove')}
                          ariaLabel={t('prices.removeOf', { name: i.name })}
                          question={t('prices.removeQuestion', { name: i.name })}
                          confirmLabel={t('prices.remove')}
                          onConfirm={() => void remove(i)}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </section>
      <NewPriceItem onAdded={list.reload} />
    </div>
  );
}

/** Changes one item's unit price, typed in yuan. */
function PriceChange({ item, onChanged }: { item: PriceItem; onChanged: () => void }) {
  const { t } = useTranslation('terminal');
  const [price, setPrice] = useState(formatFen(item.unitPrice).replace(/^¥/, ''));
  const submission = useSubmit(async () => {
    const unitPrice = parseYuan(price);
    if (unitPrice === null)
      throw new ApiError(400, 'bad_price', t('prices.priceInvalid'), { field: 'unitPrice' });
    await api('institution', `/v1/institution/price-list/${item.id}`, {
      method: 'PATCH',
      body: { unitPrice },
    });
    onChanged();
  }, ['unitPrice']);
  return (
    <Form submission={submission} label={t('prices.changeOf', { name: item.name })}>
      <div className="row">
        <Field
          label={t('prices.newPriceOf', { name: item.name })}
          className="qty"
          inputMode="decimal"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          error={submission.fieldError('unitPrice')}
        />
        <SubmitButton busy={submission.busy}>{t('prices.change')}</SubmitButton>
      </div>
    </Form>
  );
}

function NewPriceItem({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation('terminal');
  const empty = {
    code: '',
    name: '',
    unit: '',
    price: '',
    catalogue: 'in' as Catalogue,
    category: '',
    serviceType: 'outpatient' as ServiceType,
  };
  const [form, setForm] = useState(empty);
  const set = (patch: Partial<typeof empty>) => setForm((f) => ({ ...f, ...patch }));
  const submission = useSubmit(async () => {
    const unitPrice = parseYuan(form.price);
    if (unitPrice === null)
      throw new ApiError(400, 'bad_price', t('prices.priceInvalid'), { field: 'unitPrice' });
    await api('institution', '/v1/institution/price-list', {
      body: {
        code: form.code.trim(),
        name: form.name.trim(),
        unit: form.unit.trim(),
        unitPrice,
        catalogue: form.catalogue,
        category: form.category === 'A' || form.category === 'B' ? form.category : null,
        serviceType: form.serviceType,
      },
    });
    setForm(empty);
    onAdded();
  }, ['code', 'name', 'unit', 'unitPrice', 'catalogue', 'category', 'serviceType']);
  return (
    <section className="card" aria-labelledby="new-item-title">
      <h2 id="new-item-title">{t('prices.newTitle')}</h2>
      <Form submission={submission}>
        <Field
          label={t('prices.code')}
          name="code"
          value={form.code}
          onChange={(e) => set({ code: e.target.value })}
          error={submission.fieldError('code')}
          required
        />
        <Field
          label={t('prices.name')}
          name="name"
          value={form.name}
          onChange={(e) => set({ name: e.target.value })}
          error={submission.fieldError('name')}
          required
        />
        <Field
          label={t('prices.unit')}
          name="unit"
          value={form.unit}
          onChange={(e) => set({ unit: e.target.value })}
          error={submission.fieldError('unit')}
        />
        <Field
          label={t('prices.price')}
          name="unitPrice"
          inputMode="decimal"
          value={form.price}
          onChange={(e) => set({ price: e.target.value })}
          error={submission.fieldError('unitPrice')}
          required
        />
        <Select
          label={t('bill.serviceType')}
          value={form.serviceType}
          onChange={(e) => set({ serviceType: e.target.value as ServiceType })}
          error={submission.fieldError('serviceType')}
          options={SERVICE_TYPES.map((s) => ({ value: s, label: t(`labels.serviceType.${s}`) }))}
        />
        <Select
          label={t('bill.catalogue')}
          value={form.catalogue}
          onChange={(e) => set({ catalogue: e.target.value as Catalogue })}
          error={submission.fieldError('catalogue')}
          options={(['in', 'out'] as const).map((c) => ({ value: c, label: t(`labels.catalogue.${c}`) }))}
        />
        <Select
          label={t('prices.category')}
          value={form.category}
          onChange={(e) => set({ category: e.target.value })}
          error={submission.fieldError('category')}
          options={[
            { value: '', label: t('prices.noCategory') },
            { value: 'A', label: t('prices.classA') },
            { value: 'B', label: t('prices.classB') },
          ]}
        />
        <SubmitButton busy={submission.busy}>{t('prices.add')}</SubmitButton>
      </Form>
    </section>
  );
}
