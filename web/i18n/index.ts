/**
 * `t(key, params?)`: the one way a user-visible string reaches the screen. It reads the
 * `lang` signal, so a component that calls it re-renders when the language changes.
 */
import { signal } from '@preact/signals';
import type { ApiError } from '../api';
import { en } from './en';
import { vi, type MessageKey, type Messages } from './vi';

export type { MessageKey };
export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];

const dictionaries: Record<Lang, Messages> = { vi, en };
const STORAGE_KEY = 'lang';

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === 'en' || value === 'vi' ? value : 'vi';
  } catch {
    return 'vi'; // storage can be blocked; Vietnamese is the default
  }
}

export const lang = signal<Lang>(storedLang());

/** Switches the language and remembers it on this device. */
export function setLang(next: Lang): void {
  lang.value = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered; still switched for this visit
  }
}

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = dictionaries[lang.value][key];
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}

/** The message for an API or ceremony error, with the wait in minutes where there is one. */
export function errorText(error: Pick<ApiError, 'code' | 'retryAfter'>): string {
  return t(`errors.${error.code}`, { minutes: Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60)) });
}
