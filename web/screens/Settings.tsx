/** Language, sign-out and the app version. */
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
      <section class="card" aria-labelledby="settings-about">
        <h2 id="settings-about">{t('settings.about')}</h2>
        <p data-testid="app-version">{t('settings.version', { version })}</p>
      </section>
    </Screen>
  );
}
