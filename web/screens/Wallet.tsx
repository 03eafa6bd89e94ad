/**
 * The document wallet (/wallet lists the documents, /wallet/<id> shows one as its card,
 * /wallet/<id>/qr presents it), precached so it opens in airplane mode. This chunk is the gate:
 * on a cold start it is all the wallet loads before the passcode (or passkey) prompt — the
 * wallet model, the vault, the Vietnamese wallet words. The open wallet's screens (the list and
 * cards with the credential decoder: WalletDocuments; the QR screen with lean-qr: WalletQr)
 * are fetched while the passcode is typed. The first visit downloads the documents and sets
 * the passcode.
 */
import { effect } from '@preact/signals';
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading } from '../components/Status';
import { t } from '../i18n';
import { syncErrorText, tw } from '../i18n/wallet';
import { lazy, path } from '../router';
import { useApp, type AppState } from '../state';
import { wallet } from '../wallet/session';
import { isPasscodeFormat, isWeakPasscode, MAX_PASSCODE_ATTEMPTS, PASSCODE_LENGTH } from '../wallet/vault';

const WalletDocuments = lazy(() => import('./WalletDocuments'));
const WalletQr = lazy(() => import('./WalletQr'));

// Opened from the home-screen icon straight onto a wallet address, this chunk loads beside the
// app's own start: the stored key record is read now, so the prompt can show as the app renders.
void wallet.load().catch(() => undefined);

type Sub = { kind: 'list' } | { kind: 'doc'; id: string } | { kind: 'qr'; id: string };

function parse(pathname: string): Sub {
  const [, , id, action] = pathname.split('/');
  if (!id) return { kind: 'list' };
  return action === 'qr' ? { kind: 'qr', id: decodeURIComponent(id) } : { kind: 'doc', id: decodeURIComponent(id) };
}

/** The screen the open wallet will show is fetched while the passcode is typed, so it draws at once after. */
function prefetchOpen(): void {
  const first = parse(path.peek()).kind === 'qr' ? WalletQr : WalletDocuments;
  const then = first === WalletQr ? WalletDocuments : WalletQr;
  void first.preload().then(() => then.preload());
}

let promptMarked = false;
/** For the cold-start benchmark (tests/bench): navigation → the passcode prompt on screen (effects run after paint). */
function markPrompt(): void {
  if (promptMarked) return;
  performance.mark('vneid:passcode-prompt');
  promptMarked = true;
}

let watching = false;
/** Locks the wallet on sign-out, and syncs when the connection comes back while it is open. */
function watchApp(app: AppState): void {
  if (watching) return;
  watching = true;
  let wasOnline = app.online.peek();
  effect(() => {
    // Before the cached account is read nobody is signed in yet: that is no sign-out.
    if (app.ready.value && !app.signedIn.value) wallet.lock();
  });
  effect(() => {
    const online = app.online.value;
    if (online && !wasOnline && wallet.status.peek() === 'open') void wallet.refresh();
    wasOnline = online;
  });
}

export default function Wallet() {
  const app = useApp();
  useEffect(() => {
    watchApp(app);
    void wallet.load();
  }, []);
  const status = wallet.status.value;
  if (status === 'loading') return <Loading />;
  // The passcode prompt may show while the cached account is being read: it shows nothing of it.
  if (status === 'locked') return <Unlock app={app} />;
  // The rest is the account's (its documents, their download): only once the route's access rule has been checked.
  if (!app.ready.value) return <Loading />;
  if (status === 'absent' || status === 'wiped') return <SetUp app={app} wiped={status === 'wiped'} />;
  const sub = parse(path.value);
  const doc = sub.kind === 'list' ? null : (wallet.contents.value?.documents.find((d) => d.id === sub.id) ?? null);
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
  return <WalletDocuments app={app} doc={doc} />;
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
    prefetchOpen();
  }, []);
  const opened = () => {
    if (app.online.peek()) void wallet.refresh();
  };
  const typed = (value: string) => {
    setPasscode(value);
    // The KDF starts on the sixth digit, while the finger moves to the button (nothing comes of it until then).
    wallet.prepare(value);
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
        <PasscodeField id="passcode" label={tw('passcode.label')} value={passcode} onValue={typed} inputRef={input} autoFocus />
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
