/**
 * Attacks on the QR, one per test: each says what the attacker does and which verdict stops it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCodeNonce,
  createPresentation,
  createPresentationBytes,
  issueCredential,
  verifyPresentation,
} from '../../../shared/credential';
import type { Verdict } from '../../../shared/credential';
import { encodeBase45 } from '../../../shared/credential/base45';
import { encodeCbor } from '../../../shared/credential/cbor';
import { decodeQrText, encodeQrText } from '../../../shared/credential/qr-text';
import { signCoseSign1 } from '../../../shared/credential/cose-sign1';
import { DAY, generateKeyPair, makeWorld, rawPublicKey, SAMPLE_DOCUMENTS, T0, YEAR } from './fixtures';

const world = await makeWorld();
const options = (now = T0) => ({ trust: world.trust, status: world.status, now });
const credential = await world.issue({ view: 'basic' });
const presentation = await createPresentationBytes({ credential, devicePrivateKey: world.device.privateKey, now: T0 });
const REFUSED_FOR_BAD_BYTES: Verdict[] = ['wrong_format', 'tampered', 'unknown_issuer'];

describe('tampering with the bytes', () => {
  it('every single-byte change of the presentation is refused (all offsets, xor 0x01 and 0x80)', async () => {
    expect((await verifyPresentation(await encodeQrText(presentation, 'never'), options())).verdict).toBe('valid');
    for (let i = 0; i < presentation.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const flipped = presentation.slice();
        flipped[i]! ^= mask;
        const result = await verifyPresentation(await encodeQrText(flipped, 'never'), options());
        expect(REFUSED_FOR_BAD_BYTES, `offset ${i} mask ${mask}: ${result.verdict}`).toContain(result.verdict);
      }
    }
  });

  it('property: any byte replaced by any other value is refused, never valid, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: presentation.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom<'never' | 'always'>('never', 'always'),
        async (index, mask, compression) => {
          const flipped = presentation.slice();
          flipped[index]! ^= mask;
          const result = await verifyPresentation(await encodeQrText(flipped, compression), options());
          expect(REFUSED_FOR_BAD_BYTES).toContain(result.verdict);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: truncations and extensions are wrong_format', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: presentation.length - 1 }), fc.uint8Array({ maxLength: 4 }), async (cut, tail) => {
        const cutText = await encodeQrText(presentation.slice(0, cut), 'never');
        expect((await verifyPresentation(cutText, options())).verdict).toBe('wrong_format');
        if (tail.length) {
          const longer = new Uint8Array([...presentation, ...tail]);
          expect((await verifyPresentation(await encodeQrText(longer, 'never'), options())).verdict).toBe('wrong_format');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('property: garbage text is wrong_format, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ maxLength: 400 }).map((s) => 'VN1:' + s),
          fc.uint8Array({ maxLength: 400 }).map((b) => 'VN1:' + encodeBase45(b)),
          fc.uint8Array({ maxLength: 400 }).map((b) => 'VN1Z:' + encodeBase45(b)),
        ),
        async (text) => {
          expect((await verifyPresentation(text, options())).verdict).toBe('wrong_format');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hostile non-string input does not throw either', async () => {
    for (const input of [undefined, null, 42, {}, [], new Uint8Array(3)] as unknown[]) {
      expect((await verifyPresentation(input as string, options())).verdict).toBe('wrong_format');
    }
  });
});

describe('a second byte form of a signed value (FORMAT.md §2: one deterministic encoding)', () => {
  // The holder's own device key signs these, so the signatures verify: only the encoding rule
  // refuses them. A verifier that accepted them would disagree with one that follows FORMAT.md.
  const time = T0 / 1000;
  const head = (n: number) => (n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff]);
  const credentialEntry = [0x01, ...head(credential.length), ...credential];
  const timeEntry = [0x02, 0x1a, (time >>> 24) & 0xff, (time >>> 16) & 0xff, (time >>> 8) & 0xff, time & 0xff];
  const signPayload = async (payload: number[]) =>
    encodeQrText(await signCoseSign1({ payload: new Uint8Array(payload), privateKey: world.device.privateKey }), 'never');
  const float64 = (value: number) => {
    const bytes = new Uint8Array(9);
    bytes[0] = 0xfb;
    new DataView(bytes.buffer).setFloat64(1, value);
    return [...bytes];
  };

  it('the deterministic payload, written by hand, is valid (the attacks below change one thing each)', async () => {
    expect((await verifyPresentation(await signPayload([0xa2, ...credentialEntry, ...timeEntry]), options())).verdict).toBe('valid');
  });

  it.each([
    ['the time as an integral float64', () => [0xa2, ...credentialEntry, 0x02, ...float64(time)]],
    ['the keys out of order (2 before 1)', () => [0xa2, ...timeEntry, ...credentialEntry]],
    ['the time in an 8-byte head', () => [0xa2, ...credentialEntry, 0x02, 0x1b, 0, 0, 0, 0, ...timeEntry.slice(2)]],
    ['the time tagged as an epoch date (tag 1)', () => [0xa2, ...credentialEntry, 0x02, 0xc1, ...timeEntry.slice(1)]],
    ['the credential length in a longer head', () => [0xa2, 0x01, 0x59, credential.length >> 8, credential.length & 0xff, ...credential, ...timeEntry]],
    ['an indefinite-length map', () => [0xbf, ...credentialEntry, ...timeEntry, 0xff]],
    ['key 2 twice (a second time a lax decoder would keep)', () => [0xa3, ...credentialEntry, ...timeEntry, 0x02, 0x00]],
  ])('a presentation payload with %s is wrong_format', async (_name, payload) => {
    const result = await verifyPresentation(await signPayload(payload()), options());
    expect(result.verdict).toBe('wrong_format');
    expect(result.verdict !== 'valid' && result.reason).toBe('presentation payload');
  });

  it('the presentation carried as a tagged COSE_Sign1 (tag 18) is wrong_format', async () => {
    const tagged = new Uint8Array([0xd2, ...presentation]);
    expect((await verifyPresentation(await encodeQrText(tagged, 'never'), options())).verdict).toBe('wrong_format');
  });

  it('an issuer-signed credential whose claims are out of key order is wrong_format, before any signature is believed', async () => {
    const { decodeCoseSign1 } = await import('../../../shared/credential/cose-sign1');
    const { fromBase64Url } = await import('../../../shared/bytes');
    const claims = decodeCoseSign1(credential)!.payload;
    // a5 01 62 56 4e (iss "VN") 04 1a… (exp): swap iss behind exp.
    expect([...claims.subarray(0, 6)]).toEqual([0xa5, 0x01, 0x62, 0x56, 0x4e, 0x04]);
    const swapped = new Uint8Array([0xa5, ...claims.subarray(5, 11), ...claims.subarray(1, 5), ...claims.subarray(11)]);
    expect(swapped.length).toBe(claims.length);
    const resigned = await signCoseSign1({ payload: swapped, privateKey: world.issuerKeys.privateKey, kid: fromBase64Url(world.kid)! });
    const result = await verifyPresentation(await world.present(resigned), options());
    expect(result.verdict).toBe('wrong_format');
    expect(result.verdict !== 'valid' && result.docType).toBeUndefined();
  });
});

describe('misusing genuine pieces', () => {
  it('replayed screenshot: the same QR read again 130 s after a first scan is stale', async () => {
    const qr = await world.present(credential, T0);
    const firstScan = T0 + 25_000;
    expect((await verifyPresentation(qr, options(firstScan))).verdict).toBe('valid');
    expect((await verifyPresentation(qr, options(firstScan + 130_000))).verdict).toBe('stale');
  });

  it('replayed screenshot inside the freshness window: a QR made for one check code is nonce_mismatch under the next code', async () => {
    // The holder types the first verifier's code; someone photographs that QR and shows the
    // picture 20 s later at a second check, which gives its own code: still fresh, wrong code.
    const first = '482915';
    const second = '731064';
    const qr = await world.present(credential, T0, checkCodeNonce(first));
    expect((await verifyPresentation(qr, { ...options(T0 + 5_000), nonce: checkCodeNonce(first) })).verdict).toBe('valid');
    const replayed = await verifyPresentation(qr, { ...options(T0 + 25_000), nonce: checkCodeNonce(second) });
    expect(replayed.verdict).toBe('nonce_mismatch');
    // Without a code the same picture would still pass at that moment: the code is what stops it.
    expect((await verifyPresentation(qr, options(T0 + 25_000))).verdict).toBe('valid');
  });

  it('a stolen credential presented from another device is tampered (device signature)', async () => {
    const thief = await generateKeyPair();
    const qr = await createPresentation({ credential, devicePrivateKey: thief.privateKey, now: T0 });
    const result = await verifyPresentation(qr, options());
    expect(result.verdict).toBe('tampered');
    expect(result.verdict !== 'valid' && result.reason).toBe('device signature');
  });

  it('a credential signed by an outsider under the genuine kid is tampered', async () => {
    const outsider = await generateKeyPair();
    const forged = await issueCredential({
      issuerKey: outsider.privateKey,
      kid: world.kid,
      issuer: 'VN',
      iat: T0 - DAY,
      exp: T0 + YEAR,
      holderPublicKey: world.holder,
      docType: 'eid_card',
      view: 'full',
      statusIndex: 5,
      data: SAMPLE_DOCUMENTS.eid_card,
    });
    const result = await verifyPresentation(await world.present(forged), options());
    expect(result.verdict).toBe('tampered');
    expect(result.verdict !== 'valid' && result.docType).toBeUndefined();
  });

  it('the status list token shown as a credential is wrong_format (typ and claims differ)', async () => {
    const qr = await createPresentation({ credential: world.statusBytes, devicePrivateKey: world.device.privateKey, now: T0 });
    expect((await verifyPresentation(qr, options())).verdict).toBe('wrong_format');
  });

  it('a bare credential (no device signature) in the QR is wrong_format', async () => {
    const qr = await encodeQrText(credential, 'never');
    expect((await verifyPresentation(qr, options())).verdict).toBe('wrong_format');
  });

  it('a device signature over a credential nested twice, or with extra payload keys, is wrong_format', async () => {
    const sign = async (payload: Map<number, unknown>) =>
      encodeQrText(await signCoseSign1({ payload: encodeCbor(payload), privateKey: world.device.privateKey }), 'never');
    const extra = await sign(new Map<number, unknown>([[1, credential], [2, T0 / 1000], [4, 'x']]));
    expect((await verifyPresentation(extra, options())).verdict).toBe('wrong_format');
    const nested = await sign(new Map<number, unknown>([[1, presentation], [2, T0 / 1000]]));
    expect((await verifyPresentation(nested, options())).verdict).toBe('wrong_format');
    const noTime = await sign(new Map<number, unknown>([[1, credential]]));
    expect((await verifyPresentation(noTime, options())).verdict).toBe('wrong_format');
  });

  it('an issuer-signed credential whose cnf x is not on the curve is wrong_format', async () => {
    // Find an x with no point, then sign a credential around it by hand.
    const { CNF_COSE_KEY, COSE_KEY, CWT_CLAIM } = await import('../../../shared/credential/claims');
    const { decompressP256 } = await import('../../../shared/credential/p256');
    const x = new Uint8Array(32);
    while (decompressP256(x, false)) x[31]!++;
    const claims = new Map<number, unknown>([
      [CWT_CLAIM.iss, 'VN'],
      [CWT_CLAIM.iat, T0 / 1000 - 86_400],
      [CWT_CLAIM.exp, T0 / 1000 + 86_400],
      [CWT_CLAIM.cnf, new Map([[CNF_COSE_KEY, new Map<number, unknown>([[1, 2], [-1, 1], [-2, x], [-3, false]])]])],
      [CWT_CLAIM.document, [2, 2, 5, new Map([[18, true]])]],
    ]);
    void COSE_KEY;
    const { fromBase64Url } = await import('../../../shared/bytes');
    const bad = await signCoseSign1({ payload: encodeCbor(claims), privateKey: world.issuerKeys.privateKey, kid: fromBase64Url(world.kid)! });
    const result = await verifyPresentation(await world.present(bad), options());
    expect(result.verdict).toBe('wrong_format');
    expect(result.verdict !== 'valid' && result.reason).toBe('cnf is not a P-256 point');
  });

  it('the verdict does not depend on the QR text form: compressed and plain agree', async () => {
    const bytes = await decodeQrText(await world.present(credential));
    const plain = await verifyPresentation(await encodeQrText(bytes!, 'never'), options());
    const packed = await verifyPresentation(await encodeQrText(bytes!, 'always'), options());
    expect(plain.verdict).toBe('valid');
    expect(packed.verdict).toBe('valid');
  });

  it('the returned holder key is a copy: mutating it does not poison the key cache', async () => {
    const qr = await world.present(credential);
    const first = await verifyPresentation(qr, options());
    if (first.verdict !== 'valid') throw new Error(first.verdict);
    first.holderPublicKey.fill(0);
    const second = await verifyPresentation(qr, options());
    expect(second.verdict === 'valid' && second.holderPublicKey).toEqual(await rawPublicKey(world.device.publicKey));
  });
});

describe('caches', () => {
  it('a memoised issuer signature counts only for the key that verified it', async () => {
    const qr = await world.present(credential);
    expect((await verifyPresentation(qr, options())).verdict).toBe('valid');
    // Same kid, another key (a trust list built by hand, skipping the kid check).
    const outsider = await generateKeyPair();
    const jwk = (await crypto.subtle.exportKey('jwk', outsider.publicKey)) as JsonWebKey;
    const trust = { keys: [{ ...world.trust.keys[0]!, jwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! } }] };
    expect((await verifyPresentation(qr, { ...options(), trust })).verdict).toBe('tampered');
  });

  it('a memoised issuer signature never excuses a bad device signature', async () => {
    expect((await verifyPresentation(await world.present(credential), options())).verdict).toBe('valid');
    const bytes = await createPresentationBytes({ credential, devicePrivateKey: world.device.privateKey, now: T0 });
    bytes[bytes.length - 1]! ^= 1;
    expect((await verifyPresentation(await encodeQrText(bytes, 'never'), options())).verdict).toBe('tampered');
  });
});
