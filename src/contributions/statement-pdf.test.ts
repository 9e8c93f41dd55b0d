// The personal rights record PDF: structure, embedded CJK font, text that really reads back (decoded
// here from the PDF's own ToUnicode maps, so no external tool is needed), and refusals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { Value } from 'typebox/value';
import { calculatePremium } from './premium-calculator.ts';
import { DEMO_PREMIUM_RULES } from './premium-rules.ts';
import {
  RightsRecordInputSchema,
  renderRightsRecordPdf,
  validateRightsRecord,
  type RightsRecordInput,
} from './statement-pdf.ts';

/** A demo employee on a base of 8,000 yuan, contributing January to November. */
function demoInput(): RightsRecordInput {
  const premium = calculatePremium(DEMO_PREMIUM_RULES, {
    insuranceType: 'employee',
    retired: false,
    declaredBase: 800_000,
  });
  return {
    // 骉 is not in the main font subset: it comes from one of the font's slices.
    person: { name: '张骉', idNumber: '11010519491231002X' },
    year: 2025,
    region: { code: 'demo', name: '演示市' },
    contributions: Array.from({ length: 11 }, (_, index) => ({
      month: index + 1,
      base: premium.base,
      employerPart: premium.employerPremium,
      ownPart: premium.employeePremium,
      credited: premium.toIndividualAccount,
    })),
    account: {
      openingBalance: 523_400,
      credits: 176_000,
      payments: 158_000,
      mutualAidOut: 30_000,
      mutualAidIn: 12_000,
      closingBalance: 511_400,
    },
    settlements: {
      count: 7,
      total: 5_000_000,
      fundPaid: 3_420_000,
      accountPaid: 158_000,
      familyAccountPaid: 12_000,
      cashPaid: 1_410_000,
    },
    issueDate: '2026-01-15',
  };
}

interface PdfObject {
  id: number;
  dict: string;
  stream?: Buffer;
}

/** Splits a (pdfkit-written, uncompressed-objects) PDF into its objects, inflating Flate streams. */
function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  for (const match of text.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = match[2] ?? '';
    const streamAt = body.indexOf('stream\n');
    const object: PdfObject = { id: Number(match[1]), dict: streamAt < 0 ? body : body.slice(0, streamAt) };
    if (streamAt >= 0) {
      const raw = Buffer.from(body.slice(streamAt + 7, body.lastIndexOf('\nendstream')), 'latin1');
      object.stream = /\/Filter \/FlateDecode/.test(object.dict) ? inflateSync(raw) : raw;
    }
    objects.set(object.id, object);
  }
  return objects;
}

/** Parses a ToUnicode CMap (bfrange with arrays or a start code, and bfchar) into CID → text. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hexText = (hex: string) =>
    String.fromCodePoint(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const line of (block[1] ?? '').matchAll(
      /<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(\[[^\]]*\]|<[0-9a-f]+>)/gi,
    )) {
      const low = parseInt(line[1] ?? '', 16);
      const high = parseInt(line[2] ?? '', 16);
      const target = line[3] ?? '';
      if (target.startsWith('[')) {
        [...target.matchAll(/<([0-9a-f]+)>/gi)].forEach((entry, index) =>
          map.set(low + index, hexText(entry[1] ?? '')),
        );
      } else {
        const start = parseInt(target.slice(1, -1), 16);
        for (let cid = low; cid <= high; cid += 1) map.set(cid, String.fromCodePoint(start + cid - low));
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const line of (block[1] ?? '').matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>/gi)) {
      map.set(parseInt(line[1] ?? '', 16), hexText(line[2] ?? ''));
    }
  }
  return map;
}

/**
 * Reads back the text of every page the way a PDF reader does: each page's content stream, its
 * `Tf` font switches and `TJ` glyph strings, decoded through each font's ToUnicode map. Returns one
 * string per page, text operations joined in drawing order.
 */
