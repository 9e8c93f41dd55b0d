/**
 * The yearly personal rights record (个人权益记录, Social Insurance Law art. 74) as a PDF, pure:
 * figures in, PDF bytes out. Nothing here reads the database; the caller gathers the year's figures
 * from the contributions and the ledger (see docs/CONTRIBUTIONS.md for what each figure means).
 *
 * Privacy decision: the record goes only to the person it describes, and shows their own name in
 * clear. The ID number is MASKED by default (`4403**********1234`), because a PDF is a file that
 * travels (downloads folders, mail, shared printers) and the person knows their own number; a caller
 * that has identified the person (e.g. a counter printing it for them) may ask for it in clear with
 * `idNumberDisplay: 'clear'`.
 *
 * The record refuses to render figures that do not add up (RangeError listing every problem):
 * a statement the person cannot reconcile is worse than none.
 */
import PDFDocument from 'pdfkit';
import { Type, type Static } from 'typebox';
import { DEFAULT_LANG, formatDate, t, type Lang } from '../i18n/index.ts';
import { maskIdNumber } from '../platform/mask.ts';
import { formatYuan, isFen } from '../settlement/money.ts';
import { splitIntoRuns, type FontWeight, type StatementFont } from './statement-fonts.ts';

const Fen = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (fen)` });

/** TypeBox (JSON Schema) for one month's contributions. */
const StatementMonthSchema = Type.Object(
  {
    month: Type.Integer({ minimum: 1, maximum: 12 }),
    base: Type.Optional(Fen('contribution base of the month')),
    employerPart: Fen("the employer's premium paid for the person"),
    ownPart: Fen("the person's own premium"),
    credited: Fen('credited to the individual account'),
  },
  { additionalProperties: false },
);

/** TypeBox (JSON Schema) for the statement's input. */
export const RightsRecordInputSchema = Type.Object(
  {
    person: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 64 }),
        idNumber: Type.String({ minLength: 1, maxLength: 32 }),
      },
      { additionalProperties: false },
    ),
    idNumberDisplay: Type.Optional(
      Type.Union([Type.Literal('masked'), Type.Literal('clear')], {
        description: "how the ID number is printed; 'masked' when absent",
      }),
    ),
    year: Type.Integer({ minimum: 1990, maximum: 9998 }),
    region: Type.Object(
      { code: Type.String({ minLength: 1 }), name: Type.String({ minLength: 1, maxLength: 64 }) },
      { additionalProperties: false },
    ),
    issuer: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the issuing agency' })),
    contributions: Type.Array(StatementMonthSchema, {
      maxItems: 12,
      description: 'one entry per month with a contribution; months not listed show as none',
    }),
    account: Type.Object(
      {
        openingBalance: Fen('individual account balance on 1 January'),
        credits: Fen('credited during the year'),
        payments: Fen("paid from the account for the person's own bills"),
        mutualAidOut: Fen("paid from the account for bound relatives' bills (family mutual aid)"),
        mutualAidIn: Fen("paid for the person's bills from relatives' accounts (memo: not this account)"),
        closingBalance: Fen('balance on 31 December (or the issue date)'),
      },
      { additionalProperties: false },
    ),
    settlements: Type.Object(
      {
        count: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
        total: Fen('total medical expenses settled'),
        fundPaid: Fen('paid by the pooled fund on the person’s behalf'),
        accountPaid: Fen("paid from the person's own account"),
        familyAccountPaid: Fen("paid from relatives' accounts (family mutual aid)"),
        cashPaid: Fen('paid in cash or by bank'),
      },
      { additionalProperties: false },
    ),
    issueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
  },
  { additionalProperties: false },
);

export type RightsRecordInput = Static<typeof RightsRecordInputSchema>;

function isValidDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  // eslint-disable-next-line no-restricted-syntax -- checks a date string round-trips, not "today"
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Checks that the statement's figures are complete and add up, returning every problem as a sentence
 * (empty when it can be rendered):
 * - every amount a non-negative safe integer of fen, months 1..12 at most once each;
 * - the account reconciles: closing = opening + credits − payments − mutual aid out
 *   (mutual aid in is paid from relatives' accounts, so it does not move this balance);
 * - the settlements reconcile: total = fund + own account + relatives' accounts + cash;
 * - the issue date is a real date, not before the year it reports on.
 */
export function validateRightsRecord(input: RightsRecordInput): string[] {
  const problems: string[] = [];
  const fen = (value: unknown, path: string) => {
    if (!isFen(value))
      problems.push(`${path} must be a non-negative safe integer of fen, got ${String(value)}`);
  };
  if (input.person.name.trim() === '') problems.push('person.name must not be blank');
  if (input.person.idNumber.trim() === '') problems.push('person.idNumber must not be blank');
  if (input.idNumberDisplay !== undefined && !['masked', 'clear'].includes(input.idNumberDisplay)) {
    problems.push(`idNumberDisplay must be 'masked' or 'clear', got ${String(input.idNumberDisplay)}`);
  }
  if (!Number.isInteger(input.year) || input.year < 1990 || input.year > 9998) {
    problems.push(`year must be an integer from 1990 to 9998, got ${String(input.year)}`);
  }
  if (input.region.name.trim() === '' || input.region.code.trim() === '') {
    problems.push('region.code and region.name must not be blank');
  }
  if (!isValidDate(input.issueDate))
    problems.push(`issueDate must be a real YYYY-MM-DD date, got ${input.issueDate}`);
  else if (Number(input.issueDate.slice(0, 4)) < input.year) {
    problems.push(`issueDate ${input.issueDate} is before the year ${input.year} it reports on`);
  }

  const seen = new Set<number>();
  input.contributions.forEach((entry, index) => {
    const path = `contributions[${index}]`;
    if (!Number.isInteger(entry.month) || entry.month < 1 || entry.month > 12) {
      problems.push(`${path}.month must be 1 to 12, got ${String(entry.month)}`);
    } else if (seen.has(entry.month)) problems.push(`${path}.month ${entry.month} is listed twice`);
    seen.add(entry.month);
    if (entry.base !== undefined) fen(entry.base, `${path}.base`);
    fen(entry.employerPart, `${path}.employerPart`);
    fen(entry.ownPart, `${path}.ownPart`);
    fen(entry.credited, `${path}.credited`);
  });

  const a = input.account;
  for (const key of Object.keys(a) as (keyof typeof a)[]) fen(a[key], `account.${key}`);
  if (problems.length === 0) {
    const expected = a.openingBalance + a.credits - a.payments - a.mutualAidOut;
    if (expected !== a.closingBalance) {
      problems.push(
        `account does not reconcile: opening ${a.openingBalance} + credits ${a.credits} − payments ` +
          `${a.payments} − mutual aid out ${a.mutualAidOut} = ${expected}, but closing is ${a.closingBalance}`,
      );
    }
  }

  const s = input.settlements;
  if (!Number.isSafeInteger(s.count) || s.count < 0) {
    problems.push(`settlements.count must be a non-negative integer, got ${String(s.count)}`);
  }
  for (const key of ['total', 'fundPaid', 'accountPaid', 'familyAccountPaid', 'cashPaid'] as const) {
    fen(s[key], `settlements.${key}`);
  }
  if (problems.length === 0) {
    const parts = s.fundPaid + s.accountPaid + s.familyAccountPaid + s.cashPaid;
    if (parts !== s.total) {
      problems.push(
        `settlements do not reconcile: fund + own account + relatives' accounts + cash = ${parts}, ` +
          `but the total is ${s.total}`,
      );
    }
    if (s.count === 0 && s.total !== 0) problems.push('settlements.total must be 0 when count is 0');
  }
  return problems;
}

