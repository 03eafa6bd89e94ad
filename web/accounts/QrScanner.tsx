/**
 * Reads one QR code for the account screens, with the verifier's reader (web/wallet/qr-scan.ts:
 * BarcodeDetector where the platform has it, else jsQR in its own chunk): the camera, or a
 * picture of the code. Loaded only when the citizen taps "scan". It hands back the raw text;
 * the screen decides whether it is what it expects.
 */
import '../wallet/wallet.css';
import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../components/Status';
import { ta } from '../i18n/accounts';
import { useQrCamera } from '../wallet/use-qr-camera';

export default function QrScanner({ onText, onClose, notice }: { onText: (text: string) => void; onClose: () => void; notice?: string | null }) {
  const [message, setMessage] = useState<string | null>(null);
  const camera = useQrCamera({
    onText: (text) => {
      setMessage(null);
      onText(text);
    },
    onProblem: (problem) => setMessage(ta(problem === 'camera' ? 'scan.cameraFailed' : 'scan.noQr')),
  });
  const startCamera = () => {
    setMessage(null);
    void camera.start();
  };
  const stopCamera = camera.stop;
  const scanning = camera.scanning;
  const video = camera.video;

  // The camera opens with the scanner (the tap on "scan" was the request); it stops when the scanner closes.
  useEffect(() => startCamera(), []);

  const fromImage = async (file: File | undefined) => {
    if (!file) return;
    setMessage(ta('scan.reading'));
    await camera.readImage(file);
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
        <button type="button" class="btn-link" onClick={startCamera} data-testid="scan-retry">
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
