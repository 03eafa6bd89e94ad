import { describe, expect, it } from 'vitest';
import {
  buildTrustList,
  createPresentation,
  createStatusBits,
  issueCredential,
  issuerKid,
  parseTrustList,
  signStatusList,
  statusListsOf,
  verifyPresentation,
  verifyStatusList,
} from '../../../shared/credential';
import { fromBase64Url, toBase64Url } from '../../../shared/bytes';
import { DAY, generateKeyPair, rawPublicKey, resignCredential, SAMPLE_DOCUMENTS, T0, withTimes, YEAR } from './fixtures';

describe('issuer kid', () => {
  it('is base64url of the first 8 bytes of SHA-256 over the raw uncompressed key', async () => {
    const { publicKey } = await generateKeyPair();
    const raw = await rawPublicKey(publicKey);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
    expect(await issuerKid(publicKey)).toBe(toBase64Url(digest.subarray(0, 8)));
    expect(await issuerKid(raw)).toBe(await issuerKid(publicKey));
    expect(fromBase64Url(await issuerKid(publicKey))!.length).toBe(8);
  });
});

describe('trust list JSON', () => {
  it('round-trips through JSON and still verifies', async () => {
    const { publicKey } = await generateKeyPair();
    const list = await buildTrustList([{ publicKey, notBefore: T0, notAfter: T0 + YEAR, retiredAt: T0 + DAY }], T0);
    const parsed = await parseTrustList(JSON.parse(JSON.stringify(list)));
    expect(parsed).toEqual(list);
  });

  it('refuses a list with a kid that is not its key, a private key, or a bad window', async () => {
    const { publicKey } = await generateKeyPair();
    const list = JSON.parse(JSON.stringify(await buildTrustList([{ publicKey, notBefore: T0, notAfter: T0 + YEAR }])));
    expect(await parseTrustList({ keys: [{ ...list.keys[0], kid: 'AAAAAAAAAAA' }] })).toBeNull();
    expect(await parseTrustList({ keys: [{ ...list.keys[0], jwk: { ...list.keys[0].jwk, d: 'x' } }] })).toBeNull();
    expect(await parseTrustList({ keys: [{ ...list.keys[0], notAfter: T0 - 1 }] })).toBeNull();
    expect(await parseTrustList({ keys: [{ ...list.keys[0], jwk: { ...list.keys[0].jwk, crv: 'P-384' } }] })).toBeNull();
    expect(await parseTrustList({ keys: 'nope' })).toBeNull();
    expect(await parseTrustList(null)).toBeNull();
  });
});

describe('key rotation', async () => {
  // Key A signed until its retirement at T0 − 30 days and stays trusted until T0 + 60 days
  // (its last credentials' lifetime); key B signs from T0 − 30 days.
  const a = await generateKeyPair();
  const b = await generateKeyPair();
  const device = await generateKeyPair();
  const holder = await rawPublicKey(device.publicKey);
  const trust = await buildTrustList([
    { publicKey: a.publicKey, notBefore: T0 - 2 * YEAR, notAfter: T0 + 60 * DAY, retiredAt: T0 - 30 * DAY },
    { publicKey: b.publicKey, notBefore: T0 - 30 * DAY, notAfter: T0 + 10 * YEAR },
  ]);
  const kidA = await issuerKid(a.publicKey);
  const kidB = await issuerKid(b.publicKey);
  const issue = (key: CryptoKeyPair, kid: string, iat: number) =>
    issueCredential({
      issuerKey: key.privateKey,
      kid,
      issuer: 'VN',
      iat,
      exp: iat + YEAR,
      holderPublicKey: holder,
      docType: 'eid_card',
      view: 'basic',
      statusIndex: 0,
      data: SAMPLE_DOCUMENTS.eid_card,
    });
  const statusAt = async (now: number) => {
    const token = await signStatusList({ issuerKey: b.privateKey, kid: kidB, issuer: 'VN', uri: 'u', iat: now, bits: createStatusBits(8) });
    const verified = await verifyStatusList(token, trust, now);
    if (!verified.ok) throw new Error(verified.error);
    return verified.list;
  };
  const verifyAt = async (credential: Uint8Array, now: number) =>
    verifyPresentation(await createPresentation({ credential, devicePrivateKey: device.privateKey, now }), {
      trust,
      status: statusListsOf(await statusAt(now)),
      now,
    });

  it('the old key keeps verifying what it issued in its window, until its notAfter', async () => {
    const old = await issue(a, kidA, T0 - 90 * DAY);
    expect((await verifyAt(old, T0)).verdict).toBe('valid');
    expect((await verifyAt(old, T0 + 59 * DAY)).verdict).toBe('valid');
    // After notAfter the key is gone from the verifier's trust: unknown_issuer, though exp is later.
    expect((await verifyAt(old, T0 + 61 * DAY)).verdict).toBe('unknown_issuer');
  });

  it('a credential the old key signed after its retirement (a leaked key) is unknown_issuer', async () => {
    const leaked = await issue(a, kidA, T0 - 10 * DAY);
    const result = await verifyAt(leaked, T0);
    expect(result.verdict).toBe('unknown_issuer');
    expect(result.verdict !== 'valid' && result.reason).toBe('iat outside the key issuing window');
  });

  it('attack: the stolen retired key back-dates iat to just before its retirement with an exp years away: unknown_issuer', async () => {
    // iat inside the window, so only the lifetime cap stops it; without it this verified until
    // the key left the list.
    const genuine = await issue(a, kidA, T0 - 90 * DAY);
    const forged = await resignCredential(genuine, a.privateKey, kidA, withTimes(T0 - 30 * DAY - 1000, T0 + 5 * YEAR));
    const result = await verifyAt(forged, T0);
    expect(result.verdict).toBe('unknown_issuer');
    expect(result.verdict !== 'valid' && result.reason).toBe('lifetime (exp − iat) beyond the maximum a key may issue');
  });

  it('with the lifetime capped, what a retired key can still sign verifies no later than retiredAt + 366 days', async () => {
    // The longest-lived credential a thief can make: iat = retiredAt, exp = iat + 366 days. Its
    // key is listed until retiredAt + 366 days (here the list says T0 + 60 days, earlier still).
    const longest = await resignCredential(await issue(a, kidA, T0 - 90 * DAY), a.privateKey, kidA, withTimes(T0 - 30 * DAY, T0 - 30 * DAY + 366 * DAY));
    expect((await verifyAt(longest, T0)).verdict).toBe('valid');
    expect((await verifyAt(longest, T0 + 61 * DAY)).verdict).toBe('unknown_issuer');
  });

  it('a credential dated before its key existed is unknown_issuer', async () => {
    expect((await verifyAt(await issue(b, kidB, T0 - 40 * DAY), T0)).verdict).toBe('unknown_issuer');
  });

  it('the new key verifies', async () => {
    expect((await verifyAt(await issue(b, kidB, T0 - DAY), T0)).verdict).toBe('valid');
  });
});
