import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalogues,
  LANGS,
  pickLang,
  cliLang,
  t,
  render,
  text,
  yuanDigits,
  formatDate,
  formatDateTime,
} from './index.ts';

/** Every leaf of a catalogue, by its dotted code. */
function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const code = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(code, v);
    else for (const [c, s] of leaves(v, code)) out.set(c, s);
  }
  return out;
}

/** The parameter names a text uses: `{{name}}` or `{{name, format}}`. */
const paramsOf = (s: string): string[] =>
  [...s.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]!).sort();

const zh = leaves(catalogues['zh-CN']);
const en = leaves(catalogues.en);

void test('every code has a text in both languages, and no language has a code the other lacks', () => {
  assert.ok(zh.size > 100, `only ${zh.size} codes`);
  assert.deepEqual([...zh.keys()].sort(), [...en.keys()].sort());
  for (const [code, s] of [...zh, ...en])
    assert.ok(s.trim() !== '' || code.endsWith('_note'), `${code} is empty`);
});

void test('both languages of a code use the same parameters, with known formats only', () => {
  for (const [code, zhText] of zh) {
    assert.deepEqual(paramsOf(zhText), paramsOf(en.get(code)!), `parameters of ${code} differ`);
    for (const s of [zhText, en.get(code)!]) {
      for (const m of s.matchAll(/\{\{[^}]*,\s*([a-z]+)\s*\}\}/g))
        assert.ok(
          ['yuan', 'percent', 'date', 'datetime', 'position'].includes(m[1]!),
          `${code}: unknown format ${m[1]}`,
        );
    }
  }
});

void test('Chinese texts hold no English sentence, English texts no Chinese', () => {
  for (const [code, s] of zh) {
    const bare = s.replace(/\{\{[^}]*\}\}/g, '');
    // Field names of a policy (approvalRequired, base.floorBpOfMonthlyWage) stay as the administrator typed them.
    // Only all-lowercase words make English prose; names of fields and headers (Idempotency-Key) may stay.
    const words = (bare.match(/[A-Za-z][A-Za-z.-]*/g) ?? []).filter((w) => /^[a-z]+$/.test(w));
    assert.ok(words.length <= 1, `${code}: English words in zh-CN: ${words.join(' ')} (${s})`);
    assert.match(
      bare.trim() === '' ? '中' : bare,
      /[\u4e00-\u9fff]|^[\s（）()：:，,;；\d/[\]]*$/u,
      `${code}: ${s}`,
    );
  }
  for (const [code, s] of en) assert.doesNotMatch(s, /[\u3400-\u9fff]/u, `${code} has Chinese`);
});

void test('parameters render in the language: yuan from fen, percent from basis points, Beijing dates', () => {
  assert.equal(t('zh-CN', 'line.out_of_catalogue', { amount: 600000 }), '目录外：6,000.00 元由个人支付');
  assert.equal(
    t('en', 'line.out_of_catalogue', { amount: 600000 }),
    'out of catalogue: 6,000.00 yuan to the person',
  );
  assert.equal(
    render('zh-CN', text('line.outpatient_above', { ratioBp: 5550, fund: 1, person: 99 })),
    '门诊起付标准以上：统筹支付 55.5% = 0.01 元，个人 0.99 元',
  );
  assert.equal(yuanDigits(-123456789), '-1,234,567.89');
  // 20:30 UTC is 04:30 the next day in Beijing, whatever the process's own time zone.
  assert.equal(formatDateTime('2025-03-04T20:30:00Z', 'zh-CN'), '2025/03/05 04:30');
  assert.equal(formatDateTime('2025-03-04T20:30:00Z', 'en'), '5 Mar 2025, 04:30');
  assert.equal(formatDate('2025-03-05', 'zh-CN'), '2025年3月5日');
  // A Text inside a Text is rendered in the same language; a legacy sentence reads as it was written.
  const nested = text('bill.item', {
    index: 0,
    item: 'X01',
    text: text('line.without_approval', { service: text('service.large_equipment'), amount: 100 }),
  });
  assert.equal(render('zh-CN', nested), '第1项 X01：大型设备检查未经审批：1.00 元由个人支付');
  assert.equal(render('en', 'Your card was issued at the counter.'), 'Your card was issued at the counter.');
});

void test('a text missing a parameter its wording uses is refused under the test runner', () => {
  assert.throws(() => t('en', 'notice.card_frozen.body', {}), /uses \{\{card\}\}/);
});

void test('the reader’s language: explicit choice, then Accept-Language by weight, zh-CN by default', () => {
  assert.equal(pickLang(undefined, undefined), 'zh-CN');
  assert.equal(pickLang(undefined, 'en-US,en;q=0.9'), 'en');
  assert.equal(pickLang(undefined, 'fr-FR, zh-TW;q=0.5, en;q=0.8'), 'en');
  assert.equal(pickLang(undefined, 'de'), 'zh-CN');
  assert.equal(pickLang('zh-CN', 'en'), 'zh-CN');
  assert.equal(pickLang('en', undefined), 'en');
  assert.equal(cliLang(['x', '--lang', 'en'], {}), 'en');
  assert.equal(cliLang(['x', '--lang=zh'], { LANG: 'en_US.UTF-8' }), 'zh-CN');
  assert.equal(cliLang([], { LANG: 'en_US.UTF-8' }), 'en');
  assert.equal(cliLang([], {}), 'zh-CN');
  assert.deepEqual([...LANGS], ['zh-CN', 'en']);
});

void test('the compiled templates read exactly as i18next does, for every code in both languages', () => {
  // Under the test runner `t` renders each text both ways and throws on any difference; this calls it for
  // every code with values of every kind a parameter takes (and null, which reads as nothing).
  const sample = (format: string | undefined, variant: number): unknown => {
    if (variant === 2) return null;
    switch (format) {
      case 'yuan':
      case 'percent':
      case 'position':
        return variant === 0 ? 123456 : -5;
      case 'date':
        return variant === 0 ? '2025-03-05' : 'not a date';
      case 'datetime':
        return variant === 0 ? '2025-03-05T06:30:00Z' : 'soon';
      default:
        return variant === 0 ? 'Ab 1/2 <b>' : variant === 1 ? 0 : null;
    }
  };
  let rendered = 0;
  for (const lang of LANGS)
    for (const [code, s] of lang === 'en' ? en : zh)
      for (const variant of [0, 1, 2]) {
        const params: Record<string, unknown> = {};
        for (const m of s.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*(?:,\s*([a-z]+)\s*)?\}\}/g))
          params[m[1]!] = sample(m[2], variant);
        t(lang, code, params);
        rendered++;
      }
  assert.ok(rendered > 600);
  // A parameter holding a Text, a list, or what i18next reads as its own option still renders.
  assert.equal(
    t('en', 'bill.item', { index: 0, item: 'M0', text: text('line.out_of_catalogue', { amount: 100 }) }),
    render(
      'en',
      text('bill.item', { index: 0, item: 'M0', text: text('line.out_of_catalogue', { amount: 100 }) }),
    ),
  );
});
