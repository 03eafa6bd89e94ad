/**
 * The credential: an issuer-signed CWT (RFC 8392) in a COSE_Sign1, bound to the holder's
 * device key through `cnf` (RFC 8747) and carrying one view of one document.
 *
 *   protected = {1: -7, 4: kid}
 *   payload   = {1: iss, 4: exp, 6: iat, 8: {1: COSE_Key}, -65537: [docType, view, statusIndex, data]}
 *   COSE_Key  = {1: 2, -1: 1, -2: x, -3: y is odd}
 */
import { fromBase64Url, toBase64Url } from '../bytes';
import { asBytes, asMap, asUint, bytesEqual, decodeCbor, encodeCbor } from './cbor';
import {
  CNF_COSE_KEY,
  COSE_KEY,
  CWT_CLAIM,
  decodeDocumentData,
  docTypeCode,
  docTypeFromCode,
  encodeDocumentData,
  isViewAllowed,
  projectView,
  viewCode,
  viewFromCode,
} from './claims';
import type { DocType, DocumentData, TypedDocument, View } from './claims';
import { decodeCoseSign1, signCoseSign1 } from './cose-sign1';
import type { CoseSign1 } from './cose-sign1';
import { compressP256, decompressP256 } from './p256';
import { KID_LENGTH, MAX_CREDENTIAL_LIFETIME_S } from './trust-list';

/** Options for {@link issueCredential}. Times are ms since the epoch (seconds on the wire). */
export interface IssueCredentialOptions<D extends DocType = DocType> {
  /** The issuer's ECDSA P-256 private key. */
  issuerKey: CryptoKey;
  /** The issuer key's kid (base64url of 8 bytes, see `issuerKid`). */
  kid: string;
  /** `iss`: keep it short, every byte is in the QR (e.g. "VN"). */
  issuer: string;
  iat: number;
  exp: number;
  /** The holder's device public key, raw uncompressed (65 bytes). */
  holderPublicKey: Uint8Array;
  docType: D;
  view: View;
  /** The document's index in the issuer's status list (shared by all views of one document). */
  statusIndex: number;
  /** The document's full data; the view's part of it is what gets signed. */
  data: DocumentData<D>;
}

/**
 * Signs one view of a document for one holder device. Throws (TypeError/RangeError) on
 * anything that would produce a credential a verifier refuses: call it once per view.
 */
export async function issueCredential<D extends DocType>(options: IssueCredentialOptions<D>): Promise<Uint8Array<ArrayBuffer>> {
  const kid = fromBase64Url(options.kid);
  if (!kid || kid.length !== KID_LENGTH) throw new TypeError('kid: expected base64url of 8 bytes');
  const iat = toSeconds(options.iat, 'iat');
  const exp = toSeconds(options.exp, 'exp');
  if (exp <= iat) throw new RangeError('exp must be after iat');
  if (exp - iat > MAX_CREDENTIAL_LIFETIME_S) throw new RangeError(`exp − iat must be at most ${MAX_CREDENTIAL_LIFETIME_S} s (366 days)`);
  if (!Number.isSafeInteger(options.statusIndex) || options.statusIndex < 0) throw new RangeError('statusIndex: expected a uint');
  if (!isViewAllowed(options.docType, options.view)) throw new RangeError(`view ${options.view} is not defined for ${options.docType}`);
  const holder = compressP256(options.holderPublicKey);
  if (!holder) throw new TypeError('holderPublicKey: expected a raw uncompressed P-256 point (65 bytes)');

  const data = projectView(options.docType, options.view, options.data, options.iat);
  const claims = new Map<number, unknown>([
    [CWT_CLAIM.iss, options.issuer],
    [CWT_CLAIM.iat, iat],
    [CWT_CLAIM.exp, exp],
    [CWT_CLAIM.cnf, new Map([[CNF_COSE_KEY, encodeCoseKey(holder.x, holder.yOdd)]])],
    [
      CWT_CLAIM.document,
      [
        docTypeCode(options.docType),
        viewCode(options.view),
        options.statusIndex,
        encodeDocumentData(options.docType, options.view, data as Record<string, unknown>),
      ],
    ],
  ]);
  return signCoseSign1({ payload: encodeCbor(claims), privateKey: options.issuerKey, kid });
}

