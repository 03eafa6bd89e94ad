import { describe, expect, it } from 'vitest';
import {
  deviceKeyId,
  deviceProofMessage,
  exportDevicePublicKey,
  generateDeviceKey,
  importDevicePublicKey,
  signDeviceProof,
  verifyDeviceSignature,
} from '../../shared/device-key';
import { fromUtf8 } from '../../shared/bytes';

describe('device key proofs', () => {
  it('signs and verifies a proof for a purpose and challenge', async () => {
    const pair = await generateDeviceKey();
    const raw = await exportDevicePublicKey(pair.publicKey);
    expect(raw).toHaveLength(65);
    expect(raw[0]).toBe(4);
    const pub = (await importDevicePublicKey(raw))!;
    const sig = await signDeviceProof(pair.privateKey, 'signin', 'abc');
    expect(sig).toHaveLength(64);
    expect(await verifyDeviceSignature(pub, sig, deviceProofMessage('signin', 'abc'))).toBe(true);
    // another purpose, another challenge: refused
    expect(await verifyDeviceSignature(pub, sig, deviceProofMessage('register', 'abc'))).toBe(false);
    expect(await verifyDeviceSignature(pub, sig, deviceProofMessage('signin', 'abd'))).toBe(false);
  });
  it('keeps the private key non-extractable', async () => {
    const pair = await generateDeviceKey();
    expect(pair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
  });
  it('names a key by the SHA-256 of its raw public key', async () => {
    const raw = await exportDevicePublicKey((await generateDeviceKey()).publicKey);
    const id = await deviceKeyId(raw);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await deviceKeyId(raw)).toBe(id);
  });
  it('refuses points that are not on the curve or not uncompressed', async () => {
    expect(await importDevicePublicKey(new Uint8Array(65).fill(4))).toBeNull();
    expect(await importDevicePublicKey(new Uint8Array(33))).toBeNull();
  });
  it('defines the signed message exactly', () => {
    expect(fromUtf8(deviceProofMessage('register', 'xyz'))).toBe('vneid:device-proof:v1:register:xyz');
  });
});
