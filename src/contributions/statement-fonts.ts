/**
 * The CJK font of printed statements: Noto Sans SC (SIL Open Font License 1.1), as shipped by the npm
 * package `@fontsource/noto-sans-sc`, so it installs with the project and needs nothing on the machine.
 *
 * The package has no single full font file. It ships
 * - one "chinese-simplified" subset per weight (WOFF, about 1.5 MB, 7,947 characters: ASCII, the
 *   common simplified characters and CJK punctuation), which is the main font here, and
 * - the full font cut into about 100 numbered slices, with their Unicode ranges in `unicode.json`.
 * A character the main font lacks (a rare character in a person's name, e.g. 骉 or 龑) is taken from the
 * slice whose range holds it, so it is drawn in the same typeface instead of as a missing-glyph box.
 * A character in no slice either (e.g. CJK extension B) cannot be drawn: `splitIntoRuns` refuses it.
 *
 * WOFF, not WOFF2, and unwrapped to a plain TrueType (sfnt) file once per process (`woffToSfnt`):
 * fontkit reads WOFF directly, but it inflates a table again (in pure JS) on every access, and
 * subsetting reads the glyph table once per glyph, so a one-page statement took over a minute.
 * Unwrapped with node's zlib, the same page renders in milliseconds. Each PDF embeds only the glyphs
 * it uses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);
const PACKAGE = '@fontsource/noto-sans-sc';

/** The weights a statement uses: regular text and bold headings. */
export type FontWeight = 400 | 700;

/** One font file, ready for both measuring (fontkit) and embedding (its bytes, for pdfkit). */
export interface StatementFont {
  /** A name to register the font under in a PDF document, unique per file. */
  key: string;
  data: Buffer;
  font: fontkit.Font;
}

/** A piece of text that one font draws entirely. */
export interface TextRun {
  font: StatementFont;
  text: string;
}

const loaded = new Map<string, StatementFont | null>();

function loadFile(key: string, file: string): StatementFont | null {
  const cached = loaded.get(key);
  if (cached !== undefined) return cached;
  let result: StatementFont | null = null;
  try {
    const data = woffToSfnt(readFileSync(require.resolve(`${PACKAGE}/files/${file}`)));
    const font = fontkit.create(data);
    // A WOFF file is always a single font, never a collection; check so the type is honest.
    if ('hasGlyphForCodePoint' in font) {
      // Reading the character map forces fontkit to parse it now; a slice it cannot read is skipped.
      font.hasGlyphForCodePoint(0x20);
      result = { key, data, font };
    }
  } catch {
    result = null;
  }
  loaded.set(key, result);
  return result;
}

/**
 * Unwraps a WOFF 1.0 file into the TrueType/OpenType (sfnt) file it wraps: the same tables,
 * inflated, 4-byte aligned, behind a rebuilt table directory (W3C WOFF 1.0, sections 3 to 5).
 * @throws Error when the data is not a WOFF 1.0 file
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let index = 0; index < numTables; index += 1) {
    const entry = 44 + index * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('a WOFF table does not inflate to its stated length');
    tables.push({ tag: woff.readUInt32BE(entry), checksum: woff.readUInt32BE(entry + 16), data });
  }
  const padded = (length: number) => (length + 3) & ~3;
  const headerLength = 12 + numTables * 16;
  const sfnt = Buffer.alloc(headerLength + tables.reduce((sum, t) => sum + padded(t.data.length), 0));
  const power = 2 ** Math.floor(Math.log2(numTables));
  sfnt.writeUInt32BE(flavor, 0);
  sfnt.writeUInt16BE(numTables, 4);
  sfnt.writeUInt16BE(power * 16, 6);
  sfnt.writeUInt16BE(Math.log2(power), 8);
  sfnt.writeUInt16BE(numTables * 16 - power * 16, 10);
  let offset = headerLength;
  tables.forEach((table, index) => {
    const record = 12 + index * 16;
    sfnt.writeUInt32BE(table.tag, record);
    sfnt.writeUInt32BE(table.checksum, record + 4);
    sfnt.writeUInt32BE(offset, record + 8);
    sfnt.writeUInt32BE(table.data.length, record + 12);
    table.data.copy(sfnt, offset);
    offset += padded(table.data.length);
  });
  return sfnt;
}

/** The main (chinese-simplified subset) font of a weight. */
export function mainFont(weight: FontWeight): StatementFont {
  const font = loadFile(`noto-sans-sc-${weight}`, `noto-sans-sc-chinese-simplified-${weight}-normal.woff`);
  if (!font)
    throw new Error(`cannot load ${PACKAGE} chinese-simplified ${weight}: is the package installed?`);
  return font;
}

interface Slice {
  id: string;
  ranges: [number, number][];
}

let slices: Slice[] | undefined;

/** The numbered slices and their ranges, from the package's unicode.json (`"[12]": "U+4e00-4e0f,..."`). */
function sliceTable(): Slice[] {
  if (slices) return slices;
  const table = JSON.parse(readFileSync(require.resolve(`${PACKAGE}/unicode.json`), 'utf8')) as Record<
    string,
    string
  >;
  slices = [];
  for (const [name, spec] of Object.entries(table)) {
    const id = /^\[(\d+)\]$/.exec(name)?.[1];
    if (id === undefined) continue;
    const ranges: [number, number][] = spec.split(',').map((part) => {
      const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
      const low = parseInt(from ?? '', 16);
      return [low, to === undefined ? low : parseInt(to, 16)];
    });
    slices.push({ id, ranges });
  }
  return slices;
}

/** The font that draws `codePoint` at `weight`: the main font, else the slice holding it, else none. */
export function fontFor(codePoint: number, weight: FontWeight): StatementFont | undefined {
  const main = mainFont(weight);
  if (main.font.hasGlyphForCodePoint(codePoint)) return main;
  for (const slice of sliceTable()) {
    if (!slice.ranges.some(([low, high]) => codePoint >= low && codePoint <= high)) continue;
    const font = loadFile(
      `noto-sans-sc-${slice.id}-${weight}`,
      `noto-sans-sc-${slice.id}-${weight}-normal.woff`,
    );
    if (font?.font.hasGlyphForCodePoint(codePoint)) return font;
  }
  return undefined;
}

/**
 * Splits text into runs that one font each draws completely.
 * @throws RangeError naming every character no font here can draw
 */
export function splitIntoRuns(text: string, weight: FontWeight): TextRun[] {
  const runs: TextRun[] = [];
  const missing: string[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const font = fontFor(codePoint, weight);
    if (!font) {
      missing.push(`U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`);
      continue;
    }
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += char;
    else runs.push({ font, text: char });
  }
  if (missing.length) {
    throw new RangeError(`the statement font cannot draw ${[...new Set(missing)].join(', ')}`);
  }
  return runs;
}

/** The characters of `text` that no statement font can draw (empty when all can be drawn). */
export function undrawableCharacters(text: string, weight: FontWeight = 400): string[] {
  return [...new Set([...text].filter((char) => !fontFor(char.codePointAt(0) ?? 0, weight)))];
}
