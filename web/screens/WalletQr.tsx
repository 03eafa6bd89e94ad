/**
 * Showing a document as a QR code (its own lazy chunk, with lean-qr; precached with the
 * wallet, fetched while the passcode is typed). The citizen picks how much to share (the views
 * the issuer signed); the device key signs a new presentation every REFRESH_S seconds, so the
 * code on screen is always fresh and a screenshot of it stops verifying after the freshness
 * window. No network is used.
 */
import '../wallet/wallet.css';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { WalletDocument } from '../../shared/api';
import { fromBase64Url } from '../../shared/bytes';
import { checkCodeNonce, createPresentation, DOCUMENT_TYPES, isCheckCode, QR_PREFIX_COMPRESSED, viewFields, type Compression, type View } from '../../shared/credential';
import { docTypeName, fieldLabel } from '../components/DocumentCard';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import '../i18n/documents';
import { tw, type WalletMessageKey } from '../i18n/wallet';
import type { StoredDeviceKey } from '../wallet/db';
import { getDeviceKey } from '../wallet/device-key';
import { drawQr, warmUpQr } from '../wallet/qr-code';
import { wallet } from '../wallet/session';
import { FRESHNESS_S } from '../wallet/verifier';

/** A new code this often (seconds); each stays valid FRESHNESS_S (120 s) at the verifier. */
export const REFRESH_S = 10;
/** Least sharing first: what a hotel desk or a shop needs is usually less than everything. */
const VIEW_ORDER: readonly View[] = ['basic', 'full', 'age_over_18'];

interface WakeLockSentinelLike {
  release(): Promise<void>;
}

/** Keeps the screen on while a code is shown (where the Screen Wake Lock API exists). */
function useWakeLock(): void {
  useEffect(() => {
    const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } }).wakeLock;
    if (!wakeLock) return;
    let sentinel: WakeLockSentinelLike | null = null;
    let live = true;
    const acquire = () => {
      if (document.visibilityState !== 'visible') return;
      wakeLock.request('screen').then(
        (s) => (live ? (sentinel = s) : void s.release()),
        () => undefined,
      );
    };
    acquire();
    document.addEventListener('visibilitychange', acquire);
    return () => {
      live = false;
      document.removeEventListener('visibilitychange', acquire);
      void sentinel?.release();
    };
  }, []);
}

let firstDrawMarked = false;

/** A failure the citizen is told about in words (never an exception's own English text). */
class QrProblem extends Error {
  constructor(readonly key: WalletMessageKey) {
    super(key);
  }
}

function problemText(err: unknown): string {
  return tw('qr.failed', { reason: tw(err instanceof QrProblem ? err.key : 'qr.tryAgain') });
}

/**
 * The device key, read while the passcode is typed (this chunk is fetched then) rather than
 * after the wallet opens: the first screen takes it, later ones read it again.
 */
let earlyKey: Promise<StoredDeviceKey | null> | null = getDeviceKey().catch(() => null);
function deviceKey(): Promise<StoredDeviceKey | null> {
  const key = earlyKey ?? getDeviceKey().catch(() => null);
  earlyKey = null;
  return key;
}

// The first QR a page draws runs lean-qr's code cold (≈ 100 ms at 4× CPU, most of the time to
// the code); a throwaway one drawn while the passcode is typed makes that run warm. Not once the
// passcode is being checked: then the real code is next, and this would only delay it.
setTimeout(() => {
  if (wallet.status.peek() === 'locked' && !wallet.opening.peek()) warmUpQr();
}, 0);

