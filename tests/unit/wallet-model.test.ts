/**
 * The wallet model (web/wallet/wallet.ts) with an in-memory store, a fake edge and a fake
 * passkey: first download and set-up, unlock, the wrong-passcode wipe, passkey unlock, sync.
 */
import { describe, expect, it } from 'vitest';
import type { WalletDocument, WalletSyncResponse } from '../../shared/api';
import type { ApiResult } from '../../web/api';
import { createWallet, type WalletDeps } from '../../web/wallet/wallet';
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

function makeWallet(options: { prf?: boolean; documents?: WalletDocument[] } = {}) {
  const { state, store } = memoryStore();
  let documents = options.documents ?? [doc('a')];
  const prfOutput = crypto.getRandomValues(new Uint8Array(32));
  const wallet = createWallet({
    store,
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

  it('does not sync while locked (there is no key to seal with)', async () => {
    const { wallet } = await openWallet();
    wallet.lock();
    expect(await wallet.refresh()).toBeNull();
    expect(wallet.sync.value.state).toBe('idle');
  });
});
