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
 * Decodes exactly one CBOR data item filling `bytes`; `undefined` unless the bytes are in the
 * format's deterministic encoding ({@link isDeterministicCbor}). Never throws.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  // cborg checks shortest forms but neither map key order nor floats (an integral float
  // decodes to the same number as the integer): without this pass one signed value would
  // have several byte forms, and verifiers written from FORMAT.md would disagree with us.
  if (!isDeterministicCbor(bytes)) return undefined;
  try {
    return decode(bytes, DECODE_OPTIONS);
  } catch {
    return undefined;
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Whether `bytes` is exactly one CBOR data item in the format's deterministic encoding
 * (FORMAT.md §2; RFC 8949 §4.2.1 core deterministic encoding): integers and lengths in their
 * shortest form, definite lengths only, map keys in strictly increasing bytewise order of their
 * encodings (so no duplicates), no tags, no floats, no simple values but false, true and null,
 * integers within ±(2^53 − 1), text strings in valid UTF-8 not starting with U+FEFF, map keys
 * that are integers or text strings, and no trailing bytes. One pass over the bytes, without recursion (nesting cannot exhaust the stack).
 */
export function isDeterministicCbor(bytes: Uint8Array): boolean {
  const end = bytes.length;
  // The open arrays and maps, innermost last: items still to read (a map counts keys and values
  // separately, so an even count means a key comes next), and for a map the start of the key
  // being read and the bounds of the previous key.
  const left: number[] = [];
  const keyStart: number[] = [];
  const previousKeyStart: number[] = [];
  const previousKeyEnd: number[] = [];
  const isMap: boolean[] = [];
  let depth = 0;
  let at = 0;
  for (;;) {
    if (at >= end) return false;
    const atKey = depth > 0 && isMap[depth - 1]! && (left[depth - 1]! & 1) === 0;
    if (atKey) keyStart[depth - 1] = at;
    const initial = bytes[at]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    // Map keys are integers or text strings: the format has no others, and a byte string, an
    // array or a map as a key is read differently by different decoders.
    if (atKey && major !== 0 && major !== 1 && major !== 3) return false;
    at++;
    if (major === 7) {
      // false, true, null; never undefined, other simple values, floats or break.
      if (info < 20 || info > 22) return false;
    } else {
      let argument: number;
      if (info < 24) {
        argument = info;
      } else if (info === 24) {
        if (at + 1 > end) return false;
        argument = bytes[at]!;
        if (argument < 24) return false;
        at += 1;
      } else if (info === 25) {
        if (at + 2 > end) return false;
        argument = (bytes[at]! << 8) | bytes[at + 1]!;
        if (argument < 0x100) return false;
        at += 2;
      } else if (info === 26) {
        if (at + 4 > end) return false;
        argument = bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
        if (argument < 0x10000) return false;
        at += 4;
      } else if (info === 27) {
        if (at + 8 > end) return false;
        const high = bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
        const low = bytes[at + 4]! * 0x1000000 + ((bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!);
        if (high === 0 || high >= 0x200000) return false; // fits 4 bytes, or beyond 2^53 − 1
        argument = high * 0x100000000 + low;
        at += 8;
      } else {
        return false; // reserved (28–30) or indefinite length (31)
      }
      if (major === 0) {
        // argument ≤ 2^53 − 1 by construction
      } else if (major === 1) {
        if (argument > MAX_SAFE - 1) return false; // −1 − argument < −(2^53 − 1)
      } else if (major === 2 || major === 3) {
        if (argument > end - at) return false;
        if (major === 3 && !isStrictUtf8(bytes, at, at + argument)) return false;
        at += argument;
      } else if (major === 4 || major === 5) {
        if (argument > 0) {
          // Each item takes at least one byte: a count beyond what is left fails here, early.
          const items = major === 5 ? argument * 2 : argument;
          if (items > end - at) return false;
          left[depth] = items;
          isMap[depth] = major === 5;
          previousKeyStart[depth] = -1;
          previousKeyEnd[depth] = -1;
          depth++;
          continue;
        }
      } else {
        return false; // major 6: tags
      }
    }
    // An item ended at `at`: close the containers it completes.
    while (depth > 0) {
      const d = depth - 1;
      if (isMap[d] && (left[d]! & 1) === 0) {
        // It was a key: it must sort strictly after the previous key of this map.
        if (previousKeyStart[d]! >= 0 && compareBytes(bytes, previousKeyStart[d]!, previousKeyEnd[d]!, keyStart[d]!, at) >= 0) return false;
        previousKeyStart[d] = keyStart[d]!;
        previousKeyEnd[d] = at;
      }
      if (--left[d]! > 0) break;
      depth--;
    }
    if (depth === 0) return at === end;
  }
}

/** Bytewise lexicographic order of bytes[aStart, aEnd) and bytes[bStart, bEnd). */
function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const diff = bytes[aStart + i]! - bytes[bStart + i]!;
    if (diff !== 0) return diff;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/**
 * Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) that
 * does not start with U+FEFF: decoders commonly drop a leading byte-order mark, so with it the
 * same text would have a second encoding.
 */
function isStrictUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) return false;
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80; // overlong
      if (b === 0xf4) max = 0x8f; // above U+10FFFF
    } else {
      return false;
    }
    if (i + need >= end) return false;
    const second = bytes[i + 1]!;
    if (second < min || second > max) return false;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
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
