/**
 * Helpers for the citizen-services tests: a signed-in phone, submissions as the PWA's
 * outbox sends them (JSON, or multipart with JPEG photos, each with an Idempotency-Key),
 * deps for calling the domain directly (the officer's side), and the receiving side of Web
 * Push (RFC 8291 decryption) written independently of the edge's encryption.
 */
import { createExecutionContext, env, SELF } from 'cloudflare:test';
import type { Me } from '../../../shared/api';
import { fromBase64Url, toBase64Url, utf8 } from '../../../shared/bytes';
import type { ReportRequest, ResidenceNoticeRequest } from '../../../shared/services';
import { createOfficerSession } from '../../../edge/domain/officers';
import type { ServicesDeps } from '../../../edge/domain/services-deps';
import { depsFromEnv } from '../../../edge/http/app';
import { servicesDepsFromEnv } from '../../../edge/http/services-deps';
import type { Officer } from '../../../edge/store/officers';
import { api, freshCitizen, ORIGIN, TestPhone, type ApiResult } from './phone';

export async function signedInPhone(): Promise<{ phone: TestPhone; me: Me; citizen: Awaited<ReturnType<typeof freshCitizen>> }> {
  const citizen = await freshCitizen();
  const phone = await TestPhone.create();
  const me = await phone.register(citizen);
  return { phone, me, citizen };
}

export function submitResidence(phone: TestPhone, key: string, body: ResidenceNoticeRequest | Record<string, unknown>): Promise<ApiResult<{ id: string; status: string }>> {
  return api('/api/services/residence', { body, cookie: phone.cookie, headers: { 'Idempotency-Key': key } });
}

/** An active officer of `unitCode`, signed in: the officer and the console's cookie. */
export async function officerCookie(unitCode: string, role: Officer['role'] = 'officer'): Promise<{ cookie: string; officer: Officer }> {
  const now = Date.now();
  const officer: Officer = { id: `officer-${crypto.randomUUID()}`, name: 'Trần Văn Cảnh', role, unitCode, status: 'active', createdBy: 'test', createdAt: now, updatedAt: now };
  await env.DB.prepare("INSERT INTO officers (id, name, role, unit_code, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', 'test', ?, ?)")
    .bind(officer.id, officer.name, role, unitCode, now, now)
    .run();
  const { token } = await createOfficerSession(depsFromEnv(env, now), officer.id);
  return { cookie: `__Host-vneid_officer=${token}`, officer };
}

