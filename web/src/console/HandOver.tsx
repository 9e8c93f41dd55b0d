import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { CheckField } from './components.tsx';
import type { ApplicationResult, CardApplication } from './types.ts';

/** Issue on the spot (county centre) or hand a ready card out: the clerk ticks that the original ID was checked. */
export function HandOver({
  app,
  mode,
  onDone,
}: {
  app: CardApplication;
  mode: 'issue' | 'collect';
  onDone: () => void;
}) {
  const { t } = useTranslation('console');
  const [idChecked, setIdChecked] = useState(false);
  const [pin, setPin] = useState('');
  const [bank, setBank] = useState('');
  const submission = useSubmit(async () => {
    await api<ApplicationResult>('console', `/v1/staff/cards/applications/${app.id}/${mode}`, {
      body: { idChecked, ...(pin ? { pin } : {}), ...(bank.trim() ? { bank: bank.trim() } : {}) },
    });
    onDone();
  }, ['idChecked', 'pin', 'bank']);
  return (
    <Form
      submission={submission}
      label={t(mode === 'issue' ? 'apps.issueTitle' : 'apps.collectTitle', { name: app.personName })}
    >
      <h4>{t(mode === 'issue' ? 'apps.issueTitle' : 'apps.collectTitle', { name: app.personName })}</h4>
      <CheckField
        label={t('apps.idChecked')}
        name="idChecked"
        checked={idChecked}
        onChange={setIdChecked}
        error={submission.fieldError('idChecked')}
      />
      <Field
        label={t('apps.pin')}
        hint={t('apps.pinHint')}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
        value={pin}
        onChange={(e) => setPin(e.target.value)}
        error={submission.fieldError('pin')}
      />
      <Field
        label={t('apps.bank')}
        name="bank"
        value={bank}
        onChange={(e) => setBank(e.target.value)}
        error={submission.fieldError('bank')}
      />
      <SubmitButton busy={submission.busy}>
        {t(mode === 'issue' ? 'apps.issue' : 'apps.collect')}
      </SubmitButton>
    </Form>
  );
}