function toSeconds(ms: number, name: string): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${name}: expected ms since the epoch`);
  return Math.floor(ms / 1000);
}

function encodeCoseKey(x: Uint8Array, yOdd: boolean): Map<number, unknown> {
  return new Map<number, unknown>([
    [COSE_KEY.kty, COSE_KEY.ktyEc2],
    [COSE_KEY.crv, COSE_KEY.crvP256],
    [COSE_KEY.x, x],
    [COSE_KEY.y, yOdd],
  ]);
}

/** What a credential says, decoded. Times are ms since the epoch. */
export type DecodedCredential = TypedDocument & {
  kid: string;
  issuer: string;
  issuedAt: number;
  expiresAt: number;
  /** The holder's device public key, raw uncompressed (65 bytes). */
  holderPublicKey: Uint8Array<ArrayBuffer>;
  view: View;
  statusIndex: number;
};

/**
 * Decodes a stored credential for display, WITHOUT verifying it (the wallet trusts what it
 * received over its authenticated channel; a verifier uses `verifyPresentation`). Null when
 * the bytes are not a credential of this format.
 */
export function decodeCredential(bytes: Uint8Array): DecodedCredential | null {
  const parsed = parseCredential(bytes);
  if (!parsed) return null;
  const holderPublicKey = decompressP256(parsed.holderX, parsed.holderYOdd);
  if (!holderPublicKey) return null;
  const { cose: _cose, holderX: _x, holderYOdd: _y, ...rest } = parsed;
  return { ...rest, holderPublicKey } as DecodedCredential;
}

/** A structurally valid credential, not verified; the holder key still compressed. */
export interface ParsedCredential {
  cose: CoseSign1;
  kid: string;
  issuer: string;
  issuedAt: number;
  expiresAt: number;
  holderX: Uint8Array<ArrayBuffer>;
  holderYOdd: boolean;
  docType: DocType;
  view: View;
  statusIndex: number;
  data: Record<string, unknown>;
}

const MAX_ISSUER_LENGTH = 256;

// A verifier sees the same few kids over and over: keep the text of the last one.
let lastKid: { bytes: Uint8Array; text: string } | null = null;

function kidText(kid: Uint8Array): string {
  if (lastKid && bytesEqual(lastKid.bytes, kid)) return lastKid.text;
  lastKid = { bytes: kid.slice(), text: toBase64Url(kid) };
  return lastKid.text;
}

/** Parses a credential's envelope and claims; null on any deviation from the format. Never throws. */
export function parseCredential(bytes: Uint8Array): ParsedCredential | null {
  const cose = decodeCoseSign1(bytes);
  if (!cose || !cose.kid || cose.kid.length !== KID_LENGTH || cose.typ !== null) return null;
  const claims = asMap(decodeCbor(cose.payload));
  if (!claims) return null;
  const issuer = claims.get(CWT_CLAIM.iss);
  const iat = asUint(claims.get(CWT_CLAIM.iat));
  const exp = asUint(claims.get(CWT_CLAIM.exp));
  if (typeof issuer !== 'string' || issuer.length > MAX_ISSUER_LENGTH || iat === null || exp === null || exp <= iat) return null;

  const cnf = asMap(claims.get(CWT_CLAIM.cnf));
  const coseKey = cnf?.size === 1 ? asMap(cnf.get(CNF_COSE_KEY)) : null;
  if (!coseKey || coseKey.size !== 4) return null;
  if (coseKey.get(COSE_KEY.kty) !== COSE_KEY.ktyEc2 || coseKey.get(COSE_KEY.crv) !== COSE_KEY.crvP256) return null;
  const holderX = asBytes(coseKey.get(COSE_KEY.x));
  const holderYOdd = coseKey.get(COSE_KEY.y);
  if (!holderX || holderX.length !== 32 || typeof holderYOdd !== 'boolean') return null;

  const document = claims.get(CWT_CLAIM.document);
  if (!Array.isArray(document) || document.length !== 4) return null;
  const typeCode = asUint(document[0]);
  const viewCodeValue = asUint(document[1]);
  const statusIndex = asUint(document[2]);
  const docType = typeCode === null ? null : docTypeFromCode(typeCode);
  const view = viewCodeValue === null ? null : viewFromCode(viewCodeValue);
  if (!docType || !view || statusIndex === null || !isViewAllowed(docType, view)) return null;
  const data = decodeDocumentData(docType, view, document[3]);
  if (!data) return null;

  return {
    cose,
    kid: kidText(cose.kid),
    issuer,
    issuedAt: iat * 1000,
    expiresAt: exp * 1000,
    holderX,
    holderYOdd,
    docType,
    view,
    statusIndex,
    data,
  };
}
