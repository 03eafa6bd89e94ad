/**
 * Device change on the new phone: ID number + phone → SMS code → the approval code (text and
 * QR) with the ways to get it approved (old phone; lost phone: wait or an officer) → once
 * approved, this phone's passkey and device key. The open request is kept in localStorage
 * so the wait (hours) survives closing the app.
 */
import { generate } from 'lean-qr';
import { useEffect, useState } from 'preact/hooks';
import type { DeviceChangeStatus } from '../../shared/accounts';
import { accountsApi } from '../accounts/api';
import { approvalLink } from '../accounts/approval-link';
import { createWithDevice, thisDeviceKeyId } from '../accounts/ceremonies';
import { CodeForm, IdPhoneForm } from '../accounts/components';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { formatWhen, ta } from '../i18n/accounts';
import { navigate } from '../router';
import { useApp } from '../state';
import { describeDevice } from '../wallet/device-key';

const STORAGE_KEY = 'vneid.device-change';
const WAIT_HOURS = 24;

interface Saved {
  requestId: string;
  approvalCode: string;
}

function loadSaved(): Saved | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Saved | null;
    return parsed && typeof parsed.requestId === 'string' && typeof parsed.approvalCode === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function save(value: Saved | null): void {
  try {
    if (value) localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // not kept: the request still works while this screen is open
  }
}

/** The code as text (to type) and as a QR of the approval link (the app's scanner or the old phone's camera app opens it). */
function ApprovalCode({ code }: { code: string }) {
  const src = generate(approvalLink(location.origin, code)).toDataURL({ scale: 4, pad: 4 });
  return (
    <div class="card stack">
      <p>{ta('dc.showCode')}</p>
      <p class="approval-code" data-testid="approval-code">
        {code}
      </p>
      <img class="approval-qr" src={src} alt={ta('dc.qrAlt', { code })} width={200} height={200} data-testid="approval-qr" />
      <p class="hint">{ta('dc.codeHint')}</p>
    </div>
  );
}

