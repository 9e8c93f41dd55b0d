import { beijingDateTime } from '../shared/dates.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { LoadState, Select, useLoad } from '../shared/ui.tsx';
import type { ScanAuditEntry } from '../shared/types.ts';
import type { TerminalView } from './types.ts';

/** The institution's own scans, newest first: which till, how, accepted or refused and why. */
export function ScanAuditPage() {
  const { t } = useTranslation('terminal');
  const [outcome, setOutcome] = useState('');
  const scans = useLoad(
    () =>
      api<{ scans: ScanAuditEntry[] }>('institution', '/v1/institution/scan-audit', {
        query: { outcome, limit: 200 },
      }),
    [outcome],
  );
  const terminals = useLoad(() =>
    api<{ terminals: TerminalView[] }>('institution', '/v1/institution/terminals'),
  );
  const terminalName = (id: string) =>
    terminals.data?.terminals.find((x) => x.id === id)?.name ?? id.slice(0, 8);
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <Select
        label={t('audit.outcome')}
        value={outcome}
        onChange={(e) => setOutcome(e.target.value)}
        options={[
          { value: '', label: t('audit.all') },
          { value: 'accepted', label: t('labels.outcome.accepted') },
          { value: 'refused', label: t('labels.outcome.refused') },
        ]}
      />
      <LoadState loaded={scans}>
        {({ scans: list }) =>
          list.length === 0 ? (
            <p className="muted">{t('audit.none')}</p>
          ) : (
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.terminal')}</th>
                  <th scope="col">{t('audit.method')}</th>
                  <th scope="col">{t('audit.outcome')}</th>
                  <th scope="col">{t('audit.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id} data-outcome={s.outcome}>
                    <td>{beijingDateTime(s.at)}</td>
                    <td>{terminalName(s.terminalId)}</td>
                    <td>{t(`labels.method.${s.method}`)}</td>
                    <td>
                      <span className={`badge${s.outcome === 'accepted' ? '' : ' bad'}`}>
                        {t(`labels.outcome.${s.outcome}`)}
                      </span>
                    </td>
                    <td>{s.reason ? t(`errors.${s.reason}`, { defaultValue: s.reason }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </section>
  );
}
