/** `td(key, params?)`: `t()` for the officer console, whose dictionaries load with it. */
import { lang } from './index';
import { officerEn } from './officer-en';
import { officerVi, type OfficerMessageKey, type OfficerMessages } from './officer-vi';

export type { OfficerMessageKey };

const dictionaries: Record<'vi' | 'en', OfficerMessages> = { vi: officerVi, en: officerEn };

export function td(key: OfficerMessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = dictionaries[lang.value][key];
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}
