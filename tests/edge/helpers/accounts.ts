/**
 * Helpers for the account-life tests: device change between two TestPhones, step-ups, the
 * SMS and e-mail outboxes, and officers at the desk (their own authenticator and cookie).
 */
import { env } from 'cloudflare:test';
import { randomCode, type DeviceChangeVerifyResponse } from '../../../shared/accounts';
import type { Me, WalletSyncResponse } from '../../../shared/api';
import { toBase64Url } from '../../../shared/bytes';
import type { CitizenRecord, OfficerMe } from '../../../shared/officer';
import type { Citizen } from '../../../edge/registries/population';
import { SoftAuthenticator } from './authenticator';
import { registryDb } from './registry';
import { shardDb } from './shards';
import { api, freshCitizen, latestSmsCode, ORIGIN, RP_ID, TestPhone, type ApiResult } from './phone';

export type TestCitizen = Citizen & { phone: string };

/** A fresh citizen old enough to hold a driving licence and a vehicle in the synthetic registries, with a card in force. */
export async function adultCitizen(): Promise<TestCitizen> {
  for (;;) {
    const citizen = await freshCitizen();
    if (citizen.birthDate < '1995-01-01') {
      await giveValidCard(citizen.idNumber);
      return { ...citizen, cardExpires: '2040-01-01' };
    }
  }
}

export async function registeredPhone(citizen?: TestCitizen): Promise<{ phone: TestPhone; me: Me; citizen: TestCitizen }> {
  citizen ??= await freshCitizen();
  const phone = await TestPhone.create();
  const me = await phone.register(citizen);
  return { phone, me, citizen };
}

/** Every SMS body sent to a phone, oldest first. */
export async function smsTo(phone: string): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT body FROM sms_outbox WHERE phone = ? ORDER BY id').bind(phone).all<{ body: string }>();
  return results.map((r) => r.body);
}

export async function mailTo(address: string): Promise<Array<{ subject: string; body: string }>> {
  const { results } = await env.DB.prepare('SELECT subject, body FROM mail_outbox WHERE to_address = ? ORDER BY id').bind(address).all<{ subject: string; body: string }>();
  return results;
}

export async function wallet(phone: TestPhone): Promise<ApiResult<WalletSyncResponse>> {
  const { body } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
  return api<WalletSyncResponse>('/api/wallet/sync', { body: { challenge: body.challenge, signature: await phone.sign('issue', body.challenge) }, cookie: phone.cookie });
}

/** The audit actions about an account, in order, from its shard's log (the citizen's side: edge/domain/audit.ts). */
export async function auditActions(accountId: string): Promise<string[]> {
  const { results } = await (await shardDb(accountId)).prepare('SELECT action FROM audit_log WHERE subject = ? ORDER BY id').bind(accountId).all<{ action: string }>();
  return results.map((r) => r.action);
}

