/**
 * Issuer key compromise, in workerd against real D1: the operator marks the signing key
 * `compromisedAt` in ISSUER_KEYS and adds a new one. The published trust list drops the old
 * key at once, a verifier that refreshes answers unknown_issuer for what it signed, and the
 * next wallet sync re-issues those documents under the new key (old versions revoked).
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { API } from '../../shared/api';
import type { WalletSyncResponse } from '../../shared/api';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { createPresentation, decodeCoseSign1, decodeCredential, issuerKid, parseTrustList } from '../../shared/credential';
import { app } from '../../edge/index';
import type { Env } from '../../edge/env';
import { checkQrText, loadLists, refreshLists, type ListStore } from '../../web/wallet/verifier';
import type { StoredStatusPart, StoredVerifierList } from '../../web/wallet/wallet-store';
import { api, freshCitizen, ORIGIN, TestPhone } from './helpers/phone';
import { fetchStatusLists, statusAt } from './helpers/status';
import { shardDb } from './helpers/shards';

/** A new issuer key as ISSUER_KEYS holds it (edge/cli/lib.mjs newIssuerKey, without node:). */
async function newIssuerKey(notBefore: number) {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { kty, crv, x, y, d } = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return { jwk: { kty, crv, x, y, d }, notBefore };
}

async function kidOf(entry: { jwk: { x?: string; y?: string } }): Promise<string> {
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(fromBase64Url(entry.jwk.x!)!, 1);
  raw.set(fromBase64Url(entry.jwk.y!)!, 33);
  return issuerKid(raw);
}