function extractText(pdf: Buffer): { pages: string[]; unmapped: number } {
  const objects = pdfObjects(pdf);
  let unmapped = 0;
  const pages: string[] = [];
  for (const page of objects.values()) {
    if (!/\/Type \/Page\b(?!s)/.test(page.dict)) continue;
    // Resources are inline or (as pdfkit writes them) a separate object.
    const resourcesRef = /\/Resources (\d+) 0 R/.exec(page.dict)?.[1];
    const resources =
      resourcesRef === undefined ? page.dict : (objects.get(Number(resourcesRef))?.dict ?? '');
    const fontDict = /\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1] ?? '';
    const fonts = new Map<string, Map<number, string>>();
    for (const [, name, ref] of fontDict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
      const font = objects.get(Number(ref));
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(font?.dict ?? '')?.[1];
      const cmap = objects.get(Number(toUnicode))?.stream?.toString('latin1') ?? '';
      fonts.set(name ?? '', parseToUnicode(cmap));
    }
    const contentRef = /\/Contents (\d+) 0 R/.exec(page.dict)?.[1];
    const content = objects.get(Number(contentRef))?.stream?.toString('latin1') ?? '';
    let current = new Map<number, string>();
    const out: string[] = [];
    for (const op of content.matchAll(/\/(\w+) [\d.]+ Tf|\[((?:<[0-9a-f]*>|[-\d.\s])*)\] TJ/gi)) {
      if (op[1] !== undefined) {
        current = fonts.get(op[1]) ?? new Map();
        continue;
      }
      let piece = '';
      for (const hex of (op[2] ?? '').matchAll(/<([0-9a-f]*)>/gi)) {
        for (const code of (hex[1] ?? '').match(/.{4}/g) ?? []) {
          const char = current.get(parseInt(code, 16));
          if (char === undefined) unmapped += 1;
          piece += char ?? '\uFFFD';
        }
      }
      out.push(piece);
    }
    pages.push(out.join('\n'));
  }
  return { pages, unmapped };
}