export default function WalletQr({ doc }: { doc: WalletDocument }) {
  const views = VIEW_ORDER.filter((v) => (DOCUMENT_TYPES[doc.docType].views as readonly View[]).includes(v) && doc.credentials[v]);
  const [view, setView] = useState<View>(views[0] ?? 'full');
  const [text, setText] = useState<string | null>(null);
  const [secondsLeft, setSecondsLeft] = useState(REFRESH_S);
  const [error, setError] = useState<string | null>(null);
  /** What is typed in the check-code field, and the code the presentations carry (six digits, FORMAT.md §5.1). */
  const [typed, setTyped] = useState('');
  const checkCode = isCheckCode(typed) ? typed : null;
  const canvas = useRef<HTMLCanvasElement>(null);
  useWakeLock();

  // A layout effect: the signing starts before the first paint, not after it.
  useLayoutEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setInterval> | undefined;
    const credential = fromBase64Url(doc.credentials[view] ?? '');
    const nonce = checkCode ? checkCodeNonce(checkCode) : undefined;
    /**
     * Compressed or not is decided once, on the first code ('auto' compares both): later codes
     * differ only in their time and signature, so the answer stays the same, and the deflate is
     * not run again every REFRESH_S seconds.
     */
    let compression: Compression = 'auto';
    // Another view chosen: the code of the one before must not stay on screen under the new choice.
    setText(null);
    setError(null);
    const run = async () => {
      const key = await deviceKey();
      if (!key) throw new QrProblem('qr.noDeviceKey');
      if (!credential) throw new QrProblem('qr.noCredential');
      const present = async () => {
        const next = await createPresentation({ credential, devicePrivateKey: key.keyPair.privateKey, now: Date.now(), compression, ...(nonce ? { nonce } : {}) });
        compression = next.startsWith(QR_PREFIX_COMPRESSED) ? 'always' : 'never';
        if (!live) return;
        if (canvas.current) drawQr(canvas.current, next);
        setText(next);
        setSecondsLeft(REFRESH_S);
        if (!firstDrawMarked) {
          // For the cold-start benchmark (tests/bench): navigation → first code on screen.
          performance.mark('vneid:qr-drawn');
          firstDrawMarked = true;
        }
      };
      await present();
      let left = REFRESH_S;
      timer = setInterval(() => {
        left -= 1;
        if (left <= 0) {
          left = REFRESH_S;
          void present().catch((err: unknown) => live && setError(problemText(err)));
        } else if (live) {
          setSecondsLeft(left);
        }
      }, 1000);
    };
    run().catch((err: unknown) => live && setError(problemText(err)));
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [doc.id, view, checkCode]);

  const name = docTypeName(doc.docType);
  const shared = viewFields(doc.docType, view).map(fieldLabel).join(', ');
  return (
    <Screen title={tw('qr.title')} heading={name}>
      {views.length > 1 ? (
        <fieldset class="view-choice">
          <legend>{tw('qr.view')}</legend>
          <div class="segmented">
            {views.map((v) => (
              <label class={v === view ? 'segment segment-on' : 'segment'} key={v}>
                <input type="radio" class="visually-hidden" name="qr-view" value={v} checked={v === view} onChange={() => setView(v)} data-testid={`qr-view-${v}`} />
                {tw(`qr.view.${v}`)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <p class="view-hint">{tw(`qr.viewHint.${view}`)}</p>
      <div class="qr-frame">
        <canvas
          ref={canvas}
          class={text ? 'qr-canvas' : 'qr-canvas qr-canvas-empty'}
          role="img"
          aria-label={tw('qr.alt', { doc: name, view: tw(`qr.view.${view}`) })}
          data-testid="qr-code"
          data-view={view}
          data-qr-text={text ?? ''}
        />
        {text || error ? null : <p class="qr-preparing">{tw('qr.preparing')}</p>}
      </div>
      <ErrorAlert message={error} testId="qr-error" />
      {/* Hidden, not removed, while there is no code: the page does not jump when it comes. */}
      <div class={text ? 'qr-timer' : 'qr-timer qr-timer-idle'} role="timer" aria-live="off" data-testid="qr-countdown">
        <span>{tw('qr.refreshIn', { seconds: secondsLeft })}</span>
        <progress max={REFRESH_S} value={secondsLeft} aria-hidden="true" />
      </div>
      {checkCode ? (
        <div class="check-code-on" data-testid="qr-check-code-on">
          <p>{tw('qr.checkCodeOn', { code: `${checkCode.slice(0, 3)} ${checkCode.slice(3)}` })}</p>
          <button type="button" class="btn-link" onClick={() => setTyped('')} data-testid="qr-check-code-clear">
            {tw('qr.checkCodeClear')}
          </button>
        </div>
      ) : (
        <div class="field">
          <label for="qr-check-code">{tw('qr.checkCode')}</label>
          <p id="qr-check-code-hint" class="hint">
            {tw('qr.checkCodeHint')}
          </p>
          <input
            id="qr-check-code"
            class="check-code-input"
            inputMode="numeric"
            autoComplete="off"
            pattern="[0-9]{6}"
            value={typed}
            // Digits only: a space or a dash typed while copying "482 915" is dropped.
            onInput={(e) => setTyped(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
            aria-describedby="qr-check-code-hint"
            data-testid="qr-check-code"
          />
        </div>
      )}
      <p class="qr-shares">{tw('qr.shares', { fields: shared })}</p>
      <ul class="qr-hints">
        <li>{tw('qr.brightness')}</li>
        <li>{tw('qr.validity', { minutes: FRESHNESS_S / 60 })}</li>
      </ul>
      <a class="tap back-link" href={`/wallet/${encodeURIComponent(doc.id)}`}>
        <span aria-hidden="true" class="back-arrow">
          ‹
        </span>
        {name}
      </a>
    </Screen>
  );
}
