import { describe, expect, it } from 'vitest';
import {
  createPresentation,
  decodeCredential,
  DOC_TYPE_NAMES,
  DOCUMENT_TYPES,
  createStatusBits,
  PART_SIZE,
  projectView,
  setStatus,
  signStatusList,
  statusListsOf,
  verifyPresentation,
  verifyStatusList,
  viewFields,
} from '../../../shared/credential';
import type { DocType, View } from '../../../shared/credential';
import { DAY, EID_CARD, INDEX, makeWorld, resignCredential, SAMPLE_DOCUMENTS, T0, withTimes, YEAR } from './fixtures';

const world = await makeWorld();
const verify = (qr: string, now = T0, extra: Partial<Parameters<typeof verifyPresentation>[1]> = {}) =>
  verifyPresentation(qr, { trust: world.trust, status: world.status, now, ...extra });

describe('issue → present → verify', () => {
  const cases = DOC_TYPE_NAMES.flatMap((docType) =>
    (DOCUMENT_TYPES[docType].views as readonly View[]).map((view) => [docType, view] as [DocType, View]),
  );

  it.each(cases)('%s / %s is valid and discloses exactly the view', async (docType, view) => {
    const credential = await world.issue({ docType, view });
    const result = await verify(await world.present(credential, T0 - 5_000));
    expect(result.verdict).toBe('valid');
    if (result.verdict !== 'valid') return;
    expect(result.docType).toBe(docType);
    expect(result.view).toBe(view);
    expect(result.kid).toBe(world.kid);
    expect(result.issuer).toBe('VN');
    expect(result.statusIndex).toBe(INDEX.valid);
    expect(result.holderPublicKey).toEqual(world.holder);
    expect(result.presentedAt).toBe(T0 - 5_000);
    const expected = projectView(docType, view, SAMPLE_DOCUMENTS[docType], T0 - DAY);
    expect(result.claims).toEqual(expected);
    for (const name of Object.keys(result.claims)) expect(viewFields(docType, view)).toContain(name);
  });

  it('basic view: ID number, name, date of birth, sex and nothing else', async () => {
    const result = await verify(await world.present(await world.issue({ view: 'basic' })));
    expect(result.verdict === 'valid' && result.claims).toEqual({
      idNumber: '079303001234',
      fullName: 'Nguyễn Thị Minh Khai',
      birthDate: '2003-08-15',
      sex: 'female',
    });
  });

  it('age_over_18 view: only the boolean (and the holder binding)', async () => {
    const result = await verify(await world.present(await world.issue({ view: 'age_over_18' })));
    expect(result.verdict).toBe('valid');
    expect(result.verdict === 'valid' && result.claims).toEqual({ ageOver18: true });
    const minor = await world.issue({ docType: 'personal_information', view: 'age_over_18', data: { birthDate: '2010-01-01' } });
    const minorResult = await verify(await world.present(minor));
    expect(minorResult.verdict === 'valid' && minorResult.claims).toEqual({ ageOver18: false });
  });

  it('verifies a compressed presentation too', async () => {
    const credential = await world.issue();
    const qr = await createPresentation({ credential, devicePrivateKey: world.device.privateKey, now: T0, compression: 'always' });
    expect(qr.startsWith('VN1Z:')).toBe(true);
    expect((await verify(qr)).verdict).toBe('valid');
  });

  it('the holder key of a valid result reads like a plain property (spread, structuredClone), computed once', async () => {
    const result = await verify(await world.present(await world.issue({ view: 'basic' })));
    if (result.verdict !== 'valid') throw new Error(result.verdict);
    expect({ ...result }.holderPublicKey).toEqual(world.holder);
    expect(structuredClone(result).holderPublicKey).toEqual(world.holder);
    expect(Object.keys(result)).toContain('holderPublicKey');
    expect(result.holderPublicKey).toBe(result.holderPublicKey);
  });

  it('lets the wallet decode a stored credential without verifying it', async () => {
    const credential = await world.issue();
    const decoded = decodeCredential(credential)!;
    expect(decoded.docType).toBe('eid_card');
    expect(decoded.view).toBe('full');
    expect(decoded.data).toEqual(EID_CARD);
    expect(decoded.holderPublicKey).toEqual(world.holder);
    expect(decoded.kid).toBe(world.kid);
    expect(decoded.issuedAt).toBe(T0 - DAY);
    expect(decoded.expiresAt).toBe(T0 + 300 * DAY);
    expect(decodeCredential(credential.subarray(1))).toBeNull();
  });

  it('refuses to issue what it cannot sign correctly', async () => {
    await expect(world.issue({ view: 'basic', docType: 'driving_licence' })).rejects.toThrow(RangeError);
    await expect(world.issue({ holderPublicKey: world.holder.subarray(0, 33) })).rejects.toThrow(TypeError);
    await expect(world.issue({ kid: 'AAAA' })).rejects.toThrow(TypeError);
    await expect(world.issue({ exp: T0 - 2 * DAY })).rejects.toThrow(RangeError);
    await expect(world.issue({ statusIndex: -1 })).rejects.toThrow(RangeError);
    // Longer than the 366 days a verifier accepts.
    await expect(world.issue({ iat: T0, exp: T0 + 366 * DAY + 1000 })).rejects.toThrow(RangeError);
    await expect(world.issue({ iat: T0, exp: T0 + 366 * DAY })).resolves.toBeInstanceOf(Uint8Array);
  });
});

