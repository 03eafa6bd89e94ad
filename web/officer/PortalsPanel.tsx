/**
 * Supervisors: the public-service portals registered with the provider (OpenID Connect
 * clients). Register or edit one (redirect URIs one per line, scopes as boxes), disable or
 * enable it, rotate its secret. A new client secret is shown once, here, and never again:
 * the edge keeps only its hash. Disabling and rotating ask for a confirmation first.
 */
import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import { SCOPES } from '../../shared/oidc';
import {
  PORTAL_AUTH_METHODS,
  PortalClientId,
  PortalJwks,
  PortalRedirectUri,
  usesClientSecret,
  type PortalAuthMethod,
  type PortalSecretResponse,
  type PortalSummary,
} from '../../shared/portals';
import type { ApiError, ApiResult } from '../api';
import { Field } from '../components/Field';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText } from '../i18n';
import { formatWhen } from '../i18n/accounts';
import { td, type OfficerMessageKey } from '../i18n/officer';
import { portalsApi } from './portals-api';

interface Form {
  clientId: string;
  name: string;
  authMethod: PortalAuthMethod;
  redirectUris: string;
  postLogoutRedirectUris: string;
  scopes: string[];
  jwks: string;
}

const EMPTY: Form = { clientId: '', name: '', authMethod: 'client_secret_basic', redirectUris: '', postLogoutRedirectUris: '', scopes: ['openid', 'profile'], jwks: '' };

type Invalid = Partial<Record<'clientId' | 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'jwks', string>>;

const lines = (text: string) => [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))];

/** Checks the form as the edge will, so the supervisor sees which field is wrong before sending. */
function check(form: Form, editing: PortalSummary | null): { invalid: Invalid; jwks?: { keys: Array<{ kty: string }> } } {
  const invalid: Invalid = {};
  if (!form.name.trim() || form.name.trim().length > 120) invalid.name = errorText({ code: 'validation_failed' });
  if (!editing && form.clientId.trim() && !v.is(PortalClientId, form.clientId)) invalid.clientId = td('desk.portalClientIdHint');
  const redirects = lines(form.redirectUris);
  const badRedirect = redirects.find((u) => !v.safeParse(PortalRedirectUri, u).success);
  if (badRedirect) invalid.redirectUris = td('desk.portalUriInvalid', { uri: badRedirect.slice(0, 80) });
  else if (redirects.length === 0 || redirects.length > 10) invalid.redirectUris = td('desk.portalUrisRequired');
  const logout = lines(form.postLogoutRedirectUris);
  const badLogout = logout.find((u) => !v.safeParse(PortalRedirectUri, u).success);
  if (badLogout !== undefined) invalid.postLogoutRedirectUris = td('desk.portalUriInvalid', { uri: badLogout.slice(0, 80) });
  else if (logout.length > 10) invalid.postLogoutRedirectUris = td('desk.portalUrisRequired');
  let jwks: { keys: Array<{ kty: string }> } | undefined;
  if (form.authMethod === 'private_key_jwt') {
    const keep = editing?.authMethod === 'private_key_jwt' && editing.jwksKeys > 0 && !form.jwks.trim();
    if (!keep) {
      try {
        const parsed = v.safeParse(PortalJwks, JSON.parse(form.jwks));
        if (parsed.success) jwks = parsed.output;
        else invalid.jwks = td('desk.portalJwksInvalid');
      } catch {
        invalid.jwks = td('desk.portalJwksInvalid');
      }
    }
  }
  return { invalid, ...(jwks ? { jwks } : {}) };
}

function formOf(p: PortalSummary): Form {
  return {
    clientId: p.clientId,
    name: p.name,
    authMethod: p.authMethod,
    redirectUris: p.redirectUris.join('\n'),
    postLogoutRedirectUris: p.postLogoutRedirectUris.join('\n'),
    scopes: p.scopes,
    jwks: '',
  };
}

