/**
 * Reads QR codes from camera frames and pictures: the platform's BarcodeDetector where it
 * exists (Android Chrome, macOS, ChromeOS), else jsQR, loaded on demand in its own chunk.
 */

interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** Something that can be read for a QR code. */
export type ScanSource = HTMLVideoElement | ImageBitmap;
export type QrReader = (source: ScanSource) => Promise<string | null>;

async function platformDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return null;
    return new Detector({ formats: ['qr_code'] });
  } catch {
    return null;
  }
}

/** Whether this browser reads QR codes itself (no decoder to download). */
export async function hasPlatformDetector(): Promise<boolean> {
  return (await platformDetector()) !== null;
}

/** Loads the fallback decoder's chunk (so it is in the service worker's cache for offline use). */
export function loadFallbackDecoder() {
  return import('./jsqr-decoder');
}

export async function createQrReader(): Promise<QrReader> {
  const detector = await platformDetector();
  if (detector) {
    return async (source) => {
      try {
        return (await detector.detect(source))[0]?.rawValue ?? null;
      } catch {
        return null;
      }
    };
  }
  const { decodeFrame } = await loadFallbackDecoder();
  return async (source) => decodeFrame(source);
}
