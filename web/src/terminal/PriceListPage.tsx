import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, api } from '../shared/api.ts';
import { formatFen, parseYuan } from '../shared/money.ts';
import {
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Money,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { CoverageBadge } from './Coverage.tsx';
import { coverageOf } from './bill.ts';
import type { PriceItem } from './types.ts';

/**
 * The institution's price list, which its tills build bills from: add, change the price, remove. Each item
 * shows its mapping to the agency's catalogue (目录对照) and, once approved, the class and price limit in force;
 * an item that needs a mapping links to the mappings page.
 */
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
                    <th scope="col">{t('prices.mapping')}</th>
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
                    <tr key={i.id} data-item={i.code}>
                      <td>{i.code}</td>
                      <td>
                        {i.name}
                        {i.unit && <span className="muted"> / {i.unit}</span>}
                      </td>
                      <td>
                        <MappingCell item={i} />
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

/** The item's mapping status and class; a link to ask for a mapping where one is needed. */
function MappingCell({ item }: { item: PriceItem }) {
  const { t } = useTranslation('terminal');
  const c = coverageOf(item);
  const m = item.mapping;
  return (
    <>
      <CoverageBadge item={item} />
      {m && (
        <div className="muted">
          <small>
            {m.catalogueCode}
            {m.catalogueName && ` ${m.catalogueName}`}
            {c.kind === 'class' &&
              c.priceLimit !== null &&
              ` · ${t('prices.priceLimit', { limit: formatFen(c.priceLimit) })}`}
          </small>
        </div>
      )}
      {(c.kind === 'unmapped' || c.kind === 'rejected' || c.kind === 'lapsed') && (
        <div>
          <Link
            to={`/terminal/staff/mappings?item=${encodeURIComponent(item.code)}`}
            aria-label={t('prices.requestMappingOf', { code: item.code })}
          >
            {t('prices.requestMapping')}
          </Link>
        </div>
      )}
    </>
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
  const empty = { code: '', name: '', unit: '', price: '' };
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
      },
    });
    setForm(empty);
    onAdded();
  }, ['code', 'name', 'unit', 'unitPrice']);
  return (
    <section className="card" aria-labelledby="new-item-title">
      <h2 id="new-item-title">{t('prices.newTitle')}</h2>
      <p className="muted">
        {t('prices.coverageNote')} <Link to="/terminal/staff/mappings">{t('nav.mappings')}</Link>
      </p>
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
        <SubmitButton busy={submission.busy}>{t('prices.add')}</SubmitButton>
      </Form>
    </section>
  );
}
