import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, LoadState, useLoad } from '../shared/ui.tsx';
import { call, formatTime } from './client.ts';
import type { Notification } from './types.ts';

/** The in-app inbox, newest first; unread messages are marked and can be marked read. */
export function Inbox({ onChange }: { onChange: () => void }) {
  const { t } = useTranslation('person');
  const inbox = useLoad(() => call<{ notifications: Notification[] }>('/v1/me/notifications'));
  const [error, setError] = useState<unknown>(null);
  const markRead = async (id: string) => {
    setError(null);
    try {
      await call(`/v1/me/notifications/${id}/read`, { method: 'POST' });
      inbox.reload();
      onChange();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="inbox-title">
      <h2 id="inbox-title">{t('inbox.title')}</h2>
      <ErrorBanner error={error} />
      <LoadState loaded={inbox}>
        {(i) =>
          i.notifications.length === 0 ? (
            <p className="muted">{t('inbox.none')}</p>
          ) : (
            <ul className="plain list">
              {i.notifications.map((n) => (
                <li key={n.id} className={n.read ? 'read' : 'unread'}>
                  <h3>
                    {!n.read && <span className="badge warn">{t('inbox.unread')}</span>} {n.title}
                  </h3>
                  <p>{n.body}</p>
                  <div className="spread">
                    <small className="muted">{formatTime(n.createdAt)}</small>
                    {!n.read && (
                      <button type="button" onClick={() => void markRead(n.id)}>
                        {t('inbox.markRead')}
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}
