import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { calculateSettlement, type BillItem } from './calculator.ts';
import { DEMO_POLICY } from './policy.ts';
import {
  RECEIPT_COLUMNS,
  receiptHtml,
  receiptLines,
  receiptText,
  wrap,
  type ReceiptData,
} from './receipt.ts';

/** An independent width: code points from U+1100 up that are CJK-like count 2 (enough for the test alphabet). */
const naiveWidth = (s: string) =>
  [...s].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1), 0);

function data(items: BillItem[], balance = 50_000, extra: Partial<ReceiptData> = {}): ReceiptData {
  const result = calculateSettlement({
    policy: DEMO_POLICY,
    person: { insuranceType: 'employee', retired: false },
    accumulators: { inpatientDeductiblePaid: 0, outpatientEligibleSpent: 0, fundPaid: 0 },
    accountBalance: balance,
    bill: { setting: 'outpatient', items },
  });
  return {
    institutionName: '演示大药房 Demo Pharmacy',
    institutionCode: 'P99000000001',
    terminalId: null,
    settlementId: '3f2a9c1b-0000-4000-8000-00000000abcd',
    createdAt: new Date('2026-06-15T02:00:00Z'),
    maskedName: '张*',
    maskedIdNumber: '4403**********123X',
    insuranceType: 'employee',
    policyVersion: 'demo-1',
    result,
    items: items.map((i) => ({ quantity: i.quantity, unitPrice: i.unitPrice })),
    refundedLines: [],
    status: 'settled',
    credential: 'ecard',
    bankInstruction: null,
    ...extra,
  };
}

const drug = (name: string, fen: number, quantity = 1): BillItem => ({
  code: 'C1',
  name,
  quantity,
  unitPrice: fen,
  catalogue: 'in',
  serviceType: 'outpatient',
});

test('every line fits 32 columns, counted with double-width CJK', () => {
  const r = data([
    drug('阿莫西林胶囊（0.25g×24粒）国药准字H44021351 特别长的药品名称需要换行显示', 1850, 3),
    drug('Vitamin C', 990),
  ]);
  const lines = receiptLines(r);
  for (const line of lines)
    assert.ok(naiveWidth(line) <= RECEIPT_COLUMNS, `"${line}" is ${naiveWidth(line)} wide`);
  assert.ok(
    lines.some((l) => l.startsWith('1. 阿莫西林')),
    'the long name starts on its own line',
  );
  assert.equal(Math.max(...lines.map(naiveWidth)), RECEIPT_COLUMNS, 'rules span the whole width');
  assert.match(receiptText(r), /2026-06-15 10:00:00/, 'printed in Beijing time');
});

test('the printed amounts add up: total = fund + account + family + cash', () => {
  const r = data([drug('甲', 123_456), drug('乙', 99, 7), drug('丙', 5_000)], 20_000);
  const text = receiptText(r);
  const amount = (label: string) =>
    Number(new RegExp(`${label}\\s+([\\d,]+\\.\\d\\d)$`, 'm').exec(text)![1]!.replace(/,/g, ''));
  const total = amount('合计');
  assert.equal(total, r.result.totals.total / 100);
  assert.equal(
    total,
    amount('统筹基金支付') + amount('个人账户支付') + amount('家庭共济支付') + amount('现金支付'),
  );
  assert.equal(amount('个人账户支付'), 200);
});

test('wrapping never loses or splits a character, and never passes the width (property)', () => {
  const char = fc.constantFrom(...'药品名称阿莫西林胶囊ABCxyz0123 ()（）×·-'.split(''));
  fc.assert(
    fc.property(
      fc.array(char, { maxLength: 120 }).map((a) => a.join('')),
      fc.integer({ min: 2, max: 40 }),
      (text, cols) => {
        const pieces = wrap(text, cols);
        assert.equal(pieces.join(''), text);
        for (const p of pieces) assert.ok(naiveWidth(p) <= cols, `${p} wider than ${cols}`);
      },
    ),
  );
  fc.assert(
    fc.property(
      fc.array(char, { minLength: 1, maxLength: 80 }).map((a) => a.join('')),
      fc.integer({ min: 1, max: 10_000_000 }),
      (name, fen) => {
        for (const line of receiptLines(data([drug(name, fen)])))
          assert.ok(naiveWidth(line) <= RECEIPT_COLUMNS, line);
      },
    ),
    { numRuns: 200 },
  );
});

test('refunds are marked; control characters never reach the printer; HTML is escaped', () => {
  const r = data([drug('退\u001b\u0007货<script>alert(1)</script>', 500), drug('留', 300)], 0, {
    refundedLines: [0],
    status: 'partially_refunded',
  });
  const text = receiptText(r);
  assert.match(text, /\[已退\]/);
  assert.match(text, /\*\* 部分退费 \*\*/);
  // eslint-disable-next-line no-control-regex -- looking for control characters on purpose
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f]/, 'no control characters besides new lines');
  const html = receiptHtml(r);
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /@page \{ size: 58mm auto/);
});

test('the receipt is in the reader’s language: no English label on a Chinese one, no Chinese on an English one', () => {
  const r = data([drug('Vitamin C', 990), drug('Aspirin', 1200)], 500, {
    institutionName: 'Demo Pharmacy',
    refundedLines: [1],
    status: 'partially_refunded',
  });
  const zh = receiptText(r);
  const en = receiptText(r, 'en');
  // Data (item names, codes, masked name and ID, the policy version) aside, the labels are the reader's.
  const data_ = (s: string) =>
    s
      .replace(/Demo Pharmacy|Vitamin C|Aspirin|C1|demo-1|P99000000001|张\*|3F2A9C1B|\d+x[\d.,]+/g, '')
      .replace(/[\d.,:*\-=[\]X ]/g, '');
  assert.doesNotMatch(data_(zh), /[A-Za-z]/, zh);
  assert.doesNotMatch(data_(en), /[\u3000-\u9fff\uff00-\uffef]/, en);
  assert.match(zh, /职工医保/);
  assert.match(en, /^Total\s+21\.90$/m);
  assert.match(en, /Insurance\s+Employee$/m);
  assert.match(en, /\*\* PARTLY REFUNDED \*\*/);
  assert.match(receiptHtml(r, 'en'), /<html lang="en">/);
  for (const line of receiptLines(r, 'en')) assert.ok(naiveWidth(line) <= RECEIPT_COLUMNS, line);
});

test('a cash share paid by social security card bank account: the credential, the bank and the masked account', () => {
  const d = data([drug('阿莫西林胶囊', 80_000)], 0, {
    credential: 'essc',
    bankInstruction: { bank: 'icbc', accountMasked: '6222 **** 0123', amount: 80_000, status: 'instructed' },
  });
  const text = receiptText(d);
  assert.match(text, /凭证 +电子社保卡$/m);
  assert.match(receiptText(d, 'en'), /Paid with +e-SSC$/m);
  assert.match(text, /社保卡银行账户 +800\.00/);
  assert.match(text, /ICBC +6222 \*\*\*\* 0123/);
  for (const line of receiptLines(d)) assert.ok(naiveWidth(line) <= RECEIPT_COLUMNS, line);
});
