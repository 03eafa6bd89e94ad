/**
 * The verifier (/verify, lazy, no account needed): reads a QR code from the camera, a
 * picture or pasted text, checks it offline against the trust list and status list parts kept
 * on this device (downloaded when online; their age is shown, the status list's by its oldest
 * part), and gives one verdict in plain
 * words; for a valid code, only the fields the holder disclosed.
 *
 * Offline: this screen's chunks are cached by the service worker the first time they load
 * (sw.ts, cache-first for /assets/), and the fallback decoder's chunk is fetched at that
 * first visit too, so after one online visit the verifier works with no network.
 */
import '../wallet/wallet.css';
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { newCheckCode, type PresentationResult, type Verdict } from '../../shared/credential';
import { DocumentCard, docTypeName } from '../components/DocumentCard';
import { Screen } from '../components/Screen';
import { Notice } from '../components/Status';
import '../i18n/verifier';
import { formatAge, formatDate, formatDateTime, formatDuration, tw, type WalletMessageKey } from '../i18n/wallet';
import { useApp } from '../state';
import { hasPlatformDetector, loadFallbackDecoder } from '../wallet/qr-scan';
import { useQrCamera } from '../wallet/use-qr-camera';
import {
  checkQrText,
  FRESHNESS_S,
  loadLists,
  refreshLists,
  STATUS_MAX_AGE_S,
  statusAsOf,
  statusFreshness,
  statusTtlMs,
  TRUST_MAX_AGE_S,
  TRUST_WARN_AGE_S,
  trustFreshness,
  type VerifierLists,
} from '../wallet/verifier';

function ListsPanel({ lists, now, refreshing, onRefresh, online }: { lists: VerifierLists | null; now: number; refreshing: boolean; onRefresh(): void; online: boolean }) {
  const freshness = statusFreshness(lists, now);
  const statusCurrent = statusAsOf(lists);
  const trust = trustFreshness(lists, now);
  const max = formatDuration(STATUS_MAX_AGE_S * 1000);
  const trustMax = formatDuration(TRUST_MAX_AGE_S * 1000);
  return (
    <section class="card lists-panel" aria-labelledby="lists-h" data-testid="verifier-lists">
      <h2 id="lists-h">{tw('verify.lists')}</h2>
      <dl class="facts">
        <div>
          <dt>{tw('verify.trustList')}</dt>
          <dd data-testid="trust-age" data-freshness={trust}>{lists?.trust && lists.trustFetchedAt ? tw('verify.fetched', { age: formatAge(lists.trustFetchedAt, now) }) : tw('verify.missing')}</dd>
        </div>
        <div>
          <dt>{tw('verify.statusList')}</dt>
          <dd data-testid="status-age" data-freshness={freshness}>
            {statusCurrent !== null ? tw('verify.statusAsOf', { age: formatAge(statusCurrent, now) }) : tw('verify.missing')}
          </dd>
        </div>
      </dl>
      {!lists?.trust ? <p class="alert">{tw('verify.noTrust')}</p> : null}
      {trust === 'old' ? (
        <p class="warn" data-testid="trust-old">
          {tw('verify.trustOld', { age: formatDuration(TRUST_WARN_AGE_S * 1000), max: trustMax })}
        </p>
      ) : null}
      {trust === 'too_old' ? (
        <p class="alert" data-testid="trust-too-old">
          {tw('verify.trustTooOld', { max: trustMax })}
        </p>
      ) : null}
      {freshness === 'old' ? (
        <p class="warn" data-testid="status-old">
          {tw('verify.statusOld', { ttl: formatDuration(statusTtlMs(lists)), max })}
        </p>
      ) : null}
      {freshness === 'too_old' ? (
        <p class="alert" data-testid="status-too-old">
          {tw('verify.statusTooOld', { max })}
        </p>
      ) : null}
      {lists?.trust && freshness === 'missing' ? <p class="alert">{tw('verdict.status_unavailable.body')}</p> : null}
      {online ? (
        <button type="button" class="btn-link" onClick={onRefresh} disabled={refreshing} data-testid="lists-refresh">
          {refreshing ? tw('verify.refreshing') : tw('verify.refresh')}
        </button>
      ) : null}
    </section>
  );
}

