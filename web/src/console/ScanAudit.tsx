import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, LoadState, Select, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import { Badge } from './components.tsx';
import { formatInstant } from './format.ts';
import type { Institution, ScanAuditEntry } from '../shared/types.ts';

interface Filters {
  institutionId: string;
  outcome: string;
  from: string;
  to: string;
}

/** Local date-time input ("2026-12-02T09:30", Beijing) to an instant, or undefined when empty. */
const instantOf = (local: string) => (local ? new Date(`${local}:00+08:00`).toISOString() : undefined);

/** The audit trail of scans at the region's institutions (every region for the administrator), filtered. */
export function ScanAudit() {
  const { t } = useTranslation('console');
  const institutions = useLoad(() =>
    api<{ institutions: Institution[] }>('console', '/v1/admin/institutions'),
  );
  const [draft, setDraft] = useState<Filters>({ institutionId: '', outcome: '', from: '', to: '' });
  const [scans, setScans] = useState<ScanAuditEntry[] | null>(null);
  const search = useSubmit(async () => {
    const r = await api<{ scans: ScanAuditEntry[] }>('console', '/v1/staff/scan-audit', {
      query: {
        institutionId: draft.institutionId,
        outcome: draft.outcome,
        from: instantOf(draft.from),
        to: instantOf(draft.to),
        limit: 200,
      },
    });
    setScans(r.scans);
  }, ['institutionId', 'outcome', 'from', 'to']);
  const initial = useLoad(() =>
    api<{ scans: ScanAuditEntry[] }>('console', '/v1/staff/scan-audit', { query: { limit: 200 } }),
  );
  const list = scans ?? initial.data?.scans;
  const nameOf = (id: string) =>
    institutions.data?.institutions.find((i) => i.id === id)?.name ?? id.slice(0, 8);
  return (
    <section aria-labelledby="scans-title">
      <h2 id="scans-title">{t('scans.title')}</h2>
      <Form submission={search} label={t('scans.filters')}>
        <div className="row filters">
          <Select
            label={t('recon.institution')}
            value={draft.institutionId}
            onChange={(e) => setDraft({ ...draft, institutionId: e.target.value })}
            error={search.fieldError('institutionId')}
            options={[
              { value: '', label: t('common.all') },
              ...(institutions.data?.institutions ?? []).map((i) => ({ value: i.id, label: i.name })),
            ]}
          />
          <Select
            label={t('scans.outcome')}
            value={draft.outcome}
            onChange={(e) => setDraft({ ...draft, outcome: e.target.value })}
            options={[
              { value: '', label: t('common.all') },
              { value: 'accepted', label: t('scans.outcomes.accepted') },
              { value: 'refused', label: t('scans.outcomes.refused') },
            ]}
          />
          <Field
            label={t('scans.from')}
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            error={search.fieldError('from')}
          />
          <Field
            label={t('scans.to')}
            type="datetime-local"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            error={search.fieldError('to')}
          />
          <SubmitButton busy={search.busy}>{t('common.search')}</SubmitButton>
        </div>
      </Form>
      {list === undefined ? (
        <LoadState loaded={initial}>{() => null}</LoadState>
      ) : list.length === 0 ? (
        <p className="muted">{t('scans.empty')}</p>
      ) : (
        <table>
          <caption className="sr-only">{t('scans.title')}</caption>
          <thead>
            <tr>
              <th>{t('cards.when')}</th>
              <th>{t('recon.institution')}</th>
              <th>{t('scans.terminal')}</th>
              <th>{t('scans.method')}</th>
              <th>{t('scans.outcome')}</th>
              <th>{t('scans.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>{formatInstant(s.at)}</td>
                <td>{nameOf(s.institutionId)}</td>
                <td>{s.terminalId.slice(0, 8)}</td>
                <td>{t(`scans.methods.${s.method}`)}</td>
                <td>
                  <Badge tone={s.outcome === 'accepted' ? 'ok' : 'bad'}>
                    {t(`scans.outcomes.${s.outcome}`)}
                  </Badge>
                </td>
                <td>{s.reason ? t(`scans.reasons.${s.reason}`, { defaultValue: s.reason }) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
