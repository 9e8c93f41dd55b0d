import stringWidth from 'string-width';
import { DEFAULT_LANG, hasText, t, type Lang } from '../i18n/index.ts';
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
  /** A cross-region direct settlement: the person's insured region, and whether they had filed. */
  crossRegion?: { insuredRegion: string; filed: boolean };
}

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

/** Beijing time, the time printed on every receipt whatever the reader's language. */
function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** The receipt as lines of at most 32 display columns, its labels in the reader's language. */
export function receiptLines(r: ReceiptData, lang: Lang = DEFAULT_LANG): string[] {
  const label = (code: string) => t(lang, `receipt.${code}`);
  const insurance = `receipt.insurance.${r.insuranceType}`;
  const t0 = r.result.totals;
  const out: string[] = [
    ...centre(printable(r.institutionName)),
    ...centre(label('title')),
    rule('='),
    ...pair(label('institution'), r.institutionCode),
    ...pair(label('number'), r.settlementId.slice(0, 8).toUpperCase()),
    ...pair(label('time'), beijingTime(r.createdAt)),
    ...pair(label('insured'), r.maskedName),
    ...pair(label('id'), r.maskedIdNumber),
    ...pair(label('type'), hasText(insurance) ? t(lang, insurance) : r.insuranceType),
    ...pair(label('policy'), r.policyVersion),
    ...pair(label('credential'), label(`credentials.${r.credential}`)),
    ...(r.crossRegion
      ? [
          ...pair(label('cross_region'), label(r.crossRegion.filed ? 'filed' : 'unfiled')),
          ...pair(label('insured_region'), printable(r.crossRegion.insuredRegion)),
        ]
      : []),
    rule(),
  ];
  for (const line of r.result.lines) {
    const refunded = r.refundedLines.includes(line.index);
    out.push(
      ...wrap(
        `${line.index + 1}. ${printable(line.name)}${refunded ? ` [${label('line_refunded')}]` : ''}`,
        RECEIPT_COLUMNS,
      ),
    );
    const item = r.items[line.index];
    const qty = item ? ` ${item.quantity}x${formatYuan(item.unitPrice)}` : '';
    out.push(...pair(`   ${printable(line.code)}${qty}`, formatYuan(line.amount)));
    if (line.fund) out.push(...pair(`   ${label('line_fund')}`, formatYuan(line.fund)));
  }
  out.push(
    rule(),
    ...pair(label('total'), formatYuan(t0.total)),
    ...pair(label('out_of_catalogue'), formatYuan(t0.outOfCatalogue)),
    ...(t0.overLimit ? pair(label('over_limit'), formatYuan(t0.overLimit)) : []),
    ...(t0.selfPayFirst ? pair(label('self_pay_first'), formatYuan(t0.selfPayFirst)) : []),
    ...pair(label('deductible'), formatYuan(t0.deductiblePaid)),
    ...pair(label('fund'), formatYuan(t0.fund)),
    ...pair(label('account'), formatYuan(t0.accountPaid)),
    ...pair(label('family'), formatYuan(t0.relativeAccountPaid)),
    ...pair(label('cash'), formatYuan(t0.cashPaid)),
    ...(r.bankInstruction
      ? [
          ...pair(`  ${label('bank_account')}`, formatYuan(r.bankInstruction.amount)),
          ...pair(`  ${printable(r.bankInstruction.bank).toUpperCase()}`, r.bankInstruction.accountMasked),
        ]
      : []),
    ...pair(label('balance'), formatYuan(t0.accountBalanceAfter)),
    ...pair(label('fund_left'), formatYuan(t0.fundLimitRemaining)),
    rule(),
  );
  if (r.status === 'refunded') out.push(...centre(`** ${label('refunded')} **`));
  else if (r.status === 'partially_refunded') out.push(...centre(`** ${label('partially_refunded')} **`));
  out.push(...centre(label('thanks')));
  return out;
}

/** Plain text for a 58 mm thermal printer: 32 columns, CJK counted as double width. */
export function receiptText(r: ReceiptData, lang: Lang = DEFAULT_LANG): string {
  return receiptLines(r, lang).join('\n') + '\n';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The same receipt as a small HTML page laid out for printing at 58 mm. */
export function receiptHtml(r: ReceiptData, lang: Lang = DEFAULT_LANG): string {
  const body = receiptLines(r, lang).map(escapeHtml).join('\n');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(t(lang, 'receipt.title'))} ${escapeHtml(r.settlementId.slice(0, 8))}</title>
<style>@page { size: 58mm auto; margin: 0 } body { margin: 0; padding: 2mm; width: 54mm; }
pre { font: 11px/1.35 "Noto Sans Mono CJK SC", "Sarasa Mono SC", monospace; margin: 0; white-space: pre; }</style>
</head><body><pre>${body}</pre></body></html>
`;
}