// ---- Layout (points; A4 is 595.28 × 841.89) ----

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const ROW = 17;
const GREY = '#555555';
const RULE = '#999999';

interface DrawOptions {
  size?: number;
  weight?: FontWeight;
  /** Right-align the text so that it ends at x + width. */
  width?: number;
  align?: 'left' | 'right' | 'center';
  color?: string;
}

/** Draws one line of text, switching fonts for characters the main font lacks; returns its width. */
function drawText(doc: PDFKit.PDFDocument, text: string, x: number, y: number, options: DrawOptions = {}) {
  const size = options.size ?? 10;
  const runs = splitIntoRuns(text, options.weight ?? 400);
  const widths = runs.map((run) => {
    useFont(doc, run.font, size);
    return doc.widthOfString(run.text);
  });
  const total = widths.reduce((sum, w) => sum + w, 0);
  let cursor = x;
  if (options.width !== undefined && options.align === 'right') cursor = x + options.width - total;
  if (options.width !== undefined && options.align === 'center') cursor = x + (options.width - total) / 2;
  doc.fillColor(options.color ?? 'black');
  runs.forEach((run, index) => {
    useFont(doc, run.font, size);
    doc.text(run.text, cursor, y, { lineBreak: false });
    cursor += widths[index] ?? 0;
  });
  return total;
}

