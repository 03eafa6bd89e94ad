/**
 * The wallet's encryption at rest (web/wallet/vault.ts) in Node's WebCrypto: the passcode
 * and passkey (PRF) boxes around the wallet key, the sealed documents, and the attacks each
 * part is there for.
 */
import { describe, expect, it } from 'vitest';
import {
  createDeviceSecret,
  createPasscodeBox,
  createPasskeyBox,
  createWalletKey,
  deriveKeyFromPasscode,
  isPasscodeFormat,
  isWeakPasscode,
  lockedCopy,
  openJson,
  openPasscodeBox,
  openPasskeyBox,
  PBKDF2_ITERATIONS,
  sealJson,
  unwrapWalletKey,
  type SealedBox,
} from '../../web/wallet/vault';

/** Small in tests: the count is a parameter of the box, not of the algorithm. */
const ITERATIONS = 2_000;

async function setUp(passcode = '480215') {
  const walletKey = await createWalletKey();
  const deviceSecret = await createDeviceSecret();
  const box = await createPasscodeBox({ walletKey, passcode, deviceSecret, iterations: ITERATIONS });
  return { walletKey, deviceSecret, box };
}

function flip(box: SealedBox, index: number): SealedBox {
  const ciphertext = box.ciphertext.slice();
  ciphertext[index] = ciphertext[index]! ^ 1;
  return { iv: box.iv, ciphertext };
}

describe('passcodes', () => {
  it('takes exactly six digits', () => {
    expect(isPasscodeFormat('480215')).toBe(true);
    for (const bad of ['48021', '4802150', '48021a', ' 480215', '４８０２１５']) expect(isPasscodeFormat(bad)).toBe(false);
  });

  it('refuses the codes a thief tries first', () => {
    for (const weak of ['000000', '111111', '123456', '654321', '890123', '121212', '123123', '987987']) expect(isWeakPasscode(weak), weak).toBe(true);
    for (const fine of ['480215', '204917', '135790', '112358']) expect(isWeakPasscode(fine), fine).toBe(false);
  });

  it('uses 600,000 PBKDF2-SHA256 iterations for a new box by default', async () => {
    const walletKey = await createWalletKey();
    const box = await createPasscodeBox({ walletKey, passcode: '480215', deviceSecret: await createDeviceSecret() });
    expect(PBKDF2_ITERATIONS).toBe(600_000);
    expect(box.iterations).toBe(600_000);
    expect(box.salt).toHaveLength(16);
  });
});