/** Device change, new phone side: start + SMS code. Returns the approval code shown on the new phone. */
export async function openDeviceChange(newPhone: TestPhone, citizen: TestCitizen, label = 'New phone'): Promise<DeviceChangeVerifyResponse> {
  const start = await api<{ requestId: string }>('/api/device-change/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone, label } });
  if (start.status !== 201) throw new Error(`device-change/start ${start.status} ${JSON.stringify(start.body)}`);
  const code = await latestSmsCode(citizen.phone);
  const verify = await api<DeviceChangeVerifyResponse>('/api/device-change/verify', {
    body: { requestId: start.body.requestId, code, deviceKeyId: newPhone.deviceKeyId },
  });
  if (verify.status !== 200) throw new Error(`device-change/verify ${verify.status} ${JSON.stringify(verify.body)}`);
  return verify.body;
}

/** Old phone side: type the code, then approve with a fresh passkey assertion and device-key proof. */
export async function approveOnOldPhone(
  oldPhone: TestPhone,
  approvalCode: string,
  knobs: { deviceProof?: { keyId: string; signature: string }; signWith?: TestPhone } = {},
) {
  const lookup = await api<{ request: { requestId: string }; options: { challenge: string } }>('/api/device-change/lookup', {
    body: { code: approvalCode },
    cookie: oldPhone.cookie,
  });
  if (lookup.status !== 200) return { lookup, approve: null, body: null };
  const { options, request } = lookup.body;
  const credential = await oldPhone.authenticator.get(options);
  const signer = knobs.signWith ?? oldPhone;
  const deviceKey = knobs.deviceProof ?? { keyId: signer.deviceKeyId, signature: await signer.sign('approve-device', options.challenge) };
  const body = { requestId: request.requestId, credential, deviceKey };
  const approve = await api('/api/device-change/approve', { body, cookie: oldPhone.cookie });
  return { lookup, approve, body };
}

/** New phone side, once approved: the registration ceremony with the new device key. */
export async function finishOnNewPhone(newPhone: TestPhone, requestId: string): Promise<ApiResult<Me>> {
  const options = await api<{ options: { challenge: string; user: { id: string } } }>('/api/device-change/options', { body: { requestId } });
  if (options.status !== 200) return options as unknown as ApiResult<Me>;
  const credential = await newPhone.authenticator.create(options.body.options);
  const res = await api<Me>('/api/device-change/finish', {
    body: {
      requestId,
      credential,
      deviceKey: { publicKey: toBase64Url(newPhone.devicePublicKey), signature: await newPhone.sign('register', options.body.options.challenge), label: 'New phone' },
    },
  });
  newPhone.keepCookie(res);
  return res;
}

/** A step-up for an action (unlock, phone change) from a phone: options → passkey + device proof. */
export async function stepUp(phone: TestPhone, optionsPath: string, purpose: 'unlock' | 'change-phone', cookie?: string) {
  const res = await api<{ options: { challenge: string } }>(optionsPath, { body: {}, ...(cookie ? { cookie } : {}) });
  if (res.status !== 200) throw new Error(`${optionsPath} ${res.status} ${JSON.stringify(res.body)}`);
  const credential = await phone.authenticator.get(res.body.options);
  return { credential, deviceKey: { keyId: phone.deviceKeyId, signature: await phone.sign(purpose, res.body.options.challenge) } };
}

// ---- officers --------------------------------------------------------------------------

async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** What `npm run officer:bootstrap` writes: a one-time code, stored as its SHA-256. */
export async function insertBootstrapCode(expiresAt = Date.now() + 24 * 60 * 60_000): Promise<string> {
  const code = randomCode(20);
  await env.DB.prepare("INSERT INTO officer_invites (code_hash, kind, officer_id, created_by, created_at, expires_at) VALUES (?, 'bootstrap', NULL, 'cli', ?, ?)")
    .bind(await sha256(code), Date.now(), expiresAt)
    .run();
  return code;
}

export class OfficerDesk {
  readonly authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
  cookie = '';
  me!: OfficerMe;

  keepCookie(res: ApiResult): void {
    const m = res.headers.get('set-cookie')?.match(/(__Host-vneid_officer=[^;]*)/);
    if (m) this.cookie = m[1]!.endsWith('=') ? '' : m[1]!;
  }

  /** Registers with a code (bootstrap: with name and unit). */
  async register(code: string, details: { name?: string; unitCode?: string } = {}): Promise<ApiResult<OfficerMe>> {
    const options = await api<{ options: { challenge: string; user: { id: string } } }>('/api/officer/register/options', { body: { code, ...details } });
    if (options.status !== 200) return options as unknown as ApiResult<OfficerMe>;
    const credential = await this.authenticator.create(options.body.options);
    const res = await api<OfficerMe>('/api/officer/register/finish', { body: { code, credential } });
    this.keepCookie(res);
    if (res.status === 201) this.me = res.body;
    return res;
  }

  async signIn(): Promise<ApiResult<OfficerMe>> {
    const options = await api<{ options: { challenge: string } }>('/api/officer/auth/options', { body: {} });
    const credential = await this.authenticator.get(options.body.options);
    const res = await api<OfficerMe>('/api/officer/auth/verify', { body: { credential } });
    this.keepCookie(res);
    return res;
  }

  call<T = CitizenRecord>(path: string, body?: unknown): Promise<ApiResult<T>> {
    return api<T>(path, { ...(body !== undefined ? { body } : {}), cookie: this.cookie });
  }
}

let firstSupervisor: OfficerDesk | null = null;

/** A test that bootstrapped the supervisor itself hands it over for the rest of the file. */
export function useAsSupervisor(desk: OfficerDesk): void {
  firstSupervisor = desk;
}

/** The file's first supervisor, bootstrapped once (D1 is per test file). */
export async function supervisor(): Promise<OfficerDesk> {
  if (firstSupervisor && (await env.DB.prepare("SELECT 1 FROM officers WHERE id = ? AND status = 'active'").bind(firstSupervisor.me.officerId).first())) {
    return firstSupervisor;
  }
  const desk = new OfficerDesk();
  const res = await desk.register(await insertBootstrapCode(), { name: 'Trần Văn Giám', unitCode: 'CA-001' });
  if (res.status !== 201) throw new Error(`bootstrap ${res.status} ${JSON.stringify(res.body)}`);
  firstSupervisor = desk;
  return desk;
}

/** An officer invited by the file's supervisor and registered with the invite code. */
export async function invitedOfficer(role: 'officer' | 'supervisor' = 'officer', unitCode = '00070'): Promise<OfficerDesk> {
  const boss = await supervisor();
  const invite = await boss.call<{ inviteCode: string }>('/api/officer/officers', { name: 'Lê Thị Cán Bộ', role, unitCode });
  if (invite.status !== 201) throw new Error(`invite ${invite.status} ${JSON.stringify(invite.body)}`);
  const desk = new OfficerDesk();
  const res = await desk.register(invite.body.inviteCode);
  if (res.status !== 201) throw new Error(`register ${res.status} ${JSON.stringify(res.body)}`);
  return desk;
}

/** Generated citizens' cards may have expired; the desk tests need one in force. */
export async function giveValidCard(idNumber: string): Promise<void> {
  await registryDb(idNumber).prepare("UPDATE registry_citizens SET card_expires = '2040-01-01' WHERE id_number = ?").bind(idNumber).run();
}

/** A citizen registered on a phone and raised to level 2 by an officer (the card checked). */
export async function level2Citizen(officer: OfficerDesk): Promise<{ phone: TestPhone; me: Me; citizen: TestCitizen }> {
  const registered = await registeredPhone();
  await giveValidCard(registered.citizen.idNumber);
  const res = await officer.call(`/api/officer/citizens/${registered.citizen.idNumber}/level2`, { cardChecked: true, phone: registered.citizen.phone });
  if (res.status !== 200) throw new Error(`level2 ${res.status} ${JSON.stringify(res.body)}`);
  return registered;
}
