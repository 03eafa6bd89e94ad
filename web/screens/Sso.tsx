/**
 * Signing in to a public-service portal (/sso?request=…): the provider's authorization
 * endpoint sends the browser here. The citizen signs in with the passkey (and this phone's
 * device key) if needed, sees exactly which data goes to which portal, and decides; the
 * browser then goes back to the portal. A portal that requires a level-2 account is
 * explained, not silently refused.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DisclosedItem, SsoRequestView } from '../../shared/oidc';
import { api, type ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import { navigate } from '../router';
import { useApp } from '../state';
import { prepareSignIn, signInWithPasskey, type SignInPreparation } from '../wallet/passkey';
import { ITEM_LABELS } from './sso-items';
import { SsoRequestProblem, useSsoRequest } from './sso-request';

function itemValue(item: DisclosedItem, view: SsoRequestView): string | null {
  const account = view.account;
  if (!account) return null;
  if (item === 'sub') return t('sso.item.subValue');
  if (item === 'acr') return account.level === 2 ? t('home.level2') : t('home.level1');
  const value = account.values[item];
  if (value === undefined) return null;
  if (item === 'gender') return value === 'female' ? t('sso.gender.female') : t('sso.gender.male');
  if (item === 'birthdate' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value.split('-').reverse().join('/');
  return value;
}

export default function Sso() {
  const app = useApp();
  const request = useSsoRequest(api.ssoRequest);
  const { requestId, view, load } = request;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const prepared = useRef<SignInPreparation | null>(null);
  const autoSent = useRef(false);

  const needsSignIn = view !== null && (view.account === null || view.account.reauthenticate);
  useEffect(() => {
    if (!needsSignIn) return;
    // Options fetched before the tap, so the passkey prompt opens at once.
    void prepareSignIn().then((result) => {
      prepared.current = result.ok ? result.data : null;
    });
  }, [needsSignIn]);

  const decide = async (approve: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await api.ssoDecision(requestId, approve);
    if (result.ok) {
      setLeaving(true);
      navigate(result.data.redirectTo);
      return;
    }
    setBusy(false);
    if (result.error.code === 'sso_reauthentication_required' || result.error.code === 'unauthenticated') {
      await load();
      return;
    }
    setError(result.error);
  };

  // Consent given before for exactly this: continue without asking again.
  useEffect(() => {
    const account = view?.account;
    if (account && !account.reauthenticate && account.levelSatisfied && account.consentRemembered && !autoSent.current) {
      autoSent.current = true;
      void decide(true);
    }
  }, [view]);

  const signIn = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const ready = prepared.current;
    prepared.current = null; // a challenge is used once
    const result = await signInWithPasskey(ready);
    setBusy(false);
    if (result.ok) {
      await app.setSignedIn(result.data);
      await load();
      return;
    }
    setError(result.error);
    void prepareSignIn().then((again) => {
      prepared.current = again.ok ? again.data : null;
    });
  };

  if (!requestId || request.loadError) return <SsoRequestProblem title="sso.title" missing="sso.missing" testId="sso-error" request={request} />;
  if (!view) return <Loading />;
  const portal = view.client.name;
  const account = view.account;

  if (leaving || (account?.consentRemembered && account.levelSatisfied && !account.reauthenticate && !error)) {
    return (
      <Screen title={t('sso.title')}>
        <Notice message={t('sso.redirecting', { portal })} />
      </Screen>
    );
  }

  if (!account || account.reauthenticate) {
    return (
      <Screen title={t('sso.title')}>
        <p class="lead" data-testid="sso-portal">
          {account ? t('sso.reauthLead', { portal }) : t('sso.signInLead', { portal })}
        </p>
        <ErrorAlert message={error ? errorText(error) : null} testId="sso-error" />
        <button type="button" class="btn btn-primary" onClick={() => void signIn()} disabled={busy} data-testid="sso-signin">
          {busy ? t('signIn.working') : t('signIn.button')}
        </button>
        <p class="aside">
          {t('signIn.noAccount')} <a class="tap" href="/register">{t('welcome.register')}</a>
        </p>
      </Screen>
    );
  }

  if (!account.levelSatisfied) {
    return (
      <Screen title={t('sso.levelTitle')}>
        <section class="card stack" data-testid="sso-level">
          <p>{t('sso.levelExplain', { portal, level: view.requiredLevel, current: account.level })}</p>
          <p>{t('sso.levelHow')}</p>
        </section>
        <ErrorAlert message={error ? errorText(error) : null} testId="sso-error" />
        <button type="button" class="btn btn-primary" onClick={() => void decide(false)} disabled={busy} data-testid="sso-back">
          {t('sso.back')}
        </button>
      </Screen>
    );
  }

  return (
    <Screen title={t('sso.title')} heading={t('sso.consentTitle', { portal })}>
      <p>{t('sso.consentLead', { portal })}</p>
      <section class="card" aria-labelledby="sso-items">
        <h2 id="sso-items">{t('sso.items')}</h2>
        <dl class="facts" data-testid="sso-items">
          {view.items.map((item) => (
            <div key={item} data-item={item}>
              <dt>{t(ITEM_LABELS[item])}</dt>
              <dd>{itemValue(item, view) ?? '—'}</dd>
            </div>
          ))}
        </dl>
      </section>
      {view.offline ? <p class="hint">{t('sso.offline')}</p> : null}
      <p class="hint">{t('sso.remember')}</p>
      <ErrorAlert message={error ? errorText(error) : null} testId="sso-error" />
      <div class="stack">
        <button type="button" class="btn btn-primary" onClick={() => void decide(true)} disabled={busy} data-testid="sso-approve">
          {t('sso.approve')}
        </button>
        <button type="button" class="btn btn-secondary" onClick={() => void decide(false)} disabled={busy} data-testid="sso-deny">
          {t('sso.deny')}
        </button>
      </div>
    </Screen>
  );
}
