/** The red bar: the app's name (a link to the start) and the settings button. */
import { path } from '../router';
import { t } from '../i18n';
import { useApp } from '../state';
import { Emblem } from './Emblem';

function GearIcon() {
  return (
    <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3.2h-4l-.4 2.7a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1l.4 2.7h4l.4-2.7a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5L19.4 13ZM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7Z"
        transform="translate(-1 0)"
      />
    </svg>
  );
}

export function TopBar() {
  const app = useApp();
  return (
    <header class="topbar">
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <a class="topbar-brand" href={app.signedIn.value ? '/' : '/welcome'}>
        <Emblem size={32} />
        <span>{t('app.name')}</span>
      </a>
      {path.value === '/settings' ? null : (
        <nav aria-label={t('nav.main')}>
          <a class="icon-button" href="/settings" aria-label={t('nav.settings')} title={t('nav.settings')} data-testid="nav-settings">
            <GearIcon />
          </a>
        </nav>
      )}
    </header>
  );
}
