/**
 * COSE_Sign1 (RFC 9052 §4.2) with ES256 only, carried untagged.
 *
 *   COSE_Sign1 = [ protected: bstr .cbor header_map, unprotected: {}, payload: bstr, signature: bstr ]
 *
 * The profile is narrower than the RFC on purpose: the algorithm is always ES256 (-7) in the
 * protected header, the unprotected header is always empty, the payload is never detached,
 * and the encoding must be the deterministic one, so every message has exactly one byte form.
 */
import { asBytes, asInt, asMap, bytesEqual, decodeCbor, encodeCbor } from './cbor';

/** COSE header labels used by this format (RFC 9052 §3.1, RFC 9596 for typ). */
export const COSE_HEADER = { alg: 1, kid: 4, typ: 16 } as const;
/** ECDSA w/ SHA-256 (RFC 9053 §2.1). */
export const ALG_ES256 = -7;

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const EMPTY = new Uint8Array(0);
const KNOWN_LABELS: ReadonlySet<number> = new Set(Object.values(COSE_HEADER));

/** A structurally valid COSE_Sign1 under this profile; nothing about it is verified yet. */
export interface CoseSign1 {
  /** The protected header exactly as serialized (what the signature covers). */
  protectedBytes: Uint8Array<ArrayBuffer>;
  /** The decoded protected header: alg is -7; kid (bstr) and typ (tstr) when present. */
  kid: Uint8Array<ArrayBuffer> | null;
  typ: string | null;
  payload: Uint8Array<ArrayBuffer>;
  /** ECDSA signature as r ‖ s, 32 bytes each (RFC 9053 §2.1). */
  signature: Uint8Array<ArrayBuffer>;
}

/** Options for {@link signCoseSign1}. */
export interface SignCoseSign1Options {
  payload: Uint8Array<ArrayBuffer>;
  privateKey: CryptoKey;
  kid?: Uint8Array;
  typ?: string;
  externalAad?: Uint8Array;
}

/**
 * Sig_structure (RFC 9052 §4.4): the bytes an ES256 signature covers.
 * `["Signature1", protected, external_aad, payload]`.
 */
export function sigStructure(
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array<ArrayBuffer> {
  return encodeCbor(['Signature1', protectedBytes, externalAad, payload]);
}

/** The serialized protected header `{1: -7, ?4: kid, ?16: typ}`. */
export function encodeProtectedHeader(kid?: Uint8Array, typ?: string): Uint8Array<ArrayBuffer> {
  const header = new Map<number, unknown>([[COSE_HEADER.alg, ALG_ES256]]);
  if (kid) header.set(COSE_HEADER.kid, kid);
  if (typ !== undefined) header.set(COSE_HEADER.typ, typ);
  return encodeCbor(header);
}

/** Signs `payload` with an ECDSA P-256 private key and returns the COSE_Sign1 bytes. */
export async function signCoseSign1(options: SignCoseSign1Options): Promise<Uint8Array<ArrayBuffer>> {
  const protectedBytes = encodeProtectedHeader(options.kid, options.typ);
  const toBeSigned = sigStructure(protectedBytes, options.payload, options.externalAad);
  const signature = new Uint8Array(await crypto.subtle.sign(ECDSA_SHA256, options.privateKey, toBeSigned));
  return encodeCbor([protectedBytes, new Map(), options.payload, signature]);
}

/**
 * Parses a COSE_Sign1 under this profile; null when the bytes are anything else: not one
 * CBOR item, not a 4-element array, a protected header that is not a map with alg -7, an
 * unknown header label, a non-empty unprotected header, a detached payload, a signature
 * that is not 64 bytes, or an encoding that is not the deterministic one.
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 | null {
  const item = decodeCbor(bytes);
  if (!Array.isArray(item) || item.length !== 4) return null;
  const protectedBytes = asBytes(item[0]);
  const unprotected = asMap(item[1]);
  const payload = asBytes(item[2]);
  const signature = asBytes(item[3]);
  if (!protectedBytes || !unprotected || unprotected.size !== 0 || !payload || !signature) return null;
  if (signature.length !== 64) return null;

  const header = asMap(decodeCbor(protectedBytes));
  if (!header) return null;
  for (const label of header.keys()) {
    // RFC 9052 §3.1 lets receivers ignore unknown labels; this profile has none, and
    // refusing them leaves no room for a header a verifier would silently skip (e.g. crit).
    if (typeof label !== 'number' || !KNOWN_LABELS.has(label)) return null;
  }
  if (asInt(header.get(COSE_HEADER.alg)) !== ALG_ES256) return null;
  let kid: Uint8Array<ArrayBuffer> | null = null;
  if (header.has(COSE_HEADER.kid)) {
    kid = asBytes(header.get(COSE_HEADER.kid));
    if (!kid || kid.length === 0 || kid.length > 32) return null;
  }
  let typ: string | null = null;
  if (header.has(COSE_HEADER.typ)) {
    const value = header.get(COSE_HEADER.typ);
    if (typeof value !== 'string') return null;
    typ = value;
  }
  // One message, one byte form: the header and the envelope must be exactly what the
  // deterministic encoder writes (cborg's strict mode does not check map key order).
  if (!bytesEqual(encodeProtectedHeader(kid ?? undefined, typ ?? undefined), protectedBytes)) return null;
  if (!bytesEqual(encodeCbor([protectedBytes, new Map(), payload, signature]), bytes)) return null;
  return { protectedBytes, kid, typ, payload, signature };
}

/** Verifies the ES256 signature of a parsed COSE_Sign1 with a P-256 public key. Never throws. */
export async function verifyCoseSign1(
  message: CoseSign1,
  publicKey: CryptoKey,
  externalAad?: Uint8Array,
): Promise<boolean> {
  try {
    const toBeSigned = sigStructure(message.protectedBytes, message.payload, externalAad);
    return await crypto.subtle.verify(ECDSA_SHA256, publicKey, message.signature, toBeSigned);
  } catch {
    return false;
  }
}
