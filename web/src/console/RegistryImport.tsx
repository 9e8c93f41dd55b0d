import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { Section } from './components.tsx';
import type { ImportReport } from './types.ts';

/** Load population-registry rows from a CSV file (columns id_number, name); bad rows are listed by line. */
export function RegistryImport() {
  const { t } = useTranslation('console');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const submission = useSubmit(async () => {
    setReport(null);
    // Sent as text/csv whatever type the browser guessed for the file.
    const body = new Blob([file ? await file.text() : ''], { type: 'text/csv' });
    setReport(await api<ImportReport>('console', '/v1/staff/registry/import', { body }));
  }, ['file']);
  return (
    <section aria-labelledby="registry-title">
      <h2 id="registry-title">{t('registry.title')}</h2>
      <Section title={t('registry.upload')}>
        <Form submission={submission} label={t('registry.upload')}>
          <Field
            label={t('registry.file')}
            hint={t('registry.fileHint')}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            error={submission.fieldError('file')}
          />
          <SubmitButton busy={submission.busy}>{t('registry.import')}</SubmitButton>
        </Form>
      </Section>
      {report && (
        <Section
          title={t('registry.result', {
            total: report.total,
            accepted: report.accepted,
            rejected: report.rejected,
          })}
        >
          {report.errors.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th className="num">{t('registry.line')}</th>
                  <th>{t('registry.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e) => (
                  <tr key={e.line}>
                    <td className="num">{e.line}</td>
                    <td>
                      {t(`registry.codes.${e.code}`, { defaultValue: e.code })}
                      <div className="muted">{e.message}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      )}
    </section>
  );
}
