// Issuer-key rotation as the edge does it: the newest unretired key signs, a retired key stays
// in the published trust list for what it already signed, and a credential dated after its
// key retired (what a thief of the old key would make) is refused.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../edge/config';
import { activeIssuerKey, issuerTrustList, MAX_CREDENTIAL_LIFETIME_MS } from '../../edge/domain/issuer';
import { createPresentation, createStatusBits, issueCredential, signStatusList, verifyPresentation, verifyStatusList } from '../../shared/credential';
import { exportDevicePublicKey, generateDeviceKey } from '../../shared/device-key';
import { newIssuerKey } from '../../scripts/lib.mjs';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 23);

async function rotatedConfig() {
  const old = { ...(await newIssuerKey(now - 400 * DAY)), retiredAt: now - 10 * DAY };
  const current = await newIssuerKey(now - 10 * DAY);
  return { config: { issuerKeys: [old, current] } as unknown as Config, old, current };
}

async function credentialFrom(config: Config, kidIndex: 0 | 1, iat: number) {
  const device = await generateDeviceKey();
  const keys = await (await import('../../edge/domain/issuer')).loadIssuerKeys(config);
  const key = keys[kidIndex]!;
  const credential = await issueCredential({
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
  return createPresentation({ credential, devicePrivateKey: device.privateKey, now });
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
    const trust = await issuerTrustList(config, now);
    // The current key signs the status list the verifier holds.
    const key = await activeIssuerKey(config, now);
    const bytes = await signStatusList({ issuerKey: key.privateKey, kid: key.kid, issuer: 'VN', uri: 'https://id.example.vn/.well-known/vneid/status-list', iat: now, bits: createStatusBits(16) });
    const status = await verifyStatusList(bytes, trust, now);
    if (!status.ok) throw new Error(status.error);
    expect((await verifyPresentation(qr, { trust, status: status.list, now })).verdict).toBe('valid');
  });

  it('refuses a credential the old key signed after it retired (a stolen key)', async () => {
    const { config } = await rotatedConfig();
    const qr = await credentialFrom(config, 0, now - 1 * DAY);
    expect((await verifyPresentation(qr, { trust: await issuerTrustList(config, now), now })).verdict).toBe('unknown_issuer');
  });
});
