/**
 * The document wallet (lazy, precached so it opens in airplane mode): /wallet lists the
 * documents, /wallet/<id> shows one as its card, /wallet/<id>/qr presents it (a lazy chunk of
 * its own, with the QR library). Behind the passcode (or passkey) gate; the first visit
 * downloads the documents and sets the passcode.
 */
import '../wallet/wallet.css';
import { effect } from '@preact/signals';
import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { WalletDocument } from '../../shared/api';
import { fromBase64Url } from '../../shared/bytes';
import { decodeCredential, type DecodedCredential } from '../../shared/credential';
import type { ApiError } from '../api';
import { DocumentCard, docTypeName } from '../components/DocumentCard';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import { formatDate, formatDateTime, formatDay, tw } from '../i18n/wallet';
import { lazy, path } from '../router';
import { useApp, type AppState } from '../state';
import { wallet } from '../wallet/session';
import { isPasscodeFormat, isWeakPasscode, MAX_PASSCODE_ATTEMPTS, PASSCODE_LENGTH } from '../wallet/vault';

const WalletQr = lazy(() => import('./WalletQr'));
/** The QR screen's chunk is fetched while the passcode is typed, so it draws at once after. */
const prefetchQr = () => void import('./WalletQr').catch(() => undefined);

let promptMarked = false;
/** For the cold-start benchmark (tests/bench): navigation → the passcode prompt on screen (effects run after paint). */
function markPrompt(): void {
  if (promptMarked) return;
  performance.mark('vneid:passcode-prompt');
  promptMarked = true;
}

type Sub = { kind: 'list' } | { kind: 'doc'; id: string } | { kind: 'qr'; id: string };

function parse(pathname: string): Sub {
  const [, , id, action] = pathname.split('/');
  if (!id) return { kind: 'list' };
  return action === 'qr' ? { kind: 'qr', id: decodeURIComponent(id) } : { kind: 'doc', id: decodeURIComponent(id) };
}

/** The display view of a document: its full credential decoded (the wallet trusts what it received). */
export function displayCredential(doc: WalletDocument): DecodedCredential | null {
  const b64 = doc.credentials.full ?? doc.credentials.basic ?? Object.values(doc.credentials)[0];
  const bytes = b64 ? fromBase64Url(b64) : null;
  return bytes ? decodeCredential(bytes) : null;
}

/** The date a document itself stops being valid, when it has one (card expiry, BHYT end…). */
function documentValidUntil(data: Record<string, unknown>): string | null {
  const value = data['expiryDate'] ?? data['validTo'];
  return typeof value === 'string' ? value : null;
}

let watching = false;
/** Locks the wallet on sign-out, and syncs when the connection comes back while it is open. */
function watchApp(app: AppState): void {
  if (watching) return;
  watching = true;
  let wasOnline = app.online.peek();
  effect(() => {
    if (!app.signedIn.value) wallet.lock();
  });
  effect(() => {
    const online = app.online.value;
    if (online && !wasOnline && wallet.status.peek() === 'open') void wallet.refresh();
    wasOnline = online;
  });
}

function syncErrorText(error: ApiError): string {
  if (error.code === 'unauthenticated') return tw('wallet.signInAgain');
  if (error.code === 'device_storage' || error.code === 'device_unknown') return tw('wallet.noDeviceKey');
  return errorText(error);
}

export default function Wallet() {
  const app = useApp();
  useEffect(() => {
    watchApp(app);
    void wallet.load();
  }, []);
  const status = wallet.status.value;
  const sub = parse(path.value);
  if (status === 'loading') return <Loading />;
  if (status === 'absent' || status === 'wiped') return <SetUp app={app} wiped={status === 'wiped'} />;
  if (status === 'locked') return <Unlock app={app} />;
  const contents = wallet.contents.value;
  const doc = sub.kind === 'list' ? null : (contents?.documents.find((d) => d.id === sub.id) ?? null);
  if (sub.kind !== 'list' && !doc) {
    return (
      <Screen title={tw('wallet.title')}>
        <p class="alert">{tw('wallet.notFound')}</p>
        <a class="tap" href="/wallet">
          {tw('wallet.back')}
        </a>
      </Screen>
    );
  }
  if (sub.kind === 'qr' && doc) return <WalletQr doc={doc} />;
  if (sub.kind === 'doc' && doc) return <DocumentScreen doc={doc} />;
  return <DocumentList app={app} />;
}

// ---- first download and the passcode ---------------------------------------------------

