import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, session } from '../shared/api.ts';
import { Field, Form, SubmitButton, useSubmit } from '../shared/ui.tsx';
import type { TerminalMe } from './types.ts';

/**
 * Signs the till in with its terminal credential (`ybt_…`): the credential is checked against
 * GET /v1/terminal/me before it is kept, so a mistyped one never leaves a broken session behind.
 */
export function TerminalLogin({ onSignedIn }: { onSignedIn: (credential: string) => void }) {
  const { t } = useTranslation('terminal');
  const [credential, setCredential] = useState('');
  const submission = useSubmit(async () => {
    const value = credential.trim();
    if (!/^ybt_\S+$/.test(value))
      throw new ApiError(400, 'credential_format', t('login.format'), { field: 'credential' });
    session.set('terminal', value);
    try {
      await api<TerminalMe>('terminal', '/v1/terminal/me');
    } catch (err) {
      session.clear('terminal');
      if (err instanceof ApiError && err.status === 401)
        throw new ApiError(401, 'invalid_terminal_credential', err.message, { field: 'credential' });
      throw err;
    }
    onSignedIn(value);
  }, ['credential']);
  return (
    <section className="card narrow" aria-labelledby="till-login-title">
      <h2 id="till-login-title">{t('login.title')}</h2>
      <p className="muted">{t('login.intro')}</p>
      <Form submission={submission}>
        <Field
          label={t('login.credential')}
          name="credential"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
          hint={t('login.credentialHint')}
          error={submission.fieldError('credential')}
          required
        />
        <SubmitButton busy={submission.busy}>{t('login.submit')}</SubmitButton>
      </Form>
    </section>
  );
}