/** Fonts already registered per document: each font file is registered (and embedded) once. */
const registeredFonts = new WeakMap<PDFKit.PDFDocument, Set<string>>();

function useFont(doc: PDFKit.PDFDocument, font: StatementFont, size: number) {
  let registered = registeredFonts.get(doc);
  if (!registered) {
    registered = new Set();
    registeredFonts.set(doc, registered);
  }
  if (!registered.has(font.key)) {
    doc.registerFont(font.key, font.data);
    registered.add(font.key);
  }
  doc.font(font.key).fontSize(size);
}

function rule(doc: PDFKit.PDFDocument, y: number, color = RULE, width = 0.5) {
  doc
    .moveTo(PAGE.margin, y)
    .lineTo(PAGE.margin + CONTENT_WIDTH, y)
    .lineWidth(width)
    .strokeColor(color)
    .stroke();
}

/** A table: the first column left-aligned, the others right-aligned amounts. */
function table(
  doc: PDFKit.PDFDocument,
  y: number,
  columns: { title: string; width: number }[],
  rows: string[][],
  options: { lastRowBold?: boolean } = {},
): number {
  const drawRow = (cells: string[], rowY: number, weight: FontWeight, color?: string) => {
    let x = PAGE.margin;
    cells.forEach((cell, index) => {
      const width = columns[index]?.width ?? 0;
      const align = index === 0 ? 'left' : 'right';
      drawText(doc, cell, x + 4, rowY + 4, { width: width - 8, align, weight, color, size: 9.5 });
      x += width;
    });
  };
  doc.rect(PAGE.margin, y, CONTENT_WIDTH, ROW).fillColor('#eeeeee').fill();
  drawRow(
    columns.map((c) => c.title),
    y,
    700,
  );
  y += ROW;
  rows.forEach((cells, index) => {
    const last = index === rows.length - 1;
    if (last && options.lastRowBold) rule(doc, y, '#333333', 0.8);
    drawRow(cells, y, last && options.lastRowBold ? 700 : 400);
    y += ROW;
  });
  rule(doc, y, '#333333', 0.8);
  return y;
}

function sectionTitle(doc: PDFKit.PDFDocument, text: string, y: number, x = PAGE.margin): number {
  drawText(doc, text, x, y, { size: 12, weight: 700 });
  return y + 20;
}

const yuan = (fen: number) => formatYuan(fen);