function PasscodeField(props: {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
}) {
  const errorId = props.error ? `${props.id}-error` : undefined;
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        ref={props.inputRef}
        class="code-input passcode-input"
        type="password"
        inputMode="numeric"
        pattern="[0-9]*"
        autoComplete="off"
        maxLength={PASSCODE_LENGTH}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value.replace(/\D/g, '').slice(0, PASSCODE_LENGTH))}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={errorId}
        // The unlock screen exists to take this one input.
        autoFocus={props.autoFocus}
      />
      {props.error ? (
        <p id={errorId} class="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

function SetUp({ app, wiped }: { app: AppState; wiped: boolean }) {
  const pending = wallet.pending.value;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    setError(await wallet.download());
    setBusy(false);
  };
  if (pending) return <SetPasscode count={pending.documents.length} />;
  return (
    <Screen title={tw('wallet.title')}>
      {wiped ? (
        <section class="card alert-card" data-testid="wallet-wiped">
          <h2>{tw('wallet.wipedTitle')}</h2>
          <p>{tw('wallet.wiped', { max: MAX_PASSCODE_ATTEMPTS })}</p>
        </section>
      ) : null}
      <p>{tw('wallet.absentLead')}</p>
      <ErrorAlert message={error ? syncErrorText(error) : null} testId="wallet-error">
        {error?.code === 'unauthenticated' ? (
          <>
            {' '}
            <a href="/signin">{t('welcome.signIn')}</a>
          </>
        ) : null}
      </ErrorAlert>
      {app.online.value ? null : <p class="muted">{tw('wallet.needOnline')}</p>}
      <button type="button" class="btn btn-primary" onClick={() => void download()} disabled={busy || !app.online.value} data-testid="wallet-download">
        {busy ? tw('wallet.downloading') : tw('wallet.download')}
      </button>
    </Screen>
  );
}

function SetPasscode({ count }: { count: number }) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [errors, setErrors] = useState<{ first?: string; second?: string }>({});
  const [busy, setBusy] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  const secondRef = useRef<HTMLInputElement>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const next: { first?: string; second?: string } = {};
    if (!isPasscodeFormat(first)) next.first = tw('passcode.format');
    else if (isWeakPasscode(first)) next.first = tw('passcode.weak');
    else if (second !== first) next.second = tw('passcode.mismatch');
    setErrors(next);
    if (next.first) return firstRef.current?.focus();
    if (next.second) return secondRef.current?.focus();
    setBusy(true);
    try {
      await wallet.setUp(first);
    } catch {
      setBusy(false);
      setErrors({ first: t('errors.device_storage') });
    }
  };
  return (
    <Screen title={tw('passcode.setTitle')}>
      <p>{tw('passcode.setLead', { count })}</p>
      <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
        <PasscodeField id="passcode-new" label={tw('passcode.new')} value={first} onValue={setFirst} error={errors.first ?? null} inputRef={firstRef} />
        <PasscodeField id="passcode-confirm" label={tw('passcode.confirm')} value={second} onValue={setSecond} error={errors.second ?? null} inputRef={secondRef} />
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="passcode-save">
          {busy ? tw('passcode.saving') : tw('passcode.save')}
        </button>
      </form>
    </Screen>
  );
}

function Unlock({ app }: { app: AppState }) {
  const [passcode, setPasscode] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    markPrompt();
    prefetchQr();
  }, []);
  const opened = () => {
    if (app.online.peek()) void wallet.refresh();
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!isPasscodeFormat(passcode)) {
      setMessage(tw('passcode.format'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setMessage(null);
    const result = await wallet.unlock(passcode);
    setBusy(false);
    setPasscode('');
    if (result === 'open') return opened();
    if (result === 'wrong') {
      const left = wallet.attemptsLeft.value;
      setMessage(left === 1 ? tw('passcode.lastTry') : tw('passcode.wrong', { left, max: MAX_PASSCODE_ATTEMPTS }));
    }
    if (result === 'failed') setMessage(tw('passcode.passkeyFailed'));
    input.current?.focus();
  };
  const withPasskey = async () => {
    setBusy(true);
    setMessage(null);
    const result = await wallet.unlockWithPasskey();
    setBusy(false);
    if (result === 'open') return opened();
    setMessage(tw('passcode.passkeyFailed'));
  };
  return (
    <Screen title={tw('passcode.unlockTitle')}>
      <p>{tw('passcode.unlockLead')}</p>
      <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
        <PasscodeField id="passcode" label={tw('passcode.label')} value={passcode} onValue={setPasscode} inputRef={input} autoFocus />
        <ErrorAlert message={message} testId="passcode-error" />
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="passcode-unlock">
          {busy ? tw('passcode.checking') : tw('passcode.unlock')}
        </button>
      </form>
      {wallet.passkeyUnlock.value ? (
        <div class="stack or-block">
          <p class="or-line">{tw('passcode.or')}</p>
          <button type="button" class="btn btn-secondary" onClick={() => void withPasskey()} disabled={busy} data-testid="passkey-unlock">
            {tw('passcode.usePasskey')}
          </button>
        </div>
      ) : null}
    </Screen>
  );
}

// ---- the open wallet ------------------------------------------------------------------

function PasskeyOffer() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  if (!wallet.passkeyOffer.value) {
    return message ? <Notice message={message} /> : null;
  }
  const enable = async () => {
    setBusy(true);
    const ok = await wallet.enablePasskey();
    setBusy(false);
    setMessage(ok ? tw('passkey.enabled') : tw('passkey.unsupported'));
    if (!ok) wallet.dismissPasskeyOffer();
  };
  return (
    <section class="card stack" aria-labelledby="passkey-offer-h" data-testid="passkey-offer">
      <h2 id="passkey-offer-h">{tw('passkey.offerTitle')}</h2>
      <p>{tw('passkey.offerLead')}</p>
      <button type="button" class="btn btn-primary" onClick={() => void enable()} disabled={busy} data-testid="passkey-enable">
        {busy ? tw('passkey.enabling') : tw('passkey.enable')}
      </button>
      <button type="button" class="btn-link" onClick={() => wallet.dismissPasskeyOffer()} disabled={busy}>
        {tw('passkey.later')}
      </button>
    </section>
  );
}

