import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { DEFAULT_GRACE_SECONDS, KeyRing, generateSigningKey, keyRecordFromJSON } from './keyring.ts';
import { issueToken } from './token.ts';
import { createVerifier } from './verifier.ts';
import { QrTokenUnknownKey } from './errors.ts';

const T0 = new Date('2026-03-01T08:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

void describe('key ring', () => {
  void test('generateSigningKey: Ed25519 PEMs, kid = first 4 bytes of SHA-256 of the raw public key', () => {
    const k = generateSigningKey(undefined, T0);
    const pub = createPublicKey(k.publicKeyPem);
    assert.equal(pub.asymmetricKeyType, 'ed25519');
    assert.match(k.privateKeyPem ?? '', /^-----BEGIN PRIVATE KEY-----/);
    const raw = Buffer.from(pub.export({ format: 'jwk' }).x ?? '', 'base64url');
    assert.equal(raw.length, 32);
    assert.equal(k.kid, createHash('sha256').update(raw).digest('hex').slice(0, 8));
    assert.equal(k.createdAt.getTime(), T0.getTime());
    assert.equal(k.retiredAt, null);
    assert.equal(k.graceSeconds, DEFAULT_GRACE_SECONDS);
    assert.equal(generateSigningKey('0a0b0c0d').kid, '0a0b0c0d');
    for (const bad of ['0A0B0C0D', 'abc', '0a0b0c0d0', 'zzzzzzzz'])
      assert.throws(() => generateSigningKey(bad), TypeError);
  });

  void test('records survive JSON (as a DB row or config would) and the restored ring signs and verifies', () => {
    const ring = new KeyRing([generateSigningKey(undefined, T0)]);
    ring.rotate(at(10));
    const restored = new KeyRing(
      (JSON.parse(JSON.stringify(ring.records())) as unknown[]).map((r) => keyRecordFromJSON(r)),
    );
    assert.deepEqual(restored.records(), ring.records());
    const { token } = issueToken(restored, { ecardId: randomUUID(), now: at(20) });
    assert.ok(createVerifier(JSON.stringify(ring.toJwks(at(20)))).verify(token, at(20)));
    assert.throws(() => keyRecordFromJSON({ kid: 'x' }), TypeError);
    assert.throws(() => keyRecordFromJSON({ ...ring.records()[0], createdAt: 'yesterday' }), TypeError);
  });

  void test('rotate: the new key signs, the old one is retired and verifies within grace only', () => {
    const first = generateSigningKey(undefined, T0);
    const ring = new KeyRing([first]);
    const before = issueToken(ring, { ecardId: randomUUID(), now: at(5) });
    assert.equal(before.kid, first.kid);
    const { added, retired } = ring.rotate(at(10));
    assert.notEqual(added.kid, first.kid);
    assert.deepEqual(
      retired.map((r) => [r.kid, r.retiredAt?.getTime()]),
      [[first.kid, at(10).getTime()]],
    );
    assert.equal(issueToken(ring, { ecardId: randomUUID(), now: at(11) }).kid, added.kid);
    const graceEnd = 10 + first.graceSeconds;
    assert.ok(ring.verificationKey(first.kid, at(graceEnd - 1)));
    assert.equal(ring.verificationKey(first.kid, at(graceEnd)), null);
    assert.ok(ring.verificationKey(added.kid, at(graceEnd + 100_000)));
    assert.equal(ring.verificationKey('ffffffff', at(0)), null);
    // Through the terminal's path: a JWKS fetched within grace accepts a token of the old key...
    const { token } = issueToken(new KeyRing([first]), { ecardId: randomUUID(), now: at(graceEnd - 20) });
    assert.ok(createVerifier(ring.toJwks(at(graceEnd - 20))).verify(token, at(graceEnd - 20)));
    // ...and a JWKS fetched after grace no longer knows the key.
    assert.throws(
      () => createVerifier(ring.toJwks(at(graceEnd))).verify(token, at(graceEnd - 20)),
      QrTokenUnknownKey,
    );
  });

  void test('several keys verify at once; the JWKS lists exactly those still verifying', () => {
    const ring = new KeyRing([{ ...generateSigningKey(undefined, T0), graceSeconds: 100 }]);
    const k1 = ring.records()[0]?.kid;
    const k2 = ring.rotate(at(10)).added.kid; // k1 verifies until +110
    const k3 = ring.rotate(at(50)).added.kid; // k2 verifies until +50 + 900
    const kids = (now: Date) => ring.toJwks(now).keys.map((k) => k.kid);
    assert.deepEqual(kids(at(60)), [k1, k2, k3]);
    assert.deepEqual(kids(at(110)), [k2, k3]);
    assert.deepEqual(kids(at(950)), [k3]);
    const jwks = ring.toJwks(at(60));
    for (const k of jwks.keys) {
      assert.equal(k.kty, 'OKP');
      assert.equal(k.crv, 'Ed25519');
      assert.equal(k.use, 'sig');
      assert.equal(k.alg, 'EdDSA');
      assert.equal(Buffer.from(k.x ?? '', 'base64url').length, 32);
      assert.equal('d' in k, false);
    }
    assert.deepEqual(
      jwks.keys.map((k) => k.exp),
      [Math.floor(at(110).getTime() / 1000), Math.floor(at(950).getTime() / 1000), undefined],
    );
  });

  void test('retire with grace 0 (leaked key) stops verification at once', () => {
    const ring = new KeyRing([generateSigningKey(undefined, T0), generateSigningKey(undefined, at(1))]);
    const [a, b] = ring.records();
    assert.ok(a && b);
    assert.equal(ring.signingKey(at(2)).kid, b.kid);
    ring.retire(b.kid, at(3), 0);
    assert.equal(ring.verificationKey(b.kid, at(3)), null);
    // The older, still active key takes over signing.
    assert.equal(ring.signingKey(at(3)).kid, a.kid);
    assert.throws(() => ring.retire('00000000', at(3)), /unknown kid/);
    assert.throws(() => ring.retire(a.kid, at(3), -1), TypeError);
  });

  void test('a pre-published key is in the JWKS before it signs', () => {
    const ring = new KeyRing([generateSigningKey(undefined, T0)]);
    const current = ring.signingKey(at(1)).kid;
    const next = generateSigningKey(undefined, at(3600));
    ring.add(next);
    assert.ok(ring.toJwks(at(1)).keys.some((k) => k.kid === next.kid));
    assert.equal(ring.signingKey(at(3599)).kid, current);
    assert.equal(ring.signingKey(at(3600)).kid, next.kid);
  });

  void test('a verify-only record verifies but cannot sign', () => {
    const full = generateSigningKey(undefined, T0);
    const token = issueToken(new KeyRing([full]), { ecardId: randomUUID(), now: T0 }).token;
    const ring = new KeyRing([{ ...full, privateKeyPem: null }]);
    assert.throws(() => ring.signingKey(T0), /no active signing key/);
    assert.ok(ring.verificationKey(full.kid, T0));
    assert.equal(createVerifier(ring.toJwks(T0)).verify(token, T0).kid, full.kid);
  });

  void test('refuses duplicate kids, mismatched halves, non-Ed25519 keys and bad grace', () => {
    const a = generateSigningKey(undefined, T0);
    const b = generateSigningKey(undefined, T0);
    assert.throws(() => new KeyRing([a, { ...b, kid: a.kid }]), /duplicate kid/);
    assert.throws(() => new KeyRing([{ ...a, publicKeyPem: b.publicKeyPem }]), /does not match/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(
      () =>
        new KeyRing([
          {
            ...a,
            privateKeyPem: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
            publicKeyPem: ec.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          },
        ]),
      /not Ed25519/,
    );
    assert.throws(() => new KeyRing([{ ...a, graceSeconds: -5 }]), TypeError);
    assert.throws(() => new KeyRing([{ ...a, kid: 'ABCDEF01' }]), TypeError);
  });
});
