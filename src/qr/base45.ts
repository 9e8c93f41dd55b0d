/**
 * Base45 (RFC 9285): bytes to the 45-character QR alphanumeric alphabet, so a QR code can carry
 * binary data in alphanumeric mode (5.5 bits per character) instead of byte mode (8 bits).
 * Written here rather than taken from npm: it is 60 lines, sits on the token's security path,
 * and the only maintained package ships no types; the tests check it exhaustively.
 */

/** The RFC 9285 alphabet: value i is ALPHABET[i]. Identical to the QR alphanumeric character set. */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

// Character code -> value, -1 for characters outside the alphabet (lower case included: RFC 9285 is
// case-sensitive, and accepting both cases would give one token two spellings).
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45_ALPHABET.length; i++) DECODE[BASE45_ALPHABET.charCodeAt(i)] = i;

/** Thrown by `base45Decode` on text that is not valid Base45. */
export class Base45Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base45Error';
  }
}

/** Length in characters of the Base45 encoding of `byteLength` bytes. */
export function base45Length(byteLength: number): number {
  return Math.floor(byteLength / 2) * 3 + (byteLength % 2) * 2;
}

/** Encodes bytes as Base45 (RFC 9285 section 4). */
export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  const pairs = bytes.length - (bytes.length % 2);
  for (let i = 0; i < pairs; i += 2) {
    // Two bytes are a 16-bit number n = c + 45*d + 45*45*e, written c d e.
    const n = (bytes[i] as number) * 256 + (bytes[i + 1] as number);
    const e = Math.floor(n / 2025);
    const rest = n % 2025;
    out +=
      BASE45_ALPHABET.charAt(rest % 45) +
      BASE45_ALPHABET.charAt(Math.floor(rest / 45)) +
      BASE45_ALPHABET.charAt(e);
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1] as number;
    out += BASE45_ALPHABET.charAt(n % 45) + BASE45_ALPHABET.charAt(Math.floor(n / 45));
  }
  return out;
}

function valueAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const v = code < 128 ? (DECODE[code] as number) : -1;
  if (v < 0) throw new Base45Error(`invalid Base45 character at offset ${index}`);
  return v;
}

/**
 * Decodes Base45 text. Throws Base45Error on a character outside the alphabet, a length of 3k+1,
 * or a group whose value does not fit (over 65535 for three characters, over 255 for two): those
 * checks make the encoding canonical, so one byte string has exactly one spelling.
 */
export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new Base45Error('invalid Base45 length');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  const full = text.length - (text.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = valueAt(text, i) + valueAt(text, i + 1) * 45 + valueAt(text, i + 2) * 2025;
    if (n > 0xffff) throw new Base45Error(`Base45 group at offset ${i} is out of range`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (text.length % 3 === 2) {
    const n = valueAt(text, full) + valueAt(text, full + 1) * 45;
    if (n > 0xff) throw new Base45Error(`Base45 group at offset ${full} is out of range`);
    out[o] = n;
  }
  return out;
}
