// Issuer-key rotation as the edge does it: the newest unretired key signs, a retired key stays
// in the published trust list for what it already signed, and a credential dated after its
// key retired (what a thief of the old key would make) is refused.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../edge/config';
import { getConfig } from '../../edge/config';
import type { Env } from '../../edge/env';
import { activeIssuerKey, issuerTrustList, loadIssuerKeys, MAX_CREDENTIAL_LIFETIME_MS, trustedIssuerKids } from '../../edge/domain/issuer';
import { createPresentation, createStatusBits, issueCredential, signStatusList, statusListsOf, verifyPresentation, verifyStatusList } from '../../shared/credential';
import { resignCredential, withTimes } from './credential/fixtures';
import { exportDevicePublicKey, generateDeviceKey } from '../../shared/device-key';
import { newIssuerKey } from '../../edge/cli/lib.mjs';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 23);

async function rotatedConfig() {
  const old = { ...(await newIssuerKey(now - 400 * DAY)), retiredAt: now - 10 * DAY };
  const current = await newIssuerKey(now - 10 * DAY);
  return { config: { issuerKeys: [old, current] } as unknown as Config, old, current };
}

async function credentialFrom(config: Config, kidIndex: 0 | 1, iat: number, forge?: { exp: number }) {
  const device = await generateDeviceKey();
  const keys = await loadIssuerKeys(config);
  const key = keys[kidIndex]!;
  let credential = await issueCredential({
    issuerKey: key.privateKey,
    kid: key.kid,
    issuer: 'VN',
    iat,
    exp: iat + 300 * DAY,
    holderPublicKey: await exportDevicePublicKey(device.publicKey),
    docType: 'personal_information',
    view: 'basic',
    statusIndex: 1,
    data: { idNumber: '001090012345', fullName: 'Nguyễn Văn An', birthDate: '1990-05-12', sex: 'male' },
  });
  // What a thief holding the private key signs: the issuer code would refuse these times.
  if (forge) credential = await resignCredential(credential, key.privateKey, key.kid, withTimes(iat, forge.exp));
  return createPresentation({ credential, devicePrivateKey: device.privateKey, now });
}

/** The status list a verifier holds: signed by the key that signs now. */
async function statusFor(config: Config) {
  const trust = await issuerTrustList(config, now);
  const key = await activeIssuerKey(config, now);
  const bytes = await signStatusList({ issuerKey: key.privateKey, kid: key.kid, issuer: 'VN', uri: 'https://id.example.vn/.well-known/vneid/status-list', iat: now, bits: createStatusBits(16) });
  const status = await verifyStatusList(bytes, trust, now);
  if (!status.ok) throw new Error(status.error);
  return { trust, status: statusListsOf(status.list) };
}

describe('issuer key rotation', () => {
  it('signs with the newest key that has started and is not retired', async () => {
    const { config } = await rotatedConfig();
    const keys = await (await import('../../edge/domain/issuer')).loadIssuerKeys(config);
    expect((await activeIssuerKey(config, now)).kid).toBe(keys[1]!.kid);
  });

  it('publishes the retired key until one credential lifetime after it retired', async () => {
    const { config, old } = await rotatedConfig();
    const trust = await issuerTrustList(config, now);
    expect(trust.keys).toHaveLength(2);
    expect(trust.keys[0]).toMatchObject({ retiredAt: old.retiredAt, notAfter: old.retiredAt + MAX_CREDENTIAL_LIFETIME_MS });
    expect(trust.keys.every((k) => !('d' in k.jwk))).toBe(true);
  });

  it('keeps verifying what the old key signed before it retired', async () => {
    const { config } = await rotatedConfig();
    const qr = await credentialFrom(config, 0, now - 30 * DAY);
    const { trust, status } = await statusFor(config);
    expect((await verifyPresentation(qr, { trust, status, now })).verdict).toBe('valid');
  });

  it('refuses a credential the old key signed after it retired (a stolen key)', async () => {
    const { config } = await rotatedConfig();
    const qr = await credentialFrom(config, 0, now - 1 * DAY);
    expect((await verifyPresentation(qr, { trust: await issuerTrustList(config, now), now })).verdict).toBe('unknown_issuer');
  });

  it('attack: a thief of the retired key back-dates iat to just before retiredAt and sets exp five years out: refused', async () => {
    const { config, old } = await rotatedConfig();
    const qr = await credentialFrom(config, 0, old.retiredAt - 1000, { exp: now + 5 * 365 * DAY });
    const { trust, status } = await statusFor(config);
    const result = await verifyPresentation(qr, { trust, status, now });
    expect(result.verdict).toBe('unknown_issuer');
    expect(result.verdict !== 'valid' && result.reason).toMatch(/lifetime/);
  });

  it('the most a thief of the retired key can still make expires with the key: by retiredAt + 366 days', async () => {
    const { config, old } = await rotatedConfig();
    const exp = old.retiredAt + MAX_CREDENTIAL_LIFETIME_MS;
    const qr = await credentialFrom(config, 0, old.retiredAt, { exp });
    const { trust, status } = await statusFor(config);
    expect((await verifyPresentation(qr, { trust, status, now })).verdict).toBe('valid');
    expect(trust.keys[0]!.notAfter).toBe(exp); // and the key leaves the list then: compromise is the way to end it sooner
  });
});

