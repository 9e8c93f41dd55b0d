/**
 * Fuzz pass over the QR token codec (issue 18): whatever text a scanner hands over, decoding ends in the
 * claims of a v1 token or a typed refusal (QrTokenMalformed with a known reason; after decoding, the
 * verifier's typed refusals), never another exception; and no text but the issued one verifies.
 * Seeded with a fixed budget, so `npm test` runs the same cases every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AppError } from '../platform/errors.ts';
import { BASE45_ALPHABET, Base45Error, base45Decode, base45Encode } from './base45.ts';
import { QrTokenMalformed } from './errors.ts';
import { KeyRing, generateSigningKey } from './keyring.ts';
import { TOKEN_BYTES, TOKEN_LENGTH, TOKEN_PREFIX, decodeToken, issueToken } from './token.ts';
import { createKeyRingVerifier } from './verifier.ts';

const SEED = 18_2026;
const RUNS = 400;
const NOW = new Date('2026-06-15T02:00:00Z');
const ring = new KeyRing([generateSigningKey(undefined, new Date('2026-01-01T00:00:00Z'))]);
const verifier = createKeyRingVerifier(ring);

const MALFORMED_REASONS = new Set(['type', 'length', 'prefix', 'base45', 'version', 'ttl']);
/** Every code the verifier may refuse a token with. */
const VERIFY_CODES = new Set([
  'qr_malformed',
  'qr_bad_signature',
  'qr_unknown_key',
  'qr_expired',
  'qr_not_yet_valid',
]);

/** Decodes, and returns 'ok' or the malformed reason; any other exception fails the property. */
function decodeOutcome(text: unknown): string {
  try {
    decodeToken(text as string);
    return 'ok';
  } catch (err) {
    if (!(err instanceof QrTokenMalformed)) throw err;
    assert.equal(err.status, 400);
    assert.equal(err.code, 'qr_malformed');
    const reason = String(err.details?.reason);
    assert.ok(MALFORMED_REASONS.has(reason), `unknown reason ${reason}`);
    return reason;
  }
}

/** Verifies, and returns 'ok' or the refusal's code; any other exception fails the property. */
function verifyOutcome(text: string): string {
  try {
    verifier.verify(text, NOW);
    return 'ok';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    assert.ok(VERIFY_CODES.has(err.code), `unexpected code ${err.code}`);
    assert.ok(err.status >= 400 && err.status < 500);
    return err.code;
  }
}

const base45Char = fc.constantFrom(...BASE45_ALPHABET);
/** Text with the right prefix and length, Base45 characters only: gets past the cheap checks. */
const tokenShaped = fc
  .array(base45Char, { minLength: TOKEN_LENGTH - 4, maxLength: TOKEN_LENGTH - 4 })
  .map((cs) => TOKEN_PREFIX + cs.join(''));
/** Arbitrary 99 bytes written as a token, mostly with version 1 and a lifetime in range (so they decode). */
const tokenOfBytes = fc
  .tuple(
    fc.uint8Array({ minLength: TOKEN_BYTES, maxLength: TOKEN_BYTES }),
    fc.oneof(fc.constant(1), fc.nat({ max: 255 })),
    fc.oneof(fc.integer({ min: 1, max: 600 }), fc.nat({ max: 0xffff })),
  )
  .map(([b, version, ttl]) => {
    const buf = Buffer.from(b);
    buf[0] = version;
    buf.writeUInt16BE(ttl, 25);
    return TOKEN_PREFIX + base45Encode(buf);
  });
const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .string({ unit: 'grapheme', minLength: TOKEN_LENGTH - 4, maxLength: TOKEN_LENGTH - 4 })
    .map((s) => TOKEN_PREFIX + s),
  fc.string({ maxLength: 400 }).map((s) => TOKEN_PREFIX + s),
  fc.string({ minLength: TOKEN_LENGTH, maxLength: TOKEN_LENGTH }),
  tokenShaped,
  tokenOfBytes,
);

test('fuzz: any text decodes to a v1 token or a QrTokenMalformed with a known reason', () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(anyText, (text) => {
      seen.add(decodeOutcome(text));
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // The generators reach every stage of the decoder, the decoded token included.
  for (const outcome of ['ok', 'length', 'prefix', 'base45', 'version', 'ttl'])
    assert.ok(seen.has(outcome), `${outcome} never reached: ${[...seen].join(', ')}`);
});

test('fuzz: a value that is not text is refused as malformed (reason type), never a crash', () => {
  fc.assert(
    fc.property(
      fc.anything().filter((v) => typeof v !== 'string'),
      (v) => {
        assert.equal(decodeOutcome(v), 'type');
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

test('fuzz: Base45 text decodes canonically or throws Base45Error, never anything else', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.array(base45Char, { maxLength: 60 }).map((a) => a.join('')),
        fc.string({ maxLength: 60 }),
      ),
      (s) => {
        let bytes: Uint8Array;
        try {
          bytes = base45Decode(s);
        } catch (err) {
          if (!(err instanceof Base45Error)) throw err;
          return;
        }
        assert.equal(base45Encode(bytes), s);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

test('fuzz: random token-shaped text never verifies; it is refused with a known code', () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(fc.oneof(anyText, tokenShaped, tokenOfBytes), (text) => {
      const outcome = verifyOutcome(text);
      assert.notEqual(outcome, 'ok');
      seen.add(outcome);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  assert.ok(seen.has('qr_malformed') && seen.has('qr_unknown_key'), [...seen].join(', '));
});

test('fuzz: a genuine token with any character changed, cut or extended never verifies', () => {
  const issued = issueToken(ring, { ecardId: randomUUID(), now: NOW }).token;
  assert.equal(verifyOutcome(issued), 'ok');
  const edit = fc.oneof(
    fc.record({
      kind: fc.constant('replace' as const),
      at: fc.nat({ max: issued.length - 1 }),
      ch: fc.oneof(base45Char, fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat({ max: issued.length - 1 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat({ max: issued.length }),
      ch: base45Char,
    }),
  );
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = issued;
      for (const e of edits) {
        const at = Math.min(e.at, text.length);
        if (e.kind === 'replace') text = text.slice(0, at) + e.ch + text.slice(at + 1);
        else if (e.kind === 'cut') text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + e.ch + text.slice(at);
      }
      fc.pre(text !== issued);
      assert.notEqual(verifyOutcome(text), 'ok', text);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
