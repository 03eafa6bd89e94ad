/**
 * `t(key, params?)`: the one way a user-visible string reaches the screen. It reads the
 * `lang` signal, so a component that calls it re-renders when the language changes.
 * Vietnamese is built in; English loads from its own chunk when it is chosen, so the
 * first screen does not download a dictionary most people never use.
 */
import { signal } from '@preact/signals';
import type { ApiError } from '../api';
import { vi, type MessageKey, type Messages } from './vi';

export type { MessageKey };
export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];

const dictionaries: Partial<Record<Lang, Messages>> & { vi: Messages } = { vi };
const STORAGE_KEY = 'lang';

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === 'en' || value === 'vi' ? value : 'vi';
  } catch {
    return 'vi'; // storage can be blocked; Vietnamese is the default
  }
}

/** Loads a language's dictionary (once). */
async function loadLang(next: Lang): Promise<void> {
  if (next === 'en' && !dictionaries.en) dictionaries.en = (await import('./en')).en;
}

export const lang = signal<Lang>('vi');

/** Resolves once the remembered language is loaded and chosen (the app renders after it). */
export const langReady: Promise<void> = (async () => {
  const wanted = storedLang();
  try {
    await loadLang(wanted);
    lang.value = wanted;
  } catch {
    // its chunk could not be loaded (offline before it was cached): stay in Vietnamese
  }
})();

/** Switches the language and remembers it on this device. */
export async function setLang(next: Lang): Promise<void> {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered; still switched for this visit
  }
  try {
    await loadLang(next);
    lang.value = next;
  } catch {
    // offline and not cached yet: keep the current language
  }
}

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = (dictionaries[lang.value] ?? dictionaries.vi)[key];
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}

/** The message for an API or ceremony error, with the wait in minutes where there is one. */
export function errorText(error: Pick<ApiError, 'code' | 'retryAfter'>): string {
  return t(`errors.${error.code}`, { minutes: Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60)) });
}
