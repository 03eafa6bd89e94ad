/** Offline and update banners under the top bar; both sit in one polite live region. */
import { t } from '../i18n';
import { useApp } from '../state';

export function Banners() {
  const app = useApp();
  return (
    <div class="banners" role="status" aria-live="polite">
      {app.online.value ? null : (
        <p class="banner banner-offline" data-testid="offline-banner">
          {t('status.offline')}
        </p>
      )}
      {app.needRefresh.value ? (
        <div class="banner banner-update">
          <span>{t('status.updateAvailable')}</span>
          <button type="button" class="btn-inline" onClick={() => void app.update()}>
            {t('status.update')}
          </button>
        </div>
      ) : null}
      {app.offlineReady.value && !app.needRefresh.value ? (
        <div class="banner banner-info">
          <span>{t('status.offlineReady')}</span>
          <button type="button" class="btn-inline" onClick={() => (app.offlineReady.value = false)} aria-label={t('status.dismiss')}>
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
