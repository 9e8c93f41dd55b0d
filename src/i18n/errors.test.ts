// Every refusal the API can return has a catalogue entry in both languages, and reads in Chinese without
// an English sentence: the codes are collected from the source, so a new throw site without one fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasText, t } from './index.ts';
import { errorMessage } from '../platform/http.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const THROWS = [
  /\b(?:badRequest|unauthorized|forbidden|notFound|conflict|unprocessable)\(\s*'([a-z0-9_]+)'/g,
  /new AppError\(\s*\d+,\s*'([a-z0-9_]+)'/g,
  /super\(\s*\d+,\s*'([a-z0-9_]+)'/g,
  /\bcode: '([a-z0-9_]+)',\s*message:/g,
  /\bsend\(\s*\d+,\s*'([a-z0-9_]+)'/g,
];
const codes = new Set<string>();
for (const file of sources(new URL('..', import.meta.url).pathname)) {
  const source = readFileSync(file, 'utf8');
  for (const re of THROWS) for (const m of source.matchAll(re)) codes.add(m[1]!);
}

void test('every error code thrown anywhere has a message in both languages', () => {
  assert.ok(codes.size > 100, `found only ${codes.size} codes`);
  const missing = [...codes].filter((c) => !hasText(`errors.${c}`)).sort();
  assert.deepEqual(missing, [], `add errors.<code> to src/i18n/errors.zh-CN.ts and errors.en.ts`);
});

void test('in zh-CN no refusal reads as an English sentence; in English none holds Chinese', () => {
  const details = {
    field: 'body.idNumber',
    problems: ['缺少 catalogue'],
    item: 0,
    // What the catalogue refusals name: how many rows, which line, code and value, which day and version.
    count: 3,
    line: 2,
    value: 'X1',
    today: '2026-06-15',
    latest: 2,
    kind: 'drug',
    status: 'approved',
  };
  for (const code of codes) {
    const zh = errorMessage('zh-CN', code, 'An English sentence from the throw site', details, 'req-1');
    // Letters may name a field or a header (Idempotency-Key, JSON, H/P codes), never make a sentence.
    const words = zh.match(/[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}/g);
    assert.equal(words, null, `${code}: ${zh}`);
    assert.match(zh, /[\u4e00-\u9fff]/u, `${code}: ${zh}`);
    const en = t('en', `errors.${code}`, {
      ...details,
      problems: ['catalogue is missing'],
      requestId: 'r',
      code,
    });
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/u, `${code}: ${en}`);
  }
  // A code the catalogue does not know still reads in Chinese, naming the code.
  assert.equal(
    errorMessage('zh-CN', 'brand_new', 'Brand new refusal', undefined, 'r'),
    '请求未能完成（brand_new）',
  );
  // English keeps the throw site's own sentence, which may name more than the catalogue entry.
  assert.equal(
    errorMessage('en', 'card_not_live', 'The card is cancelled', undefined, 'r'),
    'The card is cancelled',
  );
});
