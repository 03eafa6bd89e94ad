// The PWA's app-state model and router, without rendering: the model takes its outside
// world (API client, on-device cache, network) as arguments, so these are its real inputs.
import { describe, expect, it } from 'vitest';
import type { Me } from '../../shared/api';
import { ERROR_CODES } from '../../shared/errors';
import type { ApiResult } from '../../web/api';
import { en } from '../../web/i18n/en';
import { addDictionaryLoader, errorText, lang, setLang, t, type Lang } from '../../web/i18n';
import { vi } from '../../web/i18n/vi';
import { walletEn } from '../../web/i18n/wallet-en';
import { walletVi } from '../../web/i18n/wallet-vi';
import { lazy, matchRoute, preloadRoute } from '../../web/router';
import { createAppState } from '../../web/state';

const me: Me = {
  accountId: 'acc',
  idNumber: '001090012345',
  fullName: 'Nguyễn Văn An',
  birthDate: '1990-05-12',
  sex: 'M',
  level: 1,
  status: 'active',
  phoneMasked: '+84 9•• ••• 678',
  deviceKeyId: 'k',
};

function world(answer: ApiResult<Me>, cached: Me | null = null) {
  let stored = cached;
  const calls: string[] = [];
  const state = createAppState({
    api: {
      me: async () => answer,
      signOut: async () => {
        calls.push('signout');
        return { ok: true, data: null };
      },
    },
    cache: {
      load: async () => stored,
      save: async (m) => {
        stored = m;
      },
      clear: async () => {
        stored = null;
      },
    },
    isOnline: () => true,
  });
  return { state, calls, stored: () => stored };
}

describe('app state', () => {
  it('shows the cached account at once, then the server\'s', async () => {
    const w = world({ ok: true, data: { ...me, level: 2 } }, me);
    expect(await w.state.start()).toBe('signed-in');
    expect(w.state.me.value?.level).toBe(2);
    expect(w.stored()?.level).toBe(2);
  });

  it('keeps the cached account when the network fails (offline home) and reports offline', async () => {
    const w = world({ ok: false, error: { code: 'network', message: 'offline' } }, me);
    expect(await w.state.start()).toBe('unknown');
    expect(w.state.me.value?.fullName).toBe('Nguyễn Văn An');
    expect(w.state.online.value).toBe(false);
  });

  it('forgets the cached account when the session has expired', async () => {
    const w = world({ ok: false, error: { code: 'unauthenticated', message: 'sign in' } }, me);
    expect(await w.state.start()).toBe('expired');
    expect(w.state.me.value).toBeNull();
    expect(w.stored()).toBeNull();
  });

  it('with nothing cached, does not ask the server (no session without a sign-in that cached it)', async () => {
    let asked = 0;
    const state = createAppState({
      api: { me: async () => (asked++, { ok: false, error: { code: 'unauthenticated', message: 'sign in' } }), signOut: async () => ({ ok: true, data: null }) },
      cache: { load: async () => null, save: async () => {}, clear: async () => {} },
      isOnline: () => true,
    });
    expect(await state.start()).toBe('signed-out');
    expect(asked).toBe(0);
    expect(state.ready.value).toBe(true);
  });

  it('signs out locally even when the server cannot be reached', async () => {
    const w = world({ ok: true, data: me }, me);
    await w.state.start();
    await w.state.signOut();
    expect(w.calls).toEqual(['signout']);
    expect(w.state.signedIn.value).toBe(false);
    expect(w.stored()).toBeNull();
  });
});

describe('router', () => {
  const routes = { '/': { component: () => null }, '/verify': { component: () => null }, '/officer/*': { component: () => null } };
  it('matches exact paths, trailing slashes and prefix routes', () => {
    expect(matchRoute(routes, '/verify')).toBe(routes['/verify']);
    expect(matchRoute(routes, '/verify/')).toBe(routes['/verify']);
    expect(matchRoute(routes, '/officer')).toBe(routes['/officer/*']);
    expect(matchRoute(routes, '/officer/citizens/1')).toBe(routes['/officer/*']);
    expect(matchRoute(routes, '/nope')).toBeNull();
  });
});

