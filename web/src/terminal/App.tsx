import { useTranslation } from 'react-i18next';
import { Shell, useSignedIn } from '../shared/ui.tsx';

/** The institution terminal (hospital HIS / pharmacy POS till), mounted at /terminal. */
export default function TerminalApp() {
  const { t } = useTranslation('terminal');
  const [signedIn, setToken] = useSignedIn('terminal');
  return (
    <Shell app="terminal" title={t('title')} wide onSignOut={signedIn ? () => setToken(null) : undefined}>
      <p>{t('title')}</p>
    </Shell>
  );
}