describe('the passcode box', () => {
  it('gives back the wallet key for the right passcode, non-extractable', async () => {
    const { walletKey, deviceSecret, box } = await setUp();
    const sealed = await sealJson(walletKey, { documents: ['a'], syncedAt: 1 });
    const opened = await openPasscodeBox(box, '480215', deviceSecret);
    expect(opened).not.toBeNull();
    expect(opened!.extractable).toBe(false);
    expect(await openJson(opened!, sealed)).toEqual({ documents: ['a'], syncedAt: 1 });
  });

  it('gives nothing for a wrong passcode (the AES-GCM tag does not verify)', async () => {
    const { deviceSecret, box } = await setUp();
    for (const wrong of ['480216', '000000', '084215']) expect(await openPasscodeBox(box, wrong, deviceSecret)).toBeNull();
    expect(await openPasscodeBox(box, 'abc', deviceSecret)).toBeNull();
  });

  it('attack: the boxes copied off the device cannot be opened without its device secret, even with the passcode', async () => {
    const { box } = await setUp();
    const otherDevice = await createDeviceSecret();
    expect(await openPasscodeBox(box, '480215', otherDevice)).toBeNull();
  });

  it('attack: the device secret cannot be exported, so guessing has to run on the device', async () => {
    const deviceSecret = await createDeviceSecret();
    expect(deviceSecret.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', deviceSecret)).rejects.toThrow();
  });

  it('attack: an altered box or salt opens nothing', async () => {
    const { deviceSecret, box } = await setUp();
    expect(await openPasscodeBox({ ...box, box: flip(box.box, 3) }, '480215', deviceSecret)).toBeNull();
    const salt = box.salt.slice();
    salt[0] = salt[0]! ^ 1;
    expect(await openPasscodeBox({ ...box, salt }, '480215', deviceSecret)).toBeNull();
    expect(await openPasscodeBox({ ...box, iterations: ITERATIONS + 1 }, '480215', deviceSecret)).toBeNull();
  });

  it('attack: a passcode box cannot stand in for a passkey box (the purpose is authenticated data)', async () => {
    const { deviceSecret, box } = await setUp();
    const kek = await deriveKeyFromPasscode({ passcode: '480215', salt: box.salt, iterations: ITERATIONS, deviceSecret });
    expect(await unwrapWalletKey(box.box, kek, 'passcode')).not.toBeNull();
    expect(await unwrapWalletKey(box.box, kek, 'passkey')).toBeNull();
  });

  it('salts each box: the same passcode twice gives different boxes', async () => {
    const walletKey = await createWalletKey();
    const deviceSecret = await createDeviceSecret();
    const a = await createPasscodeBox({ walletKey, passcode: '480215', deviceSecret, iterations: ITERATIONS });
    const b = await createPasscodeBox({ walletKey, passcode: '480215', deviceSecret, iterations: ITERATIONS });
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false);
    expect(Buffer.from(a.box.ciphertext).equals(Buffer.from(b.box.ciphertext))).toBe(false);
  });

  it('refuses to make a box for a passcode that is not six digits', async () => {
    await expect(createPasscodeBox({ walletKey: await createWalletKey(), passcode: '12345', deviceSecret: await createDeviceSecret() })).rejects.toThrow(RangeError);
  });
});

describe('the passkey (PRF) box', () => {
  it('gives back the wallet key for the PRF output it was made with, and nothing for another', async () => {
    const walletKey = await createWalletKey();
    const prfOutput = crypto.getRandomValues(new Uint8Array(32));
    const box = await createPasskeyBox({ walletKey, credentialId: 'cred', prfSalt: crypto.getRandomValues(new Uint8Array(32)), prfOutput });
    const sealed = await sealJson(walletKey, { ok: true });
    const opened = await openPasskeyBox(box, prfOutput);
    expect(await openJson(opened!, sealed)).toEqual({ ok: true });
    expect(await openPasskeyBox(box, crypto.getRandomValues(new Uint8Array(32)))).toBeNull();
    expect(await openPasskeyBox({ ...box, box: flip(box.box, 0) }, prfOutput)).toBeNull();
  });
});

describe('sealed documents', () => {
  it('are ciphertext: nothing of the plaintext shows', async () => {
    const walletKey = await createWalletKey();
    const sealed = await sealJson(walletKey, { name: 'Lê Minh Khang', id: '048204000777' });
    const bytes = Buffer.from(sealed.ciphertext);
    expect(bytes.includes(Buffer.from('048204000777'))).toBe(false);
    expect(sealed.iv).toHaveLength(12);
  });

  it('attack: a flipped bit anywhere, or another key, opens nothing', async () => {
    const walletKey = await createWalletKey();
    const sealed = await sealJson(walletKey, { a: 1 });
    for (let i = 0; i < sealed.ciphertext.length; i += 5) expect(await openJson(walletKey, flip(sealed, i))).toBeNull();
    expect(await openJson(await createWalletKey(), sealed)).toBeNull();
  });

  it('a locked copy of the wallet key opens what the original sealed and cannot be exported', async () => {
    const walletKey = await createWalletKey();
    const copy = await lockedCopy(walletKey);
    expect(copy.extractable).toBe(false);
    expect(await openJson(copy, await sealJson(walletKey, [1, 2]))).toEqual([1, 2]);
  });
});