/** A tiny JPEG-looking byte string (the edge checks the SOI marker; R2 stores the bytes as they are). */
export function fakeJpeg(size = 2048, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

export async function submitReport(
  phone: TestPhone,
  key: string,
  report: ReportRequest | Record<string, unknown> | string,
  photos: Array<{ bytes: Uint8Array<ArrayBuffer>; type?: string }> = [],
  extra: Record<string, string> = {},
): Promise<ApiResult<{ id: string; status: string; photoCount: number }>> {
  const form = new FormData();
  form.append('report', typeof report === 'string' ? report : JSON.stringify(report));
  for (const [i, p] of photos.entries()) form.append('photo', new File([p.bytes], `photo-${i}.jpg`, { type: p.type ?? 'image/jpeg' }));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  const res = await SELF.fetch(`${ORIGIN}/api/services/reports`, {
    method: 'POST',
    headers: { origin: ORIGIN, cookie: phone.cookie, 'Idempotency-Key': key, 'cf-connecting-ip': `203.0.113.${Math.floor(Math.random() * 254) + 1}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

export function validReport(overrides: Partial<ReportRequest> = {}): ReportRequest {
  return {
    category: 'theft',
    description: 'Có người lạ bẻ khóa xe máy trước cổng chợ lúc tối.',
    occurredAt: Date.now() - 60 * 60_000,
    communeCode: '00070',
    place: { kind: 'address', address: 'Số 5 Phố Hàng Bạc' },
    anonymous: false,
    ...overrides,
  };
}

/** Deps as a request would build them, with push requests captured instead of sent. */
export function testServicesDeps(now = Date.now()): ServicesDeps & { pushed: Array<{ url: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> }>; settle(): Promise<void> } {
  const ctx = createExecutionContext();
  const pending: Promise<unknown>[] = [];
  const pushed: Array<{ url: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> }> = [];
  const deps = servicesDepsFromEnv(env, now, ctx);
  return {
    ...deps,
    pushFetch: async (url, init) => {
      pushed.push({ url, headers: init.headers, body: init.body });
      return { status: 201 };
    },
    background: (work) => {
      pending.push(work);
    },
    pushed,
    settle: async () => {
      while (pending.length) await pending.shift();
    },
  };
}

/** A browser's push subscription: an ECDH key pair and an auth secret. */
export async function browserSubscription(endpoint = `https://fcm.googleapis.com/fcm/send/${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`) {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return { endpoint, privateKey: pair.privateKey, publicKey, auth, json: { endpoint, expirationTime: null, keys: { p256dh: toBase64Url(publicKey), auth: toBase64Url(auth) } } };
}

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/**
 * What the browser does with a push message (RFC 8291 §3.4, RFC 8188 §2): read the header,
 * derive the key and nonce from its own private key and auth secret, decrypt, strip the
 * padding delimiter. Throws if anything does not authenticate.
 */
export async function decryptPushMessage(body: Uint8Array<ArrayBuffer>, ua: { privateKey: CryptoKey; publicKey: Uint8Array<ArrayBuffer>; auth: Uint8Array<ArrayBuffer> }): Promise<string> {
  const salt = body.slice(0, 16);
  const rs = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0);
  const idlen = body[20]!;
  const asPublic = body.slice(21, 21 + idlen);
  const ciphertext = body.slice(21 + idlen);
  if (rs < 18 || ciphertext.length > rs) throw new Error('record size');
  const asKey = await crypto.subtle.importKey('raw', asPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ecdh = { name: 'ECDH', public: asKey };
  const shared = new Uint8Array(await crypto.subtle.deriveBits(ecdh, ua.privateKey, 256));
  const info = new Uint8Array([...utf8('WebPush: info\0'), ...ua.publicKey, ...asPublic]);
  const ikm = await hkdf(ua.auth, shared, info, 32);
  const cek = await hkdf(salt, ikm, utf8('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, utf8('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, ciphertext));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 0x02) throw new Error('not the last record');
  return new TextDecoder().decode(padded.subarray(0, end));
}

/** An ECDH private key from the raw 32-byte scalar and its public point (for the RFC vector). */
export async function importEcdhPrivate(d: string, publicKey: string): Promise<CryptoKey> {
  const pub = fromBase64Url(publicKey)!;
  return crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', d, x: toBase64Url(pub.subarray(1, 33)), y: toBase64Url(pub.subarray(33, 65)) },
    { name: 'ECDH', namedCurve: 'P-256' },
    true,
    ['deriveBits'],
  );
}

/** The agency's side of the webhook: sign `timestamp.body` with its secret. */
export async function agencyRequest(
  agency: string,
  secret: string,
  event: unknown,
  options: { timestamp?: number; body?: string; signature?: string } = {},
): Promise<ApiResult<{ accepted: boolean; delivered: boolean }>> {
  const body = options.body ?? JSON.stringify(event);
  const ts = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = options.signature ?? toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(`${ts}.${body}`))));
  const res = await SELF.fetch(`${ORIGIN}/hooks/agency/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Agency-Id': agency, 'X-Agency-Timestamp': ts, 'X-Agency-Signature': signature },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

export const AGENCIES = {
  tuPhap: { id: 'tu-phap', secret: 'test-agency-tu-phap-0123456789abcdef0123' },
  bhxh: { id: 'bhxh', secret: 'test-agency-bhxh-0123456789abcdef01234567' },
} as const;
