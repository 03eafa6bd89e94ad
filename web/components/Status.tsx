/** Small status views: loading, a failed lazy load, and the live regions for errors and notices. */
import type { ComponentChildren } from 'preact';
import { t } from '../i18n';

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

export function LoadFailed({ retry }: { retry: () => void }) {
  return (
    <div class="stack">
      <p class="alert" role="alert">
        {t('app.loadFailed')}
      </p>
      <button type="button" class="btn btn-secondary" onClick={retry}>
        {t('app.retry')}
      </button>
    </div>
  );
}

/**
 * An assertive live region for errors. It is always in the page (empty when there is no
 * error) so that screen readers announce the message when it appears.
 */
export function ErrorAlert({ message, children, testId }: { message: string | null; children?: ComponentChildren; testId?: string }) {
  return (
    <div role="alert" class={message ? 'alert' : 'live-empty'} data-testid={testId}>
      {message}
      {message ? children : null}
    </div>
  );
}

/** A polite live region for progress and confirmations. */
export function Notice({ message }: { message: string | null }) {
  return (
    <p role="status" class={message ? 'notice' : 'live-empty'}>
      {message}
    </p>
  );
}
