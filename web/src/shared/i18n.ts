import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from './messages.ts';
import { person } from '../person/messages.ts';
import { terminal } from '../terminal/messages.ts';
import { consoleMessages } from '../console/messages.ts';

/** Chinese first: most of our users read it. English for everyone else. */
export const LANGUAGES = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORED = 'yibao.language';
const stored = localStorage.getItem(STORED);
const initial: Language = stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';

/** One namespace per app (and `common`), each with the same keys in both languages. */
const namespaces = { common, person, terminal, console: consoleMessages };
const resources = Object.fromEntries(
  LANGUAGES.map(({ code }) => [
    code,
    Object.fromEntries(Object.entries(namespaces).map(([ns, messages]) => [ns, messages[code]])),
  ]),
);

void i18n.use(initReactI18next).init({
  resources,
  lng: initial,
  fallbackLng: 'zh-CN',
  defaultNS: 'common',
  ns: Object.keys(namespaces),
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});
document.documentElement.lang = initial;

export function setLanguage(code: Language): void {
  localStorage.setItem(STORED, code);
  document.documentElement.lang = code;
  void i18n.changeLanguage(code);
}
