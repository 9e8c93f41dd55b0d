/**
 * Micro-benchmark of the QR token: issue and verify through the public API, beside raw Ed25519
 * sign/verify of the same 35-byte payload on the same machine. The ratio shows what the codec
 * (Base45, field packing, checks) costs on top of the cryptography.
 *
 *   node bin/run-ts.mjs bench/qr.ts [seconds]
 */
import { randomUUID, sign, verify } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KeyRing, generateSigningKey } from '../src/qr/keyring.ts';
import { SIGNED_LENGTH, decodeToken, issueToken } from '../src/qr/token.ts';
import { createVerifier } from '../src/qr/verifier.ts';

export interface QrBenchOptions {
  /** Total wall time over the four measurements, in milliseconds. Default 4000. */
  durationMs?: number;
}

export interface QrBenchResult {
  issuePerSec: number;
  verifyPerSec: number;
  rawSignPerSec: number;
  rawVerifyPerSec: number;
}

/** Runs `fn` in batches until `ms` have passed (after a short warm-up); returns operations per second. */
function rate(ms: number, fn: () => void): number {
  for (let i = 0; i < 200; i++) fn();
  const batch = 256;
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < limit) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

/** Measures issue/verify through the API and raw Ed25519 sign/verify; each gets a quarter of `durationMs`. */
export function runQrBench(opts: QrBenchOptions = {}): QrBenchResult {
  const slice = (opts.durationMs ?? 4000) / 4;
  const now = new Date();
  const ring = new KeyRing([generateSigningKey(undefined, new Date(now.getTime() - 1000))]);
  const verifier = createVerifier(JSON.stringify(ring.toJwks(now)));
  const ecardId = randomUUID();
  const { token } = issueToken(ring, { ecardId, now });
  const { signedBytes, signature } = decodeToken(token);
  const { privateKey } = ring.signingKey(now);
  const publicKey = ring.verificationKey(decodeToken(token).kid, now);
  if (!publicKey || signedBytes.length !== SIGNED_LENGTH) throw new Error('bench setup failed');

  // A sink the optimiser cannot see through, so no loop body is dropped as dead code.
  let sink = 0;
  const issuePerSec = rate(slice, () => {
    sink += issueToken(ring, { ecardId, now }).token.length;
  });
  const verifyPerSec = rate(slice, () => {
    sink += verifier.verify(token, now).ttlSeconds;
  });
  const rawSignPerSec = rate(slice, () => {
    sink += sign(null, signedBytes, privateKey).length;
  });
  const rawVerifyPerSec = rate(slice, () => {
    if (verify(null, signedBytes, publicKey, signature)) sink++;
  });
  if (sink === 0) throw new Error('unreachable');
  return { issuePerSec, verifyPerSec, rawSignPerSec, rawVerifyPerSec };
}

/** The result as a small text table. */
export function formatQrBench(r: QrBenchResult): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`.padStart(7);
  return [
    'QR token (Ed25519, 35-byte payload)  API ops/s  raw ops/s  API/raw',
    `  sign   (issueToken)                ${fmt(r.issuePerSec)} ${fmt(r.rawSignPerSec)} ${pct(r.issuePerSec, r.rawSignPerSec)}`,
    `  verify (verifier.verify)           ${fmt(r.verifyPerSec)} ${fmt(r.rawVerifyPerSec)} ${pct(r.verifyPerSec, r.rawVerifyPerSec)}`,
  ].join('\n');
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const seconds = Number(process.argv[2] ?? 4);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${seconds} s`);
  console.log(formatQrBench(runQrBench({ durationMs: seconds * 1000 })));
}