/** A check code as it is read out: two groups of three digits. */
const grouped = (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`;

/**
 * The check code (FORMAT.md §5.1): six digits this verifier shows and the holder types on the
 * QR screen, so that a screenshot or a relayed picture made before it existed is refused.
 */
function CheckCodePanel({ code, onStart, onStop }: { code: string | null; onStart(): void; onStop(): void }) {
  return (
    <section class="card stack check-code-panel" aria-labelledby="check-code-h" data-testid="check-code-panel">
      <h2 id="check-code-h">{tw('verify.checkCode.title')}</h2>
      {code ? (
        <>
          <p class="check-code" data-testid="check-code" data-code={code} aria-label={tw('verify.checkCode.label', { code: code.split('').join(' ') })}>
            {grouped(code)}
          </p>
          <p>{tw('verify.checkCode.show')}</p>
          <button type="button" class="btn-link" onClick={onStop} data-testid="check-code-stop">
            {tw('verify.checkCode.stop')}
          </button>
        </>
      ) : (
        <>
          <p class="muted small">{tw('verify.checkCode.lead')}</p>
          <button type="button" class="btn btn-secondary" onClick={onStart} data-testid="check-code-start">
            {tw('verify.checkCode.start')}
          </button>
        </>
      )}
    </section>
  );
}

function Result({ result, focusRef, checkCode }: { result: PresentationResult; focusRef: Ref<HTMLDivElement>; checkCode: string | null }) {
  const verdict: Verdict = result.verdict;
  const ok = result.verdict === 'valid';
  return (
    <div class={ok ? 'verdict verdict-ok' : 'verdict verdict-bad'} data-testid="verdict" data-verdict={verdict} ref={focusRef} tabIndex={-1}>
      <p class="verdict-title">
        <span class="verdict-icon" aria-hidden="true">
          {ok ? '✓' : '✕'}
        </span>
        {tw(`verdict.${verdict}`)}
      </p>
      <p class="verdict-body">{tw(`verdict.${verdict}.body` as WalletMessageKey, { minutes: FRESHNESS_S / 60 })}</p>
      {result.verdict === 'valid' ? (
        <>
          <p class="verdict-meta">
            {tw('verify.document', { doc: docTypeName(result.docType), view: tw(`qr.view.${result.view}`) })}
            <br />
            {tw('verify.presentedAt', { time: formatDateTime(result.presentedAt) })}
            <br />
            {tw('wallet.copyExpires', { date: formatDate(result.expiresAt) })}
            <br />
            {tw('verify.issuer', { issuer: result.issuer, kid: result.kid })}
            {checkCode ? (
              <>
                <br />
                {tw('verify.checkCode.used', { code: grouped(checkCode) })}
              </>
            ) : null}
          </p>
        </>
      ) : null}
    </div>
  );
}

export default function Verify() {
  const app = useApp();
  const [lists, setLists] = useState<VerifierLists | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [refreshing, setRefreshing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<PresentationResult | null>(null);
  /** The check code on show (null: none asked for), and the one the last verdict was made with. */
  const [checkCode, setCheckCode] = useState<string | null>(null);
  const [checkedWith, setCheckedWith] = useState<string | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const online = app.online.value;

  const listsRef = useRef<VerifierLists | null>(null);
  const reload = async () => {
    const at = Date.now();
    const current = await loadLists(at);
    listsRef.current = current;
    setLists(current);
    setNow(at);
  };
  const refresh = async (quiet: boolean) => {
    setRefreshing(true);
    const ok = await refreshLists(Date.now());
    await reload();
    setRefreshing(false);
    if (!quiet) setNotice(ok ? tw('verify.refreshed') : tw('verify.refreshFailed'));
  };

  useEffect(() => {
    void reload().then(() => (navigator.onLine ? refresh(true) : undefined));
    // The fallback decoder is fetched now, while online, so the service worker keeps it for offline scans.
    void hasPlatformDetector().then((has) => (has ? undefined : loadFallbackDecoder().catch(() => undefined)));
    // Ages on screen stay current; online, a list past its ttl is fetched again in the background.
    const tick = setInterval(() => {
      const at = Date.now();
      setNow(at);
      const kept = listsRef.current;
      if (navigator.onLine && (statusFreshness(kept, at) !== 'fresh' || trustFreshness(kept, at) !== 'fresh')) void refresh(true);
    }, 15_000);
    return () => clearInterval(tick);
  }, []);

  const check = async (qr: string) => {
    setChecking(true);
    setResult(null);
    setNotice(null);
    try {
      // Always the current lists and clock: a list that aged past its limit stops counting.
      const at = Date.now();
      const current = await loadLists(at);
      listsRef.current = current;
      setLists(current);
      setNow(at);
      setResult(await checkQrText(qr, current, at, checkCode ?? undefined));
      setCheckedWith(checkCode);
    } catch {
      // The lists could not be read on this device (storage blocked or full): say so, never hang on "checking".
      setNotice(tw('verify.storageFailed'));
      return;
    } finally {
      setChecking(false);
    }
    requestAnimationFrame(() => {
      window.scrollTo(0, 0);
      resultRef.current?.focus({ preventScroll: true });
    });
  };

  const camera = useQrCamera({
    onText: (found) => {
      setText(found);
      void check(found);
    },
    onProblem: (problem) => setNotice(tw(problem === 'camera' ? 'verify.cameraFailed' : 'verify.noQrInImage')),
  });
  const { video, scanning } = camera;
  const stopCamera = camera.stop;
  const startCamera = async () => {
    setNotice(null);
    setResult(null);
    await camera.start();
  };

  const fromImage = async (file: File | undefined) => {
    if (!file) return;
    setNotice(tw('verify.readingImage'));
    setResult(null);
    if (await camera.readImage(file)) setNotice(null);
  };

  const again = () => {
    setResult(null);
    setText('');
    setNotice(null);
    // One code, one check: the next holder (or the same one again) gets a new code.
    if (checkCode) setCheckCode(newCheckCode());
  };

  const checkCodePanel = <CheckCodePanel code={checkCode} onStart={() => setCheckCode(newCheckCode())} onStop={() => setCheckCode(null)} />;
  return (
    <Screen title={tw('verify.title')}>
      {/* The verdict first: announced when it appears (polite), and focused for keyboard users. */}
      <div class="verify-result" aria-live="polite" aria-atomic="true">
        {result ? <Result result={result} focusRef={resultRef} checkCode={checkedWith} /> : null}
      </div>
      {result ? (
        <section class="stack" aria-label={tw('verify.result')}>
          {result.verdict === 'valid' ? (
            <>
              <h2 class="shared-title">{tw('verify.shared')}</h2>
              <p class="muted small">{tw('verify.onlyShared')}</p>
              <DocumentCard docType={result.docType} view={result.view} data={result.claims as Record<string, unknown>} portrait={false} />
            </>
          ) : null}
          <button type="button" class="btn btn-primary" onClick={again} data-testid="verify-again">
            {tw('verify.again')}
          </button>
        </section>
      ) : (
        <>
          <p>{tw('verify.lead')}</p>
          {/* Shown above the scanner while a code is in use (it is read out first); otherwise an option below it. */}
          {checkCode ? checkCodePanel : null}
          <section class="card stack" aria-label={tw('verify.title')}>
            <div class="scan-frame" hidden={!scanning}>
              <video ref={video} class="scan-video" muted playsInline aria-label={tw('verify.scanning')} />
              <p class="muted">{tw('verify.scanning')}</p>
              <button type="button" class="btn btn-secondary" onClick={stopCamera}>
                {tw('verify.stopScan')}
              </button>
            </div>
            {scanning ? null : (
              <button type="button" class="btn btn-primary" onClick={() => void startCamera()} data-testid="scan-camera">
                {tw('verify.scan')}
              </button>
            )}
            <label class="btn btn-secondary file-button">
              {tw('verify.image')}
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
            <form
              class="stack"
              onSubmit={(e) => {
                e.preventDefault();
                if (text.trim()) void check(text);
              }}
            >
              <div class="field">
                <label for="qr-text">{tw('verify.paste')}</label>
                <p id="qr-text-hint" class="hint">
                  {tw('verify.pasteHint')}
                </p>
                <textarea
                  id="qr-text"
                  class="qr-textarea"
                  rows={3}
                  spellcheck={false}
                  autoCapitalize="characters"
                  value={text}
                  onInput={(e) => setText(e.currentTarget.value)}
                  aria-describedby="qr-text-hint"
                  data-testid="qr-text"
                />
              </div>
              <button type="submit" class="btn btn-secondary" disabled={checking || !text.trim()} data-testid="qr-check">
                {checking ? tw('verify.checking') : tw('verify.check')}
              </button>
            </form>
          </section>
          {checkCode ? null : checkCodePanel}
        </>
      )}
      <Notice message={notice} />
      <ListsPanel lists={lists} now={now} refreshing={refreshing} onRefresh={() => void refresh(false)} online={online} />
    </Screen>
  );
}
