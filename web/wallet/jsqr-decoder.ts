// The fallback QR decoder (jsQR) on a canvas: loaded only when the platform has no BarcodeDetector.
import jsQR from 'jsqr';

/** Larger frames are scaled down first: jsQR's time grows with the pixel count. */
const MAX_SIDE = 1280;

let canvas: OffscreenCanvas | HTMLCanvasElement | null = null;

function context(width: number, height: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
  canvas ??= typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
}

/** The text of the first QR code in a video frame or picture; null when none is found. */
export function decodeFrame(source: HTMLVideoElement | ImageBitmap): string | null {
  const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
  const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
  if (!width || !height) return null;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  const ctx = context(w, h);
  ctx.drawImage(source, 0, 0, w, h);
  const image = ctx.getImageData(0, 0, w, h);
  return jsQR(image.data, w, h, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}
