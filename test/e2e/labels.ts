/**
 * What the web apps show, looked up in their own catalogues (web/src/…/messages.ts) by key, so the browser
 * steps find labels in either language without a second list of texts: `t('person:register.phone')`,
 * `t('signOut')` (the `common` namespace), `t.pattern('person:family.summary')` for a text with values in it.
 */
import i18next from 'i18next';
import type { Page } from 'playwright-core';
import { LANGUAGES, NAMESPACES, resources, type Language } from '../../web/src/shared/languages.ts';

export type { Language };

export interface Labels {
  /** The text of `key` ('ns:path.to.key') in this language, with `params` filled in; throws when there is none. */
  (key: string, params?: Record<string, unknown>): string;
  /** A pattern matching the text of `key` whatever the values of its parameters. */
  pattern(key: string): RegExp;
  lang: Language;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function make(lang: Language): Labels {
  const i18n = i18next.createInstance();
  void i18n.init({
    resources,
    lng: lang,
    fallbackLng: false,
    ns: NAMESPACES,
    defaultNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  } as Parameters<typeof i18n.init>[0]);
  const raw = (key: string): string => {
    const text: unknown = i18n.exists(key) ? i18n.t(key, { interpolation: { skipOnVariables: true } }) : null;
    if (typeof text !== 'string') throw new Error(`the web apps have no text ${key} in ${lang}`);
    return text;
  };
  const t = (key: string, params: Record<string, unknown> = {}): string => {
    raw(key);
    return i18n.t(key, params);
  };
  return Object.assign(t, {
    pattern: (key: string) => new RegExp(escapeRegExp(raw(key)).replace(/\\\{\\\{\w+\\\}\\\}/g, '.+?')),
    lang,
  });
}

const byLanguage = new Map(LANGUAGES.map(({ code }) => [code, make(code)]));

/** The web apps' texts in `lang` (zh-CN, the apps' default, when not given). */
export const labels = (lang: Language = 'zh-CN'): Labels => byLanguage.get(lang)!;

/** The texts of the language `page` shows (the app keeps `<html lang>` to the language chosen). */
export async function labelsOf(page: Page): Promise<Labels> {
  const lang = await page.evaluate(() => document.documentElement.lang);
  return labels(lang === 'en' ? 'en' : 'zh-CN');
}

/** Chooses `lang` in the language menu of the open app, as a user does; the app remembers it. */
export async function chooseLanguage(page: Page, lang: Language): Promise<void> {
  const t = await labelsOf(page);
  await page.getByRole('combobox', { name: t('language'), exact: true }).selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}
