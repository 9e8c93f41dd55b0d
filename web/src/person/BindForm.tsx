import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import {
  Checkbox,
  Field,
  Form,
  Notice,
  Select,
  SubmitButton,
  useErrorText,
  useSubmit,
} from '../shared/ui.tsx';
import { call } from './client.ts';
import { KINSHIPS, type Kinship } from '../shared/types.ts';
import type { BindResult, RelativeInput } from './types.ts';

/** Which field of a row a per-row refusal concerns; anything else shows on the row as a whole. */
const ROW_CODE_FIELD: Record<string, keyof RelativeInput> = {
  invalid_id_number: 'idNumber',
  relative_not_insured: 'idNumber',
  cannot_bind_self: 'idNumber',
  already_bound: 'idNumber',
  relative_name_mismatch: 'name',
  wrong_kinship: 'kinship',
};

interface Row {
  key: number;
  input: RelativeInput;
  error?: ApiError;
}

const emptyRow = (key: number): Row => ({
  key,
  input: { idNumber: '', name: '', kinship: 'spouse', mutualAid: true, cardDisplay: false },
});

/** Binds several relatives in one request; each row is answered on its own and a failed row stays to fix. */
export function BindForm({ onBound }: { onBound: () => void }) {
  const { t } = useTranslation('person');
  const errorText = useErrorText();
  const nextKey = useRef(1);
  const [rows, setRows] = useState<Row[]>([emptyRow(0)]);
  const [bound, setBound] = useState<string[]>([]);
  const [summary, setSummary] = useState<string | null>(null);
  const update = (key: number, patch: Partial<RelativeInput>) =>
    setRows((rs) =>
      rs.map((r) => (r.key === key ? { ...r, input: { ...r.input, ...patch }, error: undefined } : r)),
    );

  const submission = useSubmit(async () => {
    const sent = rows;
    let res: BindResult;
    try {
      res = await call<BindResult>('/v1/me/family', {
        body: {
          channel: 'app',
          relatives: sent.map((r) => ({ ...r.input, idNumber: r.input.idNumber.trim() })),
        },
      });
    } catch (err) {
      // A malformed row (say an empty name) fails the whole request, naming `relatives.N.field`.
      const m = err instanceof ApiError ? /^relatives\.(\d+)\.(\w+)$/.exec(err.field ?? '') : null;
      if (!m || !(err instanceof ApiError)) throw err;
      const index = Number(m[1]);
      setRows(sent.map((r, i) => (i === index ? { ...r, error: err } : r)));
      setSummary(null);
      return;
    }
    const failed: Row[] = [];
    const names: string[] = [];
    for (const result of res.results) {
      const row = sent[result.row - 1];
      if (!row) continue;
      if (result.status === 'bound') names.push(result.binding?.relativeName ?? row.input.name);
      else
        failed.push({
          ...row,
          error: new ApiError(422, result.code ?? 'error', result.message ?? '', {
            field: ROW_CODE_FIELD[result.code ?? ''],
          }),
        });
    }
    setBound(names);
    setSummary(t('family.summary', { bound: res.bound, failed: res.failed }));
    setRows(failed.length ? failed : [emptyRow(nextKey.current++)]);
    if (res.bound) onBound();
  });

  const rowError = (row: Row, field: keyof RelativeInput) =>
    row.error && row.error.field === field ? errorText(row.error) : undefined;
  return (
    <section aria-labelledby="bind-title" className="section">
      <h3 id="bind-title">{t('family.bindTitle')}</h3>
      <p className="muted">{t('family.bindIntro')}</p>
      {summary && (
        <Notice>
          {summary}
          {bound.length > 0 && (
            <ul className="plain">
              {bound.map((n, i) => (
                <li key={i}>{t('family.rowBound', { name: n })}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      <Form submission={submission}>
        {rows.map((row, i) => (
          <fieldset key={row.key} className="relative-row">
            <legend>{t('family.row', { n: i + 1 })}</legend>
            {row.error && !row.error.field && (
              <div className="banner error" role="alert">
                {errorText(row.error)}
              </div>
            )}
            <Field
              label={t('family.idNumber')}
              value={row.input.idNumber}
              autoComplete="off"
              onChange={(e) => update(row.key, { idNumber: e.target.value })}
              error={rowError(row, 'idNumber')}
              required
            />
            <Field
              label={t('family.name')}
              value={row.input.name}
              onChange={(e) => update(row.key, { name: e.target.value })}
              error={rowError(row, 'name')}
              required
            />
            <Select
              label={t('family.kinship')}
              value={row.input.kinship}
              onChange={(e) => update(row.key, { kinship: e.target.value as Kinship })}
              error={rowError(row, 'kinship')}
              options={KINSHIPS.map((k) => ({ value: k, label: t(`kinship.${k}`) }))}
            />
            <Checkbox
              label={t('family.mutualAid')}
              checked={row.input.mutualAid}
              onChange={(e) => update(row.key, { mutualAid: e.target.checked })}
            />
            <Checkbox
              label={t('family.cardDisplay')}
              checked={row.input.cardDisplay}
              onChange={(e) => update(row.key, { cardDisplay: e.target.checked })}
            />
            {rows.length > 1 && (
              <button type="button" onClick={() => setRows((rs) => rs.filter((r) => r.key !== row.key))}>
                {t('family.removeRow')}
              </button>
            )}
          </fieldset>
        ))}
        <div className="row">
          <button type="button" onClick={() => setRows((rs) => [...rs, emptyRow(nextKey.current++)])}>
            {t('family.addRow')}
          </button>
          <SubmitButton busy={submission.busy}>{t('family.bind')}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}
