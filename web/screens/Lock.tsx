/**
 * Temporary lock. Works on any device, with no account on it: ID number + the account's
 * phone, then the SMS code. Signed in, the app can also lock at once.
 */
import { useState } from 'preact/hooks';
import { accountsApi } from '../accounts/api';
import { CodeForm, IdPhoneForm } from '../accounts/components';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { ta } from '../i18n/accounts';
import { useApp } from '../state';

export default function Lock() {
  const app = useApp();
  const [sent, setSent] = useState<{ requestId: string; phone: string } | null>(null);
  /** How it was locked: from this app (this phone may unlock) or with the SMS code (only at a police station). */
  const [locked, setLocked] = useState<'app' | 'code' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [appError, setAppError] = useState<ApiError | null>(null);

  const lockNow = async () => {
    if (busy || !window.confirm(ta('lock.confirm'))) return;
    setBusy(true);
    setAppError(null);
    const result = await accountsApi.lockNow();
    setBusy(false);
    if (!result.ok) {
      setAppError(result.error);
      return;
    }
    await app.signOut();
    setLocked('app');
  };

  const start = async (input: { idNumber: string; phone: string }) => {
    setBusy(true);
    setError(null);
    const result = await accountsApi.lockStart(input);
    setBusy(false);
    if (result.ok) setSent({ requestId: result.data.requestId, phone: input.phone });
    else setError(result.error);
  };

  const confirm = async (code: string) => {
    if (!sent) return;
    setBusy(true);
    setError(null);
    const result = await accountsApi.lockConfirm({ requestId: sent.requestId, code });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    if (app.signedIn.value) await app.signOut();
    setLocked('code');
  };

  if (locked) {
    return (
      <Screen title={ta('lock.title')}>
        <p class="success" role="status" data-testid="lock-done">
          {ta('lock.done')}
        </p>
        <p data-testid="lock-done-next">{ta(locked === 'app' ? 'lock.doneNextApp' : 'lock.doneNextRemote')}</p>
      </Screen>
    );
  }

  return (
    <Screen title={ta('lock.title')}>
      <p>{ta('lock.lead')}</p>
      {app.signedIn.value && !sent ? (
        <section class="card stack" aria-labelledby="lock-app">
          <h2 id="lock-app">{ta('lock.fromAppTitle')}</h2>
          <ErrorAlert message={appError ? errorText(appError) : null} testId="lock-app-error" />
          <button type="button" class="btn btn-primary" onClick={() => void lockNow()} disabled={busy} data-testid="lock-now">
            {ta('lock.now')}
          </button>
        </section>
      ) : null}
      <section class="card stack" aria-labelledby="lock-any">
        <h2 id="lock-any">{ta('lock.fromComputerTitle')}</h2>
        {sent ? (
          <CodeForm intro={ta('code.sentIfMatch')} submitLabel={ta('lock.confirmCode')} busy={busy} error={error} onSubmit={(code) => void confirm(code)} devPhone={sent.phone} testId="lock-code" />
        ) : (
          <>
            <p class="hint">{ta('lock.fromComputerLead')}</p>
            <IdPhoneForm submitLabel={ta('lock.send')} busy={busy} error={error} onSubmit={(input) => void start(input)} testId="lock-start" />
          </>
        )}
      </section>
    </Screen>
  );
}