void describe('renderRightsRecordPdf', () => {
  void test('renders a one-page PDF for a demo person', async () => {
    const pdf = await renderRightsRecordPdf(demoInput());
    assert.ok(Buffer.isBuffer(pdf));
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.subarray(-16).toString('latin1'), /%%EOF\s*$/);
    const { pages } = extractText(pdf);
    assert.equal(pages.length, 1);
    assert.match(pdf.toString('latin1'), /\/Type \/Pages[\s\S]*?\/Count 1\b/);
  });

  void test('embeds Noto Sans SC as subset TrueType fonts with ToUnicode maps', async () => {
    const objects = pdfObjects(await renderRightsRecordPdf(demoInput()));
    const fonts = [...objects.values()].filter((o) => /\/Subtype \/Type0/.test(o.dict));
    assert.ok(fonts.length >= 2, 'regular and bold at least');
    for (const font of fonts) {
      assert.match(font.dict, /\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
      assert.match(font.dict, /\/Encoding \/Identity-H/);
      assert.match(font.dict, /\/ToUnicode \d+ 0 R/);
    }
    const descriptors = [...objects.values()].filter((o) => /\/Type \/FontDescriptor/.test(o.dict));
    assert.equal(descriptors.length, fonts.length);
    for (const descriptor of descriptors) {
      const file = objects.get(Number(/\/FontFile2 (\d+) 0 R/.exec(descriptor.dict)?.[1]));
      // The slice font that draws only 骉 embeds one glyph; the main fonts embed dozens.
      assert.ok(file?.stream && file.stream.length > 100, 'the glyphs are embedded');
      // An embedded TrueType file starts with an sfnt version: 0x00010000 or 'true' (fontkit's subsets).
      assert.ok([0x00010000, 0x74727565].includes(file.stream.readUInt32BE(0)));
    }
    // No standard (non-embedded) font such as Helvetica is used for any text.
    for (const o of objects.values()) assert.doesNotMatch(o.dict, /\/BaseFont \/Helvetica/);
  });

  void test('the Chinese text reads back exactly, every glyph mapped to Unicode', async () => {
    const { pages, unmapped } = extractText(await renderRightsRecordPdf(demoInput()));
    assert.equal(unmapped, 0);
    const lines = (pages[0] ?? '').split('\n');
    for (const expected of [
      '基本医疗保险个人权益记录',
      '2025 年度 · 演示市',
      '姓名：',
      '公民身份号码：',
      '1101**********002X',
      '演示市（demo）',
      '2025年1月1日至2025年12月31日',
      '演示市医疗保障经办机构',
      '2026年1月15日',
      '一、缴费情况',
      '二、个人账户',
      '三、医疗费用结算',
      '划入个人账户',
      '合计（11 个月）',
      '7,040.00',
      '1,760.00',
      '期末余额',
      '5,114.00',
      '统筹基金支付',
      '34,200.00',
      '亲属账户共济支付',
      '另：亲属账户为本人支付 120.00 元（从亲属账户支出，不影响本人账户余额）。',
      '1. 本记录依据《中华人民共和国社会保险法》第七十四条免费提供，供参保人本人核对。',
      '第 1 页，共 1 页',
    ]) {
      assert.ok(lines.includes(expected), `missing line ${expected}`);
    }
    // The person's name: 张 from the main font, 骉 from a slice, drawn as two runs side by side.
    assert.ok(lines.includes('张') && lines.includes('骉'));
    // Eleven months at 8,000 / 640 / 160 / 160 yuan, December shown as none.
    assert.equal(lines.filter((line) => line === '8,000.00').length, 11);
    assert.equal(lines.filter((line) => line === '640.00').length, 11);
    const december = lines.indexOf('12月');
    assert.deepEqual(lines.slice(december + 1, december + 5), ['—', '—', '—', '—']);
  });

  void test('in English for a reader who asks: no Chinese but the person’s and the region’s names', async () => {
    const { pages, unmapped } = extractText(await renderRightsRecordPdf(demoInput(), 'en'));
    assert.equal(unmapped, 0);
    const lines = (pages[0] ?? '').split('\n');
    for (const expected of [
      'Personal rights record, basic medical insurance',
      '1 Jan 2025 to 31 Dec 2025',
      '15 Jan 2026',
      '1. Contributions',
      'Total (11 months)',
      '7,040.00',
      'Closing balance',
      '5,114.00',
      'Pooled fund',
      '34,200.00',
      'Page 1 of 1',
    ])
      assert.ok(lines.includes(expected), `missing line ${expected}`);
    const chinese = lines.filter((line) => /[\u3000-\u9fff\uff00-\uffef]/.test(line));
    // The name's two runs, the region's name twice (subtitle, region) and its fullwidth brackets.
    assert.deepEqual(
      chinese.filter((line) => !['张', '骉'].includes(line) && !line.includes('演示市')),
      [],
      'only data is in Chinese',
    );
  });

  void test('masks the ID number by default and prints it in clear only when asked', async () => {
    const masked = extractText(await renderRightsRecordPdf(demoInput())).pages[0] ?? '';
    assert.ok(!masked.includes('11010519491231002X'));
    const clear =
      extractText(await renderRightsRecordPdf({ ...demoInput(), idNumberDisplay: 'clear' })).pages[0] ?? '';
    assert.ok(masked.split('\n').includes('1101**********002X'));
    assert.ok(clear.split('\n').includes('11010519491231002X'));
    assert.ok(!clear.includes('1101**********002X'));
  });

  void test('uses the issuer given, and the same input renders the same bytes', async () => {
    const input = { ...demoInput(), issuer: '演示市医疗保障事业管理中心' };
    const first = await renderRightsRecordPdf(input);
    const second = await renderRightsRecordPdf(input);
    assert.ok(first.equals(second));
    assert.ok(extractText(first).pages[0]?.split('\n').includes('演示市医疗保障事业管理中心'));
  });

  void test('a year without contributions or settlements still renders', async () => {
    const input: RightsRecordInput = {
      ...demoInput(),
      contributions: [],
      account: {
        openingBalance: 0,
        credits: 0,
        payments: 0,
        mutualAidOut: 0,
        mutualAidIn: 0,
        closingBalance: 0,
      },
      settlements: { count: 0, total: 0, fundPaid: 0, accountPaid: 0, familyAccountPaid: 0, cashPaid: 0 },
    };
    const { pages } = extractText(await renderRightsRecordPdf(input));
    const lines = pages[0]?.split('\n') ?? [];
    assert.ok(lines.includes('合计（0 个月）'));
    assert.equal(lines.filter((line) => line === '—').length, 48);
  });

  void test('refuses a name with a character no statement font can draw, naming it', async () => {
    await assert.rejects(
      renderRightsRecordPdf({ ...demoInput(), person: { name: '王𠇔', idNumber: '11010519491231002X' } }),
      (error: unknown) => error instanceof RangeError && /U\+201D4/.test(error.message),
    );
  });

  void test('refuses figures that do not add up, without producing a PDF', async () => {
    const input = demoInput();
    input.account.closingBalance += 1;
    await assert.rejects(
      renderRightsRecordPdf(input),
      (error: unknown) => error instanceof RangeError && /account does not reconcile/.test(error.message),
    );
  });
});

