import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { NAMESPACES, resources, type Language } from './languages.ts';

const STORED = 'yibao.language';
const stored = localStorage.getItem(STORED);
const initial: Language = stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';

void i18n.use(initReactI18next).init({
  resources,
  lng: initial,
  fallbackLng: 'zh-CN',
  defaultNS: 'common',
  ns: NAMESPACES,
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});
document.documentElement.lang = initial;

export function setLanguage(code: Language): void {
  localStorage.setItem(STORED, code);
  document.documentElement.lang = code;
  void i18n.changeLanguage(code);
}
