/**
 * Our COSE_Sign1 primitive against RFC 9052's own example, Appendix C.2.1 "Single ECDSA
 * Signature" (the same bytes as cose-wg/Examples RFC8152/Appendix_C_2_1.json), and the
 * cose-wg sign1 examples sign-pass-02 (external AAD) and sign-pass-03 (untagged).
 *
 * The profile (FORMAT.md §3) refuses these messages as a whole: they are tagged (18) and carry
 * the kid in the unprotected header. So the test strips the tag, reads the four elements with
 * the plain CBOR decoder, and checks the parts the profile shares with the RFC: the
 * Sig_structure we build must be the RFC's ToBeSigned bytes, and our ES256 verification must
 * accept the RFC's signature with the RFC's key (and refuse it once anything is changed).
 */
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../../../shared/credential/cbor';
import { decodeCoseSign1, sigStructure, verifyCoseSign1, type CoseSign1 } from '../../../shared/credential/cose-sign1';

const hex = (text: string) => new Uint8Array((text.match(/../g) ?? []).map((h) => parseInt(h, 16)));
const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

/** RFC 9052 Appendix C.7: the key with kid "11" (P-256), public part. */
const KEY_11: JsonWebKey = {
  kty: 'EC',
  crv: 'P-256',
  x: 'usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8',
  y: 'IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4',
};

const EXAMPLES = [
  {
    name: 'RFC 9052 C.2.1 (single ECDSA signature, tagged)',
    cbor:
      'D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840' +
      '8EB33E4CA31D1C465AB05AAC34CC6B23D58FEF5C083106C4D25A91AEF0B0117E' +
      '2AF9A291AA32E14AB834DC56ED2A223444547E01F11D3B0916E5A4C345CACB36',
    toBeSigned: '846A5369676E61747572653143A101264054546869732069732074686520636F6E74656E742E',
    externalAad: '',
  },
  {
    name: 'cose-wg sign-pass-02 (external AAD)',
    cbor:
      'D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840' +
      'EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E1' +
      '55388B10C4F1B59A6733EAB416870A945111A4B2FBDBEF33A77234B1DEFF2F9B',
    toBeSigned: '846A5369676E61747572653143A101264C11AA22BB33CC44DD5500669954546869732069732074686520636F6E74656E742E',
    externalAad: '11AA22BB33CC44DD55006699',
  },
  {
    name: 'cose-wg sign-pass-03 (untagged)',
    cbor:
      '8443A10126A10442313154546869732069732074686520636F6E74656E742E5840' +
      'EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E1' +
      '9F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794',
    toBeSigned: '846A5369676E61747572653143A101264054546869732069732074686520636F6E74656E742E',
    externalAad: '',
  },
] as const;

/** The four elements of an RFC COSE_Sign1, tag 18 (0xd2) removed: what the primitive works on. */
function primitiveParts(cbor: Uint8Array): CoseSign1 & { unprotected: Map<unknown, unknown> } {
  const untagged = cbor[0] === 0xd2 ? cbor.subarray(1) : cbor;
  const [protectedBytes, unprotected, payload, signature] = decodeCbor(untagged) as [Uint8Array, Map<unknown, unknown>, Uint8Array, Uint8Array];
  return { protectedBytes: protectedBytes.slice(), kid: null, typ: null, payload: payload.slice(), signature: signature.slice(), unprotected };
}

const publicKey = await crypto.subtle.importKey('jwk', KEY_11, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);

describe('COSE_Sign1 against RFC 9052 Appendix C.2.1 and the cose-wg examples', () => {
  it.each(EXAMPLES)('$name: our Sig_structure is the ToBeSigned bytes, and the signature verifies with key "11"', async (example) => {
    const message = primitiveParts(hex(example.cbor));
    expect(toHex(message.protectedBytes)).toBe('A10126'); // {1: -7}, as this profile writes it
    expect(message.unprotected.get(4)).toEqual(new TextEncoder().encode('11'));
    expect(new TextDecoder().decode(message.payload)).toBe('This is the content.');
    const aad = hex(example.externalAad);
    expect(toHex(sigStructure(message.protectedBytes, message.payload, aad))).toBe(example.toBeSigned);
    expect(await verifyCoseSign1(message, publicKey, aad)).toBe(true);
  });

  it.each(EXAMPLES)('$name: a changed payload, signature byte or external AAD no longer verifies', async (example) => {
    const message = primitiveParts(hex(example.cbor));
    const aad = hex(example.externalAad);
    const payload = message.payload.slice();
    payload[0]! ^= 0x01;
    expect(await verifyCoseSign1({ ...message, payload }, publicKey, aad)).toBe(false);
    const signature = message.signature.slice();
    signature[63]! ^= 0x01;
    expect(await verifyCoseSign1({ ...message, signature }, publicKey, aad)).toBe(false);
    expect(await verifyCoseSign1(message, publicKey, example.externalAad ? new Uint8Array(0) : hex('00'))).toBe(false);
  });

  it('the profile refuses the RFC messages as they are: tagged, and a kid in the unprotected header', () => {
    for (const example of EXAMPLES) {
      const bytes = hex(example.cbor);
      expect(decodeCoseSign1(bytes)).toBeNull();
      expect(decodeCoseSign1(bytes[0] === 0xd2 ? bytes.subarray(1) : bytes)).toBeNull(); // untagged: still the unprotected kid
    }
  });
});
