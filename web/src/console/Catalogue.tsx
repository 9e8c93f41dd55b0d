import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { todayInBeijing } from '../shared/dates.ts';
import {
  Field,
  Form,
  LoadState,
  Money,
  Notice,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Section } from './components.tsx';
import { formatInstant } from './format.ts';
import {
  CATALOGUE_KINDS,
  type CatalogueEntry,
  type CatalogueImport,
  type CatalogueKind,
  type CatalogueVersion,
  type Me,
} from './types.ts';

/** One bad row of a refused file, as `details.rows` lists it. */
interface BadRow {
  line: number;
  code: string;
  params?: Record<string, string | number>;
}

/** The bad rows a refused CSV file came back with (none for any other refusal). */
function badRowsOf(error: unknown): BadRow[] {
  if (!(error instanceof ApiError)) return [];
  const rows = error.details.rows;
  return Array.isArray(rows) ? (rows as BadRow[]) : [];
}

/** A refused file's bad rows by line, each row's code in the reader's language. */
function BadRows({ rows }: { rows: readonly BadRow[] }) {
  const { t } = useTranslation('console');
  if (rows.length === 0) return null;
  return (
    <table aria-label={t('catalogue.badRows')}>
      <thead>
        <tr>
          <th className="num">{t('registry.line')}</th>
          <th>{t('registry.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={`${r.line}-${i}`} data-code={r.code}>
            <td className="num">{r.line}</td>
            <td>{t(`catalogue.rowCodes.${r.code}`, { defaultValue: r.code, ...r.params })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The agency's catalogues: versions, loading a file of one kind (administrators), the entries in force. */
export function Catalogue({ me }: { me: Me }) {
  const { t } = useTranslation('console');
  const admin = me.role === 'admin';
  const [regionInput, setRegionInput] = useState(me.regionCode ?? 'demo');
  const region = admin ? regionInput.trim() : undefined;
  const versions = useLoad(
    () =>
      region === ''
        ? Promise.resolve({ versions: [] as CatalogueVersion[] })
        : api<{ versions: CatalogueVersion[] }>('console', '/v1/staff/catalogue/versions', {
            query: { region },
          }),
    [region],
  );
  return (
    <section aria-labelledby="catalogue-title">
      <h2 id="catalogue-title">{t('catalogue.title')}</h2>
      {admin && (
        <div className="row">
          <Field
            label={t('common.regionCode')}
            value={regionInput}
            onChange={(e) => setRegionInput(e.target.value)}
          />
        </div>
      )}
      {admin && region && <ImportForm region={region} onImported={versions.reload} />}
      <Section title={t('catalogue.versions')}>
        <LoadState loaded={versions}>
          {({ versions: list }) =>
            list.length === 0 ? (
              <p className="muted">{t('catalogue.noVersions')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th className="num">{t('catalogue.version')}</th>
                    <th>{t('catalogue.kind')}</th>
                    <th>{t('catalogue.effectiveFrom')}</th>
                    <th className="num">{t('catalogue.rowsInFile')}</th>
                    <th className="num">{t('catalogue.added')}</th>
                    <th className="num">{t('catalogue.changed')}</th>
                    <th className="num">{t('catalogue.removed')}</th>
                    <th>{t('catalogue.loadedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((v) => (
                    <tr key={v.version} data-version={v.version}>
                      <td className="num">{v.version}</td>
                      <td>{t(`catalogue.kinds.${v.kind}`)}</td>
                      <td>{v.effectiveFrom}</td>
                      <td className="num">{v.rowsInFile}</td>
                      <td className="num">{v.added}</td>
                      <td className="num">{v.changed}</td>
                      <td className="num">{v.removed}</td>
                      <td>{formatInstant(v.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </Section>
      <Search region={region} />
    </section>
  );
}

function ImportForm({ region, onImported }: { region: string; onImported: () => void }) {
  const { t } = useTranslation('console');
  const [kind, setKind] = useState<CatalogueKind>('drug');
  const [effectiveFrom, setEffectiveFrom] = useState(todayInBeijing());
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<CatalogueImport | null>(null);
  const submission = useSubmit(async () => {
    setResult(null);
    const body = new Blob([file ? await file.text() : ''], { type: 'text/csv' });
    const r = await api<CatalogueImport>('console', `/v1/admin/catalogue/${kind}`, {
      body,
      query: { region, effectiveFrom },
    });
    setResult(r);
    onImported();
    return r;
  }, ['effectiveFrom']);
  return (
    <Section title={t('catalogue.import')}>
      <Form submission={submission} label={t('catalogue.import')}>
        <div className="row">
          <Select
            label={t('catalogue.kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value as CatalogueKind)}
            options={CATALOGUE_KINDS.map((k) => ({ value: k, label: t(`catalogue.kinds.${k}`) }))}
          />
          <Field
            label={t('catalogue.effectiveFrom')}
            name="effectiveFrom"
            type="date"
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.target.value)}
            error={submission.fieldError('effectiveFrom')}
          />
        </div>
        <Field
          label={t('catalogue.file')}
          hint={t('catalogue.fileHint')}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <SubmitButton busy={submission.busy}>{t('catalogue.importButton')}</SubmitButton>
      </Form>
      <BadRows rows={badRowsOf(submission.error)} />
      {result && (
        <Notice>
          {t('catalogue.imported', {
            version: result.version,
            kind: t(`catalogue.kinds.${result.kind}`),
            date: result.effectiveFrom,
            rows: result.rowsInFile,
            added: result.added,
            changed: result.changed,
            removed: result.removed,
          })}
        </Notice>
      )}
    </Section>
  );
}

/** A catalogue entry's payment restrictions in words ("—" when it has none). */
function useRestrictionsText(): (r: CatalogueEntry['restrictions']) => string {
  const { t } = useTranslation('console');
  return (r) => {
    const parts: string[] = [];
    if (r.setting) parts.push(t(`catalogue.restriction.${r.setting}`));
    if (r.serviceType) parts.push(t('catalogue.restriction.special_outpatient'));
    if (r.gender) parts.push(t(`catalogue.restriction.${r.gender}`));
    if (r.ageMin !== undefined || r.ageMax !== undefined)
      parts.push(t('catalogue.restriction.age', { min: r.ageMin ?? 0, max: r.ageMax ?? '∞' }));
    if (r.maxDaily !== undefined) parts.push(t('catalogue.restriction.maxDaily', { n: r.maxDaily }));
    return parts.length ? parts.join('；') : '—';
  };
}

function Search({ region }: { region: string | undefined }) {
  const { t } = useTranslation('console');
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<CatalogueKind | ''>('');
  const [date, setDate] = useState(todayInBeijing());
  const [found, setFound] = useState<{ version: number; entries: CatalogueEntry[] } | null>(null);
  const restrictions = useRestrictionsText();
  const submission = useSubmit(
    async () =>
      setFound(
        await api<{ version: number; entries: CatalogueEntry[] }>('console', '/v1/staff/catalogue', {
          query: { region, q: q.trim(), kind, date },
        }),
      ),
    ['q', 'date'],
  );
  return (
    <Section title={t('catalogue.search')}>
      <Form submission={submission} label={t('catalogue.search')}>
        <div className="row">
          <Field
            label={t('catalogue.query')}
            name="q"
            value={q}
            maxLength={50}
            onChange={(e) => setQ(e.target.value)}
            error={submission.fieldError('q')}
          />
          <Select
            label={t('catalogue.kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value as CatalogueKind | '')}
            options={[
              { value: '', label: t('common.all') },
              ...CATALOGUE_KINDS.map((k) => ({ value: k, label: t(`catalogue.kinds.${k}`) })),
            ]}
          />
          <Field
            label={t('catalogue.date')}
            name="date"
            type="date"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            error={submission.fieldError('date')}
          />
          <SubmitButton busy={submission.busy}>{t('common.search')}</SubmitButton>
        </div>
      </Form>
      {found && (
        <>
          <p className="muted">
            {t('catalogue.inForce', { version: found.version, count: found.entries.length })}
          </p>
          {found.entries.length > 0 && (
            <table aria-label={t('catalogue.results')}>
              <thead>
                <tr>
                  <th>{t('catalogue.code')}</th>
                  <th>{t('catalogue.name')}</th>
                  <th>{t('catalogue.kind')}</th>
                  <th>{t('catalogue.class')}</th>
                  <th>{t('catalogue.spec')}</th>
                  <th className="num">{t('catalogue.priceLimit')}</th>
                  <th>{t('catalogue.restrictions')}</th>
                </tr>
              </thead>
              <tbody>
                {found.entries.map((e) => (
                  <tr key={e.code} data-code={e.code}>
                    <td>{e.code}</td>
                    <td>{e.name}</td>
                    <td>{t(`catalogue.kinds.${e.kind}`)}</td>
                    <td>
                      {t(`catalogue.classes.${e.class}`)}
                      {e.selfPayFirstBp !== null && (
                        <span className="muted">
                          {' '}
                          {t('catalogue.selfPayFirst', { percent: e.selfPayFirstBp / 100 })}
                        </span>
                      )}
                    </td>
                    <td>{[e.dosageForm, e.specification, e.unit].filter(Boolean).join(' · ') || '—'}</td>
                    <td className="num">{e.priceLimit === null ? '—' : <Money fen={e.priceLimit} />}</td>
                    <td>{restrictions(e.restrictions)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Section>
  );
}
