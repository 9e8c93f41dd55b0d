import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecretKey, seal, unseal } from './secrets.ts';

test('sealed secrets open with the same key only, and tampering is detected', () => {
  const key = randomBytes(32);
  const sealed = seal(key, '-----BEGIN PRIVATE KEY-----abc');
  assert.notEqual(sealed, seal(key, '-----BEGIN PRIVATE KEY-----abc'), 'a fresh IV every time');
  assert.equal(unseal(key, sealed), '-----BEGIN PRIVATE KEY-----abc');
  assert.throws(() => unseal(randomBytes(32), sealed));
  const parts = sealed.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[0] = ct[0]! ^ 1;
  assert.throws(() => unseal(key, [parts[0], parts[1], parts[2], ct.toString('base64url')].join('.')));
});

test('the secret key: from the environment, refused in production when missing, else created once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-secret-'));
  assert.equal(
    loadSecretKey({ envValue: 'ab'.repeat(32), mode: 'production', dataDir: dir }).toString('hex'),
    'ab'.repeat(32),
  );
  assert.throws(() => loadSecretKey({ envValue: 'xyz', mode: 'demo', dataDir: dir }), /64 hex/);
  assert.throws(() => loadSecretKey({ mode: 'production', dataDir: dir }), /must be set/);
  const first = loadSecretKey({ mode: 'demo', dataDir: dir });
  assert.deepEqual(loadSecretKey({ mode: 'demo', dataDir: dir }), first, 'kept across restarts');
});