export default function DeviceChange() {
  const app = useApp();
  const [saved, setSaved] = useState<Saved | null>(loadSaved);
  const [pending, setPending] = useState<{ requestId: string; phone: string } | null>(null);
  const [status, setStatus] = useState<DeviceChangeStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [lockedDone, setLockedDone] = useState(false);

  const forget = () => {
    save(null);
    setSaved(null);
    setStatus(null);
    setPending(null);
  };

  const refresh = async (requestId: string) => {
    const result = await accountsApi.deviceChangeStatus(requestId);
    if (result.ok) setStatus(result.data);
    else if (result.error.code === 'request_invalid') setStatus({ requestId, state: 'cancelled', level: 1, locked: false, canWait: false, readyAt: null, expiresAt: 0 });
  };

  // The approval comes from elsewhere (the old phone, an officer): look every few seconds while visible.
  useEffect(() => {
    if (!saved) return;
    void refresh(saved.requestId);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh(saved.requestId);
    }, 4000);
    return () => clearInterval(timer);
  }, [saved?.requestId]);

  const start = async (input: { idNumber: string; phone: string }) => {
    setBusy(true);
    setError(null);
    const result = await accountsApi.deviceChangeStart({ ...input, label: describeDevice(navigator.userAgent) });
    setBusy(false);
    if (result.ok) setPending({ requestId: result.data.requestId, phone: input.phone });
    else setError(result.error);
  };

  const verify = async (code: string) => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    const key = await thisDeviceKeyId();
    if (!key.ok) {
      setBusy(false);
      setError(key.error);
      return;
    }
    const result = await accountsApi.deviceChangeVerify({ requestId: pending.requestId, code, deviceKeyId: key.data });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const next = { requestId: result.data.requestId, approvalCode: result.data.approvalCode };
    save(next);
    setSaved(next);
    setStatus(result.data);
    setPending(null);
  };

  const wait = async () => {
    if (!saved) return;
    setBusy(true);
    setError(null);
    const result = await accountsApi.deviceChangeWait(saved.requestId);
    setBusy(false);
    if (result.ok) setStatus(result.data);
    else setError(result.error);
  };

  const finish = async () => {
    if (!saved) return;
    setBusy(true);
    setError(null);
    const options = await accountsApi.deviceChangeOptions(saved.requestId);
    if (!options.ok) {
      setBusy(false);
      setError(options.error);
      return;
    }
    const made = await createWithDevice(options.data.options);
    if (!made.ok) {
      setBusy(false);
      setError(made.error);
      return;
    }
    const result = await accountsApi.deviceChangeFinish({ requestId: saved.requestId, ...made.data });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    save(null);
    if (result.data.status === 'locked') {
      setLockedDone(true);
      return;
    }
    await app.setSignedIn(result.data);
    navigate('/', { replace: true });
  };

  const errorBox = <ErrorAlert message={error ? errorText(error) : null} testId="dc-error" />;

  if (lockedDone) {
    return (
      <Screen title={ta('dc.title')}>
        <p class="success">{ta('dc.doneLocked')}</p>
        <a class="btn btn-primary" href="/unlock">
          {ta('dc.toUnlock')}
        </a>
      </Screen>
    );
  }

  if (saved) {
    const s = status;
    const ready = s !== null && (s.state === 'approved' || (s.state === 'waiting' && s.readyAt !== null && s.readyAt <= Date.now()));
    return (
      <Screen title={ta('dc.title')}>
        {s?.state === 'cancelled' ? (
          <div class="stack">
            <p class="alert" role="alert">
              {ta('dc.cancelled')}
            </p>
            <button type="button" class="btn btn-primary" onClick={forget}>
              {ta('dc.startAgain')}
            </button>
          </div>
        ) : ready ? (
          <div class="stack" data-testid="dc-ready">
            <p class="success">{s.state === 'approved' ? ta('dc.approved') : ta('dc.readyWait')}</p>
            <p>{ta('dc.finishWhy')}</p>
            {errorBox}
            <button type="button" class="btn btn-primary" onClick={() => void finish()} disabled={busy} data-testid="dc-finish">
              {busy ? ta('dc.finishing') : ta('dc.finish')}
            </button>
          </div>
        ) : (
          <div class="stack">
            <h2>{ta('dc.approveTitle')}</h2>
            <ApprovalCode code={saved.approvalCode} />
            {s?.state === 'waiting' && s.readyAt ? (
              <p class="notice" role="status" data-testid="dc-waiting">
                {ta('dc.waiting', { time: formatWhen(s.readyAt) })}
              </p>
            ) : (
              <>
                <section class="card" aria-labelledby="dc-way1">
                  <h2 id="dc-way1">{ta('dc.way1')}</h2>
                  <p>{ta('dc.way1Steps')}</p>
                </section>
                <section class="card stack" aria-labelledby="dc-way2">
                  <h2 id="dc-way2">{ta('dc.way2')}</h2>
                  {s?.locked ? <p>{ta('dc.lockedNote')}</p> : null}
                  {s?.canWait ? (
                    <>
                      <p>{ta('dc.way2Wait', { hours: WAIT_HOURS })}</p>
                      <button type="button" class="btn btn-secondary" onClick={() => void wait()} disabled={busy} data-testid="dc-wait">
                        {ta('dc.wait', { hours: WAIT_HOURS })}
                      </button>
                    </>
                  ) : null}
                  <p>{ta('dc.way2Officer')}</p>
                </section>
              </>
            )}
            {errorBox}
            <button type="button" class="btn btn-secondary" onClick={() => void refresh(saved.requestId)} data-testid="dc-check">
              {ta('dc.checkAgain')}
            </button>
            <button type="button" class="btn-link" onClick={forget}>
              {ta('dc.startAgain')}
            </button>
          </div>
        )}
      </Screen>
    );
  }

  return (
    <Screen title={ta('dc.title')}>
      {pending ? (
        <>
          <h2>{ta('dc.codeTitle')}</h2>
          <CodeForm intro={ta('code.sentIfMatch')} busy={busy} error={error} onSubmit={(code) => void verify(code)} devPhone={pending.phone} testId="dc-code" />
          <button type="button" class="btn-link" onClick={() => setPending(null)}>
            {ta('common.back')}
          </button>
        </>
      ) : (
        <>
          <p>{ta('dc.lead')}</p>
          <IdPhoneForm submitLabel={ta('dc.send')} busy={busy} error={error} onSubmit={(input) => void start(input)} testId="dc-start" />
        </>
      )}
    </Screen>
  );
}

