import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { ErrorBanner, Field, LoadState, Notice, Select, useLoad } from '../shared/ui.tsx';
import { Badge, ConfirmButton, Section } from './components.tsx';
import { InstitutionStaff, RegisterInstitution } from './InstitutionForms.tsx';
import type { Institution } from '../shared/types.ts';
import type { Me } from './types.ts';

/** Designated institutions: staff see their region's; the administrator registers, suspends, reinstates them. */
export function Institutions({ me }: { me: Me }) {
  const { t } = useTranslation('console');
  const admin = me.role === 'admin';
  const [region, setRegion] = useState('');
  const [status, setStatus] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const list = useLoad(
    () =>
      api<{ institutions: Institution[] }>('console', '/v1/admin/institutions', {
        query: { regionCode: admin ? region.trim() : undefined, status },
      }),
    [region, status],
  );
  const changed = (text: string) => {
    setNotice(text);
    list.reload();
  };
  return (
    <section aria-labelledby="inst-title">
      <h2 id="inst-title">{t('inst.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <Section title={t('inst.list')}>
        <div className="row filters">
          {admin && (
            <Field
              label={t('common.regionCode')}
              value={region}
              onChange={(e) => setRegion(e.target.value)}
            />
          )}
          <Select
            label={t('common.status')}
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            options={[
              { value: '', label: t('common.all') },
              { value: 'designated', label: t('inst.statuses.designated') },
              { value: 'suspended', label: t('inst.statuses.suspended') },
            ]}
          />
        </div>
        <LoadState loaded={list}>
          {({ institutions }) =>
            institutions.length === 0 ? (
              <p className="muted">{t('inst.empty')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('inst.code')}</th>
                    <th>{t('inst.name')}</th>
                    <th>{t('inst.kind')}</th>
                    <th>{t('common.regionCode')}</th>
                    <th>{t('inst.ecard')}</th>
                    <th>{t('common.status')}</th>
                    {admin && <th>{t('common.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {institutions.map((i) => (
                    <InstitutionRow key={i.id} inst={i} admin={admin} onChanged={changed} />
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </Section>
      {admin && (
        <Section title={t('inst.register')}>
          <RegisterInstitution onDone={(i) => changed(t('inst.registeredNotice', { name: i.name }))} />
        </Section>
      )}
    </section>
  );
}

function InstitutionRow({
  inst,
  admin,
  onChanged,
}: {
  inst: Institution;
  admin: boolean;
  onChanged: (notice: string) => void;
}) {
  const { t } = useTranslation('console');
  const [staffOpen, setStaffOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const patch = async (body: Partial<Pick<Institution, 'status' | 'acceptsEcard'>>, notice: string) => {
    setError(null);
    try {
      await api<Institution>('console', `/v1/admin/institutions/${inst.id}`, { method: 'PATCH', body });
      onChanged(notice);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <tr>
        <td>{inst.code}</td>
        <td>{inst.name}</td>
        <td>
          {t(`inst.kinds.${inst.kind}`)}
          {inst.tier && ` · ${t('inst.tierN', { n: inst.tier })}`}
        </td>
        <td>{inst.regionCode}</td>
        <td>{inst.acceptsEcard ? t('common.yes') : t('common.no')}</td>
        <td>
          <Badge tone={inst.status === 'designated' ? 'ok' : 'bad'}>
            {t(`inst.statuses.${inst.status}`)}
          </Badge>
        </td>
        {admin && (
          <td>
            <div className="row actions">
              {inst.status === 'designated' ? (
                <ConfirmButton
                  label={t('inst.suspend')}
                  question={t('inst.suspendQuestion', { name: inst.name })}
                  onConfirm={() =>
                    void patch({ status: 'suspended' }, t('inst.suspendedNotice', { name: inst.name }))
                  }
                />
              ) : (
                <button
                  type="button"
                  onClick={() =>
                    void patch({ status: 'designated' }, t('inst.reinstatedNotice', { name: inst.name }))
                  }
                >
                  {t('inst.reinstate')}
                </button>
              )}
              <button
                type="button"
                onClick={() =>
                  void patch(
                    { acceptsEcard: !inst.acceptsEcard },
                    t(inst.acceptsEcard ? 'inst.ecardOffNotice' : 'inst.ecardOnNotice', { name: inst.name }),
                  )
                }
              >
                {inst.acceptsEcard ? t('inst.ecardOff') : t('inst.ecardOn')}
              </button>
              <button type="button" onClick={() => setStaffOpen(!staffOpen)} aria-expanded={staffOpen}>
                {t('inst.addStaff')}
              </button>
            </div>
            <ErrorBanner error={error} />
          </td>
        )}
      </tr>
      {staffOpen && (
        <tr>
          <td colSpan={7}>
            <InstitutionStaff
              inst={inst}
              onDone={(login) => {
                setStaffOpen(false);
                onChanged(t('inst.staffNotice', { login, name: inst.name }));
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}
