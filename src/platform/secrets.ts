import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Encryption at rest for secrets the server must keep (QR signing keys): AES-256-GCM with the
 * installation's secret key. The key comes from YIBAO_SECRET_KEY (64 hex characters); outside production
 * a random one is created once under the data directory.
 */
export function loadSecretKey(opts: { envValue?: string; mode: string; dataDir: string }): Buffer {
  if (opts.envValue) {
    if (!/^[0-9a-fA-F]{64}$/.test(opts.envValue))
      throw new Error('YIBAO_SECRET_KEY must be 64 hex characters (32 bytes)');
    return Buffer.from(opts.envValue, 'hex');
  }
  if (opts.mode === 'production') throw new Error('YIBAO_SECRET_KEY must be set in production mode');
  const file = join(opts.dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function unseal(key: Buffer, sealed: string): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('sealed secret has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
