/**
 * `tw(key, params?)`: `t()` for the wallet, QR and verifier screens, whose dictionaries load
 * with those screens. It reads the same `lang` signal, so these screens follow the language
 * setting. Also the date and time formats those screens use.
 */
import { lang } from './index';
import { walletEn } from './wallet-en';
import { walletVi, type WalletMessageKey, type WalletMessages } from './wallet-vi';

export type { WalletMessageKey };

const dictionaries: Record<'vi' | 'en', WalletMessages> = { vi: walletVi, en: walletEn };

export function tw(key: WalletMessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = dictionaries[lang.value][key];
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
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

/** How long ago (or from now) an instant is, in words: "5 phút trước", "2 hours ago". */
export function formatAge(ms: number, now: number): string {
  const diff = ms - now;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size || unit === 'second') return rtf.format(Math.trunc(diff / size), unit);
  }
  return rtf.format(0, 'second');
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
