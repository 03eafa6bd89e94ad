/** Phone-number change: the new number, a fresh passkey assertion with this phone's device key, then the code sent to the new number. */
import { useState } from 'preact/hooks';
import * as v from 'valibot';
import { normalizePhone, Phone } from '../../shared/api';
import { accountsApi } from '../accounts/api';
import { assertWithDevice } from '../accounts/ceremonies';
import { CodeForm } from '../accounts/components';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { ta } from '../i18n/accounts';
import { useApp } from '../state';

export default function PhoneChange() {
  const app = useApp();
  const [phone, setPhone] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ requestId: string; phoneMasked: string; phone: string } | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const start = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!v.safeParse(Phone, phone).success) {
      setPhoneError(phone.trim() ? t('field.phone') : t('field.required'));
      document.getElementById('ph-new')?.focus();
      return;
    }
    setPhoneError(null);
    setBusy(true);
    setError(null);
    const options = await accountsApi.phoneOptions();
    const proof = options.ok ? await assertWithDevice(options.data.options, 'change-phone') : options;
    const number = normalizePhone(phone.replace(/[\s.-]/g, ''));
    const result = proof.ok ? await accountsApi.phoneStart({ phone: number, ...proof.data }) : proof;
    setBusy(false);
    if (result.ok) setSent({ requestId: result.data.requestId, phoneMasked: result.data.phoneMasked ?? number, phone: number });
    else setError(result.error);
  };

  const confirm = async (code: string) => {
    if (!sent) return;
    setBusy(true);
    setError(null);
    const result = await accountsApi.phoneConfirm({ requestId: sent.requestId, code });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    await app.setSignedIn(result.data);
    setDone(true);
  };

  return (
    <Screen title={ta('ph.title')}>
      {done ? (
        <>
          <p class="success" role="status" data-testid="ph-done">
            {ta('ph.done')}
          </p>
          <a class="tap" href="/settings">
            {ta('common.back')}
          </a>
        </>
      ) : sent ? (
        <CodeForm intro={ta('code.sentTo', { phone: sent.phoneMasked })} busy={busy} error={error} onSubmit={(code) => void confirm(code)} devPhone={sent.phone} testId="ph-code" />
      ) : (
        <form class="stack" noValidate onSubmit={(e) => void start(e)} data-testid="ph-start">
          <p>{ta('ph.lead')}</p>
          {app.me.value ? <p class="hint">{ta('ph.current', { phone: app.me.value.phoneMasked })}</p> : null}
          <Field id="ph-new" type="tel" label={ta('field.newPhone')} value={phone} onValue={setPhone} error={phoneError} inputMode="tel" autoComplete="tel" maxLength={15} required />
          <ErrorAlert message={error ? errorText(error) : null} testId="ph-error" />
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? ta('common.working') : ta('common.continue')}
          </button>
        </form>
      )}
    </Screen>
  );
}
