/**
 * The wallet model (web/wallet/wallet.ts) with an in-memory store, a fake edge and a fake
 * passkey: first download and set-up, unlock, the wrong-passcode wipe, passkey unlock, sync.
 */
import { describe, expect, it } from 'vitest';
import type { WalletDocument, WalletSyncResponse } from '../../shared/api';
import type { ApiResult } from '../../web/api';
import { createWallet, type WalletDeps, type WalletHint } from '../../web/wallet/wallet';
import { MAX_PASSCODE_ATTEMPTS, type PasskeyBox } from '../../web/wallet/vault';
import type { StoredWalletDocuments, StoredWalletKey } from '../../web/wallet/wallet-store';

const doc = (id: string): WalletDocument => ({ id, docType: 'personal_information', subject: '048204000777', issuedAt: 1, expiresAt: 2, statusIndex: 3, credentials: { full: 'AA' } });

function memoryStore() {
  const state: { key: StoredWalletKey | null; documents: StoredWalletDocuments | null } = { key: null, documents: null };
  const store: WalletDeps['store'] = {
    readKey: async () => state.key,
    readDocuments: async () => state.documents,
    write: async (key, documents) => {
      state.key = key;
      state.documents = documents;
    },
    writeDocuments: async (documents) => {
      state.documents = documents;
    },
    writePasskey: async (box: PasskeyBox | null) => {
      if (state.key) state.key = { ...state.key, passkey: box };
    },
    countAttempt: async (max) => {
      if (!state.key) return 'wiped';
      if (state.key.failedAttempts >= max) {
        state.key = null;
        state.documents = null;
        return 'wiped';
      }
      state.key = { ...state.key, failedAttempts: state.key.failedAttempts + 1 };
      return state.key.failedAttempts;
    },
    resetAttempts: async () => {
      if (state.key) state.key = { ...state.key, failedAttempts: 0 };
    },
    wipe: async () => {
      state.key = null;
      state.documents = null;
    },
  };
  return { state, store };
}

