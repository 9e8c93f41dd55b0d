import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { ErrorBanner, LoadState, Notice, Select, useLoad, useSubmit } from '../shared/ui.tsx';
import { Badge, ConfirmButton, Section } from './components.tsx';
import { CounterApplication } from './CounterApplication.tsx';
import { EmployerBatches } from './EmployerBatches.tsx';
import { HandOver } from './HandOver.tsx';
import {
  APPLICATION_STATUSES,
  type ApplicationChannel,
  type ApplicationResult,
  type CardApplication,
  type Office,
} from './types.ts';

const CHANNELS = [
  'county_centre',
  'service_point',
  'agent',
  'employer',
] as const satisfies readonly ApplicationChannel[];

/** Card applications of the region by office, channel and status, with their transitions; employer batches. */
export function CardApplications() {
  const { t } = useTranslation('console');
  const [officeId, setOfficeId] = useState('');
  const [channel, setChannel] = useState('');
  const [status, setStatus] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const offices = useLoad(() => api<{ offices: Office[] }>('console', '/v1/offices'));
  const apps = useLoad(
    () =>
      api<{ applications: CardApplication[] }>('console', '/v1/staff/cards/applications', {
        query: { officeId, channel, status },
      }),
    [officeId, channel, status],
  );
  const batches = useLoad(
    () =>
      api<{ applications: CardApplication[] }>('console', '/v1/staff/cards/applications', {
        query: { channel: 'employer' },
      }),
    [notice],
  );
  const officeName = (id: string | null) => offices.data?.offices.find((o) => o.id === id)?.name ?? '—';
  const changed = (text: string) => {
    setNotice(text);
    apps.reload();
  };
  return (
    <section aria-labelledby="apps-title">
      <h2 id="apps-title">{t('apps.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <Section title={t('apps.queue')}>
        <div className="row filters">
          <Select
            label={t('apps.office')}
            value={officeId}
            onChange={(e) => setOfficeId(e.target.value)}
            options={[
              { value: '', label: t('common.all') },
              ...(offices.data?.offices ?? []).map((o) => ({ value: o.id, label: o.name })),
            ]}
          />
          <Select
            label={t('apps.channel')}
            value={channel}
            onChange={(e) => setChannel(e.target.value)}
            options={[
              { value: '', label: t('common.all') },
              ...CHANNELS.map((c) => ({ value: c, label: t(`apps.channels.${c}`) })),
            ]}
          />
          <Select
            label={t('common.status')}
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            options={[
              { value: '', label: t('common.all') },
              ...APPLICATION_STATUSES.map((s) => ({ value: s, label: t(`apps.statuses.${s}`) })),
            ]}
          />
        </div>
        <LoadState loaded={apps}>
          {({ applications }) =>
            applications.length === 0 ? (
              <p className="muted">{t('apps.empty')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('common.name')}</th>
                    <th>{t('common.idNumber')}</th>
                    <th>{t('apps.channel')}</th>
                    <th>{t('apps.office')}</th>
                    <th>{t('common.status')}</th>
                    <th>{t('apps.due')}</th>
                    <th>{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {applications.map((a) => (
                    <ApplicationRow key={a.id} app={a} office={officeName(a.officeId)} onChanged={changed} />
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </Section>
      <Section title={t('apps.batches')}>
        <LoadState loaded={batches}>
          {({ applications }) => <EmployerBatches applications={applications} />}
        </LoadState>
      </Section>
      <Section title={t('apps.fileTitle')}>
        <CounterApplication onFiled={changed} />
      </Section>
    </section>
  );
}

function ApplicationRow({
  app,
  office,
  onChanged,
}: {
  app: CardApplication;
  office: string;
  onChanged: (notice: string) => void;
}) {
  const { t } = useTranslation('console');
  const [handing, setHanding] = useState<'issue' | 'collect' | null>(null);
  const step = (path: 'ready' | 'cancel') =>
    api<ApplicationResult>('console', `/v1/staff/cards/applications/${app.id}/${path}`, { method: 'POST' });
  const which = useRef<'ready' | 'cancel'>('ready');
  const run = useSubmit(async () => {
    const w = which.current;
    await step(w);
    onChanged(t(w === 'ready' ? 'apps.readyNotice' : 'apps.cancelledNotice', { name: app.personName }));
  });
  const go = (w: 'ready' | 'cancel') => {
    which.current = w;
    void run.submit();
  };
  const live = app.status === 'pending' || app.status === 'ready';
  return (
    <>
      <tr>
        <td>{app.personName}</td>
        <td>{app.personIdNumber}</td>
        <td>
          {t(`apps.channels.${app.channel}`)}
          {app.agent && <div className="muted">{t('apps.agentIs', { name: app.agent.name })}</div>}
        </td>
        <td>{office}</td>
        <td>
          <Badge tone={app.status === 'cancelled' ? 'bad' : app.status === 'pending' ? 'warn' : 'ok'}>
            {t(`apps.statuses.${app.status}`)}
          </Badge>
        </td>
        <td>{app.dueDate ?? '—'}</td>
        <td>
          <div className="row actions">
            {app.status === 'pending' && app.channel !== 'county_centre' && (
              <button type="button" onClick={() => go('ready')} disabled={run.busy}>
                {t('apps.markReady')}
              </button>
            )}
            {app.status === 'pending' && app.channel === 'county_centre' && (
              <button type="button" onClick={() => setHanding('issue')} aria-expanded={handing === 'issue'}>
                {t('apps.issue')}
              </button>
            )}
            {app.status === 'ready' && (
              <button
                type="button"
                onClick={() => setHanding('collect')}
                aria-expanded={handing === 'collect'}
              >
                {t('apps.collect')}
              </button>
            )}
            {live && (
              <ConfirmButton
                label={t('apps.cancel')}
                question={t('apps.cancelQuestion', { name: app.personName })}
                onConfirm={() => go('cancel')}
                busy={run.busy}
              />
            )}
          </div>
          {run.formError && <ErrorBanner error={run.formError} />}
        </td>
      </tr>
      {handing && (
        <tr>
          <td colSpan={7}>
            <HandOver
              app={app}
              mode={handing}
              onDone={() => {
                setHanding(null);
                onChanged(
                  t(handing === 'issue' ? 'apps.issuedNotice' : 'apps.collectedNotice', {
                    name: app.personName,
                  }),
                );
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}
