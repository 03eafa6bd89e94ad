/**
 * COSE_Sign1 (RFC 9052 §4.2) with ES256 only, carried untagged.
 *
 *   COSE_Sign1 = [ protected: bstr .cbor header_map, unprotected: {}, payload: bstr, signature: bstr ]
 *
 * The profile is narrower than the RFC on purpose: the algorithm is always ES256 (-7) in the
 * protected header, the unprotected header is always empty, the payload is never detached,
 * and the encoding must be the deterministic one, so every message has exactly one byte form.
 */
import { encodeCbor } from './cbor';

/** COSE header labels used by this format (RFC 9052 §3.1, RFC 9596 for typ). */
export const COSE_HEADER = { alg: 1, kid: 4, typ: 16 } as const;
/** ECDSA w/ SHA-256 (RFC 9053 §2.1). */
export const ALG_ES256 = -7;

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const EMPTY = new Uint8Array(0);

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

// "Signature1" as a CBOR text string (RFC 9052 §4.4), after the array(4) head.
const SIG_STRUCTURE_PREFIX = new Uint8Array([0x84, 0x6a, 0x53, 0x69, 0x67, 0x6e, 0x61, 0x74, 0x75, 0x72, 0x65, 0x31]);

/**
 * Sig_structure (RFC 9052 §4.4): the bytes an ES256 signature covers.
 * `["Signature1", protected, external_aad, payload]`, in the deterministic encoding.
 */
export function sigStructure(
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = EMPTY,
): Uint8Array<ArrayBuffer> {
  // Written out rather than through the CBOR encoder: it is three byte strings behind a fixed
  // prefix, built on every verification (tests compare it with the encoder's output).
  const parts = [protectedBytes, externalAad, payload];
  let length = SIG_STRUCTURE_PREFIX.length;
  for (const part of parts) length += bstrHeadLength(part.length) + part.length;
  const out = new Uint8Array(length);
  out.set(SIG_STRUCTURE_PREFIX);
  let at = SIG_STRUCTURE_PREFIX.length;
  for (const part of parts) {
    at = writeBstrHead(out, at, part.length);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function bstrHeadLength(length: number): number {
  return length < 24 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
}

function writeBstrHead(out: Uint8Array, at: number, length: number): number {
  if (length < 24) {
    out[at] = 0x40 | length;
    return at + 1;
  }
  if (length < 0x100) {
    out[at] = 0x58;
    out[at + 1] = length;
    return at + 2;
  }
  if (length < 0x10000) {
    out[at] = 0x59;
    out[at + 1] = length >> 8;
    out[at + 2] = length & 0xff;
    return at + 3;
  }
  if (length > 0xffffffff) throw new RangeError('sigStructure: part too long');
  out[at] = 0x5a;
  new DataView(out.buffer, out.byteOffset).setUint32(at + 1, length);
  return at + 5;
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
 *
 * The profile leaves exactly one byte form per message, so the parser reads that form and
 * nothing else (every length in its shortest encoding, the header labels in the order 1, 4,
 * 16): what it accepts is precisely what `signCoseSign1` writes. It runs on every QR a
 * verifier scans, which is why it does not go through the general CBOR decoder and re-encode.
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 | null {
  // 84 | bstr(protected) | a0 | bstr(payload) | 58 40 <64 bytes>
  if (bytes[0] !== 0x84) return null;
  const protectedHead = readStringHead(bytes, 1, MAJOR_BYTES);
  if (!protectedHead) return null;
  let at = protectedHead.end;
  if (bytes[at] !== 0xa0) return null;
  const payloadHead = readStringHead(bytes, at + 1, MAJOR_BYTES);
  if (!payloadHead) return null;
  at = payloadHead.end;
  if (bytes[at] !== 0x58 || bytes[at + 1] !== 0x40 || at + 66 !== bytes.length) return null;

  const protectedBytes = bytes.slice(protectedHead.start, protectedHead.end);
  const header = parseProtectedHeader(protectedBytes);
  if (!header) return null;
  return {
    protectedBytes,
    kid: header.kid,
    typ: header.typ,
    payload: bytes.slice(payloadHead.start, payloadHead.end),
    signature: bytes.slice(at + 2, at + 66),
  };
}

const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAX_KID_LENGTH = 32;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The head of a byte or text string at `at` (RFC 8949 §3), in its shortest form only, and the
 * string within `bytes`; null otherwise. Lengths of 2^32 and more cannot occur here.
 */
function readStringHead(bytes: Uint8Array, at: number, major: number): { start: number; end: number } | null {
  const initial = bytes[at];
  if (initial === undefined || initial >> 5 !== major) return null;
  const info = initial & 0x1f;
  let length: number;
  let start: number;
  if (info < 24) {
    length = info;
    start = at + 1;
  } else if (info === 24) {
    length = bytes[at + 1] ?? -1;
    if (length < 24) return null;
    start = at + 2;
  } else if (info === 25) {
    if (at + 3 > bytes.length) return null;
    length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
    if (length < 0x100) return null;
    start = at + 3;
  } else if (info === 26) {
    if (at + 5 > bytes.length) return null;
    length = bytes[at + 1]! * 0x1000000 + ((bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!);
    if (length < 0x10000) return null;
    start = at + 5;
  } else {
    return null; // 8-byte lengths, reserved values, indefinite lengths
  }
  const end = start + length;
  return end <= bytes.length ? { start, end } : null;
}

/**
 * The protected header in its deterministic form: `a1 01 26`, `a2 01 26 04 <kid>`,
 * `a2 01 26 10 <typ>` or `a3 01 26 04 <kid> 10 <typ>`. RFC 9052 §3.1 lets receivers ignore
 * unknown labels; this profile has none, and refusing them leaves no room for a header a
 * verifier would silently skip (e.g. crit).
 */
function parseProtectedHeader(header: Uint8Array): { kid: Uint8Array<ArrayBuffer> | null; typ: string | null } | null {
  const entries = header[0]! - 0xa0;
  if (header.length < 3 || entries < 1 || entries > 3 || header[1] !== COSE_HEADER.alg || header[2] !== 0x26) return null;
  let at = 3;
  let left = entries - 1;
  let kid: Uint8Array<ArrayBuffer> | null = null;
  let typ: string | null = null;
  if (left > 0 && header[at] === COSE_HEADER.kid) {
    const head = readStringHead(header, at + 1, MAJOR_BYTES);
    if (!head || head.end === head.start || head.end - head.start > MAX_KID_LENGTH) return null;
    kid = header.slice(head.start, head.end);
    at = head.end;
    left--;
  }
  if (left > 0 && header[at] === COSE_HEADER.typ) {
    const head = readStringHead(header, at + 1, MAJOR_TEXT);
    if (!head) return null;
    // A leading byte-order mark is refused, as the general decoder's reading did (it drops the
    // mark, so the re-encoded header never matched): a typ never starts with one.
    if (header[head.start] === 0xef && header[head.start + 1] === 0xbb && header[head.start + 2] === 0xbf) return null;
    try {
      typ = UTF8.decode(header.subarray(head.start, head.end));
    } catch {
      return null; // not UTF-8
    }
    at = head.end;
    left--;
  }
  return left === 0 && at === header.length ? { kid, typ } : null;
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
