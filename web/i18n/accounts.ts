/**
 * `ta(key, params?)`: `t()` for the account screens, whose dictionaries load with those
 * screens. It reads the same `lang` signal, so they follow the language setting.
 */
import { lang } from './index';
import { accountsEn } from './accounts-en';
import { accountsVi, type AccountsMessageKey, type AccountsMessages } from './accounts-vi';

export type { AccountsMessageKey };

const dictionaries: Record<'vi' | 'en', AccountsMessages> = { vi: accountsVi, en: accountsEn };

export function ta(key: AccountsMessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = dictionaries[lang.value][key];
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}

/** An instant as local time and date, "14:05 12/03/2026" (Vietnamese order in both languages, as on papers). */
export function formatWhen(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())} ${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}
