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

/** The dictionaries of lazy areas (the wallet…), each loaded with its screens: see `addDictionaryLoader`. */
const areaLoaders = new Set<(next: Lang) => Promise<void>>();
/** The language being loaded or shown: what an area that opens now must load. */
let wantedLang: Lang = storedLang();

/**
 * Loads a language's dictionary (once), and those of the areas already open. An area's
 * dictionary that cannot be loaded does not hold the switch back: that area stays in Vietnamese.
 */
async function loadLang(next: Lang): Promise<void> {
  wantedLang = next;
  const areas = [...areaLoaders].map((load) => load(next).catch(() => undefined));
  if (next === 'en' && !dictionaries.en) dictionaries.en = (await import('./en')).en;
  await Promise.all(areas);
}

/**
 * An area's dictionaries, loaded with its screens (not in the first load): `load(lang)` fetches
 * the area's dictionary for `lang` (once). It is called now for the language being shown (the
 * area awaits the result before it renders), and by `setLang` before the language switches,
 * so a screen never shows the other language's words while a dictionary downloads.
 */
export function addDictionaryLoader(load: (next: Lang) => Promise<void>): Promise<void> {
  areaLoaders.add(load);
  return load(wantedLang);
}

export const lang = signal<Lang>('vi');

/** Resolves once the remembered language is loaded and chosen (the app renders after it). */
export const langReady: Promise<void> = (async () => {
  const wanted = wantedLang;
  try {
    await loadLang(wanted);
    lang.value = wanted;
  } catch {
    // its chunk could not be loaded (offline before it was cached): stay in Vietnamese
    wantedLang = 'vi';
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
    wantedLang = lang.peek();
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
