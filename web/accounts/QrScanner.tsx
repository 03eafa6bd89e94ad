/**
 * Reads one QR code for the account screens, with the verifier's reader (web/wallet/qr-scan.ts:
 * BarcodeDetector where the platform has it, else jsQR in its own chunk): the camera, or a
 * picture of the code. Loaded only when the citizen taps "scan". It hands back the raw text;
 * the screen decides whether it is what it expects.
 */
import '../wallet/wallet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Notice } from '../components/Status';
import { ta } from '../i18n/accounts';
import { createQrReader, type QrReader } from '../wallet/qr-scan';

/** Camera frames are read this often (ms), as in the verifier: enough for a held-up phone, light on a cheap CPU. */
const SCAN_INTERVAL_MS = 250;

let reader: Promise<QrReader> | null = null;
function qrReader(): Promise<QrReader> {
  reader ??= createQrReader().catch((err: unknown) => {
    reader = null;
    throw err;
  });
  return reader;
}

export default function QrScanner({ onText, onClose, notice }: { onText: (text: string) => void; onClose: () => void; notice?: string | null }) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [scanning, setScanning] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  function stopCamera(): void {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    setScanning(false);
  }

  const startCamera = async () => {
    setMessage(null);
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
          stopCamera();
          onText(found);
        } else if (stream.current) {
          setTimeout(() => void loop(), SCAN_INTERVAL_MS);
        }
      };
      void loop();
    } catch {
      stopCamera();
      setMessage(ta('scan.cameraFailed'));
    }
  };

  // The camera opens with the scanner (the tap on "scan" was the request); it stops when the scanner closes.
  useEffect(() => {
    void startCamera();
    return stopCamera;
  }, []);

  const fromImage = async (file: File | undefined) => {
    if (!file) return;
    setMessage(ta('scan.reading'));
    try {
      const bitmap = await createImageBitmap(file);
      const found = await (await qrReader())(bitmap);
      bitmap.close();
      if (!found) {
        setMessage(ta('scan.noQr'));
        return;
      }
      setMessage(null);
      stopCamera();
      onText(found);
    } catch {
      setMessage(ta('scan.noQr'));
    }
  };

  return (
    <section class="card stack" aria-label={ta('scan.title')} data-testid="qr-scanner">
      <div class="scan-frame" hidden={!scanning}>
        <video ref={video} class="scan-video" muted playsInline aria-label={ta('scan.scanning')} />
        <p class="muted">{ta('scan.scanning')}</p>
      </div>
      <Notice message={notice ?? message} />
      <label class="btn btn-secondary file-button">
        {ta('scan.image')}
        <input
          type="file"
          accept="image/*"
          class="visually-hidden"
          data-testid="scan-image"
          onChange={(e) => {
            const input = e.currentTarget;
            void fromImage(input.files?.[0]).finally(() => (input.value = ''));
          }}
        />
      </label>
      {scanning ? null : (
        <button type="button" class="btn-link" onClick={() => void startCamera()} data-testid="scan-retry">
          {ta('scan.retry')}
        </button>
      )}
      <button
        type="button"
        class="btn-link"
        onClick={() => {
          stopCamera();
          onClose();
        }}
        data-testid="scan-close"
      >
        {ta('scan.close')}
      </button>
    </section>
  );
}
