import stringWidth from 'string-width';
import { formatYuan } from './money.ts';
import type { SettlementResult } from './calculator.ts';

/** A 58 mm thermal printer prints 32 columns of ASCII; a CJK character takes two. */
export const RECEIPT_COLUMNS = 32;

/**
 * What a receipt shows. Names and ID numbers arrive masked already: this module never sees them in clear,
 * so a receipt left on the counter leaks nothing more than the masked forms.
 */
export interface ReceiptData {
  institutionName: string;
  institutionCode: string;
  terminalId: string | null;
  settlementId: string;
  createdAt: Date;
  maskedName: string;
  maskedIdNumber: string;
  insuranceType: string;
  policyVersion: string;
  result: SettlementResult;
  /** Quantity and unit price of each line, by line index. */
  items: Array<{ quantity: number; unitPrice: number }>;
  /** Line indexes refunded so far. */
  refundedLines: number[];
  status: string;
  /** The credential that paid, and the bank instruction when the cash share went to the card's bank account. */
  credential: 'ecard' | 'essc' | 'card';
  bankInstruction: { bank: string; accountMasked: string; amount: number; status: string } | null;
}

const CREDENTIALS = { ecard: '医保码 e-voucher', essc: '电子社保卡 e-SSC', card: '社保卡 card' } as const;

/** Display columns of a string (East Asian Wide and Fullwidth characters count as 2). */
const width = (s: string): number => stringWidth(s);

/** Control characters would reach the printer as commands (cut, drawer, new lines): print them as spaces. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** Splits `text` into pieces of at most `columns` display columns, never splitting a character. */
export function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (width(line + ch) > columns) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

/** `left` and `right` on one line, right-aligned; `left` wraps above when both do not fit. */
function pair(left: string, right: string): string[] {
  const room = RECEIPT_COLUMNS - width(right) - 1;
  const pieces = wrap(left, RECEIPT_COLUMNS);
  const last = pieces.pop()!;
  if (width(last) <= room)
    return [...pieces, last + ' '.repeat(RECEIPT_COLUMNS - width(last) - width(right)) + right];
  return [...pieces, last, ' '.repeat(RECEIPT_COLUMNS - width(right)) + right];
}

function centre(text: string): string[] {
  return wrap(text, RECEIPT_COLUMNS).map((l) => ' '.repeat(Math.floor((RECEIPT_COLUMNS - width(l)) / 2)) + l);
}

const rule = (ch = '-') => ch.repeat(RECEIPT_COLUMNS);

/** Beijing time, the time printed on Chinese receipts. */
function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The receipt as lines of at most 32 display columns. */
export function receiptLines(r: ReceiptData): string[] {
  const t = r.result.totals;
  const out: string[] = [
    ...centre(printable(r.institutionName)),
    ...centre('医保结算单 Settlement'),
    rule('='),
    ...pair('机构 Inst.', r.institutionCode),
    ...pair('单号 No.', r.settlementId.slice(0, 8).toUpperCase()),
    ...pair('时间 Time', beijingTime(r.createdAt)),
    ...pair('参保人 Insured', r.maskedName),
    ...pair('证件 ID', r.maskedIdNumber),
    ...pair('险种 Type', r.insuranceType),
    ...pair('政策 Policy', r.policyVersion),
    ...pair('凭证 Paid with', CREDENTIALS[r.credential]),
    rule(),
  ];
  for (const line of r.result.lines) {
    const refunded = r.refundedLines.includes(line.index);
    out.push(
      ...wrap(
        `${line.index + 1}. ${printable(line.name)}${refunded ? ' [已退 REFUNDED]' : ''}`,
        RECEIPT_COLUMNS,
      ),
    );
    const item = r.items[line.index];
    const qty = item ? ` ${item.quantity}x${formatYuan(item.unitPrice)}` : '';
    out.push(...pair(`   ${printable(line.code)}${qty}`, formatYuan(line.amount)));
    if (line.fund) out.push(...pair('   统筹 fund', formatYuan(line.fund)));
  }
  out.push(
    rule(),
    ...pair('合计 Total', formatYuan(t.total)),
    ...pair('全自费 Out of catalogue', formatYuan(t.outOfCatalogue)),
    ...pair('起付线 Deductible', formatYuan(t.deductiblePaid)),
    ...pair('统筹基金支付 Fund', formatYuan(t.fund)),
    ...pair('个人账户支付 Account', formatYuan(t.accountPaid)),
    ...pair('家庭共济支付 Family', formatYuan(t.relativeAccountPaid)),
    ...pair('现金支付 Cash', formatYuan(t.cashPaid)),
    ...(r.bankInstruction
      ? [
          ...pair('  社保卡银行账户 Bank a/c', formatYuan(r.bankInstruction.amount)),
          ...pair(`  ${printable(r.bankInstruction.bank).toUpperCase()}`, r.bankInstruction.accountMasked),
        ]
      : []),
    ...pair('账户余额 Balance', formatYuan(t.accountBalanceAfter)),
    ...pair('年度剩余限额 Fund left', formatYuan(t.fundLimitRemaining)),
    rule(),
  );
  if (r.status === 'refunded') out.push(...centre('** 已退费 REFUNDED **'));
  else if (r.status === 'partially_refunded') out.push(...centre('** 部分退费 PART REFUNDED **'));
  out.push(...centre('谢谢 Thank you'));
  return out;
}

/** Plain text for a 58 mm thermal printer: 32 columns, CJK counted as double width. */
export function receiptText(r: ReceiptData): string {
  return receiptLines(r).join('\n') + '\n';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The same receipt as a small HTML page laid out for printing at 58 mm. */
export function receiptHtml(r: ReceiptData): string {
  const body = receiptLines(r).map(escapeHtml).join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>医保结算单 ${escapeHtml(r.settlementId.slice(0, 8))}</title>
<style>@page { size: 58mm auto; margin: 0 } body { margin: 0; padding: 2mm; width: 54mm; }
pre { font: 11px/1.35 "Noto Sans Mono CJK SC", "Sarasa Mono SC", monospace; margin: 0; white-space: pre; }</style>
</head><body><pre>${body}</pre></body></html>
`;
}
