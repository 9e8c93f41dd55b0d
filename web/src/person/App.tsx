import { useTranslation } from 'react-i18next';
import { PasswordLogin, Shell, useSignedIn } from '../shared/ui.tsx';

/** The insured person's app (mobile-first, like the mini program), mounted at /app. */
export default function PersonApp() {
  const { t } = useTranslation('person');
  const [signedIn, setToken] = useSignedIn('person');
  if (!signedIn)
    return (
      <Shell app="person" title={t('title')}>
        <PasswordLogin app="person" roles={['person']} onSignedIn={(token) => setToken(token)} />
      </Shell>
    );
  return (
    <Shell app="person" title={t('title')} onSignOut={() => setToken(null)}>
      <p>{t('title')}</p>
    </Shell>
  );
}
