import { useTranslation } from 'react-i18next';
import { formatInstant } from './format.ts';
import { APPLICATION_STATUSES, type CardApplication } from './types.ts';

/** Employer bulk applications grouped by batch, with how many rows are in each state. */
export function EmployerBatches({ applications }: { applications: CardApplication[] }) {
  const { t } = useTranslation('console');
  const groups = new Map<string, CardApplication[]>();
  for (const a of applications) {
    const key = a.batchId ?? '—';
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  if (groups.size === 0) return <p className="muted">{t('apps.noBatches')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('apps.batch')}</th>
          <th>{t('apps.introduction')}</th>
          <th>{t('apps.submitted')}</th>
          <th className="num">{t('apps.rows')}</th>
          <th>{t('apps.states')}</th>
        </tr>
      </thead>
      <tbody>
        {[...groups].map(([id, rows]) => (
          <tr key={id}>
            <td>{id.slice(0, 8)}</td>
            <td>{rows[0]?.introductionRef ?? '—'}</td>
            <td>{formatInstant(rows[0]?.createdAt)}</td>
            <td className="num">{rows.length}</td>
            <td>
              {APPLICATION_STATUSES.filter((s) => rows.some((r) => r.status === s))
                .map((s) => `${t(`apps.statuses.${s}`)} ${rows.filter((r) => r.status === s).length}`)
                .join(' · ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
