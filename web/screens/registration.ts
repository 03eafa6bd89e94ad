/**
 * The level-1 registration flow as a model of signals: details → SMS code → activate on
 * this device. It lives outside the screen so the flow survives a visit to another route
 * (the development SMS outbox) and can be tested without rendering.
 */
import { signal } from '@preact/signals';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import * as v from 'valibot';
import { FullName, IdNumber, IsoDate, Phone, SmsCode, normalizePhone, type Me } from '../../shared/api';
import type { ApiError, ApiResult, Api } from '../api';
import type { MessageKey } from '../i18n';

export type RegisterStep = 'details' | 'code' | 'activate';

export interface DetailsForm {
  idNumber: string;
  fullName: string;
  birthDate: string;
  phone: string;
}

export type DetailsField = keyof DetailsForm;

const FIELD_SCHEMAS = { idNumber: IdNumber, fullName: FullName, birthDate: IsoDate, phone: Phone } as const;
const FIELD_MESSAGES: Record<DetailsField, MessageKey> = {
  idNumber: 'field.id_number',
  fullName: 'field.full_name',
  birthDate: 'field.date',
  phone: 'field.phone',
};

/** Field → message key for what is wrong, checked with the shared schemas the edge uses. */
export function validateDetails(form: DetailsForm): Partial<Record<DetailsField, MessageKey>> {
  const errors: Partial<Record<DetailsField, MessageKey>> = {};
  for (const field of Object.keys(FIELD_SCHEMAS) as DetailsField[]) {
    if (form[field].trim() === '') errors[field] = 'field.required';
    else if (!v.safeParse(FIELD_SCHEMAS[field], form[field]).success) errors[field] = FIELD_MESSAGES[field];
  }
  return errors;
}

export function validateCode(code: string): MessageKey | null {
  if (code.trim() === '') return 'field.required';
  return v.safeParse(SmsCode, code).success ? null : 'field.sms_code';
}

export interface Enrolment {
  id: string;
  phone: string;
  phoneMasked: string;
  /** When the code expires, on this phone's clock (corrected by the server's Date header). */
  expiresAt: number;
}

export interface RegistrationDeps {
  api: Pick<Api, 'enrolStart' | 'enrolVerify'>;
  activate(enrolmentId: string, options: PublicKeyCredentialCreationOptionsJSON | null): Promise<ApiResult<Me>>;
  now(): number;
}

export function createRegistration(deps: RegistrationDeps) {
  const step = signal<RegisterStep>('details');
  const form = signal<DetailsForm>({ idNumber: '', fullName: '', birthDate: '', phone: '' });
  const fieldErrors = signal<Partial<Record<DetailsField, MessageKey>>>({});
  const code = signal('');
  const codeError = signal<MessageKey | null>(null);
  const error = signal<ApiError | null>(null);
  const notice = signal<MessageKey | null>(null);
  const busy = signal(false);
  const enrolment = signal<Enrolment | null>(null);
  /** Creation options from the code check; used once, then fresh ones are fetched. */
  let options: PublicKeyCredentialCreationOptionsJSON | null = null;

  function setField(field: DetailsField, value: string): void {
    form.value = { ...form.value, [field]: value };
    if (fieldErrors.value[field]) {
      const { [field]: _, ...rest } = fieldErrors.value;
      fieldErrors.value = rest;
    }
  }

  function setCode(value: string): void {
    code.value = value.replace(/\D/g, '').slice(0, 6);
    codeError.value = null;
  }

  /** Step 1 (and "send a new code"): match the registry and send the SMS. False when the form has errors. */
  async function submitDetails(): Promise<boolean> {
    const errors = validateDetails(form.value);
    fieldErrors.value = errors;
    error.value = null;
    notice.value = null;
    if (Object.keys(errors).length > 0) return false;
    busy.value = true;
    const sentAt = deps.now();
    const result = await deps.api.enrolStart(form.value);
    busy.value = false;
    if (!result.ok) {
      error.value = result.error;
      return true;
    }
    const { enrolmentId, phoneMasked, codeExpiresAt } = result.data;
    const serverNow = result.serverTime ?? sentAt;
    const resent = step.value === 'code';
    enrolment.value = {
      id: enrolmentId,
      phone: normalizePhone(form.value.phone.replace(/[\s.-]/g, '')),
      phoneMasked,
      expiresAt: sentAt + (codeExpiresAt - serverNow),
    };
    code.value = '';
    codeError.value = null;
    step.value = 'code';
    if (resent) notice.value = 'register.resent';
    return true;
  }

  /** Step 2: the SMS code. On success the account is approved and step 3 opens. */
  async function submitCode(): Promise<void> {
    const current = enrolment.value;
    if (!current) return;
    const invalid = validateCode(code.value);
    codeError.value = invalid;
    error.value = null;
    notice.value = null;
    if (invalid) return;
    busy.value = true;
    const result = await deps.api.enrolVerify({ enrolmentId: current.id, code: code.value });
    busy.value = false;
    if (!result.ok) {
      error.value = result.error;
      if (result.error.code === 'enrolment_invalid') step.value = 'details';
      return;
    }
    options = result.data.options;
    step.value = 'activate';
  }

  /** Step 3: passkey + device key. Returns the new account, or null (the error is set). */
  async function activate(): Promise<Me | null> {
    const current = enrolment.value;
    if (!current) return null;
    error.value = null;
    busy.value = true;
    const first = options;
    options = null; // a challenge is used once: a retry asks for fresh options
    const result = await deps.activate(current.id, first);
    busy.value = false;
    if (!result.ok) {
      error.value = result.error;
      if (result.error.code === 'enrolment_invalid') step.value = 'details';
      return null;
    }
    return result.data;
  }

  function backToDetails(): void {
    step.value = 'details';
    error.value = null;
    notice.value = null;
  }

  function reset(): void {
    step.value = 'details';
    form.value = { idNumber: '', fullName: '', birthDate: '', phone: '' };
    fieldErrors.value = {};
    code.value = '';
    codeError.value = null;
    error.value = null;
    notice.value = null;
    busy.value = false;
    enrolment.value = null;
    options = null;
  }

  return {
    step,
    form,
    fieldErrors,
    code,
    codeError,
    error,
    notice,
    busy,
    enrolment,
    setField,
    setCode,
    submitDetails,
    submitCode,
    activate,
    backToDetails,
    reset,
  };
}

export type Registration = ReturnType<typeof createRegistration>;
