/**
 * A phone for load and fault tests, over real HTTP to `wrangler dev`: one passkey and one
 * device key (tests/load/helpers/node-authenticator.ts), a session cookie, and the calls the
 * PWA makes — registration (with the SMS code read from the development outbox), sign-in,
 * wallet sync, a residence notification with an Idempotency-Key.
 *
 * Each phone comes from its own client address (CF-Connecting-IP, which workerd's entry
 * keeps when a client sends it and Cloudflare sets in production): per-client limits are
 * measured on purpose, not by accident of one load generator standing in for a country.
 */
import type { Me, WalletSyncResponse } from '../../../shared/api';
import type { ResidenceNoticeRequest } from '../../../shared/services';
import { HttpClient, sessionCookieOf, type HttpResponse } from './http';
import { deviceKeyIdOf, exportP256, importP256, NodeAuthenticator, newP256, rawPoint, signDeviceProofSync, type P256, type PhoneKeys } from './node-authenticator';

export interface CitizenDetails {
  idNumber: string;
  fullName: string;
  birthDate: string;
  phone: string;
}

/** A failed call: the status and the error code (or the body's start), for precise reports. */
export class CallError extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${step}: ${status} ${body.slice(0, 300)}`);
  }
}

export function errorCodeOf(res: HttpResponse): string | undefined {
  try {
    return (JSON.parse(res.text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** A client address for index `i`: 10.x.y.z, distinct for the first 16 million. */
export function clientIp(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

export class LoadPhone {
  readonly auth: NodeAuthenticator;
  cookie = '';

  constructor(
    readonly http: HttpClient,
    readonly origin: string,
    readonly keys: { credentialId: string; userHandle: string; passkey: P256; counter: number; device: P256; deviceKeyId: string },
    readonly ip: string,
  ) {
    this.auth = new NodeAuthenticator(new URL(origin).hostname, origin);
  }

  /** A phone from saved keys (a generator process loads the phones its parent registered or seeded). */
  static fromKeys(http: HttpClient, origin: string, k: PhoneKeys, ip: string): LoadPhone {
    return new LoadPhone(http, origin, { ...k, passkey: importP256(k.passkey), device: importP256(k.deviceKey) }, ip);
  }

  toKeys(): PhoneKeys {
    const k = this.keys;
    return { credentialId: k.credentialId, userHandle: k.userHandle, passkey: exportP256(k.passkey), counter: k.counter, deviceKey: exportP256(k.device), deviceKeyId: k.deviceKeyId };
  }

  private headers(ip: string, extra: Record<string, string> = {}, json = true): Record<string, string> {
    return {
      'cf-connecting-ip': ip,
      origin: this.origin,
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...extra,
    };
  }

  post(path: string, body: unknown, opts: { ip?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResponse> {
    return this.http.request(path, { method: 'POST', headers: this.headers(opts.ip ?? this.ip, opts.headers), body: JSON.stringify(body), timeoutMs: opts.timeoutMs });
  }

  get(path: string, opts: { ip?: string } = {}): Promise<HttpResponse> {
    return this.http.request(path, { method: 'GET', headers: this.headers(opts.ip ?? this.ip, {}, false) });
  }

  /**
   * Registration through the real API: registry match → SMS code from the development
   * outbox → passkey + device key. Returns the new phone, signed in.
   */
  static async register(http: HttpClient, origin: string, citizen: CitizenDetails, ip: string): Promise<LoadPhone> {
    const auth = new NodeAuthenticator(new URL(origin).hostname, origin);
    const h = { 'cf-connecting-ip': ip, origin, 'content-type': 'application/json' };
    const start = await http.request('/api/enrol/start', { method: 'POST', headers: h, body: JSON.stringify(citizen) });
    if (start.status !== 201) throw new CallError('enrol/start', start.status, start.text);
    const { enrolmentId } = JSON.parse(start.text) as { enrolmentId: string };
    const code = await latestSmsCode(http, citizen.phone, ip);
    const verify = await http.request('/api/enrol/verify', { method: 'POST', headers: h, body: JSON.stringify({ enrolmentId, code }) });
    if (verify.status !== 200) throw new CallError('enrol/verify', verify.status, verify.text);
    const { options } = JSON.parse(verify.text) as { options: { challenge: string; user: { id: string } } };
    const created = auth.create(options);
    const device = newP256();
    const raw = rawPoint(device.x, device.y);
    const finish = await http.request('/api/enrol/finish', {
      method: 'POST',
      headers: h,
      body: JSON.stringify({
        enrolmentId,
        credential: created.response,
        deviceKey: { publicKey: raw.toString('base64url'), signature: signDeviceProofSync(device, 'register', options.challenge), label: 'Load phone' },
      }),
    });
    if (finish.status !== 201) throw new CallError('enrol/finish', finish.status, finish.text);
    const phone = new LoadPhone(
      http,
      origin,
      { credentialId: created.credentialId, userHandle: options.user.id, passkey: created.key, counter: 0, device, deviceKeyId: deviceKeyIdOf(raw) },
      ip,
    );
    phone.cookie = sessionCookieOf(finish) ?? '';
    return phone;
  }

  /** A full sign-in (options, then passkey assertion + device proof); resolves with both responses. */
  async signIn(ip = this.ip): Promise<{ options: HttpResponse; verify: HttpResponse }> {
    const options = await this.post('/api/auth/options', {}, { ip });
    if (options.status !== 200) return { options, verify: options };
    const { challenge } = (JSON.parse(options.text) as { options: { challenge: string } }).options;
    this.keys.counter++;
    const credential = this.auth.get(challenge, { credentialId: this.keys.credentialId, userHandle: this.keys.userHandle, key: this.keys.passkey, counter: this.keys.counter });
    const verify = await this.post('/api/auth/verify', { credential, deviceKey: { keyId: this.keys.deviceKeyId, signature: signDeviceProofSync(this.keys.device, 'signin', challenge) } }, { ip });
    if (verify.status === 200) this.cookie = sessionCookieOf(verify) ?? this.cookie;
    return { options, verify };
  }

  async signInOrThrow(ip = this.ip): Promise<Me> {
    const { verify } = await this.signIn(ip);
    if (verify.status !== 200) throw new CallError('auth', verify.status, verify.text);
    return JSON.parse(verify.text) as Me;
  }

  /** Wallet sync: a device challenge, then the documents issued (or re-issued) to this device. */
  async walletSync(ip = this.ip): Promise<{ challenge: HttpResponse; sync: HttpResponse; documents?: WalletSyncResponse['documents'] }> {
    const challenge = await this.post('/api/wallet/challenge', {}, { ip });
    if (challenge.status !== 200) return { challenge, sync: challenge };
    const c = (JSON.parse(challenge.text) as { challenge: string }).challenge;
    const sync = await this.post('/api/wallet/sync', { challenge: c, signature: signDeviceProofSync(this.keys.device, 'issue', c) }, { ip });
    return { challenge, sync, documents: sync.status === 200 ? (JSON.parse(sync.text) as WalletSyncResponse).documents : undefined };
  }

  /** A residence notification as the PWA's outbox sends it. */
  submitResidence(idempotencyKey: string, body: ResidenceNoticeRequest, opts: { ip?: string; timeoutMs?: number } = {}): Promise<HttpResponse> {
    return this.post('/api/services/residence', body, { ip: opts.ip, timeoutMs: opts.timeoutMs, headers: { 'Idempotency-Key': idempotencyKey } });
  }
}

/** The newest 6-digit code the development SMS outbox holds for a phone. */
export async function latestSmsCode(http: HttpClient, phone: string, ip: string): Promise<string> {
  const res = await http.request(`/api/dev/sms?phone=${encodeURIComponent(phone)}`, { headers: { 'cf-connecting-ip': ip } });
  if (res.status !== 200) throw new CallError('dev/sms', res.status, res.text);
  const { messages } = JSON.parse(res.text) as { messages: Array<{ id: number; body: string }> };
  const code = [...messages].sort((a, b) => b.id - a.id).find((m) => /Ma xac thuc/.test(m.body))?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new CallError('dev/sms', 404, `no code for ${phone}`);
  return code;
}

/** A valid residence notification (a guest's own stay, starting today in Vietnam). */
export function residenceNotice(n: number, today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10)): ResidenceNoticeRequest {
  const to = new Date(Date.parse(today) + 3 * 86_400_000).toISOString().slice(0, 10);
  return { role: 'guest', communeCode: '00070', address: `Số ${1 + (n % 300)} Hàng Bạc, Hoàn Kiếm`, people: [], from: today, to, reason: `Công tác ${n}` };
}
