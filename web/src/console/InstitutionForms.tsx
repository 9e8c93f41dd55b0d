import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Checkbox, Field, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import type { Institution } from '../shared/types.ts';

/* The administrator's forms on institutions: registering one, and creating an account of its staff. */

export function RegisterInstitution({ onDone }: { onDone: (i: Institution) => void }) {
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

export function InstitutionStaff({ inst, onDone }: { inst: Institution; onDone: (login: string) => void }) {
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
