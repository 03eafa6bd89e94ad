/**
 * On the old phone (signed in): type the code the new phone shows, see what is asked (which
 * device, when), and approve with a fresh passkey assertion and this phone's device key —
 * or refuse, which cancels the request.
 */
import { useState } from 'preact/hooks';
import * as v from 'valibot';
import { ApprovalCode, type DeviceChangeLookupResponse } from '../../shared/accounts';
import { accountsApi } from '../accounts/api';
import { assertWithDevice } from '../accounts/ceremonies';
import '../accounts/accounts.css';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { formatWhen, ta } from '../i18n/accounts';

export default function ApproveDevice() {
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [found, setFound] = useState<DeviceChangeLookupResponse | null>(null);
  const [done, setDone] = useState<'approved' | 'rejected' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const find = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!v.safeParse(ApprovalCode, code).success) {
      setCodeError(code.trim() ? ta('ap.code') : t('field.required'));
      document.getElementById('ap-code')?.focus();
      return;
    }
    setCodeError(null);
    setBusy(true);
    setError(null);
    const result = await accountsApi.deviceChangeLookup(code);
    setBusy(false);
    if (result.ok) setFound(result.data);
    else setError(result.error);
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
                <dd>{formatWhen(found.request.createdAt)}</dd>
              </div>
            </dl>
          </section>
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
        <form class="stack" noValidate onSubmit={(e) => void find(e)} data-testid="ap-find">
          <p>{ta('ap.lead')}</p>
          <Field
            id="ap-code"
            label={ta('ap.code')}
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
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? ta('common.working') : ta('ap.find')}
          </button>
        </form>
      )}
    </Screen>
  );
}
