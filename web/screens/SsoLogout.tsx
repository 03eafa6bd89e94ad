/**
 * A portal's sign-out (/sso/logout?request=…, OpenID Connect RP-Initiated Logout): the
 * provider's end-session endpoint sends the browser here. The session cookie is SameSite=Strict,
 * so only this page, on our origin, can end the session: at once when the portal named the
 * citizen signed in here (a valid ID token), after asking otherwise. The browser then goes
 * back to the portal's registered address.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import { navigate } from '../router';
import { useSsoRequest, SsoRequestProblem } from './sso-request';
import { useApp } from '../state';

type Outcome = { signedOut: boolean; leaving: boolean };

export default function SsoLogout() {
  const app = useApp();
  const request = useSsoRequest(api.ssoLogoutRequest);
  const { requestId, view } = request;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const autoSent = useRef(false);

  const answer = async (signOut: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await api.ssoLogout(requestId, signOut);
    if (!result.ok) {
      setBusy(false);
      setError(result.error);
      return;
    }
    // The server ended the session: the cached account goes too (GET /api/me answers 401).
    if (signOut) await app.refreshMe();
    const to = result.data.redirectTo;
    setOutcome({ signedOut: signOut, leaving: to !== null });
    if (to) navigate(to);
  };

  // The portal named the citizen signed in here, or nobody is: nothing to ask.
  useEffect(() => {
    if (view && !view.confirm && !autoSent.current) {
      autoSent.current = true;
      void answer(true);
    }
  }, [view]);

  if (!requestId || request.loadError) {
    return <SsoRequestProblem title="ssoLogout.title" missing="ssoLogout.missing" testId="sso-logout-error" request={request} />;
  }
  if (!view) return <Loading />;
  const portal = view.client?.name ?? null;

  if (outcome?.leaving && portal) {
    return (
      <Screen title={t('ssoLogout.title')}>
        <Notice message={t('sso.redirecting', { portal })} />
      </Screen>
    );
  }
  if (outcome) {
    return (
      <Screen title={t('ssoLogout.title')}>
        <p class="lead" data-testid="sso-logout-done">
          {outcome.signedOut ? t('ssoLogout.done') : t('ssoLogout.kept')}
        </p>
        {outcome.signedOut ? null : (
          <a class="btn btn-secondary" href="/">
            {t('nav.home')}
          </a>
        )}
      </Screen>
    );
  }
  if (!view.confirm) {
    return (
      <Screen title={t('ssoLogout.title')}>
        <ErrorAlert message={error ? errorText(error) : null} testId="sso-logout-error" />
        {error ? (
          <button type="button" class="btn btn-secondary" onClick={() => void answer(true)} disabled={busy}>
            {t('app.retry')}
          </button>
        ) : (
          <Notice message={t('ssoLogout.working')} />
        )}
      </Screen>
    );
  }

  return (
    <Screen title={t('ssoLogout.title')}>
      <p class="lead" data-testid="sso-logout-question">
        {portal ? t('ssoLogout.confirmLead', { portal }) : t('ssoLogout.confirmLeadUnknown')}
      </p>
      <p class="hint">{t('ssoLogout.confirmHint')}</p>
      <ErrorAlert message={error ? errorText(error) : null} testId="sso-logout-error" />
      <div class="stack">
        <button type="button" class="btn btn-primary" onClick={() => void answer(true)} disabled={busy} data-testid="sso-logout-confirm">
          {busy ? t('ssoLogout.working') : t('ssoLogout.signOut')}
        </button>
        <button type="button" class="btn btn-secondary" onClick={() => void answer(false)} disabled={busy} data-testid="sso-logout-stay">
          {t('ssoLogout.stay')}
        </button>
      </div>
    </Screen>
  );
}
