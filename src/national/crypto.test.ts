import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCiphers, getHashes } from 'node:crypto';
import {
  signatureHex,
  sm2KeyPair,
  sm2Sign,
  sm2Verify,
  sm3Hex,
  sm4DecryptHex,
  sm4EncryptBlock,
  sm4EncryptHex,
} from './crypto.ts';

test('Node’s OpenSSL provides SM3 and SM4', () => {
  assert.ok(getHashes().includes('sm3'));
  assert.ok(getCiphers().includes('sm4-ecb'));
});

test('SM3 matches the GB/T 32905 examples', () => {
  assert.equal(sm3Hex('abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  assert.equal(sm3Hex('abcd'.repeat(16)), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
});

test('SM4 matches the GB/T 32907 example and round-trips padded UTF-8 text', () => {
  const k = '0123456789abcdeffedcba9876543210';
  assert.equal(sm4EncryptBlock(k, k), '681edf34d206965e86b3e94f536e4246');
  const text = JSON.stringify({ data: { psn_name: '张三', amount: '12.30' } });
  const c = sm4EncryptHex(k, text);
  assert.match(c, /^[0-9A-F]+$/);
  assert.equal(c.length % 32, 0);
  assert.equal(sm4DecryptHex(k, c), text);
  assert.throws(() => sm4DecryptHex('00'.repeat(16), c));
  assert.throws(() => sm4DecryptHex(k, 'xyz'));
});

// GM/T 0003.5-2012 (= GB/T 32918.5) appendix A: the recommended curve, user id 1234567812345678,
// message "message digest".
const VECTOR = {
  publicKey:
    '04' +
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
    'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  signature:
    'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
    'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};

test('SM2 verifies the published GM/T 0003.5 signature and refuses altered ones', () => {
  assert.equal(sm2Verify('message digest', VECTOR.signature, VECTOR.publicKey), true);
  assert.equal(sm2Verify('message digesT', VECTOR.signature, VECTOR.publicKey), false);
  const flipped = VECTOR.signature.slice(0, -1) + 'B';
  assert.equal(sm2Verify('message digest', flipped, VECTOR.publicKey), false);
  const b64 = Buffer.from(VECTOR.signature, 'hex').toString('base64');
  assert.equal(sm2Verify('message digest', b64, VECTOR.publicKey), true, 'base64 r‖s is accepted');
  assert.equal(sm2Verify('message digest', 'not a signature', VECTOR.publicKey), false);
  assert.equal(sm2Verify('message digest', VECTOR.signature, '04abcd'), false);
});

test('SM2 sign/verify round trip over Chinese text, and another key does not verify', () => {
  const a = sm2KeyPair();
  const b = sm2KeyPair();
  const msg = '{"infno":"9001","opter_name":"张三"}';
  const sig = sm2Sign(msg, a.privateKey, a.publicKey);
  assert.ok(signatureHex(sig));
  assert.equal(sm2Verify(msg, sig, a.publicKey), true);
  assert.equal(sm2Verify(msg, sig, b.publicKey), false);
  assert.equal(sm2Verify(msg + ' ', sig, a.publicKey), false);
});
