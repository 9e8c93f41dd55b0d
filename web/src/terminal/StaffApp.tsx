import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router-dom';
import { api } from '../shared/api.ts';
import { PasswordLogin, Shell, useSignedIn } from '../shared/ui.tsx';
import { PriceListPage } from './PriceListPage.tsx';
import { ScanAuditPage } from './ScanAuditPage.tsx';
import { TerminalsPage } from './TerminalsPage.tsx';
import { MappingsPage } from './MappingsPage.tsx';

/** The institution's staff: their terminals, their price list, their scan audit and their catalogue mappings, under /terminal/staff. */
export function StaffApp() {
  const { t } = useTranslation('terminal');
  const [signedIn, setToken] = useSignedIn('institution');
  if (!signedIn)
    return (
      <Shell app="institution" title={t('staffTitle')} wide>
        <PasswordLogin
          app="institution"
          roles={['institution']}
          onSignedIn={(token) => setToken(token)}
          intro={<p className="muted">{t('staff.intro')}</p>}
        />
        <p className="center">
          <Link to="/terminal">{t('staff.tillLink')}</Link>
        </p>
      </Shell>
    );
  const signOut = () => {
    void api('institution', '/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    setToken(null);
  };
  const nav = [
    { to: '/terminal/staff', label: t('nav.terminals') },
    { to: '/terminal/staff/prices', label: t('nav.prices') },
    { to: '/terminal/staff/audit', label: t('nav.audit') },
    { to: '/terminal/staff/mappings', label: t('nav.mappings') },
  ];
  return (
    <Shell app="institution" title={t('staffTitle')} wide nav={nav} onSignOut={signOut}>
      <Routes>
        <Route index element={<TerminalsPage />} />
        <Route path="prices" element={<PriceListPage />} />
        <Route path="audit" element={<ScanAuditPage />} />
        <Route path="mappings" element={<MappingsPage />} />
        <Route path="*" element={<TerminalsPage />} />
      </Routes>
    </Shell>
  );
}
