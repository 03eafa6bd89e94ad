/** Level-1 registration: details → SMS code → activate on this device (passkey + device key). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import { navigate } from '../router';
import { useApp } from '../state';
import { activateThisDevice, loadWebAuthn } from '../wallet/passkey';
import { createRegistration, type DetailsField, type Registration } from './registration';

const registration = createRegistration({ api, activate: activateThisDevice, now: Date.now });

/** The outbox link is for development builds and local runs only. */
const showDevSms = import.meta.env.DEV || location.hostname === 'localhost';

const FIELD_ORDER: readonly DetailsField[] = ['idNumber', 'fullName', 'birthDate', 'phone'];

function StepHeading({ step, title }: { step: number; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Steps 2 and 3 replace the form: move focus to their heading.
    if (step > 1) ref.current?.focus({ preventScroll: false });
  }, [step]);
  return (
    <>
      <p class="step-label">{t('register.stepOf', { step })}</p>
      <h2 ref={ref} tabIndex={-1}>
        {title}
      </h2>
    </>
  );
}

function DetailsStep({ r }: { r: Registration }) {
  const form = r.form.value;
  const errors = r.fieldErrors.value;
  const hasFieldErrors = Object.keys(errors).length > 0;
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (r.busy.value) return;
    const valid = await r.submitDetails();
    if (!valid) {
      const first = FIELD_ORDER.find((f) => r.fieldErrors.value[f]);
      if (first) document.getElementById(first)?.focus();
    }
  };
  const err = (field: DetailsField) => {
    const key = errors[field];
    return key ? t(key) : null;
  };
  const serverError = r.error.value;
  return (
    <form class="stack" noValidate onSubmit={onSubmit} data-testid="register-details">
      <p>{t('register.detailsIntro')}</p>
      <Field
        id="idNumber"
        label={t('register.idNumber')}
        hint={t('register.idNumberHint')}
        value={form.idNumber}
        onValue={(value) => r.setField('idNumber', value)}
        error={err('idNumber')}
        inputMode="numeric"
        autoComplete="off"
        maxLength={12}
        required
      />
      <Field
        id="fullName"
        label={t('register.fullName')}
        value={form.fullName}
        onValue={(value) => r.setField('fullName', value)}
        error={err('fullName')}
        autoComplete="name"
        autoCapitalize="words"
        maxLength={100}
        required
      />
      <Field
        id="birthDate"
        type="date"
        label={t('register.birthDate')}
        value={form.birthDate}
        onValue={(value) => r.setField('birthDate', value)}
        error={err('birthDate')}
        autoComplete="bday"
        min="1900-01-01"
        max={new Date().toISOString().slice(0, 10)}
        required
      />
      <Field
        id="phone"
        type="tel"
        label={t('register.phone')}
        hint={t('register.phoneHint')}
        value={form.phone}
        onValue={(value) => r.setField('phone', value)}
        error={err('phone')}
        inputMode="tel"
        autoComplete="tel"
        maxLength={15}
        required
      />
      <ErrorAlert message={hasFieldErrors ? t('register.fixErrors') : serverError ? errorText(serverError) : null} testId="register-error">
        {serverError?.code === 'account_exists' ? (
          <>
            {' '}
            <a href="/signin">{t('welcome.signIn')}</a>
          </>
        ) : null}
      </ErrorAlert>
      <button type="submit" class="btn btn-primary" disabled={r.busy.value}>
        {r.busy.value ? t('register.sending') : t('register.continue')}
      </button>
    </form>
  );
}

function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function Countdown({ expiresAt }: { expiresAt: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  const remaining = expiresAt - now;
  return (
    <>
      {remaining > 0 ? (
        <p class="hint" data-testid="code-countdown">
          {t('register.codeExpiresIn', { time: formatRemaining(remaining) })}
        </p>
      ) : null}
      {/* Announced once when the code runs out, not every second. */}
      <Notice message={remaining > 0 ? null : t('register.codeExpired')} />
    </>
  );
}

function CodeStep({ r }: { r: Registration }) {
  const enrolment = r.enrolment.value;
  if (!enrolment) return null;
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (r.busy.value) return;
    await r.submitCode();
    if (r.codeError.value) document.getElementById('code')?.focus();
  };
  const resend = async () => {
    if (r.busy.value) return;
    await r.submitDetails();
  };
  const serverError = r.error.value;
  const notice = r.notice.value;
  return (
    <div class="stack">
      <StepHeading step={2} title={t('register.codeTitle')} />
      <p>{t('register.codeSent', { phone: enrolment.phoneMasked })}</p>
      <form class="stack" noValidate onSubmit={onSubmit} data-testid="register-code">
        <Field
          id="code"
          label={t('register.code')}
          value={r.code.value}
          onValue={r.setCode}
          error={r.codeError.value ? t(r.codeError.value) : null}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          pattern="[0-9]{6}"
          class="code-input"
          required
        />
        <Countdown expiresAt={enrolment.expiresAt} />
        <ErrorAlert message={serverError ? errorText(serverError) : null} testId="register-error" />
        <Notice message={notice ? t(notice) : null} />
        <button type="submit" class="btn btn-primary" disabled={r.busy.value}>
          {r.busy.value ? t('register.verifying') : t('register.verify')}
        </button>
      </form>
      <button type="button" class="btn btn-secondary" onClick={() => void resend()} disabled={r.busy.value}>
        {t('register.resend')}
      </button>
      <button type="button" class="btn-link" onClick={r.backToDetails}>
        {t('register.changeDetails')}
      </button>
      {showDevSms ? (
        <p class="dev-link">
          <a class="tap" href={`/dev/sms?phone=${encodeURIComponent(enrolment.phone)}`} data-testid="dev-sms-link">
            {t('register.devSms')}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function ActivateStep({ r }: { r: Registration }) {
  const app = useApp();
  useEffect(() => {
    // Load the passkey code now, so the prompt opens straight from the tap.
    loadWebAuthn().catch(() => undefined);
  }, []);
  const activate = async () => {
    if (r.busy.value) return;
    const me = await r.activate();
    if (!me) return;
    await app.setSignedIn(me);
    r.reset();
    navigate('/', { replace: true });
  };
  const serverError = r.error.value;
  const bound = serverError?.code === 'device_already_bound' || serverError?.code === 'account_exists';
  return (
    <div class="stack">
      <StepHeading step={3} title={t('register.activateTitle')} />
      <p class="success">{t('register.approved')}</p>
      <p>{t('register.activateWhy')}</p>
      <ErrorAlert message={serverError ? errorText(serverError) : null} testId="register-error">
        {bound ? (
          <>
            {' '}
            <a href="/signin">{t('welcome.signIn')}</a>
          </>
        ) : null}
      </ErrorAlert>
      <button type="button" class="btn btn-primary" onClick={() => void activate()} disabled={r.busy.value} data-testid="activate">
        {r.busy.value ? t('register.activating') : t('register.activate')}
      </button>
    </div>
  );
}

export default function Register() {
  const r = registration;
  const step = r.step.value;
  return (
    <Screen title={t('register.title')}>
      {step === 'details' ? (
        <>
          <p class="step-label">{t('register.stepOf', { step: 1 })}</p>
          <DetailsStep r={r} />
        </>
      ) : step === 'code' ? (
        <CodeStep r={r} />
      ) : (
        <ActivateStep r={r} />
      )}
    </Screen>
  );
}
