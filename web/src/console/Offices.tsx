import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, LoadState, Notice, Select, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import { Section } from './components.tsx';
import type { Office, OfficeKind } from './types.ts';

const KINDS = ['county_centre', 'service_point', 'window'] as const satisfies readonly OfficeKind[];

/** Administrator: agency offices and the staff accounts attached to them. */
export function Offices() {
  const { t } = useTranslation('console');
  const [notice, setNotice] = useState<string | null>(null);
  const offices = useLoad(() => api<{ offices: Office[] }>('console', '/v1/offices'));
  return (
    <section aria-labelledby="offices-title">
      <h2 id="offices-title">{t('offices.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <LoadState loaded={offices}>
        {({ offices: list }) => (
          <>
            <Section title={t('offices.list')}>
              <table>
                <thead>
                  <tr>
                    <th>{t('offices.name')}</th>
                    <th>{t('offices.kind')}</th>
                    <th>{t('common.regionCode')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((o) => (
                    <tr key={o.id}>
                      <td>{o.name}</td>
                      <td>{t(`offices.kinds.${o.kind}`)}</td>
                      <td>{o.regionCode}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
            <div className="grid">
              <Section title={t('offices.create')}>
                <CreateOffice
                  onDone={(o) => {
                    setNotice(t('offices.createdNotice', { name: o.name }));
                    offices.reload();
                  }}
                />
              </Section>
              <Section title={t('offices.createStaff')}>
                <CreateStaff
                  offices={list}
                  onDone={(login) => setNotice(t('offices.staffNotice', { login }))}
                />
              </Section>
            </div>
          </>
        )}
      </LoadState>
    </section>
  );
}

function CreateOffice({ onDone }: { onDone: (o: Office) => void }) {
  const { t } = useTranslation('console');
  const [regionCode, setRegionCode] = useState('demo');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OfficeKind>('service_point');
  const submission = useSubmit(
    async () => {
      const o = await api<Office>('console', '/v1/admin/offices', {
        body: { regionCode: regionCode.trim(), name: name.trim(), kind },
      });
      setName('');
      onDone(o);
    },
    ['regionCode', 'name', 'kind'],
    { unknown_region: 'regionCode' },
  );
  return (
    <Form submission={submission} label={t('offices.create')}>
      <Field
        label={t('common.regionCode')}
        value={regionCode}
        onChange={(e) => setRegionCode(e.target.value)}
        error={submission.fieldError('regionCode')}
      />
      <Field
        label={t('offices.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={submission.fieldError('name')}
      />
      <Select
        label={t('offices.kind')}
        value={kind}
        onChange={(e) => setKind(e.target.value as OfficeKind)}
        error={submission.fieldError('kind')}
        options={KINDS.map((k) => ({ value: k, label: t(`offices.kinds.${k}`) }))}
      />
      <SubmitButton busy={submission.busy}>{t('offices.createButton')}</SubmitButton>
    </Form>
  );
}

function CreateStaff({ offices, onDone }: { offices: Office[]; onDone: (login: string) => void }) {
  const { t } = useTranslation('console');
  const [officeId, setOfficeId] = useState(offices[0]?.id ?? '');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const submission = useSubmit(
    async () => {
      await api('console', '/v1/admin/staff', {
        body: { login: login.trim(), password, displayName: displayName.trim(), officeId },
      });
      setLogin('');
      setPassword('');
      setDisplayName('');
      onDone(login.trim());
    },
    ['officeId', 'login', 'password', 'displayName'],
    { login_taken: 'login', office_not_found: 'officeId' },
  );
  return (
    <Form submission={submission} label={t('offices.createStaff')}>
      <Select
        label={t('offices.office')}
        value={officeId}
        onChange={(e) => setOfficeId(e.target.value)}
        error={submission.fieldError('officeId')}
        options={offices.map((o) => ({ value: o.id, label: `${o.name} (${o.regionCode})` }))}
      />
      <Field
        label={t('accounts.login')}
        hint={t('accounts.loginHint')}
        value={login}
        autoComplete="off"
        onChange={(e) => setLogin(e.target.value)}
        error={submission.fieldError('login')}
      />
      <Field
        label={t('accounts.password')}
        hint={t('accounts.passwordHint')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={submission.fieldError('password')}
      />
      <Field
        label={t('accounts.displayName')}
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        error={submission.fieldError('displayName')}
      />
      <SubmitButton busy={submission.busy}>{t('accounts.create')}</SubmitButton>
    </Form>
  );
}
