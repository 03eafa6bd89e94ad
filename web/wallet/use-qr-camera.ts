/**
 * Reading a QR code from the camera or from a picture, for the screens that scan one (the
 * verifier, the old phone approving a device change). The reader is web/wallet/qr-scan.ts:
 * the platform's BarcodeDetector where there is one, else jsQR in its own chunk, made once.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { createQrReader, type QrReader } from './qr-scan';

/** Camera frames are read this often (ms): enough for a held-up phone, light on a cheap CPU. */
const SCAN_INTERVAL_MS = 250;

let reader: Promise<QrReader> | null = null;
/** The one reader of the page, made on first use (a failed attempt is not kept). */
export function qrReader(): Promise<QrReader> {
  reader ??= createQrReader().catch((err: unknown) => {
    reader = null;
    throw err;
  });
  return reader;
}

/** What went wrong, for the screen to say in its own words. */
export type QrCameraProblem = 'camera' | 'no_qr';

/**
 * The camera's state and actions. `onText` gets the text of the first code found (the
 * camera stops first); `onProblem` says why nothing was read. The camera stops when the
 * component goes.
 */
export function useQrCamera(opts: { onText: (text: string) => void; onProblem: (problem: QrCameraProblem) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [scanning, setScanning] = useState(false);
  // The latest callbacks, so a scan loop started earlier reports to the current screen state.
  const handlers = useRef(opts);
  handlers.current = opts;

  const stop = (): void => {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    setScanning(false);
  };

  const start = async (): Promise<void> => {
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
      const media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      stream.current = media;
      setScanning(true);
      const read = await qrReader();
      const el = video.current;
      if (!el) throw new Error('no video element');
      el.srcObject = media;
      await el.play();
      const loop = async () => {
        if (!stream.current) return;
        const found = el.readyState >= 2 ? await read(el) : null;
        if (found) {
          stop();
          handlers.current.onText(found);
        } else if (stream.current) {
          setTimeout(() => void loop(), SCAN_INTERVAL_MS);
        }
      };
      void loop();
    } catch {
      stop();
      handlers.current.onProblem('camera');
    }
  };

  /** Reads the code in a picture; false when there is none (onProblem has been told). */
  const readImage = async (file: File | undefined): Promise<boolean> => {
    if (!file) return false;
    try {
      const bitmap = await createImageBitmap(file);
      const found = await (await qrReader())(bitmap);
      bitmap.close();
      if (!found) {
        handlers.current.onProblem('no_qr');
        return false;
      }
      stop();
      handlers.current.onText(found);
      return true;
    } catch {
      handlers.current.onProblem('no_qr');
      return false;
    }
  };

  useEffect(() => stop, []);

  return { video, scanning, start, stop, readImage };
}
