/**
 * Every Vietnamese string of the wallet, the QR screen and the verifier, for the key types and
 * the tests. The app never loads this module: each area's strings load with its screens
 * (wallet-unlock-vi.ts with the wallet's gate, documents-vi.ts with the cards and the QR,
 * verifier-vi.ts with the verifier), read through `tw()` from ./wallet.
 */
import { documentsVi } from './documents-vi';
import { verifierVi } from './verifier-vi';
import { walletUnlockVi } from './wallet-unlock-vi';

export const walletVi = { ...walletUnlockVi, ...documentsVi, ...verifierVi } as const;

export type WalletMessageKey = keyof typeof walletVi;
export type WalletMessages = { readonly [K in WalletMessageKey]: string };
