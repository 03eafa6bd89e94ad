/** Usernameless sign-in: one button; the passkey picks the account, the device key proves the phone. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import { navigate, search } from '../router';
import { useApp } from '../state';
import { prepareSignIn, signInWithPasskey, type SignInPreparation } from '../wallet/passkey';

export default function SignIn() {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const prepared = useRef<SignInPreparation | null>(null);
  const expired = new URLSearchParams(search.value).has('expired');

  const prepare = () => {
    void prepareSignIn().then((result) => {
      prepared.current = result.ok ? result.data : null;
    });
  };
  // Options and the passkey code are fetched before the tap, so the prompt opens at once.
  useEffect(prepare, []);

  const signIn = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const ready = prepared.current;
    prepared.current = null; // a challenge is used once
    const result = await signInWithPasskey(ready);
    if (result.ok) {
      await app.setSignedIn(result.data);
      navigate('/', { replace: true });
      return;
    }
    setBusy(false);
    setError(result.error);
    prepare();
  };

  return (
    <Screen title={t('signIn.title')}>
      <Notice message={expired && !error ? t('signIn.expired') : null} />
      <p>{t('signIn.lead')}</p>
      <ErrorAlert message={error ? errorText(error) : null} testId="signin-error">
        {error && ['device_proof_required', 'device_unknown', 'device_proof_invalid', 'credential_unknown'].includes(error.code) ? (
          <>
            {' '}
            <a href="/device-change">{t('signIn.deviceChange')}</a>
          </>
        ) : error?.code === 'account_locked' ? (
          <>
            {' '}
            <a href="/unlock">{t('signIn.unlock')}</a>
          </>
        ) : null}
      </ErrorAlert>
      <button type="button" class="btn btn-primary" onClick={() => void signIn()} disabled={busy} data-testid="signin-passkey">
        {busy ? t('signIn.working') : t('signIn.button')}
      </button>
      <p class="aside">
        {t('signIn.noAccount')} <a class="tap" href="/register">{t('welcome.register')}</a>
      </p>
      <p>
        {t('signIn.newPhone')}{' '}
        <a class="tap" href="/device-change" data-testid="signin-device-change">
          {t('signIn.deviceChange')}
        </a>
      </p>
    </Screen>
  );
}
