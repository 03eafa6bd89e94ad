/**
 * A test "phone": one software authenticator, one device key, one cookie jar, talking to
 * the real worker (SELF) inside workerd against real D1.
 */
import { env, SELF } from 'cloudflare:test';
import type { Me } from '../../../shared/api';
import { toBase64Url } from '../../../shared/bytes';
import { deviceKeyId, exportDevicePublicKey, generateDeviceKey, signDeviceProof, type DeviceProofPurpose } from '../../../shared/device-key';
import type { ErrorBody } from '../../../shared/errors';
import type { Citizen } from '../../../edge/registries/population';
import { SoftAuthenticator, type CeremonyKnobs } from './authenticator';
import { inRegistry, insertCitizens } from './registry';

export const ORIGIN = 'https://id.example.vn';
export const RP_ID = 'id.example.vn';

export interface ApiResult<T = unknown> {
  status: number;
  body: T & Partial<ErrorBody>;
  headers: Headers;
}

export async function api<T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const method = init.method ?? (init.body !== undefined ? 'POST' : 'GET');
  // Each call comes from its own client address unless a test sets one: per-client rate
  // limits are tested on purpose, not tripped by the suite as a whole.
  const clientIp = `198.51.100.${Math.floor(Math.random() * 254) + 1}`;
  const headers: Record<string, string> = {
    'cf-connecting-ip': clientIp,
    ...(method !== 'GET' ? { origin: ORIGIN, 'content-type': 'application/json' } : {}),
    ...init.headers,
  };
  if (init.cookie) headers.cookie = init.cookie;
  const res = await SELF.fetch(`${ORIGIN}${path}`, { method, headers, body: init.body !== undefined ? JSON.stringify(init.body) : undefined });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T & Partial<ErrorBody>, headers: res.headers };
}

/** The latest SMS code sent to a phone, read from the development outbox in D1. */
export async function latestSmsCode(phone: string): Promise<string> {
  const row = await env.DB.prepare('SELECT body FROM sms_outbox WHERE phone = ? AND body LIKE ? ORDER BY id DESC LIMIT 1')
    .bind(phone, '%Ma xac thuc%')
    .first<{ body: string }>();
  const code = row?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no SMS code for ${phone}`);
  return code;
}

export class TestPhone {
  readonly authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
  device!: CryptoKeyPair;
  devicePublicKey!: Uint8Array<ArrayBuffer>;
  deviceKeyId!: string;
  cookie = '';

  static async create(): Promise<TestPhone> {
    const phone = new TestPhone();
    phone.device = await generateDeviceKey();
    phone.devicePublicKey = await exportDevicePublicKey(phone.device.publicKey);
    phone.deviceKeyId = await deviceKeyId(phone.devicePublicKey);
    return phone;
  }

  async sign(purpose: DeviceProofPurpose, challenge: string): Promise<string> {
    return toBase64Url(await signDeviceProof(this.device.privateKey, purpose, challenge));
  }

  keepCookie(res: ApiResult): void {
    const set = res.headers.get('set-cookie');
    const m = set?.match(/(__Host-vneid_session=[^;]*)/);
    if (m) this.cookie = m[1]!.endsWith('=') ? '' : m[1]!;
  }

  /** Steps 1–2 of registration: returns the enrolment id and the passkey creation options. */
  async startRegistration(citizen: Pick<Citizen, 'idNumber' | 'fullName' | 'birthDate' | 'phone'>) {
    const start = await api<{ enrolmentId: string }>('/api/enrol/start', {
      body: { idNumber: citizen.idNumber, fullName: citizen.fullName, birthDate: citizen.birthDate, phone: citizen.phone },
    });
    if (start.status !== 201) throw new Error(`enrol/start ${start.status} ${JSON.stringify(start.body)}`);
    const code = await latestSmsCode(citizen.phone!);
    const verify = await api<{ options: { challenge: string; user: { id: string } } }>('/api/enrol/verify', {
      body: { enrolmentId: start.body.enrolmentId, code },
    });
    if (verify.status !== 200) throw new Error(`enrol/verify ${verify.status} ${JSON.stringify(verify.body)}`);
    return { enrolmentId: start.body.enrolmentId, options: verify.body.options };
  }

  /** Step 3: the passkey + device key; knobs play an attacker. */
  async finishRegistration(
    enrolmentId: string,
    options: { challenge: string; user: { id: string } },
    knobs: CeremonyKnobs & { deviceSignature?: string; devicePublicKey?: string } = {},
  ): Promise<ApiResult<Me>> {
    const credential = await this.authenticator.create(options, knobs);
    const res = await api<Me>('/api/enrol/finish', {
      body: {
        enrolmentId,
        credential,
        deviceKey: {
          publicKey: knobs.devicePublicKey ?? toBase64Url(this.devicePublicKey),
          signature: knobs.deviceSignature ?? (await this.sign('register', options.challenge)),
          label: 'Test phone',
        },
      },
    });
    this.keepCookie(res);
    return res;
  }

  async register(citizen: Citizen): Promise<Me> {
    const { enrolmentId, options } = await this.startRegistration(citizen);
    const res = await this.finishRegistration(enrolmentId, options);
    if (res.status !== 201) throw new Error(`enrol/finish ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async signInOptions(): Promise<{ challenge: string }> {
    const res = await api<{ options: { challenge: string } }>('/api/auth/options', { body: {} });
    return res.body.options;
  }

  /** A full sign-in; knobs and overrides play an attacker. */
  async signIn(
    knobs: CeremonyKnobs & { credentialId?: string; deviceProof?: { keyId: string; signature: string } | null; options?: { challenge: string } } = {},
  ): Promise<ApiResult<Me>> {
    const options = knobs.options ?? (await this.signInOptions());
    const credential = await this.authenticator.get(options, knobs);
    const deviceKey =
      knobs.deviceProof === null ? undefined : (knobs.deviceProof ?? { keyId: this.deviceKeyId, signature: await this.sign('signin', options.challenge) });
    const res = await api<Me>('/api/auth/verify', { body: { credential, deviceKey } });
    this.keepCookie(res);
    return res;
  }
}

/**
 * A new citizen with a phone, inserted into the synthetic registry for one test, so tests
 * never share an ID number (D1 state persists across the tests of a file).
 */
export async function freshCitizen(wanted: (c: Citizen) => boolean = () => true): Promise<Citizen & { phone: string }> {
  const { syntheticCitizen } = await import('../../../edge/registries/synthetic');
  for (;;) {
    const c = syntheticCitizen(Math.floor(Math.random() * 60_000_000) + 1000);
    if (!c.phone || !wanted(c)) continue;
    if (await inRegistry(c.idNumber, c.phone)) continue;
    await insertCitizens([c]);
    return c as Citizen & { phone: string };
  }
}
