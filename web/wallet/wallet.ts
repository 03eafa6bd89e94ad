/**
 * The wallet as a small model of signals and actions (like state.ts): whether it exists on
 * this phone, is locked or open, its documents once open, and the sync with the edge.
 * Everything outside (IndexedDB, the API, the passkey, the clock) is passed in, so the
 * model runs in a unit test without a browser.
 *
 *   absent ──download──▶ (pending documents) ──setUp(passcode)──▶ open ◀──unlock──▶ locked
 *   locked ──5 wrong passcodes──▶ wiped ──download──▶ …
 *
 * Sync needs the wallet open: new documents are sealed with the wallet key before they
 * touch the disk, and that key exists only after the passcode (or passkey).
 */
import { signal } from '@preact/signals';
import type { WalletDocument, WalletSyncResponse } from '../../shared/api';
import type { ApiError, ApiResult } from '../api';
import {
  createDeviceSecret,
  createPasscodeBox,
  createPasskeyBox,
  createWalletKey,
  isPasscodeFormat,
  lockedCopy,
  MAX_PASSCODE_ATTEMPTS,
  openJson,
  openPasscodeBox,
  openPasskeyBox,
  samePasscodeBox,
  sealJson,
  type PasscodeBox,
  type PasskeyBox,
  type Random,
} from './vault';
import type { StoredWalletDocuments, StoredWalletKey } from './wallet-store';

export type WalletStatus = 'loading' | 'absent' | 'locked' | 'open' | 'wiped';

/** What the sealed box holds. */
export interface WalletContents {
  documents: WalletDocument[];
  /** The edge's clock at the last sync (ms). */
  syncedAt: number;
}

export interface WalletDeps {
  store: {
    readKey(): Promise<StoredWalletKey | null>;
    readDocuments(): Promise<StoredWalletDocuments | null>;
    write(key: StoredWalletKey, documents: StoredWalletDocuments): Promise<void>;
    writeDocuments(documents: StoredWalletDocuments): Promise<void>;
    writePasskey(box: PasskeyBox | null): Promise<void>;
    countAttempt(max: number): Promise<number | 'wiped'>;
    resetAttempts(): Promise<void>;
    wipe(): Promise<void>;
  };
  /** Challenge → device-key proof → the account's documents. */
  sync(): Promise<ApiResult<WalletSyncResponse>>;
  prf: {
    supported(): Promise<boolean>;
    evaluate(salt: Uint8Array<ArrayBuffer>, credentialId: string | null): Promise<{ credentialId: string; output: BufferSource } | null>;
  };
  now(): number;
  /**
   * A note beside the database (localStorage in the app) that this device holds a locked
   * wallet, with a passkey box or not: the prompt shows from it at once, before the database
   * has opened (a fresh browser's slowest step). Only which screen shows depends on it; the
   * stored record decides everything else, and corrects the note when they differ.
   */
  hint?: { read(): WalletHint | null; write(hint: WalletHint | null): void };
  /** PBKDF2 iterations for a new passcode box (tests pass a small number). */
  iterations?: number;
  random?: Random;
}

/** What the note says: a locked wallet that opens with the passcode only, or also with the passkey. */
export type WalletHint = 'passcode' | 'passkey';

export type SyncState = { state: 'idle' | 'syncing' | 'done' } | { state: 'failed'; error: ApiError };
export type UnlockResult = 'open' | 'wrong' | 'wiped' | 'failed';

