/**
 * On the old phone (signed in): scan the QR the new phone shows (the app's scanner, or the
 * phone's camera app opening the link), or type its code; see what is asked (which device,
 * when), and approve with a fresh passkey assertion and this phone's device key — or refuse,
 * which cancels the request. Opened from the link while signed out, it signs in first and
 * keeps the code.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as v from 'valibot';
import { ApprovalCode, type DeviceChangeLookupResponse } from '../../shared/accounts';
import { accountsApi } from '../accounts/api';
import { APPROVE_PATH, codeFromQuery, codeFromScan } from '../accounts/approval-link';
import { assertWithDevice } from '../accounts/ceremonies';
import '../accounts/accounts.css';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { formatWhen, ta } from '../i18n/accounts';
import { lazy, navigate, search } from '../router';
import { useApp } from '../state';
import { prepareSignIn, signInWithPasskey, type SignInPreparation } from '../wallet/passkey';

// The camera scanner and its decoder load on the tap, never with this screen.
const QrScanner = lazy(() => import('../accounts/QrScanner'));

/** Signed out (a link opened by the camera app, or a session that expired): sign in here, then go on. */
function SignInFirst() {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const prepared = useRef<SignInPreparation | null>(null);
  const prepare = () => {
    void prepareSignIn().then((r) => {
      prepared.current = r.ok ? r.data : null;
    });
  };
  useEffect(prepare, []);
  const signIn = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const ready = prepared.current;
    prepared.current = null;
    const result = await signInWithPasskey(ready);
    if (result.ok) {
      await app.setSignedIn(result.data);
      return;
    }
    setBusy(false);
    setError(result.error);
    prepare();
  };
  return (
    <div class="stack" data-testid="ap-signin">
      <p>{ta('ap.signInFirst')}</p>
      <ErrorAlert message={error ? errorText(error) : null} testId="ap-signin-error" />
      <button type="button" class="btn btn-primary" onClick={() => void signIn()} disabled={busy}>
        {busy ? t('signIn.working') : t('signIn.button')}
      </button>
    </div>
  );
}

export default function ApproveDevice() {
  const app = useApp();
  // A code in the address: the phone's camera app opened the new phone's QR link (or someone sent the link).
  const [linked] = useState(() => codeFromQuery(search.value));
  const [code, setCode] = useState(linked ?? '');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const [scanNotice, setScanNotice] = useState<string | null>(null);
  const [viaLink, setViaLink] = useState(linked !== null);
  const [found, setFound] = useState<DeviceChangeLookupResponse | null>(null);
  const [done, setDone] = useState<'approved' | 'rejected' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const signedIn = app.signedIn.value;

  const lookUp = async (value: string) => {
    setBusy(true);
    setError(null);
    const result = await accountsApi.deviceChangeLookup(value);
    setBusy(false);
    if (result.ok) setFound(result.data);
    else setError(result.error);
  };

  // The code from the link is looked up once signed in; the address keeps no code afterwards.
  useEffect(() => {
    if (!linked || !signedIn) return;
    navigate(APPROVE_PATH, { replace: true });
    void lookUp(linked);
  }, [signedIn]);

  const find = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!v.safeParse(ApprovalCode, code).success) {
      setCodeError(code.trim() ? ta('ap.code') : t('field.required'));
      document.getElementById('ap-code')?.focus();
      return;
    }
    setCodeError(null);
    setViaLink(false);
    await lookUp(code);
  };

  const scanned = (text: string) => {
    // Only this app's approval link counts: a QR from elsewhere never fills the code in.
    const value = codeFromScan(text, location.origin);
    if (!value) {
      setScanNotice(ta('scan.notOurs'));
      return;
    }
    setScanNotice(null);
    setScanning(false);
    setViaLink(false);
    setCode(value);
    void lookUp(value);
  };

  const approve = async () => {
    if (!found || busy) return;
    setBusy(true);
    setError(null);
    const proof = await assertWithDevice(found.options, 'approve-device');
    const result = proof.ok ? await accountsApi.deviceChangeApprove({ requestId: found.request.requestId, ...proof.data }) : proof;
    setBusy(false);
    if (result.ok) setDone('approved');
    else setError(result.error);
  };

  const reject = async () => {
    if (!found || busy) return;
    setBusy(true);
    const result = await accountsApi.deviceChangeCancel(found.request.requestId);
    setBusy(false);
    if (result.ok) setDone('rejected');
    else setError(result.error);
  };

  if (!signedIn) {
    return (
      <Screen title={ta('ap.title')}>
        <SignInFirst />
      </Screen>
    );
  }

  if (done) {
    return (
      <Screen title={ta('ap.title')}>
        <p class={done === 'approved' ? 'success' : 'notice'} role="status" data-testid="ap-done">
          {done === 'approved' ? ta('ap.done') : ta('ap.rejected')}
        </p>
        {done === 'rejected' ? (
          <a class="btn btn-secondary" href="/lock">
            {t('settings.lock')}
          </a>
        ) : null}
        <a class="tap" href="/">
          {ta('common.home')}
        </a>
      </Screen>
    );
  }

  return (
    <Screen title={ta('ap.title')}>
      {found ? (
        <div class="stack">
          <section class="card" aria-labelledby="ap-asked" data-testid="ap-request">
            <h2 id="ap-asked">{ta('ap.asked')}</h2>
            <dl class="facts">
              <div>
                <dt>{ta('ap.device')}</dt>
                <dd data-testid="ap-label">{found.request.label ?? ta('ap.unknownDevice')}</dd>
              </div>
              <div>
                <dt>{ta('ap.time')}</dt>
                <dd data-testid="ap-time">{formatWhen(found.request.createdAt)}</dd>
              </div>
            </dl>
          </section>
          {viaLink ? (
            <p class="warning" data-testid="ap-from-link">
              {ta('ap.fromLink')}
            </p>
          ) : null}
          <p class="warning">{ta('ap.warning')}</p>
          <ErrorAlert message={error ? errorText(error) : null} testId="ap-error" />
          <button type="button" class="btn btn-primary" onClick={() => void approve()} disabled={busy} data-testid="ap-approve">
            {busy ? ta('ap.approving') : ta('ap.approve')}
          </button>
          <button type="button" class="btn btn-danger" onClick={() => void reject()} disabled={busy} data-testid="ap-reject">
            {ta('ap.reject')}
          </button>
        </div>
      ) : (
        <div class="stack">
          <p>{ta('ap.lead')}</p>
          {scanning ? (
            <QrScanner onText={scanned} onClose={() => setScanning(false)} notice={scanNotice} />
          ) : (
            <button
              type="button"
              class="btn btn-primary"
              onClick={() => {
                setScanNotice(null);
                setScanning(true);
              }}
              disabled={busy}
              data-testid="ap-scan"
            >
              {ta('ap.scan')}
            </button>
          )}
          <form class="stack" noValidate onSubmit={(e) => void find(e)} data-testid="ap-find">
            <Field
              id="ap-code"
              label={ta('ap.code')}
              hint={ta('ap.orType')}
              value={code}
              onValue={(value) => setCode(value.toUpperCase().slice(0, 9))}
              error={codeError}
              autoComplete="off"
              autoCapitalize="characters"
              maxLength={9}
              class="code-input"
              required
            />
            <ErrorAlert message={error ? errorText(error) : null} testId="ap-error" />
            <button type="submit" class="btn btn-secondary" disabled={busy}>
              {busy ? ta('common.working') : ta('ap.find')}
            </button>
          </form>
        </div>
      )}
    </Screen>
  );
}
