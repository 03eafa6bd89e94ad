/**
 * The load generator's tasks, each run in a process pinned to the core the worker does not
 * use (tests/load/helpers/run-pinned.ts): register citizens through the API, sign in at a
 * given concurrency, issue documents to new devices. Phones are kept in a JSON file between
 * tasks (keys and sign counters).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { PhoneKeys } from './node-authenticator';
import { closedLoop, type LoopFigures, type Outcome } from './closed-loop';
import { HttpClient, type HttpResponse } from './http';
import { clientIp, errorCodeOf, LoadPhone, type CitizenDetails } from './phone';

export type SavedPhone = PhoneKeys & { idNumber: string; level?: 1 | 2 };

const outcomeOf = (res: HttpResponse, expected: number, requests: number): Outcome => ({
  status: res.status === expected ? String(res.status) : `${res.status} ${errorCodeOf(res) ?? res.text.slice(0, 40)}`,
  ok: res.status === expected,
  requests,
});

function load(file: string): SavedPhone[] {
  return JSON.parse(readFileSync(file, 'utf8')) as SavedPhone[];
}

/** Registers citizens through the real API (SMS codes from the development outbox); saves the phones. */
export async function registerPhones(arg: { url: string; citizens: CitizenDetails[]; concurrency: number; phonesFile: string; ipBase: number }) {
  const http = new HttpClient(arg.url, arg.concurrency);
  const saved: SavedPhone[] = [];
  const figures = await closedLoop({
    concurrency: arg.concurrency,
    operations: arg.citizens.length,
    op: async (_, n) => {
      const c = arg.citizens[n]!;
      const phone = await LoadPhone.register(http, arg.url, c, clientIp(arg.ipBase + n));
      saved.push({ ...phone.toKeys(), idNumber: c.idNumber });
      return { status: '201', ok: true, requests: 5 };
    },
  });
  writeFileSync(arg.phonesFile, JSON.stringify(saved));
  http.close();
  return figures;
}

/**
 * Passkey sign-ins (options + verify) by `concurrency` callers for `rounds` × `durationMs`
 * after a warm-up. Caller k signs in with phones k, k + concurrency, … in turn, so no phone
 * is in two sign-ins at once (its counter moves one by one); every sign-in comes from the
 * next client address of a pool of 65,536.
 */
export async function signInLoad(arg: {
  url: string;
  phonesFile: string;
  concurrency: number;
  durationMs: number;
  rounds: number;
  warmupMs: number;
  pids: Record<string, number | null>;
  ipBase: number;
}): Promise<LoopFigures[]> {
  const http = new HttpClient(arg.url, arg.concurrency);
  const saved = load(arg.phonesFile);
  if (saved.length < arg.concurrency) throw new Error(`need at least ${arg.concurrency} phones, have ${saved.length}`);
  const phones = saved.map((k, i) => LoadPhone.fromKeys(http, arg.url, k, clientIp(arg.ipBase + i)));
  const cursor = Array.from({ length: arg.concurrency }, (_, k) => k);
  let ip = 0;
  const op = async (caller: number): Promise<Outcome> => {
    const idx = cursor[caller]!;
    cursor[caller] = idx + arg.concurrency < phones.length ? idx + arg.concurrency : caller;
    const { options, verify } = await phones[idx]!.signIn(clientIp(arg.ipBase + 100_000 + (ip++ % 65_536)));
    return options.status !== 200 ? outcomeOf(options, 200, 1) : outcomeOf(verify, 200, 2);
  };
  if (arg.warmupMs > 0) await closedLoop({ concurrency: arg.concurrency, durationMs: arg.warmupMs, op });
  const rounds: LoopFigures[] = [];
  for (let r = 0; r < arg.rounds; r++) rounds.push(await closedLoop({ concurrency: arg.concurrency, durationMs: arg.durationMs, pids: arg.pids, op }));
  writeFileSync(arg.phonesFile, JSON.stringify(phones.map((p, i) => ({ ...p.toKeys(), idNumber: saved[i]!.idNumber, level: saved[i]!.level }))));
  http.close();
  return rounds;
}

/**
 * Document issuance to new devices: each phone signs in (not measured), then its first
 * wallet sync (device challenge + sync, every document issued and signed) is measured at
 * `concurrency`. `level` picks the phones of one account level.
 */
export async function issueLoad(arg: { url: string; phonesFile: string; concurrency: number; pids: Record<string, number | null>; ipBase: number; level?: 1 | 2; max?: number }) {
  const http = new HttpClient(arg.url, arg.concurrency);
  const saved = load(arg.phonesFile);
  const chosen = saved
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => arg.level === undefined || k.level === arg.level)
    .slice(0, arg.max ?? saved.length);
  const phones = chosen.map(({ k, i }) => LoadPhone.fromKeys(http, arg.url, k, clientIp(arg.ipBase + i)));
  await closedLoop({
    concurrency: arg.concurrency,
    operations: phones.length,
    op: async (_, n) => {
      await phones[n]!.signInOrThrow();
      return { status: '200', ok: true, requests: 2 };
    },
  });
  let documents = 0;
  let credentials = 0;
  const figures = await closedLoop({
    concurrency: arg.concurrency,
    operations: phones.length,
    pids: arg.pids,
    op: async (_, n) => {
      const { challenge, sync, documents: docs } = await phones[n]!.walletSync();
      if (challenge.status !== 200) return outcomeOf(challenge, 200, 1);
      documents += docs?.length ?? 0;
      credentials += docs?.reduce((s, d) => s + Object.keys(d.credentials).length, 0) ?? 0;
      return outcomeOf(sync, 200, 2);
    },
  });
  const byIndex = new Map(chosen.map(({ i }, n) => [i, phones[n]!]));
  writeFileSync(arg.phonesFile, JSON.stringify(saved.map((k, i) => (byIndex.has(i) ? { ...byIndex.get(i)!.toKeys(), idNumber: k.idNumber, level: k.level } : k))));
  http.close();
  return { ...figures, documents, credentials };
}

/** GET one path at `concurrency` for `durationMs` (calibration: what a request costs with no work in it). */
export async function getLoad(arg: { url: string; path: string; concurrency: number; durationMs: number; pids: Record<string, number | null> }): Promise<LoopFigures> {
  const http = new HttpClient(arg.url, arg.concurrency);
  const op = async (_: number, n: number): Promise<Outcome> => outcomeOf(await http.request(arg.path, { headers: { 'cf-connecting-ip': clientIp(200_000 + (n % 4096)) } }), 200, 1);
  await closedLoop({ concurrency: arg.concurrency, durationMs: 1000, op });
  const figures = await closedLoop({ concurrency: arg.concurrency, durationMs: arg.durationMs, pids: arg.pids, op });
  http.close();
  return figures;
}