void describe('validateRightsRecord', () => {
  void test('accepts the demo input, which also matches the TypeBox schema', () => {
    assert.deepEqual(validateRightsRecord(demoInput()), []);
    assert.equal(Value.Check(RightsRecordInputSchema, demoInput()), true);
  });

  const cases: { name: string; change: (input: RightsRecordInput) => void; problem: RegExp }[] = [
    {
      name: 'an account that does not reconcile',
      change: (i) => (i.account.payments += 100),
      problem: /account does not reconcile: .* = 511300, but closing is 511400/,
    },
    {
      name: 'mutual aid in counted as moving the balance',
      change: (i) => (i.account.closingBalance += i.account.mutualAidIn),
      problem: /account does not reconcile/,
    },
    {
      name: 'settlements that do not reconcile',
      change: (i) => (i.settlements.cashPaid -= 1),
      problem: /settlements do not reconcile: .* = 4999999, but the total is 5000000/,
    },
    {
      name: 'a total with no settlements',
      change: (i) => {
        i.settlements.count = 0;
      },
      problem: /settlements\.total must be 0 when count is 0/,
    },
    {
      name: 'a negative count',
      change: (i) => (i.settlements.count = -1),
      problem: /settlements\.count must be a non-negative integer/,
    },
    {
      name: 'a month listed twice',
      change: (i) => i.contributions.push({ month: 3, employerPart: 1, ownPart: 1, credited: 1 }),
      problem: /contributions\[11\]\.month 3 is listed twice/,
    },
    {
      name: 'month 13',
      change: (i) => i.contributions.push({ month: 13, employerPart: 1, ownPart: 1, credited: 1 }),
      problem: /contributions\[11\]\.month must be 1 to 12, got 13/,
    },
    {
      name: 'a fractional amount',
      change: (i) => ((i.contributions[0] as { ownPart: number }).ownPart = 1.5),
      problem: /contributions\[0\]\.ownPart must be a non-negative safe integer of fen, got 1.5/,
    },
    {
      name: 'a negative balance',
      change: (i) => (i.account.openingBalance = -1),
      problem: /account\.openingBalance must be a non-negative/,
    },
    {
      name: 'an impossible issue date',
      change: (i) => (i.issueDate = '2026-02-30'),
      problem: /issueDate must be a real YYYY-MM-DD date/,
    },
    {
      name: 'an issue date before the year',
      change: (i) => (i.issueDate = '2024-12-31'),
      problem: /issueDate 2024-12-31 is before the year 2025/,
    },
    { name: 'a blank name', change: (i) => (i.person.name = ' '), problem: /person\.name must not be blank/ },
    {
      name: 'a blank ID number',
      change: (i) => (i.person.idNumber = ''),
      problem: /person\.idNumber must not be blank/,
    },
    {
      name: 'an unknown ID display',
      change: (i) => (i.idNumberDisplay = 'partial' as never),
      problem: /idNumberDisplay must be 'masked' or 'clear'/,
    },
    { name: 'a year out of range', change: (i) => (i.year = 1989), problem: /year must be an integer/ },
    {
      name: 'a blank region',
      change: (i) => (i.region.name = ''),
      problem: /region\.code and region\.name must not be blank/,
    },
  ];
  for (const { name, change, problem } of cases) {
    void test(`refuses ${name}`, async () => {
      const input = demoInput();
      change(input);
      const problems = validateRightsRecord(input);
      assert.ok(
        problems.some((p) => problem.test(p)),
        `expected a problem matching ${String(problem)}, got ${JSON.stringify(problems)}`,
      );
      await assert.rejects(renderRightsRecordPdf(input), RangeError);
    });
  }
});
