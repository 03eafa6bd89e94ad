/**
 * Data sharing (Settings › …): the portals the citizen allowed, each revocable (the portal's
 * tokens stop working and the next sign-in asks again), and the history of every disclosure:
 * what went to which portal, when, and whether at a sign-in or fetched again later by a
 * portal that stays signed in.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SsoConsent, SsoDisclosure } from '../../shared/oidc';
import { api, type ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading, Notice } from '../components/Status';
import { errorText, lang, t } from '../i18n';
import { ITEM_LABELS } from './sso-items';

function formatTime(at: number): string {
  return new Intl.DateTimeFormat(lang.value === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

export default function Sharing() {
  const [consents, setConsents] = useState<SsoConsent[] | null>(null);
  const [history, setHistory] = useState<SsoDisclosure[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    const [c, h] = await Promise.all([api.ssoConsents(), api.ssoHistory()]);
    if (c.ok) setConsents(c.data.consents);
    if (h.ok) setHistory(h.data.history);
    if (!c.ok) setError(c.error);
    else if (!h.ok) setError(h.error);
  };
  useEffect(() => {
    void load();
  }, []);

  const revoke = async (consent: SsoConsent) => {
    setRevoking(consent.clientId);
    setNotice(null);
    const result = await api.ssoRevokeConsent(consent.clientId);
    setRevoking(null);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setNotice(t('sharing.revoked', { portal: consent.clientName }));
    setConsents((list) => (list ?? []).filter((c) => c.clientId !== consent.clientId));
  };

  return (
    <Screen title={t('sharing.title')}>
      <p>{t('sharing.lead')}</p>
      <Notice message={notice} />
      <ErrorAlert message={error ? errorText(error) : null} testId="sharing-error" />
      <section class="card" aria-labelledby="sharing-portals" data-testid="sharing-portals">
        <h2 id="sharing-portals">{t('sharing.portals')}</h2>
        {consents === null ? (
          error ? null : <Loading />
        ) : consents.length === 0 ? (
          <p class="empty">{t('sharing.portalsEmpty')}</p>
        ) : (
          <ul class="plain-list">
            {consents.map((c) => (
              <li key={c.clientId} class="list-row" data-client={c.clientId}>
                <div>
                  <p class="row-title">{c.clientName}</p>
                  <p class="hint">{c.items.map((item) => t(ITEM_LABELS[item])).join(', ')}</p>
                  <p class="hint">{t('sharing.since', { date: formatTime(c.grantedAt) })}</p>
                </div>
                <button
                  type="button"
                  class="btn btn-secondary btn-compact"
                  onClick={() => void revoke(c)}
                  disabled={revoking !== null}
                  aria-label={t('sharing.revokeLabel', { portal: c.clientName })}
                >
                  {revoking === c.clientId ? t('sharing.revoking') : t('sharing.revoke')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="sharing-history" data-testid="sharing-history">
        <h2 id="sharing-history">{t('sharing.history')}</h2>
        {history === null ? (
          error ? null : <Loading />
        ) : history.length === 0 ? (
          <p class="empty">{t('sharing.historyEmpty')}</p>
        ) : (
          <ol class="plain-list">
            {history.map((d) => (
              <li key={d.id} class="list-row">
                <div>
                  <p class="row-title">{d.clientName}</p>
                  <p class="hint">
                    <time dateTime={new Date(d.at).toISOString()}>{formatTime(d.at)}</time> · {d.level === 2 ? t('home.level2') : t('home.level1')}
                  </p>
                  <p class="hint" data-kind={d.kind}>
                    {t(`sharing.kind.${d.kind}`)}
                  </p>
                  <p>{d.items.map((item) => t(ITEM_LABELS[item])).join(', ')}</p>
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </Screen>
  );
}