describe('verdicts', () => {
  it('expired: exp has passed (beyond the skew)', async () => {
    const credential = await world.issue({ iat: T0 - YEAR, exp: T0 - 60_000 });
    const result = await verify(await world.present(credential));
    expect(result.verdict).toBe('expired');
    expect(result.verdict !== 'valid' && result.docType).toBe('eid_card');
    // Within the 30 s skew it still passes.
    const justExpired = await world.issue({ iat: T0 - YEAR, exp: T0 - 20_000 });
    expect((await verify(await world.present(justExpired))).verdict).toBe('valid');
  });

  it('lifetime: exactly 366 days is valid; one second more, under the genuine key, is unknown_issuer', async () => {
    const longest = await world.issue({ iat: T0 - DAY, exp: T0 + 365 * DAY });
    expect((await verify(await world.present(longest))).verdict).toBe('valid');
    const tooLong = await resignCredential(longest, world.issuerKeys.privateKey, world.kid, withTimes(T0 - DAY, T0 + 365 * DAY + 1000));
    const result = await verify(await world.present(tooLong));
    expect(result.verdict).toBe('unknown_issuer');
    expect(result.verdict !== 'valid' && result.reason).toMatch(/lifetime/);
    // Judged after the issuer signature: an outsider's long-lived forgery stays tampered.
    const outsider = await resignCredential(longest, (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])).privateKey, world.kid, withTimes(T0 - DAY, T0 + 5 * YEAR));
    expect((await verify(await world.present(outsider))).verdict).toBe('tampered');
  });

  it('not_yet_valid: iat ahead of the clock beyond the skew', async () => {
    const credential = await world.issue({ iat: T0 + 10 * 60_000 });
    expect((await verify(await world.present(credential))).verdict).toBe('not_yet_valid');
  });

  it('revoked and suspended from the status list', async () => {
    const revoked = await world.issue({ statusIndex: INDEX.revoked });
    const suspended = await world.issue({ statusIndex: INDEX.suspended });
    expect((await verify(await world.present(revoked))).verdict).toBe('revoked');
    expect((await verify(await world.present(suspended))).verdict).toBe('suspended');
  });

  it('status_unavailable: no list, a list too old, an expired list, an index it does not cover', async () => {
    const qr = await world.present(await world.issue());
    expect((await verify(qr, T0, { status: undefined })).verdict).toBe('status_unavailable');
    expect((await verify(qr, T0, { status: statusListsOf([]) })).verdict).toBe('status_unavailable');
    expect((await verify(qr, T0, { statusMaxAgeSeconds: 0, now: T0 + 1000 })).verdict).toBe('status_unavailable');
    expect((await verify(qr, T0, { status: statusListsOf([world.statusList]) })).verdict).toBe('valid');
    const late = T0 + 3 * DAY; // the list's exp is T0 + 2 days
    const lateQr = await world.present(await world.issue(), late);
    expect((await verify(lateQr, late, { statusMaxAgeSeconds: 7 * 86_400 })).verdict).toBe('status_unavailable');
    const outside = await world.present(await world.issue({ statusIndex: 4096 }));
    expect((await verify(outside)).verdict).toBe('status_unavailable');
  });

  it('status in parts: the entry is read in part ⌊index / 2^20⌋ at offset index mod 2^20, of the credential\'s issuer', async () => {
    /** Part `part` of issuer `issuer`, with offset 5 set to `status`, verified at T0. */
    const part = async (n: number, status: 0 | 1 | 2, issuer = 'VN') => {
      const bits = createStatusBits(PART_SIZE);
      setStatus(bits, 5, status);
      const bytes = await signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer, uri: `https://id.example.vn/status/${n}`, iat: T0, part: n, version: 1, bits });
      const verified = await verifyStatusList(bytes, world.trust, T0);
      if (!verified.ok) throw new Error(verified.error);
      return verified.list;
    };
    const inPart1 = await world.present(await world.issue({ statusIndex: PART_SIZE + 5 }));
    // Part 0 says nothing about index 2^20 + 5, whatever its offset 5 holds.
    expect((await verify(inPart1, T0, { status: statusListsOf([await part(0, 1)]) })).verdict).toBe('status_unavailable');
    expect((await verify(inPart1, T0, { status: statusListsOf([await part(0, 0), await part(1, 1)]) })).verdict).toBe('revoked');
    expect((await verify(inPart1, T0, { status: statusListsOf([await part(0, 1), await part(1, 2)]) })).verdict).toBe('suspended');
    expect((await verify(inPart1, T0, { status: statusListsOf([await part(0, 1), await part(1, 0)]) })).verdict).toBe('valid');
    // Another issuer's part 1 (same signing key here) is not this credential's.
    expect((await verify(inPart1, T0, { status: statusListsOf([await part(1, 0, 'XX')]) })).verdict).toBe('status_unavailable');
    // Far parts: index 2^40 + 5 is part 2^20.
    const far = await world.present(await world.issue({ statusIndex: 2 ** 40 + 5 }));
    expect((await verify(far, T0, { status: statusListsOf([await part(2 ** 20, 2)]) })).verdict).toBe('suspended');
  });

  it('stale: older than freshness + skew (120 + 30 s)', async () => {
    const qr = await world.present(await world.issue(), T0);
    expect((await verify(qr, T0 + 150_000)).verdict).toBe('valid');
    expect((await verify(qr, T0 + 151_000)).verdict).toBe('stale');
    expect((await verify(qr, T0 + 60_000, { freshnessSeconds: 10, skewSeconds: 0 })).verdict).toBe('stale');
  });

  it('future: presentation time ahead of the verifier clock beyond the skew', async () => {
    const qr = await world.present(await world.issue(), T0 + 31_000);
    expect((await verify(qr, T0)).verdict).toBe('future');
    const near = await world.present(await world.issue(), T0 + 29_000);
    expect((await verify(near, T0)).verdict).toBe('valid');
  });

  it('nonce: must match when the verifier gave one', async () => {
    const credential = await world.issue();
    const nonce = crypto.getRandomValues(new Uint8Array(8));
    const withNonce = await world.present(credential, T0, nonce);
    expect((await verify(withNonce, T0, { nonce })).verdict).toBe('valid');
    expect((await verify(withNonce, T0, { nonce: new Uint8Array(8) })).verdict).toBe('nonce_mismatch');
    expect((await verify(await world.present(credential, T0), T0, { nonce })).verdict).toBe('nonce_mismatch');
    // A nonce the verifier did not ask for is harmless.
    expect((await verify(withNonce, T0)).verdict).toBe('valid');
  });

  it('unknown_issuer: a kid not in the trust list', async () => {
    const result = await verify(await world.present(await world.issue()), T0, { trust: { keys: [] } });
    expect(result.verdict).toBe('unknown_issuer');
    // Nothing about the document is reported before its signature is verified.
    expect(result.verdict !== 'valid' && result.docType).toBeUndefined();
  });
});

describe('options', () => {
  it('throws on a missing clock instead of letting every time check pass', async () => {
    const qr = await world.present(await world.issue());
    await expect(verifyPresentation(qr, { trust: world.trust, status: world.status, now: Number.NaN })).rejects.toThrow(TypeError);
    // A single list where the indexed set belongs (see statusListsOf) is a programming error, not wrong_format.
    await expect(verifyPresentation(qr, { trust: world.trust, status: world.statusList as never, now: T0 })).rejects.toThrow(TypeError);
    await expect(verifyPresentation(qr, { trust: world.trust, now: undefined as unknown as number })).rejects.toThrow(TypeError);
    await expect(verifyPresentation(qr, { trust: world.trust, now: T0, skewSeconds: -1 })).rejects.toThrow(TypeError);
  });
});
