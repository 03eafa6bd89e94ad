/** Language, sign-out, data sharing (connected portals) and the app version. */
import { useState } from 'preact/hooks';
import { version } from '../../package.json';
import { Screen } from '../components/Screen';
import { LANGS, lang, setLang, t, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { useApp } from '../state';

const LANG_NAMES: Record<(typeof LANGS)[number], MessageKey> = { vi: 'settings.lang.vi', en: 'settings.lang.en' };

export default function Settings() {
  const app = useApp();
  const [signingOut, setSigningOut] = useState(false);
  const me = app.me.value;
  const signOut = async () => {
    setSigningOut(true);
    await app.signOut();
    setSigningOut(false);
    navigate('/welcome', { replace: true });
  };
  return (
    <Screen title={t('settings.title')}>
      <section class="card">
        <fieldset class="choices">
          <legend>{t('settings.language')}</legend>
          {LANGS.map((code) => (
            <label class="choice" key={code}>
              <input type="radio" name="lang" value={code} checked={lang.value === code} onChange={() => setLang(code)} />
              <span lang={code}>{t(LANG_NAMES[code])}</span>
            </label>
          ))}
        </fieldset>
      </section>
      {me ? (
        <section class="card stack" aria-labelledby="settings-account">
          <h2 id="settings-account">{t('settings.account')}</h2>
          <p>{me.fullName}</p>
          <button type="button" class="btn btn-secondary" onClick={() => void signOut()} disabled={signingOut} data-testid="sign-out">
            {signingOut ? t('settings.signingOut') : t('settings.signOut')}
          </button>
          <p class="hint">{t('settings.signOutNote')}</p>
        </section>
      ) : null}
      {me ? (
        <section class="card" aria-labelledby="settings-sharing-h">
          <h2 id="settings-sharing-h">{t('settings.sharing')}</h2>
          <p class="hint">{t('settings.sharingHint')}</p>
          <a class="tap" href="/settings/sharing" data-testid="settings-sharing">
            {t('settings.sharingLink')}
          </a>
        </section>
      ) : null}
      {me ? (
        <section class="card" aria-labelledby="settings-security-h" data-testid="settings-security">
          <h2 id="settings-security-h">{t('settings.security')}</h2>
          <ul class="link-list">
            <li>
              <a class="tap" href="/settings/devices" data-testid="settings-devices">
                {t('settings.devices')}
              </a>
            </li>
            <li>
              <a class="tap" href="/device-change/approve" data-testid="settings-approve-device">
                {t('settings.approveDevice')}
              </a>
            </li>
            <li>
              <a class="tap" href="/settings/history" data-testid="settings-history">
                {t('settings.history')}
              </a>
            </li>
            <li>
              <a class="tap" href="/settings/phone" data-testid="settings-phone">
                {t('settings.phone')}
              </a>
            </li>
            <li>
              <a class="tap" href="/lock" data-testid="settings-lock">
                {t('settings.lock')}
              </a>
            </li>
          </ul>
        </section>
      ) : null}
      <section class="card" aria-labelledby="settings-about">
        <h2 id="settings-about">{t('settings.about')}</h2>
        <p data-testid="app-version">{t('settings.version', { version })}</p>
      </section>
    </Screen>
  );
}
