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

/** One namespace per app (and `common`), each with the same keys in both languages. */
const namespaces = { common, person, terminal, console: consoleMessages };
export const NAMESPACES = Object.keys(namespaces);

/** The web apps' catalogues as i18next resources: language → namespace → texts. */
export const resources = Object.fromEntries(
  LANGUAGES.map(({ code }) => [
    code,
    Object.fromEntries(Object.entries(namespaces).map(([ns, messages]) => [ns, messages[code]])),
  ]),
);
