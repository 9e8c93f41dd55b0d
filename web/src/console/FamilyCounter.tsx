import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Checkbox, Field, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { Badge, Section } from './components.tsx';
import { KINSHIPS, type Kinship } from '../shared/types.ts';
import type { FamilyChannel, FamilyResult, RelativeRow } from './types.ts';

const CHANNELS = [
  'window',
  'hospital_office',
  'self_service_terminal',
] as const satisfies readonly FamilyChannel[];

const emptyRow = (): RelativeRow => ({
  idNumber: '',
  name: '',
  kinship: 'spouse',
  mutualAid: true,
  cardDisplay: false,
});

/** Family binding at the counter: a person's relatives, several at once, each row bound or refused on its own. */
export function FamilyCounter() {
  const { t } = useTranslation('console');
  const [binder, setBinder] = useState('');
  const [channel, setChannel] = useState<FamilyChannel>('window');
  const [rows, setRows] = useState<RelativeRow[]>([emptyRow()]);
  const [result, setResult] = useState<FamilyResult | null>(null);
  const fields = [
    'binderIdNumber',
    'channel',
    ...rows.flatMap((_, i) => [`relatives.${i}.idNumber`, `relatives.${i}.name`, `relatives.${i}.kinship`]),
    'relatives',
  ];
  const submission = useSubmit(
    async () => {
      setResult(null);
      const r = await api<FamilyResult>('console', '/v1/staff/family', {
        body: {
          binderIdNumber: binder.trim().toUpperCase(),
          channel,
          relatives: rows.map((row) => ({
            idNumber: row.idNumber.trim().toUpperCase(),
            name: row.name.trim(),
            kinship: row.kinship,
            mutualAid: row.mutualAid,
            cardDisplay: row.cardDisplay,
          })),
        },
      });
      setResult(r);
    },
    fields,
    {
      person_not_found: 'binderIdNumber',
      identity_not_verified: 'binderIdNumber',
      too_many_relatives: 'relatives',
    },
  );
  const update = (i: number, patch: Partial<RelativeRow>) =>
    setRows(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <section aria-labelledby="family-title">
      <h2 id="family-title">{t('family.title')}</h2>
      <Section title={t('family.formTitle')}>
        <Form submission={submission} label={t('family.formTitle')}>
          <div className="grid">
            <Field
              label={t('family.binder')}
              name="binderIdNumber"
              value={binder}
              maxLength={18}
              autoComplete="off"
              onChange={(e) => setBinder(e.target.value)}
              error={submission.fieldError('binderIdNumber')}
            />
            <Select
              label={t('family.channel')}
              value={channel}
              onChange={(e) => setChannel(e.target.value as FamilyChannel)}
              error={submission.fieldError('channel')}
              options={CHANNELS.map((c) => ({
                value: c,
                label: t(`family.channels.${c}`),
              }))}
            />
          </div>
          {rows.map((row, i) => (
            <fieldset key={i} className="relative-row">
              <legend>{t('family.relativeN', { n: i + 1 })}</legend>
              <div className="grid">
                <Field
                  label={t('family.relativeId', { n: i + 1 })}
                  value={row.idNumber}
                  maxLength={18}
                  autoComplete="off"
                  onChange={(e) => update(i, { idNumber: e.target.value })}
                  error={submission.fieldError(`relatives.${i}.idNumber`)}
                />
                <Field
                  label={t('family.relativeName', { n: i + 1 })}
                  value={row.name}
                  autoComplete="off"
                  onChange={(e) => update(i, { name: e.target.value })}
                  error={submission.fieldError(`relatives.${i}.name`)}
                />
                <Select
                  label={t('family.kinship', { n: i + 1 })}
                  value={row.kinship}
                  onChange={(e) => update(i, { kinship: e.target.value as Kinship })}
                  error={submission.fieldError(`relatives.${i}.kinship`)}
                  options={KINSHIPS.map((k) => ({ value: k, label: t(`family.kinships.${k}`) }))}
                />
              </div>
              <div className="row">
                <Checkbox
                  label={t('family.mutualAid')}
                  checked={row.mutualAid}
                  onChange={(e) => update(i, { mutualAid: e.target.checked })}
                />
                <Checkbox
                  label={t('family.cardDisplay')}
                  checked={row.cardDisplay}
                  onChange={(e) => update(i, { cardDisplay: e.target.checked })}
                />
                {rows.length > 1 && (
                  <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                    {t('family.removeRow', { n: i + 1 })}
                  </button>
                )}
              </div>
            </fieldset>
          ))}
          {submission.fieldError('relatives') && (
            <p className="field-error" role="alert">
              {submission.fieldError('relatives')}
            </p>
          )}
          <div className="row">
            <button type="button" onClick={() => setRows([...rows, emptyRow()])}>
              {t('family.addRow')}
            </button>
            <SubmitButton busy={submission.busy}>{t('family.bind')}</SubmitButton>
          </div>
        </Form>
      </Section>
      {result && (
        <Section title={t('family.results', { bound: result.bound, failed: result.failed })}>
          <table>
            <thead>
              <tr>
                <th>{t('family.row')}</th>
                <th>{t('common.status')}</th>
                <th>{t('common.name')}</th>
                <th>{t('family.kinshipHeader')}</th>
                <th>{t('family.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {result.results.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>
                    <Badge tone={r.status === 'bound' ? 'ok' : 'bad'}>
                      {t(`family.statuses.${r.status}`)}
                    </Badge>
                  </td>
                  <td>{r.binding?.relativeName ?? rows[r.row - 1]?.name ?? ''}</td>
                  <td>{r.binding ? t(`family.kinships.${r.binding.kinship}`) : ''}</td>
                  <td>
                    {r.binding
                      ? `${t('family.mutualAid')}: ${r.binding.mutualAid ? t('common.yes') : t('common.no')} · ${t('family.cardDisplay')}: ${t(`family.display.${r.binding.cardDisplay}`)}`
                      : t(`errors.${r.code}`, { defaultValue: r.message ?? r.code ?? '' })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
    </section>
  );
}