export function createWallet(deps: WalletDeps) {
  const random: Random = deps.random ?? ((n) => crypto.getRandomValues(new Uint8Array(n)));
  const status = signal<WalletStatus>('loading');
  const contents = signal<WalletContents | null>(null);
  /** Documents downloaded for a wallet that has no passcode yet. */
  const pending = signal<WalletContents | null>(null);
  const sync = signal<SyncState>({ state: 'idle' });
  const attemptsLeft = signal(MAX_PASSCODE_ATTEMPTS);
  /** A passkey box exists: the unlock screen offers the passkey. */
  const passkeyUnlock = signal(false);
  /** Right after set-up, when the browser has PRF: offer to add the passkey box. */
  const passkeyOffer = signal(false);
  /** A passcode or passkey is being checked (the KDF is running). */
  const opening = signal(false);
  let key: CryptoKey | null = null;
  /** The extractable wallet key, kept only between set-up and the answer to the passkey offer. */
  let setupKey: CryptoKey | null = null;
  /** The key record last read: the passcode's KDF can start on it while the try is being counted. */
  let known: StoredWalletKey | null = null;
  let loading: Promise<void> | null = null;
  /** The KDF started for a passcode typed but not submitted yet (see `prepare`). */
  let prepared: { passcode: string; box: PasscodeBox; result: Promise<CryptoKey | null> } | null = null;

  function note(hint: WalletHint | null): void {
    try {
      deps.hint?.write(hint);
    } catch {
      // no note (storage blocked): the prompt waits for the database instead
    }
  }

  async function readStored(): Promise<void> {
    if (status.peek() === 'open') return;
    if (status.peek() === 'loading') {
      let hinted: WalletHint | null = null;
      try {
        hinted = deps.hint?.read() ?? null;
      } catch {
        hinted = null;
      }
      if (hinted) {
        passkeyUnlock.value = hinted === 'passkey';
        status.value = 'locked';
      }
    }
    const stored = await deps.store.readKey();
    known = stored;
    note(stored ? (stored.passkey ? 'passkey' : 'passcode') : null);
    // Opened meanwhile (set up or unlocked while this read ran): it stays open.
    if (status.peek() === 'open') return;
    if (!stored) {
      passkeyUnlock.value = false;
      if (status.value !== 'wiped') status.value = 'absent';
      return;
    }
    attemptsLeft.value = Math.max(0, MAX_PASSCODE_ATTEMPTS - stored.failedAttempts);
    passkeyUnlock.value = stored.passkey !== null;
    status.value = 'locked';
  }

  /** Reads what is stored (one read at a time: the app starts it early, the screen asks again). An open wallet stays open. */
  function load(): Promise<void> {
    loading ??= readStored().finally(() => {
      loading = null;
    });
    return loading;
  }

  /** First sync, before there is a passcode: the documents wait in memory for `setUp`. */
  async function download(): Promise<ApiError | null> {
    sync.value = { state: 'syncing' };
    const result = await deps.sync();
    if (!result.ok) {
      sync.value = { state: 'failed', error: result.error };
      return result.error;
    }
    pending.value = { documents: result.data.documents, syncedAt: result.data.syncedAt };
    sync.value = { state: 'done' };
    return null;
  }

  /** Makes the wallet key, seals the pending documents and stores both boxes; the wallet opens. */
  async function setUp(passcode: string): Promise<void> {
    const documents = pending.value;
    if (!documents) throw new Error('setUp: nothing downloaded');
    const walletKey = await createWalletKey();
    const deviceSecret = await createDeviceSecret();
    const passcodeBox = await createPasscodeBox({ walletKey, passcode, deviceSecret, random, ...(deps.iterations ? { iterations: deps.iterations } : {}) });
    const sealed = await sealJson(walletKey, documents, random);
    const now = deps.now();
    const stored: StoredWalletKey = { version: 1, passcode: passcodeBox, passkey: null, deviceSecret, failedAttempts: 0, createdAt: now };
    await deps.store.write(stored, { sealed, savedAt: now });
    known = stored;
    note('passcode');
    key = await lockedCopy(walletKey);
    contents.value = documents;
    pending.value = null;
    attemptsLeft.value = MAX_PASSCODE_ATTEMPTS;
    passkeyUnlock.value = false;
    status.value = 'open';
    if (await deps.prf.supported()) {
      setupKey = walletKey;
      passkeyOffer.value = true;
    }
  }

  /** Adds the passkey box (asks the passkey for its PRF output). False when the passkey cannot. */
  async function enablePasskey(): Promise<boolean> {
    if (!setupKey) return false;
    const prfSalt = random(32);
    const prf = await deps.prf.evaluate(prfSalt, null);
    if (!prf) return false;
    const box = await createPasskeyBox({ walletKey: setupKey, credentialId: prf.credentialId, prfSalt, prfOutput: prf.output, random });
    await deps.store.writePasskey(box);
    note('passkey');
    passkeyUnlock.value = true;
    dismissPasskeyOffer();
    return true;
  }

  function dismissPasskeyOffer(): void {
    setupKey = null;
    passkeyOffer.value = false;
  }

  async function opened(walletKey: CryptoKey, documents: Promise<StoredWalletDocuments | null> = deps.store.readDocuments()): Promise<UnlockResult> {
    const sealed = await documents;
    const value = sealed ? await openJson<WalletContents>(walletKey, sealed.sealed) : { documents: [], syncedAt: 0 };
    if (!value) return 'failed';
    // Not waited for: the documents show at once. Should it fail, the try stays counted (the safe side).
    void deps.store.resetAttempts().catch(() => undefined);
    key = walletKey;
    contents.value = value;
    attemptsLeft.value = MAX_PASSCODE_ATTEMPTS;
    status.value = 'open';
    return 'open';
  }

  async function wiped(): Promise<UnlockResult> {
    key = null;
    known = null;
    prepared = null;
    note(null);
    contents.value = null;
    passkeyUnlock.value = false;
    status.value = 'wiped';
    return 'wiped';
  }

  /**
   * Opens with the passcode. Each try is counted first: its result is used only once the count
   * is stored, so closing the app mid-try cannot give a free guess; the fifth wrong one wipes
   * the wallet. The slow KDF starts at once on the record last read, beside the count and the
   * read of the sealed documents (ciphertext: of no use without the key).
   */
  async function unlock(passcode: string): Promise<UnlockResult> {
    opening.value = true;
    try {
      return await tryPasscode(passcode);
    } finally {
      opening.value = false;
    }
  }

  /**
   * Starts the slow KDF for a passcode as soon as it is complete (its sixth digit typed), so it
   * runs while the finger moves to the button. Nothing comes of it until `unlock` is called
   * with the same passcode, which counts the try first, as always, and only then uses the
   * result: a passcode typed and never submitted shows nothing and counts nothing.
   */
  function prepare(passcode: string): void {
    prepared = null;
    if (!known || status.peek() !== 'locked' || !isPasscodeFormat(passcode)) return;
    const result = openPasscodeBox(known.passcode, passcode, known.deviceSecret);
    result.catch(() => undefined);
    prepared = { passcode, box: known.passcode, result };
  }

  async function tryPasscode(passcode: string): Promise<UnlockResult> {
    // Typed on the prompt the note showed, before the record was read: read it first (it may
    // say there is no wallet after all; then there is nothing to count).
    if (loading) await loading.catch(() => undefined);
    if (status.peek() !== 'locked') return 'failed';
    const counting = deps.store.countAttempt(MAX_PASSCODE_ATTEMPTS);
    const reading = deps.store.readKey();
    const documents = deps.store.readDocuments();
    documents.catch(() => undefined); // awaited once the wallet opens
    const early = prepared?.passcode === passcode ? prepared : known ? { box: known.passcode, result: openPasscodeBox(known.passcode, passcode, known.deviceSecret) } : null;
    prepared = null;
    early?.result.catch(() => undefined);
    const count = await counting;
    if (count === 'wiped') return wiped();
    const stored = await reading;
    known = stored;
    if (!stored) return wiped();
    // Another tab may have set the wallet up again since that read: then the KDF runs on the new box.
    const walletKey =
      early && samePasscodeBox(early.box, stored.passcode) ? await early.result : await openPasscodeBox(stored.passcode, passcode, stored.deviceSecret);
    if (walletKey) return opened(walletKey, documents);
    if (count >= MAX_PASSCODE_ATTEMPTS) {
      await deps.store.wipe();
      return wiped();
    }
    attemptsLeft.value = MAX_PASSCODE_ATTEMPTS - count;
    return 'wrong';
  }

  /** Opens with the passkey's PRF output (user verification by the authenticator; not counted). */
  async function unlockWithPasskey(): Promise<UnlockResult> {
    const stored = await deps.store.readKey();
    if (!stored?.passkey) return 'failed';
    const prf = await deps.prf.evaluate(stored.passkey.prfSalt, stored.passkey.credentialId);
    if (!prf) return 'failed';
    opening.value = true;
    try {
      const walletKey = await openPasskeyBox(stored.passkey, prf.output);
      return walletKey ? await opened(walletKey) : 'failed';
    } finally {
      opening.value = false;
    }
  }

  /** Fetches the account's documents and seals them; the open wallet keeps showing the old ones on failure. */
  async function refresh(): Promise<ApiError | null> {
    if (status.value !== 'open' || !key || sync.value.state === 'syncing') return null;
    const walletKey = key;
    sync.value = { state: 'syncing' };
    const result = await deps.sync();
    if (!result.ok) {
      sync.value = { state: 'failed', error: result.error };
      return result.error;
    }
    const next: WalletContents = { documents: result.data.documents, syncedAt: result.data.syncedAt };
    const sealed = await sealJson(walletKey, next, random);
    await deps.store.writeDocuments({ sealed, savedAt: deps.now() });
    if (key === walletKey) contents.value = next;
    sync.value = { state: 'done' };
    return null;
  }

  /** Forgets the key and the documents in memory (the sealed copy stays). */
  function lock(): void {
    prepared = null;
    if (status.value !== 'open') return;
    key = null;
    dismissPasskeyOffer();
    contents.value = null;
    sync.value = { state: 'idle' };
    status.value = 'locked';
  }

  return {
    status,
    contents,
    pending,
    sync,
    attemptsLeft,
    passkeyUnlock,
    passkeyOffer,
    opening,
    load,
    prepare,
    download,
    setUp,
    enablePasskey,
    dismissPasskeyOffer,
    unlock,
    unlockWithPasskey,
    refresh,
    lock,
  };
}

export type Wallet = ReturnType<typeof createWallet>;
