/**
 * The national interface's SM (ShangMi) cryptography: SM3 hashes and SM4 encryption from Node's OpenSSL,
 * SM2 signatures (SM3withSM2, GB/T 32918) from the `sm-crypto` package. Pure; no I/O.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';

const { sm2 } = smCrypto;

/** SM3 (GB/T 32905) of a UTF-8 string or bytes, lower-case hex. */
export function sm3Hex(data: string | Buffer): string {
  return createHash('sm3').update(data).digest('hex');
}

const SM4_KEY = /^[0-9a-fA-F]{32}$/;

/** A fresh random SM4 key: 16 bytes as 32 hex characters. */
export function newSm4Key(): string {
  return randomBytes(16).toString('hex');
}

export function isSm4Key(key: string): boolean {
  return SM4_KEY.test(key);
}

/** SM4 (GB/T 32907) in ECB mode with PKCS#7 padding: UTF-8 text in, upper-case hex out. */
export function sm4EncryptHex(keyHex: string, plaintext: string): string {
  if (!isSm4Key(keyHex)) throw new TypeError('An SM4 key is 32 hex characters');
  const c = createCipheriv('sm4-ecb', Buffer.from(keyHex, 'hex'), null);
  return Buffer.concat([c.update(plaintext, 'utf8'), c.final()])
    .toString('hex')
    .toUpperCase();
}

/** The inverse of `sm4EncryptHex`; throws on a wrong key, bad padding or non-hex input. */
export function sm4DecryptHex(keyHex: string, cipherHex: string): string {
  if (!isSm4Key(keyHex)) throw new TypeError('An SM4 key is 32 hex characters');
  if (!/^(?:[0-9a-fA-F]{32})+$/.test(cipherHex)) throw new TypeError('SM4 ciphertext is hex of whole blocks');
  const d = createDecipheriv('sm4-ecb', Buffer.from(keyHex, 'hex'), null);
  return Buffer.concat([d.update(Buffer.from(cipherHex, 'hex')), d.final()]).toString('utf8');
}

/** One raw SM4 block (no padding): for the GB/T 32907 test vector. */
export function sm4EncryptBlock(keyHex: string, blockHex: string): string {
  const c = createCipheriv('sm4-ecb', Buffer.from(keyHex, 'hex'), null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.from(blockHex, 'hex')), c.final()]).toString('hex');
}

/** An uncompressed SM2 public key: `04` + x (32 bytes) + y (32 bytes), hex. */
export const SM2_PUBLIC_KEY = /^04[0-9a-fA-F]{128}$/;

/**
 * An SM2 signature as the interface carries it: 64 bytes r‖s, as 128 hex characters or as base64.
 * Returns lower-case hex, or null when it is neither.
 */
export function signatureHex(signature: string): string | null {
  if (/^[0-9a-fA-F]{128}$/.test(signature)) return signature.toLowerCase();
  if (/^[A-Za-z0-9+/]{86}==$/.test(signature)) {
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.length === 64) return bytes.toString('hex');
  }
  return null;
}

/**
 * Verifies an SM3withSM2 signature over the UTF-8 bytes of `message` with the default user id
 * `1234567812345678` (GB/T 35276): Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA), e = SM3(Z‖M).
 */
export function sm2Verify(message: string, signature: string, publicKeyHex: string): boolean {
  const sig = signatureHex(signature);
  if (!sig || !SM2_PUBLIC_KEY.test(publicKeyHex)) return false;
  try {
    return sm2.doVerifySignature(message, sig, publicKeyHex.toLowerCase(), { hash: true });
  } catch {
    return false;
  }
}

/** Signs as an HIS does (SM3withSM2, default user id): r‖s hex. For tests and the docs' example. */
export function sm2Sign(message: string, privateKeyHex: string, publicKeyHex?: string): string {
  return sm2.doSignature(message, privateKeyHex, { hash: true, publicKey: publicKeyHex });
}

export function sm2KeyPair(): { privateKey: string; publicKey: string } {
  return sm2.generateKeyPairHex();
}
