import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { AppError } from '../platform/errors.ts';
import { BASE45_ALPHABET, base45Decode, base45Encode } from './base45.ts';
import {
  QrCardFrozen,
  QrCardRevoked,
  QrTokenBadSignature,
  QrTokenExpired,
  QrTokenMalformed,
  QrTokenNotYetValid,
  QrTokenReplayed,
  QrTokenUnknownKey,
} from './errors.ts';
import { KeyRing, generateSigningKey } from './keyring.ts';
import { TOKEN_LAYOUT, TOKEN_PREFIX, issueToken } from './token.ts';
import { createKeyRingVerifier, createVerifier } from './verifier.ts';

const T0 = new Date('2026-03-01T08:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const ring = new KeyRing([generateSigningKey(undefined, new Date('2026-01-01T00:00:00Z'))]);
// The terminal only ever sees JSON.
const jwksJson = JSON.stringify(ring.toJwks(T0));
const verifier = createVerifier(JSON.parse(jwksJson) as unknown as Parameters<typeof createVerifier>[0]);

type ErrorClass = new (...args: never[]) => Error;
function refusedWith(fn: () => unknown): ErrorClass {
  try {
    fn();
  } catch (err) {
    for (const cls of [
      QrTokenMalformed,
      QrTokenBadSignature,
      QrTokenUnknownKey,
      QrTokenExpired,
      QrTokenNotYetValid,
    ])
      if (err instanceof cls) return cls;
    throw err;
  }
  assert.fail('token was accepted');
}

void describe('offline verifier', () => {
  void test('accepts a fresh token and returns its claims', () => {
    const ecardId = randomUUID();
    const issued = issueToken(ring, { ecardId, now: T0 });
    const claims = verifier.verify(issued.token, at(5));
    assert.equal(claims.ecardId, ecardId);
    assert.equal(claims.nonce, issued.nonce);
    assert.equal(claims.kid, issued.kid);
    assert.equal(claims.expiresAt.getTime(), issued.expiresAt.getTime());
    assert.deepEqual(verifier.kids, [issued.kid]);
  });

  void test('JWKS as JSON text works too', () => {
    const v = createVerifier(jwksJson);
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    assert.equal(v.verify(token, T0).kid, ring.records()[0]?.kid);
  });

  void test('tampering with any bit of the binary token is refused, by the expected check', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    const original = Buffer.from(base45Decode(token.slice(TOKEN_PREFIX.length)));
    const L = TOKEN_LAYOUT;
    let tried = 0;
    for (let i = 0; i < original.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = Buffer.from(original);
        b[i] = (b[i] as number) ^ (1 << bit);
        const got = refusedWith(() => verifier.verify(TOKEN_PREFIX + base45Encode(b), T0));
        tried++;
        let expected: ErrorClass[];
        if (i === L.version.offset) expected = [QrTokenMalformed];
        else if (i >= L.kid.offset && i < L.kid.offset + L.kid.size) expected = [QrTokenUnknownKey];
        // A flipped lifetime may fall outside 1..600 (malformed) or just not match the signature.
        else if (i >= L.ttl.offset && i < L.ttl.offset + L.ttl.size)
          expected = [QrTokenMalformed, QrTokenBadSignature];
        else expected = [QrTokenBadSignature];
        assert.ok(expected.includes(got), `byte ${i} bit ${bit}: ${got.name}`);
      }
    }
    assert.equal(tried, original.length * 8);
  });

  void test('changing any character of the text is refused, never accepted', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    const replacements = BASE45_ALPHABET + 'ay#\u00e9';
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      for (const ch of replacements) {
        if (ch === token[i]) continue;
        const forged = token.slice(0, i) + ch + token.slice(i + 1);
        const got = refusedWith(() => verifier.verify(forged, T0));
        tried++;
        if (i < TOKEN_PREFIX.length) assert.equal(got, QrTokenMalformed, `prefix position ${i}`);
      }
    }
    assert.ok(tried > token.length * 44);
  });

  void test('truncated, extended, empty and whitespace-padded text is malformed', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    for (const bad of [token.slice(0, -2), token + '00', '', ' ' + token, token + '\n', token.toLowerCase()])
      assert.equal(
        refusedWith(() => verifier.verify(bad, T0)),
        QrTokenMalformed,
      );
  });

  void test('expiry: accepted until expiresAt + skew, refused from then on', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0, ttlSeconds: 60 });
    assert.ok(verifier.verify(token, at(59)));
    assert.ok(verifier.verify(token, at(60 + 29.999)));
    assert.equal(
      refusedWith(() => verifier.verify(token, at(60 + 30))),
      QrTokenExpired,
    );
    assert.equal(
      refusedWith(() => verifier.verify(token, at(3600))),
      QrTokenExpired,
    );
    const strict = createVerifier(jwksJson, { clockSkewSeconds: 0 });
    assert.ok(strict.verify(token, at(59.999)));
    assert.equal(
      refusedWith(() => strict.verify(token, at(60))),
      QrTokenExpired,
    );
  });

  void test('not yet valid: accepted within skew of a future issuedAt, refused beyond it', () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: at(100) });
    assert.ok(verifier.verify(token, at(70)));
    assert.equal(
      refusedWith(() => verifier.verify(token, at(69))),
      QrTokenNotYetValid,
    );
    const tight = createVerifier(jwksJson, { clockSkewSeconds: 5 });
    assert.ok(tight.verify(token, at(95)));
    assert.equal(
      refusedWith(() => tight.verify(token, at(94))),
      QrTokenNotYetValid,
    );
    assert.throws(() => createVerifier(jwksJson, { clockSkewSeconds: -1 }), TypeError);
  });

  void test('a key not in the JWKS is an unknown key', () => {
    const other = new KeyRing([generateSigningKey(undefined, T0)]);
    const { token } = issueToken(other, { ecardId: randomUUID(), now: T0 });
    assert.equal(
      refusedWith(() => verifier.verify(token, T0)),
      QrTokenUnknownKey,
    );
  });

  void test('a different key claiming a known kid fails the signature check', () => {
    const kid = ring.records()[0]?.kid ?? assert.fail();
    const impostor = new KeyRing([generateSigningKey(kid, T0)]);
    const { token } = issueToken(impostor, { ecardId: randomUUID(), now: T0 });
    assert.equal(
      refusedWith(() => verifier.verify(token, T0)),
      QrTokenBadSignature,
    );
  });

  void test('a JWK whose exp has passed stops verifying without a refresh', () => {
    const r = new KeyRing([{ ...generateSigningKey(undefined, T0), graceSeconds: 30 }]);
    const { token, kid } = issueToken(r, { ecardId: randomUUID(), now: at(10), ttlSeconds: 600 });
    r.rotate(at(20));
    // The terminal fetched the JWKS once, at the rotation, and then lost the network.
    const v = createVerifier(JSON.stringify(r.toJwks(at(20))));
    assert.equal(v.kids.length, 2);
    assert.equal(v.verify(token, at(49)).kid, kid);
    // Grace ends at +50 s although the token itself would live until +610 s.
    assert.equal(
      refusedWith(() => v.verify(token, at(50))),
      QrTokenUnknownKey,
    );
    assert.equal(
      refusedWith(() => v.verify(token, at(300))),
      QrTokenUnknownKey,
    );
  });

  void test('malformed JWKS is refused; keys of other types are ignored', () => {
    assert.throws(() => createVerifier('{}'), TypeError);
    assert.throws(
      () => createVerifier({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: '0000000g', x: 'AA' }] }),
      TypeError,
    );
    assert.throws(
      () => createVerifier({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid: '00000000', x: 'AAAA' }] }),
      TypeError,
    );
    const base = JSON.parse(jwksJson) as { keys: Record<string, unknown>[] };
    assert.throws(() => createVerifier({ keys: [...base.keys, ...base.keys] } as never), TypeError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const v = createVerifier({ keys: [{ ...rsa, kty: 'RSA', kid: 'rsa1' }, ...base.keys] } as never);
    assert.equal(v.kids.length, 1);
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    assert.ok(v.verify(token, T0));
  });

  void test('the key-ring verifier follows rotation and retirement live', () => {
    const r = new KeyRing([generateSigningKey(undefined, T0)]);
    const v = createKeyRingVerifier(r);
    const old = issueToken(r, { ecardId: randomUUID(), now: at(1) });
    const oldKid = old.kid;
    r.rotate(at(2));
    const fresh = issueToken(r, { ecardId: randomUUID(), now: at(3) });
    assert.notEqual(fresh.kid, oldKid);
    assert.equal(v.verify(old.token, at(4)).kid, oldKid);
    assert.equal(v.verify(fresh.token, at(4)).kid, fresh.kid);
    r.retire(oldKid, at(5), 0);
    assert.equal(
      refusedWith(() => v.verify(old.token, at(6))),
      QrTokenUnknownKey,
    );
    assert.ok(v.verify(fresh.token, at(6)));
  });

  void test('error classes carry the documented status and code and are AppErrors', () => {
    const cases: [AppError, number, string][] = [
      [new QrTokenMalformed(), 400, 'qr_malformed'],
      [new QrTokenBadSignature(), 422, 'qr_bad_signature'],
      [new QrTokenUnknownKey(), 422, 'qr_unknown_key'],
      [new QrTokenExpired(), 422, 'qr_expired'],
      [new QrTokenNotYetValid(), 422, 'qr_not_yet_valid'],
      [new QrTokenReplayed(), 409, 'qr_replayed'],
      [new QrCardFrozen(), 422, 'qr_card_frozen'],
      [new QrCardRevoked(), 422, 'qr_card_revoked'],
    ];
    for (const [err, status, code] of cases) {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, status);
      assert.equal(err.code, code);
      assert.equal(err.name, err.constructor.name);
    }
  });
});
