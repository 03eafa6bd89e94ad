/**
 * The one place the credential format touches CBOR (RFC 8949): deterministic encoding
 * (§4.2.1 core rules: preferred integer sizes, definite lengths, map keys sorted bytewise)
 * and a strict decoder that refuses everything the format never produces.
 */
import { decode, encode, rfc8949EncodeOptions } from 'cborg';
import type { DecodeOptions, EncodeOptions } from 'cborg';

/** A decoded CBOR map: always a `Map`, so integer keys stay integers. */
export type CborMap = Map<unknown, unknown>;

const ENCODE_OPTIONS: EncodeOptions = {
  ...rfc8949EncodeOptions,
  typeEncoders: {
    // The format has no floats and no undefined: refuse them at the source rather than
    // let a computation slip a 1.5 or an undefined into signed bytes.
    number: (value: unknown) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`cbor: not a safe integer: ${String(value)}`);
      return null;
    },
    undefined: () => {
      throw new TypeError('cbor: undefined cannot be encoded');
    },
  },
};

const DECODE_OPTIONS: DecodeOptions = {
  strict: true, // preferred (shortest) integer and length encodings only
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: false, // every integer in the format is a safe integer
  rejectDuplicateMapKeys: true,
  useMaps: true,
  tags: [], // no tags anywhere (COSE_Sign1 is carried untagged)
};

/** Encodes a value deterministically. Maps must be `Map`s with integer or text keys. */
export function encodeCbor(value: unknown): Uint8Array<ArrayBuffer> {
  // cborg may hand back a view on a shared scratch buffer: copy into bytes we own.
  return new Uint8Array(encode(value, ENCODE_OPTIONS));
}

/**
 * Decodes exactly one CBOR data item filling `bytes`; `undefined` when the bytes are not
 * well-formed, not minimal, carry trailing data, tags, floats that are not finite, duplicate
 * map keys or integers outside the safe range. Never throws.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  try {
    return decode(bytes, DECODE_OPTIONS);
  } catch {
    return undefined;
  }
}

/**
 * A decoded byte string as bytes we can hand to WebCrypto, or null when it is not one. For
 * values from `decodeCbor` only: cborg copies every byte string into a fresh (never shared)
 * ArrayBuffer, so `.buffer` is not looked at (reading it makes V8 move a small array off its
 * heap, which costs more than the rest of a field's decoding).
 */
export function asBytes(value: unknown): Uint8Array<ArrayBuffer> | null {
  return value instanceof Uint8Array ? (value as Uint8Array<ArrayBuffer>) : null;
}

/** `value` as a decoded CBOR map, or null. */
export function asMap(value: unknown): CborMap | null {
  return value instanceof Map ? value : null;
}

/** `value` as a safe integer, or null. */
export function asInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

/** `value` as a non-negative safe integer, or null. */
export function asUint(value: unknown): number | null {
  const n = asInt(value);
  return n !== null && n >= 0 ? n : null;
}

/** Byte-for-byte equality (not constant time: for public data only). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
