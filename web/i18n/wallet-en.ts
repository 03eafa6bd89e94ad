/** Every English string of the wallet, the QR screen and the verifier (keys: wallet-vi.ts); like it, never loaded by the app. */
import { documentsEn } from './documents-en';
import { verifierEn } from './verifier-en';
import type { WalletMessages } from './wallet-vi';
import { walletUnlockEn } from './wallet-unlock-en';

export const walletEn: WalletMessages = { ...walletUnlockEn, ...documentsEn, ...verifierEn };
