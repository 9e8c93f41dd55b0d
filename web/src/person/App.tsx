import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { PasswordLogin, Shell, useLoad, useSignedIn, type NavItem } from '../shared/ui.tsx';
import { call } from './client.ts';
import { Register } from './Register.tsx';
import { Home } from './Home.tsx';
import { Identity } from './Identity.tsx';
import { EcardScreen } from './EcardScreen.tsx';
import { EsscScreen } from './EsscScreen.tsx';
import { QrScreen } from './QrScreen.tsx';
import { Family } from './Family.tsx';
import { Cards } from './Cards.tsx';
import { Records } from './Records.tsx';
import { Inbox } from './Inbox.tsx';
import { Filings } from './Filings.tsx';
import type { Me, Notification } from './types.ts';
import './person.css';

/** The insured person's app (mobile-first, like the mini program), mounted at /app. */
export default function PersonApp() {
  const { t } = useTranslation('person');
  const [signedIn, setToken] = useSignedIn('person');
  const [registering, setRegistering] = useState(false);
  if (!signedIn)
    return (
      <Shell app="person" title={t('title')}>
        {registering ? (
          <>
            <Register onSignedIn={(token) => setToken(token)} />
            <p className="center">
              {t('login.haveAccount')}{' '}
              <button type="button" className="link" onClick={() => setRegistering(false)}>
                {t('login.signIn')}
              </button>
            </p>
          </>
        ) : (
          <>
            <PasswordLogin app="person" roles={['person']} onSignedIn={(token) => setToken(token)} />
            <p className="center">
              {t('login.noAccount')}{' '}
              <button type="button" className="link" onClick={() => setRegistering(true)}>
                {t('login.register')}
              </button>
            </p>
          </>
        )}
      </Shell>
    );
  const signOut = () => {
    // End the session on the server too; the screen returns to the login either way.
    void call('/v1/auth/logout', { method: 'POST' })
      .catch(() => undefined)
      .finally(() => setToken(null));
  };
  return <SignedIn onSignOut={signOut} />;
}

function SignedIn({ onSignOut }: { onSignOut: () => void }) {
  const { t } = useTranslation('person');
  const location = useLocation();
  const me = useLoad(() => call<Me>('/v1/me'));
  // The unread count follows the person around the app: read again on every screen change.
  const unread = useLoad(
    () => call<{ notifications: Notification[] }>('/v1/me/notifications', { query: { unread: true } }),
    [location.pathname],
  );
  const count = unread.data?.notifications.length ?? 0;
  const nav: NavItem[] = [
    { to: '/app', label: t('nav.home') },
    { to: '/app/qr', label: t('nav.qr') },
    { to: '/app/ecard', label: t('nav.ecard') },
    { to: '/app/essc', label: t('nav.essc') },
    { to: '/app/family', label: t('nav.family') },
    { to: '/app/cards', label: t('nav.cards') },
    { to: '/app/records', label: t('nav.records') },
    { to: '/app/filings', label: t('nav.filings') },
    { to: '/app/inbox', label: count ? t('nav.inboxUnread', { count }) : t('nav.inbox') },
  ];
  return (
    <Shell app="person" title={t('title')} nav={nav} onSignOut={onSignOut}>
      <Routes>
        <Route index element={<Home me={me} />} />
        <Route path="identity" element={<Identity me={me} />} />
        <Route path="ecard" element={<EcardScreen />} />
        <Route path="essc" element={<EsscScreen me={me} />} />
        <Route path="qr" element={<QrScreen />} />
        <Route path="family" element={<Family />} />
        <Route path="cards" element={<Cards me={me} />} />
        <Route path="records" element={<Records />} />
        <Route path="filings" element={<Filings />} />
        <Route path="inbox" element={<Inbox onChange={unread.reload} />} />
        <Route path="*" element={<Navigate to="/app" replace />} />
      </Routes>
    </Shell>
  );
}
