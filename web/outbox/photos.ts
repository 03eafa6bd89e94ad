/**
 * Photos are resized on the phone before they are kept or sent: long side at most 1280 px,
 * re-encoded as JPEG (which also drops the EXIF block, and with it the camera's GPS
 * position, which the citizen did not choose to share). A cheap phone's 12-megapixel photo
 * (4–6 MB) becomes 150–400 KB: it fits the outbox and a slow connection.
 */
import { MAX_PHOTO_BYTES, PHOTO_MAX_SIDE } from '../../shared/services-wire';

/** The target size of a photo: the long side scaled down to `max`, never up. */
export function fitWithin(width: number, height: number, max = PHOTO_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function canvasToJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality));
}

/** Resizes one picked photo to a JPEG Blob; throws when the file is not an image the browser can read. */
export async function resizePhoto(file: Blob): Promise<Blob> {
  // imageOrientation: the EXIF rotation is applied before it is dropped, so the photo stays upright.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.fillStyle = '#fff'; // transparent PNGs become white, not black
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    for (const quality of [0.82, 0.7, 0.55, 0.4]) {
      const blob = await canvasToJpeg(canvas, quality);
      if (blob.size <= MAX_PHOTO_BYTES) return blob;
    }
    throw new Error('photo too large');
  } finally {
    bitmap.close();
  }
}