function SyncStatus({ app }: { app: AppState }) {
  const sync = wallet.sync.value;
  const syncedAt = wallet.contents.value?.syncedAt;
  let message: string | null = null;
  if (sync.state === 'syncing') message = tw('wallet.syncing');
  else if (sync.state === 'failed') message = tw('wallet.syncFailed', { reason: syncErrorText(sync.error) });
  else if (!app.online.value) message = tw('wallet.offline');
  else if (sync.state === 'done') message = tw('wallet.synced');
  return (
    <div class="wallet-status">
      <Notice message={message} />
      {syncedAt ? (
        <p class="muted small" data-testid="wallet-synced-at">
          {tw('wallet.syncedAt', { time: formatDateTime(syncedAt) })}
        </p>
      ) : null}
    </div>
  );
}

function DocumentTile({ doc }: { doc: WalletDocument }) {
  const decoded = displayCredential(doc);
  const data = (decoded?.data ?? {}) as Record<string, unknown>;
  const until = documentValidUntil(data);
  const expired = doc.expiresAt <= Date.now();
  return (
    <li>
      <a class={`doc-tile doc-${doc.docType}`} href={`/wallet/${encodeURIComponent(doc.id)}`} data-testid={`doc-tile-${doc.docType}`}>
        <span class="doc-tile-type">{docTypeName(doc.docType)}</span>
        {typeof data['fullName'] === 'string' ? <span class="doc-tile-name">{data['fullName']}</span> : null}
        {until ? <span class="doc-tile-meta">{tw('f.expiryDate')}: {formatDay(until)}</span> : null}
        {expired ? <span class="doc-tile-warn">{tw('wallet.copyExpired')}</span> : null}
      </a>
    </li>
  );
}

function DocumentList({ app }: { app: AppState }) {
  const docs = wallet.contents.value?.documents ?? [];
  const syncing = wallet.sync.value.state === 'syncing';
  return (
    <Screen title={tw('wallet.title')}>
      <PasskeyOffer />
      <SyncStatus app={app} />
      {docs.length === 0 ? (
        <p class="empty">{tw('wallet.empty')}</p>
      ) : (
        <>
          <p class="muted small">{tw('wallet.count', { count: docs.length })}</p>
          <ul class="doc-tiles" data-testid="wallet-list">
            {docs.map((doc) => (
              <DocumentTile key={doc.id} doc={doc} />
            ))}
          </ul>
        </>
      )}
      <div class="actions">
        <button type="button" class="btn btn-secondary" onClick={() => void wallet.refresh()} disabled={syncing || !app.online.value} data-testid="wallet-sync">
          {syncing ? tw('wallet.syncing') : tw('wallet.sync')}
        </button>
        <button type="button" class="btn-link" onClick={() => wallet.lock()} data-testid="wallet-lock">
          {tw('wallet.lock')}
        </button>
      </div>
    </Screen>
  );
}

function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a class="tap back-link" href={href}>
      <span aria-hidden="true" class="back-arrow">
        ‹
      </span>
      {children}
    </a>
  );
}

function DocumentScreen({ doc }: { doc: WalletDocument }) {
  const decoded = displayCredential(doc);
  const name = docTypeName(doc.docType);
  const expired = doc.expiresAt <= Date.now();
  return (
    <Screen title={name}>
      <BackLink href="/wallet">{tw('wallet.back')}</BackLink>
      {decoded ? <DocumentCard docType={decoded.docType} view={decoded.view} data={decoded.data as Record<string, unknown>} /> : null}
      <p class={expired ? 'alert' : 'muted small'} data-testid="copy-expiry">
        {expired ? tw('wallet.copyExpired') : tw('wallet.copyExpires', { date: formatDate(doc.expiresAt) })}
      </p>
      <a class="btn btn-primary" href={`/wallet/${encodeURIComponent(doc.id)}/qr`} data-testid="show-qr">
        {tw('wallet.showQr')}
      </a>
    </Screen>
  );
}