/** The note beside the database (localStorage in the app), kept in memory. */
function memoryHint(initial: WalletHint | null = null) {
  const hint = { value: initial, writes: [] as Array<WalletHint | null> };
  return {
    hint,
    deps: {
      read: () => hint.value,
      write: (next: WalletHint | null) => {
        hint.value = next;
        hint.writes.push(next);
      },
    },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function makeWallet(options: { prf?: boolean; documents?: WalletDocument[]; hint?: WalletDeps['hint']; store?: WalletDeps['store'] } = {}) {
  const { state, store: memory } = memoryStore();
  const store = options.store ?? memory;
  let documents = options.documents ?? [doc('a')];
  const prfOutput = crypto.getRandomValues(new Uint8Array(32));
  const wallet = createWallet({
    store,
    ...(options.hint ? { hint: options.hint } : {}),
    sync: async (): Promise<ApiResult<WalletSyncResponse>> => ({ ok: true, data: { documents, syncedAt: 1000 } }),
    prf: {
      supported: async () => options.prf ?? false,
      evaluate: async () => ({ credentialId: 'cred-1', output: prfOutput }),
    },
    now: () => 5000,
    iterations: 1000,
  });
  return { wallet, state, setDocuments: (next: WalletDocument[]) => (documents = next) };
}

async function openWallet(options: Parameters<typeof makeWallet>[0] = {}) {
  const made = makeWallet(options);
  await made.wallet.load();
  await made.wallet.download();
  await made.wallet.setUp('480215');
  return made;
}

describe('wallet model', () => {
  it('is absent until the first download, then opens once the passcode is set; only sealed data is stored', async () => {
    const { wallet, state } = makeWallet();
    await wallet.load();
    expect(wallet.status.value).toBe('absent');
    expect(await wallet.download()).toBeNull();
    expect(wallet.pending.value?.documents.map((d) => d.id)).toEqual(['a']);
    expect(state.key).toBeNull(); // nothing on disk before the passcode
    await wallet.setUp('480215');
    expect(wallet.status.value).toBe('open');
    expect(wallet.contents.value?.documents.map((d) => d.id)).toEqual(['a']);
    expect(state.key?.passcode.iterations).toBe(1000);
    expect(state.documents?.sealed.ciphertext).toBeInstanceOf(Uint8Array);
    expect(JSON.stringify(state)).not.toContain('048204000777');
  });

  it('locks and opens again with the passcode', async () => {
    const { wallet } = await openWallet();
    wallet.lock();
    expect(wallet.status.value).toBe('locked');
    expect(wallet.contents.value).toBeNull();
    expect(await wallet.unlock('480215')).toBe('open');
    expect(wallet.contents.value?.documents.map((d) => d.id)).toEqual(['a']);
  });

  it(`wipes the wallet at the ${MAX_PASSCODE_ATTEMPTS}th wrong passcode in a row, counting each try`, async () => {
    const { wallet, state } = await openWallet();
    wallet.lock();
    for (let i = 1; i < MAX_PASSCODE_ATTEMPTS; i++) {
      expect(await wallet.unlock('111110')).toBe('wrong');
      expect(wallet.attemptsLeft.value).toBe(MAX_PASSCODE_ATTEMPTS - i);
      expect(state.key?.failedAttempts).toBe(i);
    }
    expect(await wallet.unlock('111110')).toBe('wiped');
    expect(wallet.status.value).toBe('wiped');
    expect(state.key).toBeNull();
    expect(state.documents).toBeNull();
    // It can be set up again from a new download.
    await wallet.download();
    await wallet.setUp('204917');
    expect(wallet.status.value).toBe('open');
  });

  it('a right passcode starts the count again', async () => {
    const { wallet, state } = await openWallet();
    wallet.lock();
    for (let i = 1; i < MAX_PASSCODE_ATTEMPTS; i++) await wallet.unlock('111110');
    expect(await wallet.unlock('480215')).toBe('open');
    expect(state.key?.failedAttempts).toBe(0);
  });

  it('attack: a try interrupted before its result (app killed) still counts; at the limit the next try wipes without testing', async () => {
    const { wallet, state } = await openWallet();
    wallet.lock();
    state.key = { ...state.key!, failedAttempts: MAX_PASSCODE_ATTEMPTS };
    expect(await wallet.unlock('480215')).toBe('wiped');
    expect(state.key).toBeNull();
  });

  it('offers passkey unlock after set-up where PRF exists, and opens with it', async () => {
    const { wallet, state } = await openWallet({ prf: true });
    expect(wallet.passkeyOffer.value).toBe(true);
    expect(await wallet.enablePasskey()).toBe(true);
    expect(wallet.passkeyOffer.value).toBe(false);
    expect(state.key?.passkey?.credentialId).toBe('cred-1');
    wallet.lock();
    await wallet.load();
    expect(wallet.passkeyUnlock.value).toBe(true);
    expect(await wallet.unlockWithPasskey()).toBe('open');
  });

  it('does not offer the passkey without PRF, and cannot add it after the offer is gone', async () => {
    const { wallet } = await openWallet({ prf: false });
    expect(wallet.passkeyOffer.value).toBe(false);
    expect(await wallet.enablePasskey()).toBe(false);
  });

  it('a sync while open replaces the documents and seals them again', async () => {
    const { wallet, state, setDocuments } = await openWallet();
    const before = state.documents!.sealed.ciphertext;
    setDocuments([doc('b'), doc('c')]);
    expect(await wallet.refresh()).toBeNull();
    expect(wallet.contents.value?.documents.map((d) => d.id)).toEqual(['b', 'c']);
    expect(state.documents!.sealed.ciphertext).not.toEqual(before);
    wallet.lock();
    await wallet.unlock('480215');
    expect(wallet.contents.value?.documents.map((d) => d.id)).toEqual(['b', 'c']);
  });

  it('reads the stored record once however often it is asked (the app starts the read early, the screen asks again)', async () => {
    const { state, store } = memoryStore();
    let reads = 0;
    const counted: WalletDeps['store'] = { ...store, readKey: async () => (reads++, state.key) };
    const { wallet } = makeWallet({ store: counted });
    await Promise.all([wallet.load(), wallet.load(), wallet.load()]);
    expect(reads).toBe(1);
    await wallet.load();
    expect(reads).toBe(2);
  });

  it('shows the prompt from the note before the record is read; the record corrects a stale note', async () => {
    const { state, store } = memoryStore();
    const read = deferred<StoredWalletKey | null>();
    const slow: WalletDeps['store'] = { ...store, readKey: () => read.promise };
    const { hint, deps } = memoryHint('passkey');
    const { wallet } = makeWallet({ store: slow, hint: deps });
    const loading = wallet.load();
    expect(wallet.status.value).toBe('locked'); // at once, from the note
    expect(wallet.passkeyUnlock.value).toBe(true);
    read.resolve(state.key); // nothing stored: the note was stale
    await loading;
    expect(wallet.status.value).toBe('absent');
    expect(wallet.passkeyUnlock.value).toBe(false);
    expect(hint.value).toBeNull();
  });

  it('keeps the note in step: set up → passcode, passkey added → passkey, wiped → none', async () => {
    const { hint, deps } = memoryHint();
    const { wallet } = makeWallet({ prf: true, hint: deps });
    await wallet.load();
    await wallet.download();
    await wallet.setUp('480215');
    expect(hint.value).toBe('passcode');
    await wallet.enablePasskey();
    expect(hint.value).toBe('passkey');
    wallet.lock();
    for (let i = 0; i <= MAX_PASSCODE_ATTEMPTS; i++) await wallet.unlock('111110');
    expect(wallet.status.value).toBe('wiped');
    expect(hint.value).toBeNull();
  });

  it('a passcode typed on the note\'s prompt before the record is read waits for it; with no wallet stored, nothing is counted', async () => {
    const { state, store } = memoryStore();
    const read = deferred<StoredWalletKey | null>();
    let counted = 0;
    const slow: WalletDeps['store'] = { ...store, readKey: () => read.promise, countAttempt: async (max) => (counted++, store.countAttempt(max)) };
    const { wallet } = makeWallet({ store: slow, hint: memoryHint('passcode').deps });
    void wallet.load();
    const trying = wallet.unlock('480215');
    read.resolve(state.key);
    expect(await trying).toBe('failed');
    expect(counted).toBe(0);
    expect(wallet.status.value).toBe('absent'); // the set-up screen, not "wiped"
  });

  it('attack: the KDF starts at once, but its answer is used only once the try is counted', async () => {
    const { state } = await openWallet();
    const count = deferred<number | 'wiped'>();
    // The counting transaction is slow to commit (a busy disk, or the app about to be killed).
    const { wallet: slowWallet } = makeWallet({
      store: {
        readKey: async () => state.key,
        readDocuments: async () => state.documents,
        write: async () => undefined,
        writeDocuments: async () => undefined,
        writePasskey: async () => undefined,
        countAttempt: () => count.promise,
        resetAttempts: async () => undefined,
        wipe: async () => undefined,
      },
    });
    await slowWallet.load();
    let settled = false;
    const trying = slowWallet.unlock('480215').then((r) => ((settled = true), r));
    await new Promise((r) => setTimeout(r, 50)); // long past the KDF at 1,000 iterations
    expect(settled).toBe(false);
    expect(slowWallet.status.value).toBe('locked');
    count.resolve('wiped'); // the count says the limit had been reached: the right passcode does not open it
    expect(await trying).toBe('wiped');
    expect(slowWallet.contents.value).toBeNull();
  });

  it('attack: a passcode typed but not submitted (the KDF starts on its sixth digit) opens nothing and counts nothing', async () => {
    const { wallet, state } = await openWallet();
    wallet.lock();
    await wallet.load();
    wallet.prepare('480215'); // the right one, typed, never submitted
    await new Promise((r) => setTimeout(r, 50));
    expect(wallet.status.value).toBe('locked');
    expect(wallet.contents.value).toBeNull();
    expect(state.key?.failedAttempts).toBe(0);
    // Submitted: counted first, then the prepared result is used.
    expect(await wallet.unlock('480215')).toBe('open');
    wallet.lock();
    // Prepared for one passcode, submitted with another: the submitted one is what is tried (and counted).
    wallet.prepare('480215');
    expect(await wallet.unlock('111110')).toBe('wrong');
    expect(state.key?.failedAttempts).toBe(1);
    wallet.prepare('111110');
    expect(await wallet.unlock('480215')).toBe('open');
    expect(state.key?.failedAttempts).toBe(0);
  });

  it('at the limit, a prepared right passcode still wipes: the count decides before the result is used', async () => {
    const { wallet, state } = await openWallet();
    wallet.lock();
    await wallet.load();
    state.key = { ...state.key!, failedAttempts: MAX_PASSCODE_ATTEMPTS };
    wallet.prepare('480215');
    expect(await wallet.unlock('480215')).toBe('wiped');
    expect(state.key).toBeNull();
  });

  it('opens with the box stored now when another tab set the wallet up again since the record was read', async () => {
    const { wallet, state } = await openWallet();
    wallet.lock();
    await wallet.load(); // the record of the first set-up is kept for the early KDF
    // Another tab: wiped, downloaded again and set up with another passcode.
    const other = makeWallet({ documents: [doc('z')] });
    await other.wallet.load();
    await other.wallet.download();
    await other.wallet.setUp('204917');
    state.key = other.state.key;
    state.documents = other.state.documents;
    expect(await wallet.unlock('204917')).toBe('open');
    expect(wallet.contents.value?.documents.map((d) => d.id)).toEqual(['z']);
  });

  it('does not sync while locked (there is no key to seal with)', async () => {
    const { wallet } = await openWallet();
    wallet.lock();
    expect(await wallet.refresh()).toBeNull();
    expect(wallet.sync.value.state).toBe('idle');
  });
});
