import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { base45Decode, base45Encode } from './base45.ts';
import { QrTokenMalformed } from './errors.ts';
import { KeyRing, generateSigningKey } from './keyring.ts';
import { qrSize } from './render.ts';
import {
  DEFAULT_TTL_SECONDS,
  MAX_TTL_SECONDS,
  SIGNED_LENGTH,
  TOKEN_BYTES,
  TOKEN_LAYOUT,
  TOKEN_LENGTH,
  TOKEN_PREFIX,
  decodeToken,
  issueToken,
  keySetOf,
} from './token.ts';
import { createVerifier } from './verifier.ts';

const NOW = new Date('2026-03-01T08:00:00.750Z');
const key = generateSigningKey(undefined, new Date('2026-01-01T00:00:00Z'));
const ring = new KeyRing([key]);

function bytesOf(token: string): Buffer {
  return Buffer.from(base45Decode(token.slice(TOKEN_PREFIX.length)));
}
function textOf(bytes: Uint8Array): string {
  return TOKEN_PREFIX + base45Encode(bytes);
}
function malformedReason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof QrTokenMalformed, `expected QrTokenMalformed, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'qr_malformed');
    return err.details?.reason;
  }
  assert.fail('expected QrTokenMalformed');
}

void describe('token issue/decode', () => {
  void test('round trip: decode returns what was issued', () => {
    const ecardId = randomUUID();
    const issued = issueToken(ring, { ecardId, now: NOW, ttlSeconds: 45 });
    const d = decodeToken(issued.token);
    assert.equal(d.version, 1);
    assert.equal(d.kid, key.kid);
    assert.equal(issued.kid, key.kid);
    assert.equal(d.ecardId, ecardId);
    // issuedAt is rounded down to the whole second.
    assert.equal(d.issuedAt.getTime(), Math.floor(NOW.getTime() / 1000) * 1000);
    assert.equal(d.ttlSeconds, 45);
    assert.equal(d.expiresAt.getTime(), d.issuedAt.getTime() + 45_000);
    assert.equal(issued.expiresAt.getTime(), d.expiresAt.getTime());
    assert.equal(d.nonce, issued.nonce);
    assert.match(d.nonce, /^[0-9a-f]{16}$/);
  });

  void test('default lifetime is 60 s and an upper-case UUID comes back lower case', () => {
    const ecardId = randomUUID().toUpperCase();
    const d = decodeToken(issueToken(ring, { ecardId, now: NOW }).token);
    assert.equal(DEFAULT_TTL_SECONDS, 60);
    assert.equal(d.ttlSeconds, 60);
    assert.equal(d.ecardId, ecardId.toLowerCase());
  });

  void test('byte layout is exactly as documented', () => {
    const ecardId = randomUUID();
    const issued = issueToken(ring, { ecardId, now: NOW, ttlSeconds: 90 });
    const b = bytesOf(issued.token);
    assert.equal(b.length, TOKEN_BYTES);
    assert.equal(TOKEN_BYTES, 99);
    assert.equal(b[0], 1);
    assert.equal(b.toString('hex', 1, 5), key.kid);
    assert.equal(b.toString('hex', 5, 21), ecardId.replace(/-/g, ''));
    assert.equal(b.readUInt32BE(21), Math.floor(NOW.getTime() / 1000));
    assert.equal(b.readUInt16BE(25), 90);
    assert.equal(b.toString('hex', 27, 35), issued.nonce);
    assert.equal(TOKEN_LAYOUT.signature.offset + TOKEN_LAYOUT.signature.size, b.length);
    // The signature is plain Ed25519 over bytes 0..34: any Ed25519 library can check it.
    const pub = createPublicKey(key.publicKeyPem);
    assert.ok(verify(null, b.subarray(0, SIGNED_LENGTH), pub, b.subarray(35)));
    const d = decodeToken(issued.token);
    assert.deepEqual(d.signedBytes, b.subarray(0, 35));
    assert.deepEqual(d.signature, b.subarray(35));
  });

  void test('text is prefix + Base45, fixed length, QR-alphanumeric, never ends in whitespace', () => {
    for (let i = 0; i < 300; i++) {
      const { token } = issueToken(ring, { ecardId: randomUUID(), now: NOW });
      assert.equal(token.length, TOKEN_LENGTH);
      assert.ok(token.startsWith('YB1:'));
      assert.match(token, /^[0-9A-Z $%*+\-./:]+$/);
      // Odd byte count: the final Base45 group is 2 characters, the last one in 0-5.
      assert.match(token, /[0-5]$/);
      assert.equal(token.trim(), token);
    }
  });

  void test('nonces are random: 2000 tokens for one card at one instant are all different', () => {
    const ecardId = randomUUID();
    const tokens = new Set<string>();
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = issueToken(ring, { ecardId, now: NOW });
      tokens.add(t.token);
      nonces.add(t.nonce);
    }
    assert.equal(tokens.size, 2000);
    assert.equal(nonces.size, 2000);
  });

  void test('size: Base45 renders a smaller QR symbol than base64url of the same bytes', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: NOW });
    const b64 = TOKEN_PREFIX + bytesOf(token).toString('base64url');
    const ours = qrSize(token);
    const theirs = qrSize(b64);
    assert.ok(ours.version <= 6, `Base45 token renders to version ${ours.version}`);
    assert.ok(ours.version < theirs.version, `Base45 v${ours.version} vs base64url v${theirs.version}`);
    assert.equal(ours.modules, 17 + 4 * ours.version);
  });

  void test('issue refuses bad input', () => {
    assert.throws(() => issueToken(ring, { ecardId: 'not-a-uuid', now: NOW }), TypeError);
    assert.throws(() => issueToken(ring, { ecardId: '110101199003070000', now: NOW }), TypeError);
    for (const ttlSeconds of [0, -1, 1.5, MAX_TTL_SECONDS + 1, Number.NaN])
      assert.throws(
        () => issueToken(ring, { ecardId: randomUUID(), now: NOW, ttlSeconds }),
        RangeError,
        String(ttlSeconds),
      );
    assert.doesNotThrow(() =>
      issueToken(ring, { ecardId: randomUUID(), now: NOW, ttlSeconds: MAX_TTL_SECONDS }),
    );
    assert.throws(
      () => issueToken(new KeyRing(), { ecardId: randomUUID(), now: NOW }),
      /no active signing key/,
    );
  });

  void test('decode refuses malformed text with a reason', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: NOW });
    assert.equal(
      malformedReason(() => decodeToken(42 as unknown as string)),
      'type',
    );
    assert.equal(
      malformedReason(() => decodeToken('')),
      'length',
    );
    assert.equal(
      malformedReason(() => decodeToken(token.slice(0, -1))),
      'length',
    );
    assert.equal(
      malformedReason(() => decodeToken(token + '0')),
      'length',
    );
    assert.equal(
      malformedReason(() => decodeToken(' ' + token.slice(0, -1))),
      'prefix',
    );
    assert.equal(
      malformedReason(() => decodeToken('YB2:' + token.slice(4))),
      'prefix',
    );
    assert.equal(
      malformedReason(() =>
        decodeToken(
          token.slice(0, 4) +
            token
              .slice(4)
              .toLowerCase()
              .replace(/[0-9 $%*+\-./:]/g, 'a'),
        ),
      ),
      'base45',
    );
    assert.equal(
      malformedReason(() => decodeToken(token.slice(0, 4) + 'GGW' + token.slice(7))),
      'base45',
    );
    const b = bytesOf(token);
    b[0] = 2;
    assert.equal(
      malformedReason(() => decodeToken(textOf(b))),
      'version',
    );
    const z = bytesOf(token);
    z.writeUInt16BE(0, 25);
    assert.equal(
      malformedReason(() => decodeToken(textOf(z))),
      'ttl',
    );
    z.writeUInt16BE(MAX_TTL_SECONDS + 1, 25);
    assert.equal(
      malformedReason(() => decodeToken(textOf(z))),
      'ttl',
    );
    const r = randomBytes(TOKEN_BYTES);
    r[0] = 0;
    assert.equal(
      malformedReason(() => decodeToken(textOf(r))),
      'version',
    );
  });
});

void describe('key sets: the e-voucher (YB1:) and the e-SSC (SS1:)', () => {
  const esscRing = new KeyRing([generateSigningKey(undefined, new Date('2026-01-01T00:00:00Z'))]);
  const cardId = randomUUID();
  const essc = issueToken(esscRing, { ecardId: cardId, now: NOW, keySet: 'essc' }).token;

  void test('an e-SSC token carries its own prefix, same length, and decodes only as its set', () => {
    assert.ok(essc.startsWith('SS1:'));
    assert.equal(essc.length, TOKEN_LENGTH);
    assert.equal(keySetOf(essc), 'essc');
    assert.equal(keySetOf(issueToken(ring, { ecardId: cardId, now: NOW }).token), 'ecard');
    assert.equal(decodeToken(essc, 'essc').ecardId, cardId);
    assert.equal(
      malformedReason(() => decodeToken(essc)),
      'prefix',
    );
    assert.equal(
      malformedReason(() => keySetOf('XX1:' + essc.slice(4))),
      'prefix',
    );
  });

  void test('each set verifies only its own tokens, also when the prefix is swapped', () => {
    const esscVerifier = createVerifier(esscRing.toJwks(NOW), { keySet: 'essc' });
    const ecardVerifier = createVerifier(ring.toJwks(NOW));
    assert.equal(esscVerifier.verify(essc, NOW).ecardId, cardId);
    assert.throws(() => ecardVerifier.verify('YB1:' + essc.slice(4), NOW), { code: 'qr_unknown_key' });
    const ecard = issueToken(ring, { ecardId: cardId, now: NOW }).token;
    assert.throws(() => esscVerifier.verify('SS1:' + ecard.slice(4), NOW), { code: 'qr_unknown_key' });
  });
});
