import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import { KeyRing, generateSigningKey } from './keyring.ts';
import { decodeQrPng, pngFromDataUrl, qrSize, renderQr, QR_MARGIN } from './render.ts';
import { TOKEN_LAYOUT, TOKEN_PREFIX, issueToken } from './token.ts';
import { base45Decode, base45Encode } from './base45.ts';
import { createVerifier } from './verifier.ts';
import { QrTokenBadSignature } from './errors.ts';

const T0 = new Date('2026-03-01T08:00:00Z');
const ring = new KeyRing([generateSigningKey(undefined, T0)]);
const verifier = createVerifier(JSON.stringify(ring.toJwks(T0)));

void describe('QR rendering', () => {
  void test('render to PNG, scan with jsQR, verify: accepted, claims intact', async () => {
    for (let i = 0; i < 5; i++) {
      const ecardId = randomUUID();
      const issued = issueToken(ring, { ecardId, now: T0 });
      const { pngDataUrl } = await renderQr(issued.token);
      const scanned = decodeQrPng(pngFromDataUrl(pngDataUrl));
      assert.equal(scanned, issued.token);
      const claims = verifier.verify(scanned, T0);
      assert.equal(claims.ecardId, ecardId);
      assert.equal(claims.nonce, issued.nonce);
    }
  });

  void test('SVG covers the symbol plus the quiet zone', async () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    const { svg } = await renderQr(token);
    const { modules } = qrSize(token);
    const side = modules + 2 * QR_MARGIN;
    assert.match(svg, /^<svg /);
    assert.ok(svg.includes(`viewBox="0 0 ${side} ${side}"`), svg.slice(0, 200));
  });

  void test('a QR code of a forged token scans but does not verify', async () => {
    const { token } = issueToken(ring, { ecardId: randomUUID(), now: T0 });
    // Another card's id in place of the real one: a person trying to pay with someone else's card.
    const bytes = Buffer.from(base45Decode(token.slice(TOKEN_PREFIX.length)));
    bytes[TOKEN_LAYOUT.ecardId.offset] = (bytes[TOKEN_LAYOUT.ecardId.offset] as number) ^ 0xff;
    const forged = TOKEN_PREFIX + base45Encode(bytes);
    const scanned = decodeQrPng(pngFromDataUrl((await renderQr(forged)).pngDataUrl));
    assert.equal(scanned, forged);
    assert.throws(() => verifier.verify(scanned, T0), QrTokenBadSignature);
  });

  void test('an image without a QR code is refused', () => {
    const png = new PNG({ width: 64, height: 64 });
    png.data.fill(255);
    assert.throws(() => decodeQrPng(PNG.sync.write(png)), /no QR code/);
    assert.throws(() => pngFromDataUrl('data:image/jpeg;base64,AAAA'), TypeError);
  });
});
