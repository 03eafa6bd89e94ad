/** Small pieces the services screens share: status badges, the commune picker, the offline-copy note, outbox rows. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { COMMUNES } from '../../shared/communes';
import type { ApiErrorCode } from '../api';
import { errorText, t, type MessageKey } from '../i18n';
import type { OutboxItem } from '../outbox/db';
import { discard, retry } from '../outbox/outbox';
import './services.css';

export type DisplayStatus = 'pending' | 'sent' | 'received' | 'acknowledged' | 'answered' | 'rejected';

export function StatusBadge({ status }: { status: DisplayStatus }) {
  return (
    <span class={`status status-${status}`} data-testid="status" data-status={status}>
      {t(`svc.status.${status}` as MessageKey)}
    </span>
  );
}

/**
 * Returns a function that moves the focus to the screen's first field marked invalid, once
 * the errors just set have been drawn (right after `setErrors` no field carries them yet).
 */
export function useFocusFirstInvalid(): () => void {
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (attempt > 0) document.querySelector<HTMLElement>('main [aria-invalid="true"]')?.focus();
  }, [attempt]);
  return () => setAttempt((n) => n + 1);
}

/** "14:05 07/03/2025" in the phone's time zone. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())} ${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
}

export function SavedCopyNote({ savedAt }: { savedAt: number | null }) {
  if (savedAt === null) return null;
  return (
    <p class="muted saved-copy" data-testid="saved-copy">
      {t('svc.savedAt', { time: formatTime(savedAt) })}
    </p>
  );
}

const PROVINCES = [...new Set(COMMUNES.map((c) => c.province))];

export function CommuneSelect({ id, label, hint, value, onValue, error }: { id: string; label: string; hint?: string; value: string; onValue(v: string): void; error?: string | null }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p id={hintId} class="hint">
          {hint}
        </p>
      ) : null}
      <select id={id} name={id} value={value} onChange={(e) => onValue(e.currentTarget.value)} aria-invalid={error ? 'true' : undefined} aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}>
        <option value="">{t('svc.commune.choose')}</option>
        {PROVINCES.map((province) => (
          <optgroup label={province} key={province}>
            {COMMUNES.filter((c) => c.province === province).map((c) => (
              <option value={c.code} key={c.code}>
                {c.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {error ? (
        <p id={errorId} class="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The host's guest row (0-based) a refusal points at: the edge's `guest_mismatch` with field "people.N". */
export function mismatchedGuest(error: OutboxItem['error']): number | null {
  const m = error?.code === 'guest_mismatch' ? /^people\.(\d+)$/.exec(error.field ?? '') : null;
  return m ? Number(m[1]) : null;
}

/**
 * Why a pending item has not gone yet, and what the citizen can do. A refused item may say
 * more than its error code (`message`) and may be opened in its form again (`fixHref`).
 */
export function OutboxState({ item, message, fixHref }: { item: OutboxItem; message?: string | undefined; fixHref?: string | undefined }) {
  if (item.state === 'rejected') {
    return (
      <div class="outbox-note outbox-rejected">
        <p role="alert">{message ?? (item.error ? errorText({ code: item.error.code as ApiErrorCode }) : t('svc.status.rejected'))}</p>
        {fixHref ? (
          <a class="btn btn-secondary" href={fixHref} data-testid="outbox-fix">
            {t('svc.fix')}
          </a>
        ) : null}
        <button type="button" class="btn-link" onClick={() => void discard(item.key)}>
          {t('svc.discard')}
        </button>
      </div>
    );
  }
  if (item.state !== 'pending') return null;
  const code = item.error?.code;
  if (code === 'unauthenticated') {
    return (
      <div class="outbox-note">
        <p>{t('svc.waitSignIn')}</p>
        <a href="/signin">{t('svc.signIn')}</a>
      </div>
    );
  }
  return (
    <div class="outbox-note">
      <p>{code === 'internal' || code === 'rate_limited' ? t('svc.waitBusy') : t('svc.waitNetwork')}</p>
      {item.attempts > 0 ? (
        <button type="button" class="btn-link" onClick={() => void retry(item.key)}>
          {t('svc.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function ItemCard({ children, testId, status }: { children: ComponentChildren; testId: string; status: DisplayStatus }) {
  return (
    <li class="card item-card" data-testid={testId} data-status={status}>
      {children}
    </li>
  );
}