/** Every text the document draws, built once so that fonts can be registered before drawing. */
function buildContent(input: RightsRecordInput, lang: Lang) {
  const l = (code: string, params?: Record<string, unknown>) => t(lang, `statement.${code}`, params);
  const idShown =
    input.idNumberDisplay === 'clear' ? input.person.idNumber : maskIdNumber(input.person.idNumber);
  const issuer = input.issuer ?? l('issuer_default', { region: input.region.name });
  const byMonth = new Map(input.contributions.map((entry) => [entry.month, entry]));
  const monthRows: string[][] = [];
  const totals = { employerPart: 0, ownPart: 0, credited: 0 };
  for (let month = 1; month <= 12; month += 1) {
    const entry = byMonth.get(month);
    const name = l(`month.m${month}`);
    if (!entry) {
      monthRows.push([name, '—', '—', '—', '—']);
      continue;
    }
    totals.employerPart += entry.employerPart;
    totals.ownPart += entry.ownPart;
    totals.credited += entry.credited;
    monthRows.push([
      name,
      entry.base === undefined ? '—' : yuan(entry.base),
      yuan(entry.employerPart),
      yuan(entry.ownPart),
      yuan(entry.credited),
    ]);
  }
  monthRows.push([
    l('months_total', { count: input.contributions.length }),
    '',
    yuan(totals.employerPart),
    yuan(totals.ownPart),
    yuan(totals.credited),
  ]);

  const a = input.account;
  const accountRows = [
    [l('account.opening'), yuan(a.openingBalance)],
    [l('account.credits'), yuan(a.credits)],
    [l('account.payments'), yuan(a.payments)],
    [l('account.mutual_aid_out'), yuan(a.mutualAidOut)],
    [l('account.closing'), yuan(a.closingBalance)],
  ];
  const s = input.settlements;
  const settlementRows = [
    [l('settlements.count'), String(s.count)],
    [l('settlements.total'), yuan(s.total)],
    [l('settlements.fund'), yuan(s.fundPaid)],
    [l('settlements.account'), yuan(s.accountPaid)],
    [l('settlements.family'), yuan(s.familyAccountPaid)],
    [l('settlements.cash'), yuan(s.cashPaid)],
  ];
  const day = (iso: string) => formatDate(iso, lang);
  return {
    title: l('title'),
    subtitle: l('subtitle', { year: input.year, region: input.region.name }),
    lawNote: l('law_note'),
    info: [
      [l('info.name'), input.person.name],
      [l('info.id_number'), idShown],
      [l('info.region'), `${input.region.name}（${input.region.code}）`],
      [
        l('info.period'),
        l('info.period_value', { from: day(`${input.year}-01-01`), to: day(`${input.year}-12-31`) }),
      ],
      [l('info.issuer'), issuer],
      [l('info.issue_date'), day(input.issueDate)],
    ] as [string, string][],
    sections: [l('section.contributions'), l('section.account'), l('section.settlements')],
    monthColumns: [
      l('column.month'),
      l('column.base'),
      l('column.employer'),
      l('column.own'),
      l('column.credited'),
    ],
    monthRows,
    accountColumns: [l('column.item'), l('column.amount')],
    accountRows,
    mutualAidIn: l('mutual_aid_in', { amount: a.mutualAidIn }),
    settlementColumns: [l('column.item'), l('column.amount')],
    settlementRows,
    unit: l('unit'),
    notes: [l('notes.title'), l('notes.law'), l('notes.premiums'), l('notes.query'), l('notes.sensitive')],
    issuer,
    documentTitle: l('document_title', { year: input.year }),
    page: (page: number, pages: number) => l('page', { page, pages }),
    colon: l('colon'),
  };
}

/**
 * Renders the yearly personal rights record as a one-page A4 PDF (Noto Sans SC embedded as subsets,
 * with ToUnicode maps so the text can be searched and copied).
 * @throws RangeError when the figures do not add up (see validateRightsRecord) or a character cannot
 *   be drawn by the statement font
 */
