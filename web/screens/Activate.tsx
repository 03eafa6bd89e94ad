/**
 * Level-2 activation: an officer approved the account in person and handed over a one-time
 * activation code on paper; the citizen enters the ID number, the phone the officer recorded
 * and that code, then the SMS code, then creates the passkey and device key on this phone
 * (the same last step as level-1 activation). The SMS code alone (a swapped SIM) is not enough.
 */
import { useState } from 'preact/hooks';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import * as v from 'valibot';
import { ActivationCode } from '../../shared/accounts';
import { IdNumber, normalizePhone, Phone } from '../../shared/api';
import { accountsApi } from '../accounts/api';
import { CodeForm } from '../accounts/components';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { ta } from '../i18n/accounts';
import { navigate } from '../router';
import { useApp } from '../state';
import { activateThisDevice } from '../wallet/passkey';

type FormField = 'idNumber' | 'phone' | 'activationCode';
const FIELD_IDS: Record<FormField, string> = { idNumber: 'acc-id', phone: 'acc-phone', activationCode: 'act-code' };

/** Answers to the second step that send the citizen back to the first (the paper code, or the approval itself). */
const BACK_TO_START = new Set(['activation_code_invalid', 'activation_code_locked', 'enrolment_invalid']);

export default function Activate() {
  const app = useApp();
  // Kept here, not in the form: a wrong activation code brings the form back as it was typed.
  const [form, setForm] = useState<Record<FormField, string>>({ idNumber: '', phone: '', activationCode: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, string>>>({});
  const [enrolment, setEnrolment] = useState<{ id: string; phone: string; phoneMasked: string; activationCode: string } | null>(null);
  const [options, setOptions] = useState<PublicKeyCredentialCreationOptionsJSON | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const setField = (field: FormField, value: string) => setForm({ ...form, [field]: value });

  const start = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const errors: Partial<Record<FormField, string>> = {};
    const code = v.safeParse(ActivationCode, form.activationCode);
    if (!v.safeParse(IdNumber, form.idNumber).success) errors.idNumber = form.idNumber.trim() ? t('field.id_number') : t('field.required');
    if (!v.safeParse(Phone, form.phone).success) errors.phone = form.phone.trim() ? t('field.phone') : t('field.required');
    if (!code.success) errors.activationCode = form.activationCode.trim() ? ta('act.codeInvalid') : t('field.required');
    setFieldErrors(errors);
    const first = (Object.keys(FIELD_IDS) as FormField[]).find((f) => errors[f]);
    if (first || !code.success) {
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const phone = normalizePhone(form.phone.replace(/[\s.-]/g, ''));
    const result = await accountsApi.activateApproved({ idNumber: form.idNumber.trim(), phone });
    setBusy(false);
    if (result.ok) setEnrolment({ id: result.data.enrolmentId, phone, phoneMasked: result.data.phoneMasked, activationCode: code.output });
    else setError(result.error);
  };

  const verify = async (code: string) => {
    if (!enrolment) return;
    setBusy(true);
    setError(null);
    const result = await accountsApi.activateApprovedVerify({ enrolmentId: enrolment.id, code, activationCode: enrolment.activationCode });
    setBusy(false);
    if (result.ok) setOptions(result.data.options);
    else {
      setError(result.error);
      if (BACK_TO_START.has(result.error.code)) setEnrolment(null);
    }
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
          <form class="stack" noValidate onSubmit={(e) => void start(e)} data-testid="act-start">
            <Field id="acc-id" label={ta('field.idNumber')} value={form.idNumber} onValue={(value) => setField('idNumber', value)} error={fieldErrors.idNumber} inputMode="numeric" autoComplete="off" maxLength={12} required />
            <Field id="acc-phone" type="tel" label={ta('field.phone')} value={form.phone} onValue={(value) => setField('phone', value)} error={fieldErrors.phone} inputMode="tel" autoComplete="tel" maxLength={15} required />
            <Field
              id="act-code"
              label={ta('act.code')}
              hint={ta('act.codeHint')}
              value={form.activationCode}
              onValue={(value) => setField('activationCode', value.toUpperCase())}
              error={fieldErrors.activationCode}
              autoComplete="off"
              autoCapitalize="characters"
              maxLength={16}
              class="code-input"
              required
            />
            <ErrorAlert message={error ? errorText(error) : null} testId="act-start-error" />
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? ta('common.sending') : ta('common.continue')}
            </button>
          </form>
        </>
      )}
    </Screen>
  );
}
