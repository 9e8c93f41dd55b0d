import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Shell } from './shared/ui.tsx';

/** The front door: one link per app. */
export function Home() {
  const { t } = useTranslation();
  const apps = [
    { to: '/app', title: t('home.person'), hint: t('home.personHint') },
    { to: '/terminal', title: t('home.terminal'), hint: t('home.terminalHint') },
    { to: '/console', title: t('home.console'), hint: t('home.consoleHint') },
  ];
  return (
    <Shell app="person" title={t('appName')}>
      <section className="card">
        <h2>{t('home.title')}</h2>
        <p>{t('home.intro')}</p>
        <ul className="tiles">
          {apps.map((a) => (
            <li key={a.to}>
              <Link to={a.to} className="tile">
                <strong>{a.title}</strong>
                <span className="muted">{a.hint}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </Shell>
  );
}
