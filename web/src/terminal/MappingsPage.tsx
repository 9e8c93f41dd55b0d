import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../shared/api.ts';
import { beijingDateTime } from '../shared/dates.ts';
import { Field, Form, LoadState, Notice, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import type { ItemMapping } from './types.ts';

interface BadRow {
  line: number;
  code: string;
  params?: Record<string, string | number>;
}

const TONE: Record<ItemMapping['status'], string> = {
  approved: '',
  pending: ' warn',
  rejected: ' bad',
  replaced: ' muted',
};

/** The institution's item mappings (目录对照): their status, a request for one item, a CSV of requests. */
export function MappingsPage() {
  const { t } = useTranslation('terminal');
  const list = useLoad(() =>
    api<{ mappings: ItemMapping[] }>('institution', '/v1/institution/catalogue-mappings'),
  );
  return (
    <div className="grid list-and-form">
      <section className="card" aria-labelledby="mappings-title">
        <h2 id="mappings-title">{t('mappings.title')}</h2>
        <LoadState loaded={list}>
          {({ mappings }) =>
            mappings.length === 0 ? (
              <p className="muted">{t('mappings.none')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('mappings.itemCode')}</th>
                    <th scope="col">{t('mappings.catalogueCode')}</th>
                    <th scope="col">{t('mappings.status')}</th>
                    <th scope="col">{t('mappings.requestedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {mappings.map((m) => (
                    <tr key={m.id} data-item={m.itemCode} data-status={m.status}>
                      <td>{m.itemCode}</td>
                      <td>
                        {m.catalogueCode}
                        <div className="muted">{m.catalogueName ?? '—'}</div>
                      </td>
                      <td>
                        <span className={`badge${TONE[m.status]}`}>{t(`mappings.statuses.${m.status}`)}</span>
                        {m.reason && <div className="muted">{m.reason}</div>}
                      </td>
                      <td>{beijingDateTime(m.requestedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </section>
      <div>
        <RequestOne onRequested={list.reload} />
        <UploadCsv onRequested={list.reload} />
      </div>
    </div>
  );
}

/** A request for one item; `?item=CODE` (the price list's link for an item that needs a mapping) fills its code in. */
function RequestOne({ onRequested }: { onRequested: () => void }) {
  const { t } = useTranslation('terminal');
  const [params] = useSearchParams();
  const [itemCode, setItemCode] = useState(params.get('item') ?? '');
  const [catalogueCode, setCatalogueCode] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const submission = useSubmit(async () => {
    setDone(null);
    const m = await api<ItemMapping>('institution', '/v1/institution/catalogue-mappings', {
      body: { itemCode: itemCode.trim(), catalogueCode: catalogueCode.trim() },
    });
    setDone(t('mappings.requestedNotice', { item: m.itemCode }));
    setItemCode('');
    setCatalogueCode('');
    onRequested();
  }, ['itemCode', 'catalogueCode']);
  return (
    <section className="card" aria-labelledby="mapping-request-title">
      <h2 id="mapping-request-title">{t('mappings.request')}</h2>
      {done && <Notice>{done}</Notice>}
      <Form submission={submission} label={t('mappings.request')}>
        <Field
          label={t('mappings.itemCode')}
          name="itemCode"
          value={itemCode}
          maxLength={50}
          onChange={(e) => setItemCode(e.target.value)}
          error={submission.fieldError('itemCode')}
        />
        <Field
          label={t('mappings.catalogueCode')}
          name="catalogueCode"
          value={catalogueCode}
          maxLength={50}
          onChange={(e) => setCatalogueCode(e.target.value)}
          error={submission.fieldError('catalogueCode')}
        />
        <SubmitButton busy={submission.busy}>{t('mappings.requestButton')}</SubmitButton>
      </Form>
    </section>
  );
}

function UploadCsv({ onRequested }: { onRequested: () => void }) {
  const { t } = useTranslation('terminal');
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submission = useSubmit(async () => {
    setDone(null);
    const body = new Blob([file ? await file.text() : ''], { type: 'text/csv' });
    const r = await api<{ requested: number }>('institution', '/v1/institution/catalogue-mappings/import', {
      body,
    });
    setDone(t('mappings.uploadedNotice', { count: r.requested }));
    onRequested();
  });
  const error = submission.error;
  const rows =
    error instanceof ApiError && Array.isArray(error.details.rows) ? (error.details.rows as BadRow[]) : [];
  return (
    <section className="card" aria-labelledby="mapping-upload-title">
      <h2 id="mapping-upload-title">{t('mappings.upload')}</h2>
      {done && <Notice>{done}</Notice>}
      <Form submission={submission} label={t('mappings.upload')}>
        <Field
          label={t('mappings.file')}
          hint={t('mappings.fileHint')}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <SubmitButton busy={submission.busy}>{t('mappings.uploadButton')}</SubmitButton>
      </Form>
      {rows.length > 0 && (
        <table aria-label={t('mappings.badRows')}>
          <thead>
            <tr>
              <th className="num">{t('mappings.line')}</th>
              <th>{t('mappings.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${r.line}-${i}`} data-code={r.code}>
                <td className="num">{r.line}</td>
                <td>{t(`mappings.rowCodes.${r.code}`, { defaultValue: r.code, ...r.params })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
