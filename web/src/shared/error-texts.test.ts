import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES } from '../../../src/platform/error-codes.ts';
import { common } from './messages.ts';
import { person } from '../person/messages.ts';
import { terminal } from '../terminal/messages.ts';
import { consoleMessages } from '../console/messages.ts';

// useErrorText (ui.tsx) looks a code up in the app's own `errors`, then in `common`'s.
const namespaces = [common, person, terminal, consoleMessages];
const LANGUAGES = ['zh-CN', 'en'] as const;

test('the web apps have a text for every error code the server answers, in both languages', () => {
  for (const language of LANGUAGES) {
    const texts = namespaces.map((ns) => ns[language].errors as Record<string, string>);
    const missing = ERROR_CODES.filter((code) => !texts.some((t) => (t[code] ?? '').trim() !== ''));
    assert.deepEqual(missing, [], `${language}: codes without a text`);
  }
});

// The codes the web apps raise themselves: api.ts (network_error), Identity.tsx (photo_missing), EcardForms.tsx
// (pin_format, pin_mismatch), person/client.ts (id_<problem> of the ID-number check before sending),
// TerminalLogin.tsx (invalid_terminal_credential).
const CLIENT_CODES = [
  'network_error',
  'photo_missing',
  'pin_format',
  'pin_mismatch',
  'id_format',
  'id_province',
  'id_birth_date',
  'id_birth_date_future',
  'id_check_character',
  'invalid_terminal_credential',
];

test('every error text is for a code the server answers or the web apps raise themselves', () => {
  const known = new Set<string>([...ERROR_CODES, ...CLIENT_CODES]);
  for (const language of LANGUAGES) {
    for (const ns of namespaces) {
      const stray = Object.keys(ns[language].errors).filter((code) => !known.has(code));
      assert.deepEqual(stray, [], `${language}: texts for codes the server never answers`);
    }
  }
});
