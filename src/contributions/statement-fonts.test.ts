import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';
import { fontFor, mainFont, splitIntoRuns, undrawableCharacters, woffToSfnt } from './statement-fonts.ts';

const require = createRequire(import.meta.url);

void describe('woffToSfnt', () => {
  void test('unwraps the package WOFF into a TrueType file with the same glyphs and characters', () => {
    const woff = readFileSync(
      require.resolve('@fontsource/noto-sans-sc/files/noto-sans-sc-latin-400-normal.woff'),
    );
    const direct = fontkit.create(woff) as fontkit.Font;
    const sfnt = woffToSfnt(woff);
    assert.equal(sfnt.readUInt32BE(0), 0x00010000);
    const unwrapped = fontkit.create(sfnt) as fontkit.Font;
    assert.equal(unwrapped.type, 'TTF');
    assert.equal(unwrapped.numGlyphs, direct.numGlyphs);
    assert.deepEqual(unwrapped.characterSet, direct.characterSet);
    const glyph = unwrapped.glyphForCodePoint(0x41);
    assert.equal(glyph.path.toSVG(), direct.glyphForCodePoint(0x41).path.toSVG());
  });

  void test('refuses data that is not WOFF 1.0', () => {
    assert.throws(() => woffToSfnt(Buffer.from('not a font at all, long enough to have a header......')));
    assert.throws(() => woffToSfnt(Buffer.alloc(10)));
  });

  void test('refuses a table that does not inflate to its stated length', () => {
    // A minimal WOFF with one table whose stated original length is wrong.
    const table = deflateSync(Buffer.alloc(64, 1));
    const woff = Buffer.alloc(44 + 20 + table.length);
    woff.writeUInt32BE(0x774f4646, 0);
    woff.writeUInt32BE(0x00010000, 4);
    woff.writeUInt16BE(1, 12);
    woff.writeUInt32BE(0x68656164, 44); // 'head'
    woff.writeUInt32BE(64, 48);
    woff.writeUInt32BE(table.length, 52);
    woff.writeUInt32BE(100, 56);
    table.copy(woff, 64);
    assert.throws(() => woffToSfnt(woff), /inflate to its stated length/);
  });
});

void describe('fontFor and splitIntoRuns', () => {
  void test('common characters, ASCII and CJK punctuation come from the main font', () => {
    for (const char of '张三 ABC 0123456789 ，。（）：—·') {
      assert.equal(fontFor(char.codePointAt(0) ?? 0, 400), mainFont(400), char);
    }
    assert.equal(splitIntoRuns('个人权益记录 2025', 700).length, 1);
  });

  void test('a rare name character comes from the slice of the same typeface that holds it', () => {
    const font = fontFor('骉'.codePointAt(0) ?? 0, 400);
    assert.ok(font && font !== mainFont(400));
    assert.match(font.key, /^noto-sans-sc-\d+-400$/);
    // Both are Noto Sans SC; the main subset's name table says "Noto Sans SC Thin" although its
    // outlines are the 400 weight (a quirk of how the package cut it; the rendered page is regular).
    assert.equal(font.font.familyName, 'Noto Sans SC');
    assert.match(mainFont(400).font.familyName, /^Noto Sans SC/);
    assert.equal(mainFont(400).font['OS/2'].usWeightClass, 400);
    const runs = splitIntoRuns('张骉先生', 400);
    assert.deepEqual(
      runs.map((r) => r.text),
      ['张', '骉', '先生'],
    );
    assert.equal(runs[0]?.font, runs[2]?.font);
  });

  void test('characters in no font are refused by name, all of them at once', () => {
    assert.throws(
      () => splitIntoRuns('王𠇔𡒄𠇔', 400),
      (error: unknown) => error instanceof RangeError && /U\+201D4, U\+21484$/.test(error.message),
    );
    assert.deepEqual(undrawableCharacters('王𠇔𡒄'), ['𠇔', '𡒄']);
    assert.deepEqual(undrawableCharacters('王骉'), []);
  });
});
