import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router-dom';
import { api } from '../shared/api.ts';
import { LoadState, Shell, useLoad, useSignedIn } from '../shared/ui.tsx';
import { Checkout } from './Checkout.tsx';
import { ReconciliationPage } from './ReconciliationPage.tsx';
import { SettlementPage } from './SettlementPage.tsx';
import { SettlementsPage } from './SettlementsPage.tsx';
import { TerminalLogin } from './TerminalLogin.tsx';
import type { TerminalMe } from './types.ts';

/** The till: its login, then checkout, settlements and the day's reconciliation. */
export function TillApp() {
  const { t } = useTranslation('terminal');
  const [signedIn, setToken] = useSignedIn('terminal');
  if (!signedIn)
    return (
      <Shell app="terminal" title={t('title')} wide>
        <TerminalLogin onSignedIn={(credential) => setToken(credential)} />
        <p className="center">
          <Link to="/terminal/staff">{t('login.staffLink')}</Link>
        </p>
      </Shell>
    );
  const nav = [
    { to: '/terminal', label: t('nav.checkout') },
    { to: '/terminal/settlements', label: t('nav.settlements') },
    { to: '/terminal/reconciliation', label: t('nav.reconciliation') },
  ];
  return (
    <Shell app="terminal" title={t('title')} wide nav={nav} onSignOut={() => setToken(null)}>
      <TillIdentity />
      <Routes>
        <Route index element={<Checkout />} />
        <Route path="settlements" element={<SettlementsPage />} />
        <Route path="settlements/:id" element={<SettlementPage />} />
        <Route path="reconciliation" element={<ReconciliationPage />} />
        <Route path="*" element={<Checkout />} />
      </Routes>
    </Shell>
  );
}

/** Which institution and terminal this till is, so a cashier never settles on the wrong one. */
function TillIdentity() {
  const { t } = useTranslation('terminal');
  const me = useLoad(() => api<TerminalMe>('terminal', '/v1/terminal/me'));
  return (
    <div className="till-identity">
      <LoadState loaded={me}>
        {(m) => (
          <p>
            <strong>{m.institution.name}</strong>{' '}
            <span className="muted">
              {t('till.code', { code: m.institution.code })} · {t('till.terminal', { name: m.terminalName })}
            </span>
          </p>
        )}
      </LoadState>
    </div>
  );
}
