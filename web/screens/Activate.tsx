/**
 * Level-2 activation: an officer approved the account in person; the citizen enters the ID
 * number and the phone the officer recorded, the SMS code, then creates the passkey and
 * device key on this phone (the same steps as level-1 activation).
 */
import { useState } from 'preact/hooks';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { accountsApi } from '../accounts/api';
import { CodeForm, IdPhoneForm } from '../accounts/components';
import { api, type ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { ta } from '../i18n/accounts';
import { navigate } from '../router';
import { useApp } from '../state';
import { activateThisDevice } from '../wallet/passkey';

export default function Activate() {
  const app = useApp();
  const [enrolment, setEnrolment] = useState<{ id: string; phone: string; phoneMasked: string } | null>(null);
  const [options, setOptions] = useState<PublicKeyCredentialCreationOptionsJSON | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const start = async (input: { idNumber: string; phone: string }) => {
    setBusy(true);
    setError(null);
    const result = await accountsApi.activateApproved(input);
    setBusy(false);
    if (result.ok) setEnrolment({ id: result.data.enrolmentId, phone: input.phone, phoneMasked: result.data.phoneMasked });
    else setError(result.error);
  };

  const verify = async (code: string) => {
    if (!enrolment) return;
    setBusy(true);
    setError(null);
    const result = await api.enrolVerify({ enrolmentId: enrolment.id, code });
    setBusy(false);
    if (result.ok) setOptions(result.data.options);
    else setError(result.error);
  };

  const activate = async () => {
    if (!enrolment || busy) return;
    setBusy(true);
    setError(null);
    const first = options ?? null;
    setOptions(null); // a challenge is used once: a retry fetches fresh options
    const result = await activateThisDevice(enrolment.id, first);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    await app.setSignedIn(result.data);
    navigate('/', { replace: true });
  };

  return (
    <Screen title={ta('act.title')}>
      {options !== undefined && enrolment ? (
        <div class="stack">
          <h2>{ta('act.activateTitle')}</h2>
          <p>{ta('act.activateWhy')}</p>
          <ErrorAlert message={error ? errorText(error) : null} testId="act-error" />
          <button type="button" class="btn btn-primary" onClick={() => void activate()} disabled={busy} data-testid="act-activate">
            {busy ? ta('common.working') : ta('act.activate')}
          </button>
        </div>
      ) : enrolment ? (
        <CodeForm intro={ta('code.sentIfMatch')} busy={busy} error={error} onSubmit={(code) => void verify(code)} devPhone={enrolment.phone} testId="act-code" />
      ) : (
        <>
          <p>{ta('act.lead')}</p>
          <IdPhoneForm submitLabel={ta('common.continue')} busy={busy} error={error} onSubmit={(input) => void start(input)} testId="act-start" />
        </>
      )}
    </Screen>
  );
}
