import { FilingQueue, RegionRuns } from './Regions.tsx';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router-dom';
import { api } from '../shared/api.ts';
import { LoadState, PasswordLogin, Shell, useLoad, useSignedIn, type NavItem } from '../shared/ui.tsx';
import type { Me, Role } from './types.ts';
import { ReviewQueue } from './ReviewQueue.tsx';
import { CardApplications } from './CardApplications.tsx';
import { PersonCards } from './PersonCards.tsx';
import { PersonLookup } from './PersonLookup.tsx';
import { FamilyCounter } from './FamilyCounter.tsx';
import { Institutions } from './Institutions.tsx';
import { Reconciliation } from './Reconciliation.tsx';
import { Policies } from './Policies.tsx';
import { ScanAudit } from './ScanAudit.tsx';
import { Offices } from './Offices.tsx';
import { RegistryImport } from './RegistryImport.tsx';
import { Catalogue } from './Catalogue.tsx';
import { MappingReview } from './MappingReview.tsx';
import { ClaimsReview } from './ClaimsReview.tsx';
import './console.css';

/** Each page of the console and the roles the API lets use it. */
const PAGES: ReadonlyArray<{ path: string; roles: readonly Role[]; element: (me: Me) => ReactNode }> = [
  { path: 'reviews', roles: ['staff'], element: () => <ReviewQueue /> },
  { path: 'applications', roles: ['staff'], element: () => <CardApplications /> },
  { path: 'cards', roles: ['staff'], element: () => <PersonCards /> },
  { path: 'persons', roles: ['staff', 'admin'], element: (me) => <PersonLookup me={me} /> },
  { path: 'family', roles: ['staff'], element: () => <FamilyCounter /> },
  { path: 'institutions', roles: ['staff', 'admin'], element: (me) => <Institutions me={me} /> },
  { path: 'reconciliation', roles: ['staff', 'admin'], element: () => <Reconciliation /> },
  { path: 'policies', roles: ['staff', 'admin'], element: (me) => <Policies me={me} /> },
  { path: 'scans', roles: ['staff', 'admin'], element: () => <ScanAudit /> },
  { path: 'registry', roles: ['staff', 'admin'], element: () => <RegistryImport /> },
  { path: 'catalogue', roles: ['staff', 'admin'], element: (me) => <Catalogue me={me} /> },
  { path: 'mappings', roles: ['staff', 'admin'], element: () => <MappingReview /> },
  { path: 'claims', roles: ['staff', 'admin'], element: (me) => <ClaimsReview me={me} /> },
  { path: 'filings', roles: ['staff'], element: () => <FilingQueue /> },
  { path: 'regions', roles: ['admin'], element: () => <RegionRuns /> },
  { path: 'offices', roles: ['admin'], element: () => <Offices /> },
];

/** The agency console (counter staff, administrators), mounted at /console. */
export default function ConsoleApp() {
  const { t } = useTranslation('console');
  const [signedIn, setToken] = useSignedIn('console');
  if (!signedIn)
    return (
      <Shell app="console" title={t('title')} wide>
        <PasswordLogin app="console" roles={['staff', 'admin']} onSignedIn={(token) => setToken(token)} />
      </Shell>
    );
  return <SignedIn onSignOut={() => setToken(null)} />;
}

function SignedIn({ onSignOut }: { onSignOut: () => void }) {
  const { t } = useTranslation('console');
  const me = useLoad(() => api<Me>('console', '/v1/me'));
  const role = me.data?.role as Role | undefined;
  const pages = PAGES.filter((p) => role && p.roles.includes(role));
  const nav: NavItem[] = pages.map((p) => ({ to: `/console/${p.path}`, label: t(`nav.${p.path}`) }));
  const signOut = () => {
    void api('console', '/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    onSignOut();
  };
  return (
    <Shell app="console" title={t('title')} wide nav={nav} onSignOut={signOut}>
      <LoadState loaded={me}>
        {(data) => (
          <>
            <p className="muted whoami">
              {t('signedInAs', { name: data.displayName, role: t(`roles.${data.role}`) })}
              {data.regionCode && ` · ${t('region')}: ${data.regionCode}`}
            </p>
            <Routes>
              {pages.map((p) => (
                <Route key={p.path} path={p.path} element={p.element(data)} />
              ))}
              <Route path="*" element={<Navigate to={`/console/${pages[0]?.path ?? ''}`} replace />} />
            </Routes>
          </>
        )}
      </LoadState>
    </Shell>
  );
}