describe('router: lazy screens', () => {
  it('preloads a lazy route\'s chunk once, whoever asks; a route that is not lazy needs nothing', async () => {
    let loads = 0;
    const Screen = () => null;
    const routes = { '/wallet/*': { component: lazy(async () => (loads++, { default: Screen })) }, '/': { component: Screen } };
    await Promise.all([preloadRoute(routes, '/wallet/abc/qr'), preloadRoute(routes, '/wallet')]);
    await (routes['/wallet/*'].component as ReturnType<typeof lazy>).preload();
    expect(loads).toBe(1);
    await preloadRoute(routes, '/');
    await preloadRoute(routes, '/nope');
  });
  it('a preload that fails is tried again next time (offline before it was cached)', async () => {
    let loads = 0;
    const Screen = lazy(async () => {
      if (++loads === 1) throw new Error('offline');
      return { default: () => null };
    });
    await Screen.preload(); // never rejects
    await Screen.preload();
    expect(loads).toBe(2);
  });
});

describe('i18n: the dictionaries of lazy areas', () => {
  it('loads an area\'s words for the language shown, and again before each switch; the switch waits for them', async () => {
    await setLang('vi');
    const asked: Lang[] = [];
    let englishReady = false;
    await addDictionaryLoader(async (next) => {
      asked.push(next);
      if (next === 'en') {
        await new Promise((r) => setTimeout(r, 20));
        englishReady = true;
      }
    });
    expect(asked).toEqual(['vi']);
    const switching = setLang('en');
    expect(lang.value).toBe('vi'); // not before the area's English words are there
    await switching;
    expect(englishReady).toBe(true);
    expect(lang.value).toBe('en');
    await setLang('vi');
    expect(asked).toEqual(['vi', 'en', 'vi']);
  });
  it('the wallet\'s words come in parts, each following the language once its module is loaded', async () => {
    await setLang('vi');
    const { tw } = await import('../../web/i18n/wallet');
    await import('../../web/i18n/documents');
    expect(tw('passcode.label')).toBe(walletVi['passcode.label']);
    expect(tw('qr.title')).toBe(walletVi['qr.title']);
    await setLang('en');
    expect(tw('passcode.label')).toBe(walletEn['passcode.label']);
    expect(tw('qr.title')).toBe(walletEn['qr.title']);
    // The verifier's part is not loaded here: its words show as their keys, a mistake to see at once.
    expect(tw('verify.title')).toBe('verify.title');
    await setLang('vi');
  });
  it('ages read inside a sentence: lower case, also where ICU capitalises ("Hôm qua")', async () => {
    const { formatAge } = await import('../../web/i18n/wallet');
    const now = Date.UTC(2026, 11, 7, 12);
    await setLang('vi');
    expect(formatAge(now - 86_400_000, now)).toBe('hôm qua');
    expect(formatAge(now - 5 * 60_000, now)).toBe('5 phút trước');
    expect(formatAge(now - 3_000, now)).toBe('3 giây trước');
    await setLang('en');
    expect(formatAge(now - 2 * 3_600_000, now)).toBe('2 hours ago');
    await setLang('vi');
  });
  it('an area whose English words cannot be loaded (offline) does not hold the switch back', async () => {
    await setLang('vi');
    await addDictionaryLoader(async (next) => {
      if (next === 'en') throw new Error('offline');
    });
    await setLang('en');
    expect(lang.value).toBe('en');
    expect(t('register.stepOf', { step: 2 })).not.toBe('Bước 2/3');
    await setLang('vi');
  });
});

describe('i18n', () => {
  it('has the same keys in Vietnamese and English, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const dict of [vi, en]) for (const [key, text] of Object.entries(dict)) expect(text, key).not.toBe('');
  });
  it('has a message for every error code the edge can send, in both languages', async () => {
    for (const lang of ['vi', 'en'] as const) {
      await setLang(lang);
      for (const code of ERROR_CODES) expect(errorText({ code }), `${lang}:${code}`).not.toMatch(/^errors\./);
    }
    await setLang('vi');
  });
  it('fills parameters in the chosen language (English loaded on demand)', async () => {
    await setLang('vi');
    expect(t('register.stepOf', { step: 2 })).toBe('Bước 2/3');
    await setLang('en');
    expect(t('register.stepOf', { step: 2 })).not.toBe('Bước 2/3');
    expect(t('register.stepOf', { step: 2 })).toContain('2');
    await setLang('vi');
  });
});
