/**
 * `tw(key, params?)`: `t()` for the wallet, QR and verifier screens. Their words come in parts,
 * each loaded with the screens that use it: the wallet's own (its gate, the list) with this
 * module; the documents' (cards, the QR screen) with ./documents; the verifier's with
 * ./verifier. The Vietnamese part loads with its module, the English one only when English is
 * chosen, and a module that imports a part waits for it. `tw` reads the same `lang` signal, so
 * these screens follow the language setting. Also the date and time formats they use.
 */
import type { ApiError } from '../api';
import { addDictionaryLoader, errorText, lang, type Lang } from './index';
import { walletUnlockVi } from './wallet-unlock-vi';
import type { WalletMessageKey, WalletMessages } from './wallet-vi';

export type { WalletMessageKey };

const words: Record<Lang, Partial<WalletMessages>> = { vi: {}, en: {} };

/**
 * Adds a part of the wallet's words: `vi` at once, the English part (`loadEn`) when English is
 * shown or chosen. Resolves once the part of the current language is there; never rejects
 * (an English part that cannot be loaded offline leaves those words in Vietnamese).
 */
export async function addWalletWords(vi: Partial<WalletMessages>, loadEn: () => Promise<Partial<WalletMessages>>): Promise<void> {
  Object.assign(words.vi, vi);
  let en: Promise<void> | null = null;
  const load = (next: Lang): Promise<void> => {
    if (next !== 'en') return Promise.resolve();
    en ??= loadEn().then(
      (part) => void Object.assign(words.en, part),
      (err: unknown) => {
        en = null; // try again at the next switch
        throw err;
      },
    );
    return en;
  };
  await addDictionaryLoader(load).catch(() => undefined);
}

await addWalletWords(walletUnlockVi, async () => (await import('./wallet-unlock-en')).walletUnlockEn);

/** A word of the wallet's screens. A key of a part that is not loaded shows as the key itself (a mistake to see at once). */
export function tw(key: WalletMessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = words[lang.value][key] ?? words.vi[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}

/** An error of the wallet's download or sync, in words. */
export function syncErrorText(error: Pick<ApiError, 'code' | 'retryAfter'>): string {
  if (error.code === 'unauthenticated') return tw('wallet.signInAgain');
  if (error.code === 'device_storage' || error.code === 'device_unknown') return tw('wallet.noDeviceKey');
  return errorText(error);
}

/** "YYYY-MM-DD" (a calendar date on a document) → "dd/mm/yyyy", as Vietnamese papers print it. */
export function formatDay(iso: string): string {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** An instant (ms) as a local date, "dd/mm/yyyy". */
export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(ms);
}

/** An instant (ms) as local time and date, "14:05 12/03/2026". */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' }).format(ms);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/**
 * How long ago (or from now) an instant is, in words: "5 phút trước", "2 hours ago". It goes
 * inside a sentence ("tải về hôm qua"), and ICU capitalises some Vietnamese words ("Hôm qua").
 */
export function formatAge(ms: number, now: number): string {
  const diff = ms - now;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const [unit, size] = UNITS.find(([, size]) => Math.abs(diff) >= size) ?? ['second', 1000];
  return rtf.format(Math.trunc(diff / size), unit).toLocaleLowerCase(locale());
}

/** A duration in its largest whole unit: "5 phút", "24 hours". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) {
      return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'long' }).format(ms / size);
    }
  }
  return new Intl.NumberFormat(locale(), { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(Math.round(ms / 1000));
}

function locale(): string {
  return lang.value === 'vi' ? 'vi-VN' : 'en-GB';
}