describe('issuer key horizon', () => {
  it('a key with less than a day of trust left stops signing: a newer one takes over, and with none signing is refused', async () => {
    const ending = await newIssuerKey(now - 5 * 366 * DAY + 12 * 3600_000);
    const alone = { issuerKeys: [ending] } as unknown as Config;
    expect((await issuerTrustList(alone, now)).keys[0]!.notAfter - now).toBe(12 * 3600_000);
    await expect(activeIssuerKey(alone, now)).rejects.toThrow(/No issuer key can sign/);
    const newer = await newIssuerKey(now - DAY);
    const rotated = { issuerKeys: [ending, newer] } as unknown as Config;
    expect((await activeIssuerKey(rotated, now)).kid).toBe((await loadIssuerKeys(rotated))[1]!.kid);
    // A day and a second left: still the key that signs.
    const lastDay = { issuerKeys: [await newIssuerKey(now - 5 * 366 * DAY + DAY + 1000)] } as unknown as Config;
    expect((await activeIssuerKey(lastDay, now)).kid).toBe((await loadIssuerKeys(lastDay))[0]!.kid);
  });
});

describe('issuer key compromise', () => {
  async function compromisedConfig() {
    const { config, old, current } = await rotatedConfig();
    const marked = { issuerKeys: [{ ...old, compromisedAt: now }, current] } as unknown as Config;
    return { before: config, after: marked };
  }

  it('a compromised key leaves the published trust list at once and signs nothing', async () => {
    const { before, after } = await compromisedConfig();
    const [oldKey, currentKey] = await loadIssuerKeys(after);
    expect((await issuerTrustList(before, now)).keys.map((k) => k.kid)).toEqual([oldKey!.kid, currentKey!.kid]);
    expect((await issuerTrustList(after, now)).keys.map((k) => k.kid)).toEqual([currentKey!.kid]);
    expect([...(await trustedIssuerKids(after))]).toEqual([currentKey!.kid]);
    expect((await activeIssuerKey(after, now)).kid).toBe(currentKey!.kid);
  });

  it('what it signed, even inside its window, is unknown_issuer for a verifier with the refreshed list', async () => {
    const { before, after } = await compromisedConfig();
    const qr = await credentialFrom(before, 0, now - 30 * DAY);
    expect((await verifyPresentation(qr, { ...(await statusFor(before)), now })).verdict).toBe('valid');
    const result = await verifyPresentation(qr, { ...(await statusFor(after)), now });
    expect(result.verdict).toBe('unknown_issuer');
  });

  it('the newest key marked compromised stops signing: the next one that is not takes over', async () => {
    const a = await newIssuerKey(now - 100 * DAY);
    const b = { ...(await newIssuerKey(now - DAY)), compromisedAt: now };
    const config = { issuerKeys: [a, b] } as unknown as Config;
    expect((await activeIssuerKey(config, now)).kid).toBe((await loadIssuerKeys(config))[0]!.kid);
  });

  it('the configuration is refused when every key is compromised (nothing could sign)', async () => {
    const env = {
      SESSION_SECRET: 'x'.repeat(32),
      ISSUER_KEYS: JSON.stringify([{ ...(await newIssuerKey(now)), compromisedAt: now }]),
      OIDC_SIGNING_KEYS: JSON.stringify([{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1' }]),
      OIDC_PAIRWISE_SECRET: 'p'.repeat(32),
      SHARD_KEY_SECRET: 's'.repeat(32),
      SHARDS: '0-9=SHARD_0',
      SHARD_0: {},
    } as unknown as Env;
    expect(() => getConfig(env)).toThrow(/every key is marked compromised/);
  });
});
