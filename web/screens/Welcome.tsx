/** The first screen when signed out: what the app is, register or sign in, install. */
import { useEffect } from 'preact/hooks';
import { Emblem } from '../components/Emblem';
import { InstallPrompt } from '../components/InstallPrompt';
import { Screen } from '../components/Screen';
import { t } from '../i18n';

/** Fetches the registration and sign-in screens while the person reads, so the next tap is instant. */
function prefetchNextScreens(): void {
  void import('./Register').catch(() => undefined);
  void import('./SignIn').catch(() => undefined);
}

export default function Welcome() {
  useEffect(() => {
    if (!navigator.onLine) return;
    const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1500));
    idle(prefetchNextScreens);
  }, []);
  return (
    <Screen title={t('welcome.title')} heading={t('app.name')}>
      <div class="hero">
        <Emblem size={72} />
        <p class="lead">{t('welcome.lead')}</p>
      </div>
      <ul class="points">
        <li>{t('welcome.point1')}</li>
        <li>{t('welcome.point2')}</li>
        <li>{t('welcome.point3')}</li>
      </ul>
      <div class="actions">
        <a class="btn btn-primary" href="/register" data-testid="welcome-register">
          {t('welcome.register')}
        </a>
        <a class="btn btn-secondary" href="/signin" data-testid="welcome-signin">
          {t('welcome.signIn')}
        </a>
        <a class="tap" href="/verify" data-testid="welcome-verify">
          {t('welcome.verify')}
        </a>
      </div>
      <nav class="card" aria-labelledby="welcome-other">
        <h2 id="welcome-other">{t('welcome.other')}</h2>
        <ul class="link-list">
          <li>
            <a class="tap" href="/device-change" data-testid="welcome-device-change">
              {t('welcome.deviceChange')}
            </a>
          </li>
          <li>
            <a class="tap" href="/activate" data-testid="welcome-activate">
              {t('welcome.activate')}
            </a>
          </li>
          <li>
            <a class="tap" href="/lock" data-testid="welcome-lock">
              {t('welcome.lock')}
            </a>
          </li>
        </ul>
      </nav>
      <InstallPrompt />
    </Screen>
  );
}
