import { beijingDateTime } from '../shared/dates.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, session } from '../shared/api.ts';
import { ErrorBanner, Field, Form, LoadState, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import type { TerminalView } from './types.ts';

/** The institution's terminals: create one (its credential is shown once), revoke one. */
export function TerminalsPage() {
  const { t } = useTranslation('terminal');
  const navigate = useNavigate();
  const list = useLoad(() => api<{ terminals: TerminalView[] }>('institution', '/v1/institution/terminals'));
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ terminal: TerminalView; credential: string } | null>(null);
  const create = useSubmit(async () => {
    const r = await api<{ terminal: TerminalView; credential: string }>(
      'institution',
      '/v1/institution/terminals',
      { body: { name: name.trim() } },
    );
    setCreated(r);
    setName('');
    list.reload();
  }, ['name']);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const revoke = async (id: string) => {
    setRevoking(id);
    setRevokeError(null);
    try {
      await api('institution', `/v1/institution/terminals/${id}/revoke`, { method: 'POST' });
      list.reload();
    } catch (err) {
      setRevokeError(err);
    } finally {
      setRevoking(null);
    }
  };
  const signTillIn = (credential: string) => {
    session.set('terminal', credential);
    void navigate('/terminal');
  };

  return (
    <div className="grid list-and-form">
      <section className="card" aria-labelledby="terminals-title">
        <h2 id="terminals-title">{t('terminals.title')}</h2>
        <ErrorBanner error={revokeError} />
        <LoadState loaded={list}>
          {({ terminals }) =>
            terminals.length === 0 ? (
              <p className="muted">{t('terminals.none')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('terminals.name')}</th>
                    <th scope="col">{t('terminals.status')}</th>
                    <th scope="col">{t('terminals.created')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('terminals.revoke')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {terminals.map((term) => (
                    <tr key={term.id} data-terminal={term.id}>
                      <td>
                        {term.name}
                        <br />
                        <small className="muted">{term.id.slice(0, 8)}</small>
                      </td>
                      <td>
                        <span className={`badge${term.status === 'active' ? '' : ' bad'}`}>
                          {t(`labels.terminalStatus.${term.status}`)}
                        </span>
                      </td>
                      <td>{beijingDateTime(term.createdAt)}</td>
                      <td>
                        {term.status === 'active' && (
                          <ConfirmButton
                            label={t('terminals.revoke')}
                            ariaLabel={t('terminals.revokeOf', { name: term.name })}
                            question={t('terminals.revokeQuestion', { name: term.name })}
                            confirmLabel={t('terminals.revoke')}
                            busy={revoking === term.id}
                            onConfirm={() => void revoke(term.id)}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </section>
      <section className="card" aria-labelledby="new-terminal-title">
        <h2 id="new-terminal-title">{t('terminals.newTitle')}</h2>
        {created && (
          <div className="banner ok credential" role="status">
            <p>{t('terminals.createdOnce', { name: created.terminal.name })}</p>
            <code className="credential-text" aria-label={t('terminals.credential')}>
              {created.credential}
            </code>
            <div className="row">
              <button type="button" className="primary" onClick={() => signTillIn(created.credential)}>
                {t('terminals.useHere')}
              </button>
              <button
                type="button"
                onClick={() => void navigator.clipboard?.writeText(created.credential).catch(() => undefined)}
              >
                {t('terminals.copy')}
              </button>
            </div>
          </div>
        )}
        <Form submission={create}>
          <Field
            label={t('terminals.name')}
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={create.fieldError('name')}
            required
            maxLength={60}
          />
          <SubmitButton busy={create.busy}>{t('terminals.create')}</SubmitButton>
        </Form>
      </section>
    </div>
  );
}
