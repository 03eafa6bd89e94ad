/**
 * The published test vectors (shared/credential/test-vectors.json) must verify as they say,
 * so the file can never drift from the code. Regenerate with make-vectors.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../../shared/bytes';
import {
  decodeCredential,
  decodeQrText,
  issuerKid,
  parseTrustList,
  PART_SIZE,
  statusListsOf,
  verifyPresentation,
  verifyStatusList,
} from '../../../shared/credential';
import { decodeCoseSign1 } from '../../../shared/credential/cose-sign1';
import { decodeCbor } from '../../../shared/credential/cbor';
import file from '../../../shared/credential/test-vectors.json';

const trust = (await parseTrustList(file.trustList))!;
const status = await verifyStatusList(fromBase64Url(file.statusList.token)!, trust, file.statusList.verifyAt);
const parts = await Promise.all(file.statusListParts.map((p) => verifyStatusList(fromBase64Url(p.token)!, trust, p.verifyAt)));
/** What a verifier holds: part 0 (the token without a part claim) and the numbered parts. */
const statusLists = statusListsOf([status, ...parts].map((r) => (r.ok ? r.list : null)));

describe('test vectors', () => {
  it('publish a trust list that parses, whose kid is the issuer JWK\'s, and a status list that verifies', async () => {
    expect(trust).not.toBeNull();
    expect(trust.keys[0]!.kid).toBe(file.issuer.kid);
    expect(trust.keys[0]!.jwk).toEqual(file.issuer.publicJwk);
    const devicePublic = fromBase64Url(file.device.publicKeyRaw)!;
    expect(devicePublic.length).toBe(65);
    expect(await issuerKid(fromBase64Url(file.device.publicKeyRaw)!)).toBeTypeOf('string');
    expect(status.ok).toBe(true);
  });

  it('publish part 0 as a token without a part claim (the list as it was before parts) and part 1 with its claim', () => {
    expect(status.ok && [status.list.part, status.list.version]).toEqual([0, null]);
    expect(parts.map((r) => r.ok && r.list.part)).toEqual(file.statusListParts.map((p) => p.part));
    expect(parts.every((r) => r.ok && r.list.version !== null)).toBe(true);
    // Vectors in part 1 and beyond exist, so a verifier that ignores parts fails them.
    expect(file.vectors.filter((v) => v.name.includes('_part_')).map((v) => v.expected.verdict).sort()).toEqual(['revoked', 'status_unavailable', 'valid']);
    expect(Object.keys(file.statusListParts[0]!.entries).every((i) => Number(i) >= PART_SIZE)).toBe(true);
  });

  it('cover every verdict family the brief names', () => {
    const verdicts = new Set(file.vectors.map((v) => v.expected.verdict));
    for (const verdict of ['valid', 'tampered', 'expired', 'unknown_issuer', 'revoked', 'suspended', 'stale']) {
      expect(verdicts).toContain(verdict);
    }
  });

  it('include the attacks FORMAT.md names, with the verdict each must get', () => {
    const verdictOf = (name: string) => file.vectors.find((v) => v.name === name)?.expected.verdict;
    expect(verdictOf('tampered_outsider_under_genuine_kid')).toBe('tampered');
    expect(verdictOf('unknown_issuer_retired_key_after_retirement')).toBe('unknown_issuer');
    expect(verdictOf('unknown_issuer_retired_key_backdated')).toBe('unknown_issuer');
    expect(verdictOf('unknown_issuer_lifetime_beyond_maximum')).toBe('unknown_issuer');
    expect(verdictOf('valid_retired_key')).toBe('valid');
    expect(trust.keys.find((k) => k.kid === file.retiredIssuer.kid)?.retiredAt).toBe(file.retiredIssuer.retiredAt);
  });

  it('list in FORMAT.md §14 every wrong_format vector, and only those', () => {
    const spec = readFileSync(new URL('../../../shared/credential/FORMAT.md', import.meta.url), 'utf8');
    const section = spec.slice(spec.indexOf('## 14. Test vectors'));
    const documented = [...section.matchAll(/^\| `(wrong_format_\w+)` \|/gm)].map((m) => m[1]).sort();
    const inFile = file.vectors.filter((v) => v.expected.verdict === 'wrong_format').map((v) => v.name).sort();
    expect(documented).toEqual(inFile);
    expect(inFile.length).toBeGreaterThanOrEqual(11);
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const result = await verifyPresentation(vector.qr, {
      trust,
      status: vector.useStatusList ? statusLists : null,
      now: vector.now,
      ...file.verifierOptions,
      ...('nonce' in vector && vector.nonce ? { nonce: fromBase64Url(vector.nonce)! } : {}),
    });
    expect(result.verdict).toBe(vector.expected.verdict);
    if (result.verdict === 'valid') {
      expect(result.docType).toBe(vector.expected.docType);
      expect(result.view).toBe(vector.expected.view);
      expect(result.claims).toEqual(vector.expected.claims);
      expect(result.holderPublicKey).toEqual(fromBase64Url(file.device.publicKeyRaw));
    }
    if ('presentationHex' in vector && vector.presentationHex) {
      // The hex dump is the bytes inside the QR text.
      const bytes = await decodeQrText(vector.qr);
      expect(Buffer.from(bytes!).toString('hex')).toBe(vector.presentationHex);
    }
    if (vector.expected.verdict === 'valid' && 'credentialHex' in vector && vector.credentialHex) {
      const credential = new Uint8Array(Buffer.from(vector.credentialHex, 'hex'));
      expect(decodeCredential(credential)?.holderPublicKey).toEqual(fromBase64Url(file.device.publicKeyRaw));
      // The presentation payload's key 1 is exactly these credential bytes.
      const presentation = decodeCoseSign1((await decodeQrText(vector.qr))!)!;
      expect((decodeCbor(presentation.payload) as Map<number, unknown>).get(1)).toEqual(credential);
    }
  });
});