export async function renderRightsRecordPdf(
  input: RightsRecordInput,
  lang: Lang = DEFAULT_LANG,
): Promise<Buffer> {
  const problems = validateRightsRecord(input);
  if (problems.length) throw new RangeError(`cannot render the rights record: ${problems.join('; ')}`);
  const content = buildContent(input, lang);

  const issued = new Date(`${input.issueDate}T00:00:00+08:00`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    lang,
    displayTitle: true,
    info: {
      Title: content.documentTitle,
      Author: content.issuer,
      Subject: content.title,
      Creator: 'Yibao',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  try {
    drawPage(doc, content);

    const range = doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index += 1) {
      doc.switchToPage(index);
      drawText(doc, content.page(index + 1, range.count), PAGE.margin, PAGE.height - 40, {
        size: 8,
        width: CONTENT_WIDTH,
        align: 'center',
        color: GREY,
      });
    }
    doc.end();
  } catch (error) {
    doc.end();
    await done.catch(() => undefined);
    throw error;
  }
  return done;
}

function drawPage(doc: PDFKit.PDFDocument, content: ReturnType<typeof buildContent>) {
  let y = PAGE.margin;
  drawText(doc, content.title, PAGE.margin, y, {
    size: 18,
    weight: 700,
    width: CONTENT_WIDTH,
    align: 'center',
  });
  y += 28;
  drawText(doc, content.subtitle, PAGE.margin, y, { size: 11, width: CONTENT_WIDTH, align: 'center' });
  y += 16;
  drawText(doc, content.lawNote, PAGE.margin, y, {
    size: 8,
    width: CONTENT_WIDTH,
    align: 'center',
    color: GREY,
  });
  y += 20;
  rule(doc, y, '#333333', 1);
  y += 8;

  // Person and record: two columns of label/value pairs.
  const half = CONTENT_WIDTH / 2;
  content.info.forEach(([label, value], index) => {
    const x = PAGE.margin + (index % 2) * half;
    const rowY = y + Math.floor(index / 2) * ROW;
    const labelWidth = drawText(doc, `${label}${content.colon}`, x, rowY, { size: 10, color: GREY });
    drawText(doc, value, x + labelWidth, rowY, { size: 10 });
  });
  y += Math.ceil(content.info.length / 2) * ROW + 8;
  drawText(doc, content.unit, PAGE.margin, y, { size: 8, width: CONTENT_WIDTH, align: 'right', color: GREY });
  y += 12;

  y = sectionTitle(doc, content.sections[0] ?? '', y);
  const w = CONTENT_WIDTH;
  y = table(
    doc,
    y,
    content.monthColumns.map((title, index) => ({ title, width: index === 0 ? w * 0.24 : w * 0.19 })),
    content.monthRows,
    { lastRowBold: true },
  );
  y += 14;

  // Account and settlements side by side, to keep the record on one page.
  const gap = 16;
  const columnWidth = (CONTENT_WIDTH - gap) / 2;
  const topOfTables = y;
  y = sectionTitle(doc, content.sections[1] ?? '', topOfTables);
  const accountBottom = sideTable(
    doc,
    PAGE.margin,
    y,
    columnWidth,
    content.accountColumns,
    content.accountRows,
  );
  y = sectionTitle(doc, content.sections[2] ?? '', topOfTables, PAGE.margin + columnWidth + gap);
  const settlementBottom = sideTable(
    doc,
    PAGE.margin + columnWidth + gap,
    y,
    columnWidth,
    content.settlementColumns,
    content.settlementRows,
  );
  y = Math.max(accountBottom, settlementBottom) + 8;
  drawText(doc, content.mutualAidIn, PAGE.margin, y, { size: 9, color: GREY });
  y += 24;

  rule(doc, y);
  y += 8;
  content.notes.forEach((line, index) => {
    drawText(doc, line, PAGE.margin, y, { size: 8.5, color: GREY, weight: index === 0 ? 700 : 400 });
    y += 14;
  });
}

/** A two-column label/amount table placed at x with the given width. */
function sideTable(
  doc: PDFKit.PDFDocument,
  x: number,
  y: number,
  width: number,
  columns: string[],
  rows: string[][],
): number {
  const labelWidth = width * 0.62;
  const drawRow = (cells: string[], rowY: number, weight: FontWeight) => {
    drawText(doc, cells[0] ?? '', x + 4, rowY + 4, { size: 9.5, weight });
    drawText(doc, cells[1] ?? '', x + labelWidth, rowY + 4, {
      size: 9.5,
      weight,
      width: width - labelWidth - 4,
      align: 'right',
    });
  };
  doc.rect(x, y, width, ROW).fillColor('#eeeeee').fill();
  drawRow(columns, y, 700);
  y += ROW;
  for (const cells of rows) {
    drawRow(cells, y, 400);
    y += ROW;
    doc
      .moveTo(x, y)
      .lineTo(x + width, y)
      .lineWidth(0.3)
      .strokeColor('#cccccc')
      .stroke();
  }
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(0.8)
    .strokeColor('#333333')
    .stroke();
  return y;
}
