/** Development only: the SMS outbox for a phone number (GET /api/dev/sms). Loaded lazily. */
import { useEffect, useState } from 'preact/hooks';
import type { DevSmsMessage } from '../../shared/api';
import { api, type ApiError } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, lang, t } from '../i18n';
import { search } from '../router';

export default function DevSms() {
  const initial = new URLSearchParams(search.value).get('phone') ?? '';
  const [phone, setPhone] = useState(initial);
  const [messages, setMessages] = useState<DevSmsMessage[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (number: string) => {
    setBusy(true);
    setError(null);
    const result = await api.devSms(number.trim());
    setBusy(false);
    if (result.ok) setMessages(result.data.messages);
    else {
      setMessages(null);
      setError(result.error);
    }
  };
  useEffect(() => {
    if (initial) void load(initial);
  }, []);

  const locale = lang.value === 'vi' ? 'vi-VN' : 'en-GB';
  return (
    <Screen title={t('devSms.title')}>
      <p>{t('devSms.lead')}</p>
      <form
        class="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void load(phone);
        }}
      >
        <Field id="sms-phone" type="tel" inputMode="tel" label={t('devSms.phone')} value={phone} onValue={setPhone} />
        <button type="submit" class="btn btn-secondary" disabled={busy}>
          {t('devSms.load')}
        </button>
      </form>
      <ErrorAlert message={error ? errorText(error) : null} />
      {messages === null ? null : messages.length === 0 ? (
        <p class="empty">{t('devSms.empty')}</p>
      ) : (
        <section aria-label={t('devSms.count', { count: messages.length })}>
          <ol class="sms-list">
            {messages.map((m) => (
              <li class="card" key={m.id} data-testid="sms-message">
                <p class="hint">
                  <time dateTime={new Date(m.createdAt).toISOString()}>{new Date(m.createdAt).toLocaleString(locale)}</time> · {m.phone}
                </p>
                <p class="sms-body">{m.body}</p>
              </li>
            ))}
          </ol>
        </section>
      )}
      <p class="aside">
        <a class="tap" href="/register">{t('devSms.backToRegister')}</a>
      </p>
    </Screen>
  );
}
