/**
 * Renders token text as a QR image (qrcode), and decodes a PNG back to text (pngjs + jsQR) for
 * tests and for a software terminal. Error correction M: 15% of the symbol may be damaged (phone
 * screen glare, cracks) while keeping the symbol at version 6 for a 153-character token.
 */
import QRCode from 'qrcode';
import { PNG } from 'pngjs';
// jsqr is CommonJS with `exports.default`; under NodeNext the default import is module.exports itself.
import jsQRModule from 'jsqr';
const jsQR = jsQRModule.default;

/** Quiet zone in modules: 4 is what ISO/IEC 18004 asks for; smaller zones fail on some scanners. */
export const QR_MARGIN = 4;
const QR_ERROR_CORRECTION = 'M' as const;

/** QR version (1-40) and side in modules that `text` renders to at level M. */
export function qrSize(text: string): { version: number; modules: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  return { version: qr.version, modules: qr.modules.size };
}

/** Renders token text as an SVG string and a PNG data URL (8 px per module). */
export async function renderQr(token: string): Promise<{ svg: string; pngDataUrl: string }> {
  const opts = { errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN } as const;
  const [svg, pngDataUrl] = await Promise.all([
    QRCode.toString(token, { ...opts, type: 'svg' }),
    QRCode.toDataURL(token, { ...opts, type: 'image/png', scale: 8 }),
  ]);
  return { svg, pngDataUrl };
}

/** Decodes the first QR code found in a PNG image. Throws Error when none is found. */
export function decodeQrPng(png: Buffer): string {
  const img = PNG.sync.read(png);
  const found = jsQR(
    new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    img.width,
    img.height,
  );
  if (!found) throw new Error('no QR code found in the image');
  return found.data;
}

/** The PNG bytes of a `data:image/png;base64,...` URL. */
export function pngFromDataUrl(dataUrl: string): Buffer {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) throw new TypeError('not a PNG data URL');
  return Buffer.from(dataUrl.slice(prefix.length), 'base64');
}
