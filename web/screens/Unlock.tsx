/**
 * Unlock on a bound phone: passkey + device key, then the SMS code; signed in again afterwards.
 * Only a lock made from the app: after a lock from a computer or by an officer the screen says
 * why the phone cannot undo it and what to do instead.
 */
import { useState } from 'preact/hooks';
import { accountsApi } from '../accounts/api';
import { assertWithDevice } from '../accounts/ceremonies';
import { CodeForm } from '../accounts/components';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { ta } from '../i18n/accounts';
import { navigate } from '../router';
import { useApp } from '../state';

export default function Unlock() {
  const app = useApp();
  const [sent, setSent] = useState<{ requestId: string; phoneMasked: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const start = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const options = await accountsApi.unlockOptions();
    const proof = options.ok ? await assertWithDevice(options.data.options, 'unlock') : options;
    const result = proof.ok ? await accountsApi.unlockStart(proof.data) : proof;
    setBusy(false);
    if (result.ok) setSent({ requestId: result.data.requestId, phoneMasked: result.data.phoneMasked ?? '' });
    else setError(result.error);
  };

  const confirm = async (code: string) => {
    if (!sent) return;
    setBusy(true);
    setError(null);
    const result = await accountsApi.unlockConfirm({ requestId: sent.requestId, code });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    await app.setSignedIn(result.data);
    navigate('/', { replace: true });
  };

  return (
    <Screen title={ta('unlock.title')}>
      {sent ? (
        <CodeForm intro={ta('code.sentTo', { phone: sent.phoneMasked })} submitLabel={ta('unlock.confirm')} busy={busy} error={error} onSubmit={(code) => void confirm(code)} testId="unlock-code" />
      ) : error?.code === 'unlock_in_person' ? (
        <section class="stack" role="alert" aria-labelledby="unlock-in-person" data-testid="unlock-in-person">
          <h2 id="unlock-in-person">{ta('unlock.inPersonTitle')}</h2>
          <p>{ta('unlock.inPersonWhy')}</p>
          <ul class="stack">
            <li>{ta('unlock.inPersonStation')}</li>
            <li>{ta('unlock.inPersonNewPhone')}</li>
          </ul>
          <a class="btn btn-secondary" href="/device-change" data-testid="unlock-to-device-change">
            {ta('unlock.toDeviceChange')}
          </a>
        </section>
      ) : (
        <div class="stack">
          <p>{ta('unlock.lead')}</p>
          <ErrorAlert message={error ? errorText(error) : null} testId="unlock-error" />
          <button type="button" class="btn btn-primary" onClick={() => void start()} disabled={busy} data-testid="unlock-start">
            {busy ? ta('common.working') : ta('unlock.start')}
          </button>
          <p class="hint">{ta('unlock.otherWay')}</p>
        </div>
      )}
    </Screen>
  );
}
