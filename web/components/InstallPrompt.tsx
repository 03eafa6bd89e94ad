/**
 * "Install the app": Chrome's captured `beforeinstallprompt`, or, on iOS Safari (which has
 * no such event), the Share → Add to Home Screen steps. Nothing once installed.
 */
import { t } from '../i18n';
import { useApp } from '../state';

function isStandalone(): boolean {
  return window.matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

function isIos(): boolean {
  // iPadOS reports itself as a Mac; touch points tell them apart.
  return /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes('Macintosh') && navigator.maxTouchPoints > 1);
}

export function InstallPrompt() {
  const app = useApp();
  const prompt = app.installPrompt.value;
  if (prompt) {
    const install = async () => {
      await prompt.prompt();
      await prompt.userChoice;
      app.installPrompt.value = null; // a prompt can be shown only once
    };
    return (
      <section class="card install">
        <p>{t('welcome.installHint')}</p>
        <button type="button" class="btn btn-secondary" onClick={() => void install()} data-testid="install">
          {t('welcome.install')}
        </button>
      </section>
    );
  }
  if (isIos() && !isStandalone()) {
    return (
      <section class="card install" aria-labelledby="ios-install">
        <h2 id="ios-install">{t('welcome.iosTitle')}</h2>
        <p>{t('welcome.iosSteps')}</p>
      </section>
    );
  }
  return null;
}
