/**
 * Activation of a registration, one attack or race a test, in workerd + D1: the last step
 * (passkey + device key) must leave either a whole account or a registration still open,
 * and a citizen's passkey must never take a credential ID an officer's passkey holds.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { EnrolFinishRequest } from '../../shared/api';
import { toBase64Url } from '../../shared/bytes';
import { finishEnrolment } from '../../edge/domain/enrolment';
import { depsFromEnv, mainDb } from '../../edge/http/app';
import { approveOnOldPhone, invitedOfficer, openDeviceChange, registeredPhone } from './helpers/accounts';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { countOnShards, shardDb } from './helpers/shards';

type CreationOptions = { challenge: string; user: { id: string } };

async function finishBody(phone: TestPhone, enrolmentId: string, options: CreationOptions) {
  const credential = await phone.authenticator.create(options);
  return {
    enrolmentId,
    credential,
    deviceKey: { publicKey: toBase64Url(phone.devicePublicKey), signature: await phone.sign('register', options.challenge), label: 'Test phone' },
  };
}

async function enrolmentState(id: string): Promise<unknown> {
  return (await shardDb(id)).prepare('SELECT state FROM enrolments WHERE id = ?').bind(id).first('state');
}

/** Puts an officer passkey with this credential ID in place (a credential an officer's authenticator already holds). */
async function giveToOfficer(credentialId: string): Promise<void> {
  const officer = await invitedOfficer();
  await env.DB.prepare(
    'INSERT INTO officer_passkeys (credential_id, officer_id, public_key, counter, backup_eligible, backed_up, transports, created_at) VALUES (?, ?, ?, 0, 0, 0, ?, ?)',
  )
    .bind(credentialId, officer.me.officerId, new Uint8Array(65), '[]', Date.now())
    .run();
}

describe('finishing a registration', () => {
  it('a finish that loses a race (another registration binds the same device key first) leaves the registration approved: it finishes on a retry with another phone', async () => {
    const citizen = await freshCitizen();
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(citizen);
    const input = v.parse(EnrolFinishRequest, await finishBody(phone, enrolmentId, options));

    // Between this finish's checks and its transaction, another registration binds the same device key.
    const deps = depsFromEnv(env, Date.now());
    const batch = env.DB.batch.bind(env.DB);
    let raced = false;
    deps.db = new Proxy(mainDb(env), {
      get(target, prop) {
        if (prop === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (!raced) {
              raced = true;
              const rival = await TestPhone.create();
              Object.assign(rival, { device: phone.device, devicePublicKey: phone.devicePublicKey, deviceKeyId: phone.deviceKeyId });
              await rival.register(await freshCitizen());
            }
            return batch(statements);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(finishEnrolment(deps, input)).rejects.toMatchObject({ code: 'device_already_bound' });
    expect(raced).toBe(true);
    expect(await enrolmentState(enrolmentId)).toBe('approved');
    expect(await (await shardDb(citizen.idNumber)).prepare('SELECT count(*) AS n FROM accounts WHERE id_number = ?').bind(citizen.idNumber).first('n')).toBe(0);

    // The citizen tries again on another phone, with fresh options: the registration was not used up.
    const other = await TestPhone.create();
    const renewed = await api<{ options: CreationOptions }>('/api/enrol/options', { body: { enrolmentId } });
    expect(renewed.status).toBe(200);
    const done = await other.finishRegistration(enrolmentId, renewed.body.options);
    expect(done.status).toBe(201);
    expect(await enrolmentState(enrolmentId)).toBe('activated');
  });

  it('two finishes of one registration at once: one account, the other refused, nothing half-made', async () => {
    const citizen = await freshCitizen();
    const a = await TestPhone.create();
    const { enrolmentId, options } = await a.startRegistration(citizen);
    const b = await TestPhone.create();
    const renewed = await api<{ options: CreationOptions }>('/api/enrol/options', { body: { enrolmentId } });
    const [first, second] = await Promise.all([a.finishRegistration(enrolmentId, options), b.finishRegistration(enrolmentId, renewed.body.options)]);
    const [won, lost] = first.status === 201 ? [first, second] : [second, first];
    expect(won.status).toBe(201);
    expect(['account_exists', 'enrolment_invalid']).toContain(lost.body.error?.code);
    expect(await (await shardDb(citizen.idNumber)).prepare('SELECT count(*) AS n FROM accounts WHERE id_number = ?').bind(citizen.idNumber).first('n')).toBe(1);
    expect(await (await shardDb(citizen.idNumber)).prepare('SELECT count(*) AS n FROM device_keys WHERE account_id = (SELECT id FROM accounts WHERE id_number = ?)').bind(citizen.idNumber).first('n')).toBe(1);
    expect(await enrolmentState(enrolmentId)).toBe('activated');
  });
});

describe("a citizen's passkey never takes an officer's credential ID", () => {
  it('at registration: a credential ID held by an officer passkey is refused (credential_exists), and the registration stays open', async () => {
    const citizen = await freshCitizen();
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(citizen);
    const body = await finishBody(phone, enrolmentId, options);
    await giveToOfficer(body.credential.id);
    const res = await api('/api/enrol/finish', { body });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('credential_exists');
    expect(await countOnShards('SELECT count(*) AS n FROM passkeys WHERE credential_id = ?', body.credential.id)).toBe(0);
    expect(await enrolmentState(enrolmentId)).toBe('approved');
  });

  it('at device change: the new phone cannot register a credential ID held by an officer passkey', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    await approveOnOldPhone(oldPhone, opened.approvalCode);
    const options = await api<{ options: CreationOptions }>('/api/device-change/options', { body: { requestId: opened.requestId } });
    const credential = await newPhone.authenticator.create(options.body.options);
    await giveToOfficer(credential.id);
    const res = await api('/api/device-change/finish', {
      body: {
        requestId: opened.requestId,
        credential,
        deviceKey: { publicKey: toBase64Url(newPhone.devicePublicKey), signature: await newPhone.sign('register', options.body.options.challenge), label: 'New phone' },
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('credential_exists');
    expect((await oldPhone.signIn()).status).toBe(200); // nothing moved
  });
});