function TextArea({ id, label, hint, value, onValue, error }: { id: string; label: string; hint?: string; value: string; onValue: (v: string) => void; error?: string | undefined }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      ) : null}
      <textarea id={id} rows={3} class="mono" spellcheck={false} value={value} onInput={(e) => onValue(e.currentTarget.value)} aria-invalid={error ? 'true' : undefined} aria-describedby={described} />
      {error ? (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type Pending = { clientId: string; action: 'disable' | 'rotate' };

export function PortalsPanel() {
  const [portals, setPortals] = useState<PortalSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [editing, setEditing] = useState<PortalSummary | null>(null);
  const [invalid, setInvalid] = useState<Invalid>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; clientId: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (after?: string) => {
    const r = await portalsApi.list(after);
    if (!r.ok) return setError(r.error);
    setPortals((list) => (after ? [...(list ?? []), ...r.data.portals] : r.data.portals));
    setNext(r.data.next);
  };
  useEffect(() => {
    void load();
  }, []);

  const put = (p: PortalSummary) => setPortals((list) => (list ?? []).map((x) => (x.clientId === p.clientId ? p : x)));
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));

  const showSecret = (r: PortalSecretResponse) => {
    setCopied(false);
    setSecret(r.clientSecret ? { name: r.portal.name, clientId: r.portal.clientId, value: r.clientSecret } : null);
  };

  /** One action: busy flag, error, and a notice naming the portal. */
  const run = async <T,>(call: () => Promise<ApiResult<T>>, done: (data: T) => string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    const r = await call();
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setNotice(done(r.data));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const { invalid: found, jwks } = check(form, editing);
    setInvalid(found);
    if (Object.keys(found).length > 0) return;
    const fields = {
      name: form.name.trim(),
      authMethod: form.authMethod,
      redirectUris: lines(form.redirectUris),
      postLogoutRedirectUris: lines(form.postLogoutRedirectUris),
      scopes: SCOPES.filter((s) => s === 'openid' || form.scopes.includes(s)),
      ...(jwks ? { jwks } : {}),
    };
    if (editing) {
      await run(
        () => portalsApi.update(editing.clientId, fields),
        (r) => {
          put(r.portal);
          showSecret(r);
          setEditing(null);
          setForm(EMPTY);
          return td('desk.portalDone.updated', { name: r.portal.name });
        },
      );
    } else {
      await run(
        () => portalsApi.register({ ...fields, clientId: form.clientId.trim() }),
        (r) => {
          setPortals((list) => [...(list ?? []), r.portal].sort((a, b) => (a.clientId < b.clientId ? -1 : 1)));
          showSecret(r);
          setForm(EMPTY);
          return td('desk.portalDone.registered', { name: r.portal.name });
        },
      );
    }
  };

  const edit = (p: PortalSummary) => {
    setEditing(p);
    setForm(formOf(p));
    setInvalid({});
    setNotice(null);
    document.getElementById('portal-form')?.scrollIntoView({ block: 'start' });
  };

  const confirm = async (p: PortalSummary, action: Pending['action']) => {
    setPending(null);
    if (action === 'disable') {
      await run(
        () => portalsApi.disable(p.clientId),
        (r) => {
          put(r);
          return td('desk.portalDone.disabled', { name: r.name });
        },
      );
    } else {
      await run(
        () => portalsApi.rotateSecret(p.clientId),
        (r) => {
          put(r.portal);
          showSecret(r);
          return td('desk.portalDone.rotated', { name: r.portal.name });
        },
      );
    }
  };

  const enable = (p: PortalSummary) =>
    run(
      () => portalsApi.enable(p.clientId),
      (r) => {
        put(r);
        return td('desk.portalDone.enabled', { name: r.name });
      },
    );

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.value);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard access: the secret stays selectable on screen
    }
  };

  return (
    <div class="desk-grid">
      <section class="card" aria-labelledby="portal-form-title" id="portal-form">
        <h2 id="portal-form-title">{editing ? td('desk.portalEditTitle', { clientId: editing.clientId }) : td('desk.portalRegisterTitle')}</h2>
        <form class="stack" noValidate onSubmit={(e) => void submit(e)} data-testid="portal-form">
          <Field id="portal-name" label={td('desk.portalName')} value={form.name} onValue={set('name')} error={invalid.name} maxLength={120} />
          {editing ? null : (
            <Field id="portal-client-id" label={td('desk.portalClientId')} hint={td('desk.portalClientIdHint')} value={form.clientId} onValue={set('clientId')} error={invalid.clientId} maxLength={64} class="mono" autoCapitalize="off" />
          )}
          <fieldset class="choices">
            <legend>{td('desk.portalAuthMethod')}</legend>
            {PORTAL_AUTH_METHODS.map((m) => (
              <label class="choice" key={m}>
                <input type="radio" name="portal-auth" value={m} checked={form.authMethod === m} onChange={() => set('authMethod')(m)} />
                <span>{td(`desk.portalAuth.${m}`)}</span>
              </label>
            ))}
          </fieldset>
          {form.authMethod === 'private_key_jwt' ? (
            <TextArea id="portal-jwks" label={td('desk.portalJwks')} hint={td('desk.portalJwksHint')} value={form.jwks} onValue={set('jwks')} error={invalid.jwks} />
          ) : null}
          <TextArea id="portal-redirects" label={td('desk.portalRedirects')} hint={td('desk.portalRedirectsHint')} value={form.redirectUris} onValue={set('redirectUris')} error={invalid.redirectUris} />
          <TextArea id="portal-logout" label={td('desk.portalLogoutRedirects')} value={form.postLogoutRedirectUris} onValue={set('postLogoutRedirectUris')} error={invalid.postLogoutRedirectUris} />
          <fieldset class="choices">
            <legend>{td('desk.portalScopes')}</legend>
            {SCOPES.map((s) => (
              <label class="choice" key={s}>
                <input
                  type="checkbox"
                  name="portal-scope"
                  value={s}
                  checked={s === 'openid' || form.scopes.includes(s)}
                  disabled={s === 'openid'}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setForm((f) => ({ ...f, scopes: on ? [...f.scopes, s] : f.scopes.filter((x) => x !== s) }));
                  }}
                />
                <span>
                  {td(`desk.portalScope.${s}`)} <code class="scope-code">{s}</code>
                </span>
              </label>
            ))}
          </fieldset>
          <div class="portal-actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="portal-submit">
              {busy ? td('desk.working') : editing ? td('desk.portalSave') : td('desk.portalRegister')}
            </button>
            {editing ? (
              <button
                type="button"
                class="btn btn-secondary"
                onClick={() => {
                  setEditing(null);
                  setForm(EMPTY);
                  setInvalid({});
                }}
              >
                {td('desk.portalCancelEdit')}
              </button>
            ) : null}
          </div>
        </form>
      </section>
      <div class="desk-col">
        {secret ? (
          <section class="card secret-once" role="status" aria-labelledby="portal-secret-title" data-testid="portal-secret">
            <h2 id="portal-secret-title">{td('desk.portalSecretTitle', { name: secret.name })}</h2>
            <p>{td('desk.portalSecretOnce')}</p>
            <p class="mono">client_id: {secret.clientId}</p>
            <p class="invite-code secret-value" data-testid="portal-secret-value">
              {secret.value}
            </p>
            <div class="portal-actions">
              <button type="button" class="btn btn-secondary btn-compact" onClick={() => void copy()}>
                {td('desk.portalSecretCopy')}
              </button>
              <button type="button" class="btn btn-secondary btn-compact" onClick={() => setSecret(null)} data-testid="portal-secret-done">
                {td('desk.portalSecretDone')}
              </button>
            </div>
            {copied ? <p class="hint">{td('desk.portalSecretCopied')}</p> : null}
          </section>
        ) : null}
        <section class="card" aria-labelledby="portals-title">
          <h2 id="portals-title">{td('desk.portalsTitle')}</h2>
          <p class="hint">{td('desk.portalsLead')}</p>
          <Notice message={notice} />
          <ErrorAlert message={error ? errorText(error) : null} />
          {portals !== null && portals.length === 0 ? <p class="empty">{td('desk.portalsEmpty')}</p> : null}
          <ul class="plain-list portal-list" data-testid="portal-list">
            {(portals ?? []).map((p) => (
              <li key={p.clientId} class="portal-row" data-client={p.clientId} data-status={p.status}>
                <div class="portal-head">
                  <p class="row-title">{p.name}</p>
                  <span class={p.status === 'active' ? 'pill' : 'pill pill-bad'} data-testid="portal-status">
                    {td(`desk.portalStatus.${p.status}`)}
                  </span>
                </div>
                <p class="mono portal-id">{p.clientId}</p>
                <p class="hint">
                  {td(`desk.portalAuth.${p.authMethod}`)}
                  {p.authMethod === 'private_key_jwt' ? ` · ${td('desk.portalKeys', { count: p.jwksKeys })}` : ''} · {formatWhen(p.updatedAt)}
                </p>
                <p class="portal-scopes">
                  {p.scopes.map((s) => (
                    <code class={s === 'vn_id_number' ? 'scope-code scope-sensitive' : 'scope-code'} key={s} title={(SCOPES as readonly string[]).includes(s) ? td(`desk.portalScope.${s}` as OfficerMessageKey) : s}>
                      {s}
                    </code>
                  ))}
                </p>
                <p class="hint mono portal-uris">
                  {td('desk.portalRedirectsShort')}: {p.redirectUris.join(' · ')}
                </p>
                {pending?.clientId === p.clientId ? (
                  <div class="check" role="alert">
                    <span>{pending.action === 'disable' ? td('desk.portalConfirmDisable', { name: p.name }) : td('desk.portalConfirmRotate', { name: p.name })}</span>
                  </div>
                ) : null}
                <div class="portal-actions">
                  {pending?.clientId === p.clientId ? (
                    <>
                      <button type="button" class="btn btn-danger btn-compact" disabled={busy} onClick={() => void confirm(p, pending.action)} data-testid="portal-confirm">
                        {td('desk.portalConfirm')}
                      </button>
                      <button type="button" class="btn btn-secondary btn-compact" onClick={() => setPending(null)}>
                        {td('desk.portalCancel')}
                      </button>
                    </>
                  ) : (
                    <>
                      <button type="button" class="btn btn-secondary btn-compact" disabled={busy} onClick={() => edit(p)} data-testid="portal-edit">
                        {td('desk.portalEdit')}
                      </button>
                      {p.status === 'active' ? (
                        <button type="button" class="btn btn-danger btn-compact" disabled={busy} onClick={() => setPending({ clientId: p.clientId, action: 'disable' })} data-testid="portal-disable">
                          {td('desk.portalDisable')}
                        </button>
                      ) : (
                        <button type="button" class="btn btn-secondary btn-compact" disabled={busy} onClick={() => void enable(p)} data-testid="portal-enable">
                          {td('desk.portalEnable')}
                        </button>
                      )}
                      {usesClientSecret(p.authMethod) ? (
                        <button type="button" class="btn btn-secondary btn-compact" disabled={busy} onClick={() => setPending({ clientId: p.clientId, action: 'rotate' })} data-testid="portal-rotate">
                          {td('desk.portalRotate')}
                        </button>
                      ) : null}
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
          {next ? (
            <button type="button" class="btn btn-secondary" onClick={() => void load(next)}>
              {td('desk.portalsMore')}
            </button>
          ) : null}
        </section>
      </div>
    </div>
  );
}
