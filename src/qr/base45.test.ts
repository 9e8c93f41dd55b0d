import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { BASE45_ALPHABET, Base45Error, base45Decode, base45Encode, base45Length } from './base45.ts';

const enc = (s: string) => base45Encode(Buffer.from(s, 'utf8'));
const dec = (s: string) => Buffer.from(base45Decode(s)).toString('utf8');

void describe('Base45 (RFC 9285)', () => {
  void test('alphabet is the 45 QR alphanumeric characters, in RFC order', () => {
    assert.equal(BASE45_ALPHABET.length, 45);
    assert.equal(new Set(BASE45_ALPHABET).size, 45);
    assert.equal(BASE45_ALPHABET.indexOf(' '), 36);
    assert.equal(BASE45_ALPHABET.indexOf(':'), 44);
  });

  void test('RFC 9285 examples encode and decode', () => {
    const vectors: [string, string][] = [
      ['AB', 'BB8'],
      ['Hello!!', '%69 VD92EX0'],
      ['base-45', 'UJCLQE7W581'],
      ['ietf!', 'QED8WEX0'],
      ['', ''],
    ];
    for (const [plain, encoded] of vectors) {
      assert.equal(enc(plain), encoded, plain);
      assert.equal(dec(encoded), plain, encoded);
    }
  });

  void test('RFC 9285 invalid example "GGW" (65536) is refused', () => {
    assert.throws(() => base45Decode('GGW'), Base45Error);
  });

  void test('exhaustive: every 2-byte value round-trips to a distinct 3-character group', () => {
    const seen = new Set<string>();
    const b = new Uint8Array(2);
    for (let n = 0; n <= 0xffff; n++) {
      b[0] = n >> 8;
      b[1] = n & 0xff;
      const s = base45Encode(b);
      assert.equal(s.length, 3);
      seen.add(s);
      const back = base45Decode(s);
      if (back[0] !== b[0] || back[1] !== b[1]) assert.fail(`round trip failed for ${n}`);
    }
    assert.equal(seen.size, 65536);
  });

  void test('exhaustive: every 1-byte value round-trips to 2 characters', () => {
    for (let n = 0; n < 256; n++) {
      const s = base45Encode(Uint8Array.of(n));
      assert.equal(s.length, 2);
      assert.deepEqual([...base45Decode(s)], [n]);
    }
  });

  void test('exhaustive: of all 45^3 triples exactly the 65536 in range decode, and each one canonically', () => {
    let valid = 0;
    for (let e = 0; e < 45; e++)
      for (let d = 0; d < 45; d++)
        for (let c = 0; c < 45; c++) {
          const s = BASE45_ALPHABET.charAt(c) + BASE45_ALPHABET.charAt(d) + BASE45_ALPHABET.charAt(e);
          const n = c + d * 45 + e * 2025;
          if (n > 0xffff) {
            assert.throws(() => base45Decode(s), Base45Error);
          } else {
            valid++;
            if (base45Encode(base45Decode(s)) !== s) assert.fail(`non-canonical ${s}`);
          }
        }
    assert.equal(valid, 65536);
  });

  void test('exhaustive: of all 45^2 pairs exactly the 256 in range decode', () => {
    let valid = 0;
    for (let d = 0; d < 45; d++)
      for (let c = 0; c < 45; c++) {
        const s = BASE45_ALPHABET.charAt(c) + BASE45_ALPHABET.charAt(d);
        if (c + d * 45 > 0xff) assert.throws(() => base45Decode(s), Base45Error);
        else {
          valid++;
          assert.equal(base45Encode(base45Decode(s)), s);
        }
      }
    assert.equal(valid, 256);
  });

  void test('refuses characters outside the alphabet, lower case and non-ASCII included', () => {
    for (const bad of ['bb8', 'BB#', 'B\u00c98', 'BB\u0000', 'B=8', 'BB\u{1F600}'.slice(0, 3)]) {
      assert.throws(() => base45Decode(bad), Base45Error, JSON.stringify(bad));
    }
  });

  void test('refuses lengths of the form 3k+1', () => {
    for (const bad of ['0', '0000', 'BB8B', 'QED8WEX0QED'.slice(0, 10)])
      assert.throws(() => base45Decode(bad), Base45Error, bad);
  });

  void test('property: decode(encode(x)) = x, length and alphabet as specified', () => {
    const alphabet = new Set(BASE45_ALPHABET);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const s = base45Encode(bytes);
        assert.equal(s.length, base45Length(bytes.length));
        for (const ch of s) assert.ok(alphabet.has(ch));
        assert.deepEqual(base45Decode(s), bytes);
      }),
      { numRuns: 2000 },
    );
  });

  void test('property: encoding is injective (different bytes, different text)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        fc.pre(Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0);
        assert.notEqual(base45Encode(a), base45Encode(b));
      }),
      { numRuns: 2000 },
    );
  });

  void test('property: arbitrary alphabet strings either decode canonically or throw Base45Error', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...BASE45_ALPHABET), { maxLength: 30 }), (chars) => {
        const s = chars.join('');
        let bytes: Uint8Array;
        try {
          bytes = base45Decode(s);
        } catch (err) {
          assert.ok(err instanceof Base45Error);
          return;
        }
        assert.equal(base45Encode(bytes), s);
      }),
      { numRuns: 3000 },
    );
  });
});
