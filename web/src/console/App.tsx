import { useTranslation } from 'react-i18next';
import { PasswordLogin, Shell, useSignedIn } from '../shared/ui.tsx';

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
  return (
    <Shell app="console" title={t('title')} wide onSignOut={() => setToken(null)}>
      <p>{t('title')}</p>
    </Shell>
  );
}
