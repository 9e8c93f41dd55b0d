import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import {
  Checkbox,
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Notice,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Badge, ConfirmButton, Section } from './components.tsx';
import type { Institution, Me } from './types.ts';

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

function RegisterInstitution({ onDone }: { onDone: (i: Institution) => void }) {
  const { t } = useTranslation('console');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'hospital' | 'pharmacy'>('hospital');
  const [tier, setTier] = useState('1');
  const [regionCode, setRegionCode] = useState('demo');
  const [acceptsEcard, setAcceptsEcard] = useState(true);
  const submission = useSubmit(
    async () => {
      const r = await api<Institution>('console', '/v1/admin/institutions', {
        body: {
          code: code.trim(),
          name: name.trim(),
          kind,
          ...(kind === 'hospital' ? { tier: Number(tier) } : {}),
          regionCode: regionCode.trim(),
          acceptsEcard,
        },
      });
      setCode('');
      setName('');
      onDone(r);
    },
    ['code', 'name', 'kind', 'tier', 'regionCode'],
    {
      institution_exists: 'code',
      tier_required: 'tier',
      tier_not_allowed: 'tier',
      unknown_region: 'regionCode',
    },
  );
  return (
    <Form submission={submission} label={t('inst.register')}>
      <div className="grid">
        <Field
          label={t('inst.code')}
          hint={t('inst.codeHint')}
          name="code"
          value={code}
          maxLength={12}
          onChange={(e) => setCode(e.target.value)}
          error={submission.fieldError('code')}
        />
        <Field
          label={t('inst.name')}
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={submission.fieldError('name')}
        />
        <Select
          label={t('inst.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as 'hospital' | 'pharmacy')}
          error={submission.fieldError('kind')}
          options={[
            { value: 'hospital', label: t('inst.kinds.hospital') },
            { value: 'pharmacy', label: t('inst.kinds.pharmacy') },
          ]}
        />
        {kind === 'hospital' && (
          <Select
            label={t('inst.tier')}
            value={tier}
            onChange={(e) => setTier(e.target.value)}
            error={submission.fieldError('tier')}
            options={['1', '2', '3'].map((n) => ({ value: n, label: t('inst.tierN', { n }) }))}
          />
        )}
        <Field
          label={t('common.regionCode')}
          name="regionCode"
          value={regionCode}
          onChange={(e) => setRegionCode(e.target.value)}
          error={submission.fieldError('regionCode')}
        />
      </div>
      <Checkbox
        label={t('inst.acceptsEcard')}
        checked={acceptsEcard}
        onChange={(e) => setAcceptsEcard(e.target.checked)}
      />
      <SubmitButton busy={submission.busy}>{t('inst.registerButton')}</SubmitButton>
    </Form>
  );
}

function InstitutionStaff({ inst, onDone }: { inst: Institution; onDone: (login: string) => void }) {
  const { t } = useTranslation('console');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const submission = useSubmit(
    async () => {
      await api('console', `/v1/admin/institutions/${inst.id}/staff`, {
        body: { login: login.trim(), password, displayName: displayName.trim() },
      });
      onDone(login.trim());
    },
    ['login', 'password', 'displayName'],
    { login_taken: 'login' },
  );
  const title = t('inst.staffTitle', { name: inst.name });
  return (
    <Form submission={submission} label={title}>
      <h4>{title}</h4>
      <div className="grid">
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
      </div>
      <SubmitButton busy={submission.busy}>{t('accounts.create')}</SubmitButton>
    </Form>
  );
}
