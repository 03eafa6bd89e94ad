/** Pieces the account screens share: the ID-number + phone form, the SMS-code form, the development SMS link. */
import { useState } from 'preact/hooks';
import * as v from 'valibot';
import { IdNumber, normalizePhone, Phone, SmsCode } from '../../shared/api';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { ta } from '../i18n/accounts';
import './accounts.css';

/** The outbox link is for development builds and local runs only. */
export const showDevSms = import.meta.env.DEV || (typeof location !== 'undefined' && location.hostname === 'localhost');

export function DevSmsLink({ phone }: { phone: string }) {
  if (!showDevSms) return null;
  return (
    <p class="dev-link">
      <a href={`/dev/sms?phone=${encodeURIComponent(phone)}`} target="_blank" rel="noopener" data-testid="dev-sms-link">
        {ta('code.devSms')}
      </a>
    </p>
  );
}

/** ID number and the phone on the account, checked with the shared schemas before sending. */
export function IdPhoneForm({
  submitLabel,
  busy,
  error,
  onSubmit,
  testId,
}: {
  submitLabel: string;
  busy: boolean;
  error: ApiError | null;
  onSubmit: (input: { idNumber: string; phone: string }) => void;
  testId: string;
}) {
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<{ idNumber?: string; phone?: string }>({});
  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const next: { idNumber?: string; phone?: string } = {};
    if (!v.safeParse(IdNumber, idNumber).success) next.idNumber = idNumber.trim() ? t('field.id_number') : t('field.required');
    if (!v.safeParse(Phone, phone).success) next.phone = phone.trim() ? t('field.phone') : t('field.required');
    setErrors(next);
    if (next.idNumber || next.phone) {
      document.getElementById(next.idNumber ? 'acc-id' : 'acc-phone')?.focus();
      return;
    }
    onSubmit({ idNumber: idNumber.trim(), phone: normalizePhone(phone.replace(/[\s.-]/g, '')) });
  };
  return (
    <form class="stack" noValidate onSubmit={submit} data-testid={testId}>
      <Field id="acc-id" label={ta('field.idNumber')} value={idNumber} onValue={setIdNumber} error={errors.idNumber} inputMode="numeric" autoComplete="off" maxLength={12} required />
      <Field id="acc-phone" type="tel" label={ta('field.phone')} value={phone} onValue={setPhone} error={errors.phone} inputMode="tel" autoComplete="tel" maxLength={15} required />
      <ErrorAlert message={error ? errorText(error) : null} testId={`${testId}-error`} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? ta('common.sending') : submitLabel}
      </button>
    </form>
  );
}

/** The 6-digit SMS code. */
export function CodeForm({
  intro,
  submitLabel,
  busy,
  error,
  onSubmit,
  devPhone,
  testId,
}: {
  intro: string;
  submitLabel?: string;
  busy: boolean;
  error: ApiError | null;
  onSubmit: (code: string) => void;
  devPhone?: string | null;
  testId: string;
}) {
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!v.safeParse(SmsCode, code).success) {
      setInvalid(code ? t('field.sms_code') : t('field.required'));
      document.getElementById('acc-code')?.focus();
      return;
    }
    setInvalid(null);
    onSubmit(code.trim());
  };
  return (
    <div class="stack">
      <p>{intro}</p>
      <form class="stack" noValidate onSubmit={submit} data-testid={testId}>
        <Field
          id="acc-code"
          label={ta('code.label')}
          value={code}
          onValue={(value) => setCode(value.replace(/\D/g, '').slice(0, 6))}
          error={invalid}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          pattern="[0-9]{6}"
          class="code-input"
          required
        />
        <ErrorAlert message={error ? errorText(error) : null} testId={`${testId}-error`} />
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? ta('code.verifying') : (submitLabel ?? ta('code.verify'))}
        </button>
      </form>
      {devPhone ? <DevSmsLink phone={devPhone} /> : null}
    </div>
  );
}
