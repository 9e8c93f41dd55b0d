/** Reads QR codes from pixels (camera frames, uploaded or pasted images) with jsQR, in the browser. */
import jsQR from 'jsqr';

/** The text of the QR code in the picture, or null when there is none it can read. */
function decodePixels(image: ImageData): string | null {
  const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  return code?.data ? code.data : null;
}

/** Draws `source` into `canvas` (scaled down to at most `maxSide` pixels) and decodes it. */
export function decodeDrawable(
  canvas: HTMLCanvasElement,
  source: CanvasImageSource,
  width: number,
  height: number,
  maxSide = 1024,
): string | null {
  if (!width || !height) return null;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return decodePixels(ctx.getImageData(0, 0, canvas.width, canvas.height));
}

/** Decodes the QR code in an image file (an upload, or an image pasted from the clipboard). */
export async function decodeImageFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return decodeDrawable(document.createElement('canvas'), bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