/** The same worker and databases with another ISSUER_KEYS: what `wrangler secret put` does. */
async function withIssuerKeys(keys: unknown[]) {
  const changed = { ...env, ISSUER_KEYS: JSON.stringify(keys) } as Env;
  const request = async (path: string, init: { body?: unknown; cookie?: string } = {}) => {
    const headers: Record<string, string> = { 'cf-connecting-ip': '198.51.100.61' };
    if (init.body !== undefined) Object.assign(headers, { origin: ORIGIN, 'content-type': 'application/json' });
    if (init.cookie) headers.cookie = init.cookie;
    const method = init.body !== undefined ? 'POST' : 'GET';
    return app.request(`${ORIGIN}${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) }, changed);
  };
  return { request, fetchFn: ((url: string) => request(url)) as unknown as typeof fetch };
}

async function syncResponse(request: Awaited<ReturnType<typeof withIssuerKeys>>['request'], phone: TestPhone): Promise<Response> {
  const { challenge } = (await (await request('/api/wallet/challenge', { body: {}, cookie: phone.cookie })).json()) as { challenge: string };
  return request('/api/wallet/sync', { body: { challenge, signature: await phone.sign('issue', challenge) }, cookie: phone.cookie });
}

async function syncWith(request: Awaited<ReturnType<typeof withIssuerKeys>>['request'], phone: TestPhone): Promise<WalletSyncResponse> {
  const res = await syncResponse(request, phone);
  expect(res.status).toBe(200);
  return (await res.json()) as WalletSyncResponse;
}

function memoryLists(): ListStore {
  let trust: StoredVerifierList | null = null;
  const parts = new Map<number, StoredStatusPart>();
  return {
    readTrust: async () => trust,
    writeTrust: async (list) => void (trust = list),
    readParts: async () => new Map(parts),
    writePart: async (part, stored) => void parts.set(part, stored),
  };
}

const kidsOf = (credentials: Record<string, string | undefined>) =>
  Object.values(credentials).map((b64) => toBase64Url(decodeCoseSign1(fromBase64Url(b64!)!)!.kid!));

describe('issuer key compromise', () => {
  it('compromised key: gone from the trust list, unknown_issuer after a refresh, documents re-issued under the new key at the next sync', async () => {
    const [signing] = JSON.parse(env.ISSUER_KEYS!) as Array<{ jwk: JsonWebKey; notBefore: number }>;
    const compromisedKid = await kidOf(signing!);
    const phone = await TestPhone.create();
    await phone.register(await freshCitizen());

    // Before: documents signed by the key in service; a verifier with today's lists says valid.
    const { request: normal } = await withIssuerKeys([signing]);
    const before = await syncWith(normal, phone);
    const doc = before.documents[0]!;
    expect(new Set(kidsOf(doc.credentials))).toEqual(new Set([compromisedKid]));
    const verifier = memoryLists();
    expect(await refreshLists(Date.now(), (await withIssuerKeys([signing])).fetchFn, verifier)).toBe(true);
    const qr = await createPresentation({ credential: fromBase64Url(doc.credentials.basic!)!, devicePrivateKey: phone.device.privateKey, now: Date.now() });
    expect((await checkQrText(qr, await loadLists(Date.now(), verifier), Date.now())).verdict).toBe('valid');

    // The operator marks the key compromised and adds a new one.
    const replacement = await newIssuerKey(Date.now() - 1000);
    const { request, fetchFn } = await withIssuerKeys([{ ...signing, compromisedAt: Date.now() }, replacement]);
    const published = await parseTrustList(await (await request(API.trustList)).json());
    expect(published?.keys.map((k) => k.kid)).toEqual([await kidOf(replacement)]);

    // A verifier that refreshes: the compromised key's documents are unknown_issuer, even dated inside its window.
    expect(await refreshLists(Date.now(), fetchFn, verifier)).toBe(true);
    const refreshed = await loadLists(Date.now(), verifier);
    expect(refreshed.trust?.keys.map((k) => k.kid)).not.toContain(compromisedKid);
    const result = await checkQrText(qr, refreshed, Date.now());
    expect(result.verdict).toBe('unknown_issuer');

    // The wallet's next sync: the same document, re-issued under the new key as a new version.
    const after = await syncWith(request, phone);
    const reissued = after.documents.find((d) => d.docType === doc.docType)!;
    expect(reissued.id).not.toBe(doc.id);
    expect(reissued.statusIndex).not.toBe(doc.statusIndex);
    expect(new Set(kidsOf(reissued.credentials))).toEqual(new Set([await kidOf(replacement)]));
    const fresh = await createPresentation({ credential: fromBase64Url(reissued.credentials.basic!)!, devicePrivateKey: phone.device.privateKey, now: Date.now() });
    await refreshLists(Date.now(), fetchFn, verifier);
    expect((await checkQrText(fresh, await loadLists(Date.now(), verifier), Date.now())).verdict).toBe('valid');

    // The old version is revoked in the status list the new key signs.
    const { lists } = await fetchStatusLists(published!, { fetchFn: (url) => request(new URL(url, ORIGIN).pathname) });
    expect(statusAt(lists, doc.statusIndex)).toBe(1);
    expect(statusAt(lists, reissued.statusIndex)).toBe(0);

    // And once re-issued, a further sync keeps it.
    expect((await syncWith(request, phone)).documents.map((d) => d.id)).toEqual(after.documents.map((d) => d.id));
  });

  it('the worker still serves the key in service to everyone else (SELF, unchanged secret)', async () => {
    const res = await api<{ keys: Array<{ kid: string }> }>(API.trustList);
    const [signing] = JSON.parse(env.ISSUER_KEYS!) as Array<{ jwk: JsonWebKey }>;
    expect(res.body.keys.map((k) => k.kid)).toEqual([await kidOf(signing!)]);
    expect((await SELF.fetch(`${ORIGIN}${API.statusLists}`)).status).toBe(200);
    expect((await SELF.fetch(`${ORIGIN}${API.statusListPart(0)}`)).status).toBe(200);
  });
});

const DAY = 86_400_000;
/** How long an active key is listed ahead of its start (edge/domain/issuer.ts). */
const ACTIVE_KEY_HORIZON = 5 * 366 * DAY;

describe('a signing key near the end of its trust-list window', () => {
  it('a credential never outlives its signing key: exp is clamped to the key\'s notAfter in the trust list, valid until then, kept at the next sync', async () => {
    // A key in service for five years less 100 days: verifiers drop it in 100 days.
    const old = await newIssuerKey(Date.now() - ACTIVE_KEY_HORIZON + 100 * DAY);
    const { request, fetchFn } = await withIssuerKeys([old]);
    const [listed] = (await parseTrustList(await (await request(API.trustList)).json()))!.keys;
    expect(listed!.notAfter).toBe(old.notBefore + ACTIVE_KEY_HORIZON);
    const phone = await TestPhone.create();
    await phone.register(await freshCitizen());
    const { documents } = await syncWith(request, phone);
    expect(documents.length).toBeGreaterThan(0);
    for (const doc of documents) {
      // Personal information has no end of its own: without the clamp it would live 364 days.
      expect(doc.expiresAt).toBe(listed!.notAfter);
      for (const b64 of Object.values(doc.credentials)) {
        const credential = decodeCredential(fromBase64Url(b64!)!)!;
        expect(credential.expiresAt).toBeLessThanOrEqual(listed!.notAfter);
      }
    }
    const verifier = memoryLists();
    expect(await refreshLists(Date.now(), fetchFn, verifier)).toBe(true);
    const qr = await createPresentation({ credential: fromBase64Url(documents[0]!.credentials.basic!)!, devicePrivateKey: phone.device.privateKey, now: Date.now() });
    expect((await checkQrText(qr, await loadLists(Date.now(), verifier), Date.now())).verdict).toBe('valid');
    // Clamped once, kept: the next sync does not re-issue what cannot last longer.
    expect((await syncWith(request, phone)).documents.map((d) => d.id)).toEqual(documents.map((d) => d.id));
  });

  it('a key with less than a day of trust left signs nothing: the sync is refused with a clear error, nothing is issued; a newer key takes over', async () => {
    const ending = await newIssuerKey(Date.now() - ACTIVE_KEY_HORIZON + 12 * 3600_000);
    const phone = await TestPhone.create();
    const me = await phone.register(await freshCitizen());
    const { request } = await withIssuerKeys([ending]);
    const refused = await syncResponse(request, phone);
    expect(refused.status).toBe(500);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toMatch(/No issuer key can sign/);
    const count = await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM documents WHERE account_id = ?').bind(me.accountId).first<{ n: number }>();
    expect(count!.n).toBe(0);

    const newer = await newIssuerKey(Date.now() - 1000);
    const { request: rotated } = await withIssuerKeys([ending, newer]);
    const { documents } = await syncWith(rotated, phone);
    expect(new Set(documents.flatMap((d) => kidsOf(d.credentials)))).toEqual(new Set([await kidOf(newer)]));
  });
});
