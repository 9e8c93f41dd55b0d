import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { withIdProblem } from './client.ts';

const FIELDS = ['phone', 'password', 'name', 'idNumber', 'regionCode', 'insuranceType'] as const;

/** A new insured person registers (resident or flexible worker) and is signed in straight away. */
export function Register({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const { t } = useTranslation('person');
  const [form, setForm] = useState({
    phone: '',
    password: '',
    name: '',
    idNumber: '',
    regionCode: 'demo',
    insuranceType: 'resident',
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const submission = useSubmit(
    async () => {
      await api('person', '/v1/auth/register', { body: { ...form, idNumber: form.idNumber.trim() } }).catch(
        (err: unknown) => {
          throw withIdProblem(err);
        },
      );
      const res = await api<{ token: string }>('person', '/v1/auth/login', {
        body: { login: form.phone, password: form.password },
      });
      onSignedIn(res.token);
    },
    FIELDS,
    { login_taken: 'phone', name_mismatch: 'name', unknown_region: 'regionCode' },
  );
  const err = submission.fieldError;
  return (
    <section className="card narrow" aria-labelledby="register-title">
      <h2 id="register-title">{t('register.title')}</h2>
      <Form submission={submission}>
        <Field
          label={t('register.phone')}
          name="phone"
          type="tel"
          inputMode="numeric"
          autoComplete="tel"
          value={form.phone}
          onChange={set('phone')}
          error={err('phone')}
          required
        />
        <Field
          label={t('register.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set('password')}
          error={err('password')}
          required
        />
        <Field
          label={t('register.name')}
          name="name"
          autoComplete="name"
          value={form.name}
          onChange={set('name')}
          error={err('name')}
          required
        />
        <Field
          label={t('register.idNumber')}
          name="idNumber"
          autoComplete="off"
          value={form.idNumber}
          onChange={set('idNumber')}
          error={err('idNumber')}
          required
        />
        <Field
          label={t('register.region')}
          name="regionCode"
          value={form.regionCode}
          onChange={set('regionCode')}
          error={err('regionCode')}
          required
        />
        <Select
          label={t('register.insuranceType')}
          name="insuranceType"
          value={form.insuranceType}
          onChange={set('insuranceType')}
          error={err('insuranceType')}
          options={(['resident', 'flexible'] as const).map((v) => ({
            value: v,
            label: t(`insuranceType.${v}`),
          }))}
        />
        <SubmitButton busy={submission.busy}>{t('register.submit')}</SubmitButton>
      </Form>
    </section>
  );
}
