/**
 * The app's one wallet: the model (wallet.ts) wired to IndexedDB, the API, the device key
 * and the passkey. It lives as long as the page, so moving between the wallet's screens
 * keeps it open; it locks itself after the app has been in the background for a while.
 */
import type { WalletSyncResponse } from '../../shared/api';
import { api, type ApiResult } from '../api';
import { getDeviceKey, proveDevice } from './device-key';
import type { StoredDeviceKey } from './db';
import { browserSupportsPrf, evaluatePrf } from './prf';
import { createWallet } from './wallet';
import {
  countPasscodeAttempt,
  readWalletDocuments,
  readWalletKey,
  resetPasscodeAttempts,
  wipeWallet,
  writePasskeyBox,
  writeWallet,
  writeWalletDocuments,
} from './wallet-store';

/** localStorage: "this device holds a locked wallet" (see WalletDeps.hint). */
const HINT_KEY = 'vneid:wallet';
/** Background time after which the wallet asks for the passcode again. */
const LOCK_AFTER_HIDDEN_MS = 5 * 60_000;

/** Issuance: a challenge, signed by this phone's device key (proof of possession), for the documents. */
export async function syncWallet(): Promise<ApiResult<WalletSyncResponse>> {
  let key: StoredDeviceKey | null;
  try {
    key = await getDeviceKey();
  } catch {
    key = null;
  }
  if (!key) return { ok: false, error: { code: 'device_storage', message: 'No device key on this phone.' } };
  const challenge = await api.walletChallenge();
  if (!challenge.ok) return challenge;
  const signature = await proveDevice(key, 'issue', challenge.data.challenge);
  return api.walletSync({ challenge: challenge.data.challenge, signature });
}

export const wallet = createWallet({
  store: {
    readKey: readWalletKey,
    readDocuments: readWalletDocuments,
    write: writeWallet,
    writeDocuments: writeWalletDocuments,
    writePasskey: writePasskeyBox,
    countAttempt: countPasscodeAttempt,
    resetAttempts: resetPasscodeAttempts,
    wipe: wipeWallet,
  },
  sync: syncWallet,
  prf: { supported: browserSupportsPrf, evaluate: evaluatePrf },
  now: () => Date.now(),
  hint: {
    read: () => {
      const value = localStorage.getItem(HINT_KEY);
      return value === 'passcode' || value === 'passkey' ? value : null;
    },
    write: (hint) => (hint ? localStorage.setItem(HINT_KEY, hint) : localStorage.removeItem(HINT_KEY)),
  },
});

let hiddenSince: number | null = null;
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    hiddenSince = Date.now();
  } else if (hiddenSince !== null) {
    if (Date.now() - hiddenSince > LOCK_AFTER_HIDDEN_MS) wallet.lock();
    hiddenSince = null;
  }
});
