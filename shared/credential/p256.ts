/**
 * P-256 point compression (SEC 1 v2 §2.3.3 / §2.3.4) on BigInt, because a compressed key saves
 * 32 bytes in every QR and not every WebCrypto imports one; and the import of a compressed key
 * through the platform where it can (Chromium and Node do), since the square root on BigInt is
 * the dearest part of checking a new holder's QR.
 */

// FIPS 186-4 D.1.2.3 / SEC 2 §2.4.2: y² = x³ − 3x + b over GF(p).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
// p ≡ 3 (mod 4), so a square root of a quadratic residue r is r^((p+1)/4).
const SQRT_EXPONENT = (P + 1n) / 4n;

/** A compressed P-256 public key: the x-coordinate and whether y is odd (SEC 1 prefix 0x03). */
export interface CompressedPoint {
  x: Uint8Array<ArrayBuffer>;
  yOdd: boolean;
}

/**
 * Compresses a raw uncompressed P-256 public key (65 bytes, 0x04 ‖ X ‖ Y); null when the
 * bytes are not a point on the curve.
 */
export function compressP256(raw: Uint8Array): CompressedPoint | null {
  if (raw.length !== 65 || raw[0] !== 0x04) return null;
  const x = toBigInt(raw.subarray(1, 33));
  const y = toBigInt(raw.subarray(33, 65));
  if (x >= P || y >= P || mod(y * y) !== curveRhs(x)) return null;
  return { x: raw.slice(1, 33), yOdd: (raw[64]! & 1) === 1 };
}

/**
 * Recovers the raw uncompressed public key (0x04 ‖ X ‖ Y) from x and the parity of y
 * (SEC 1 §2.3.4); null when x is not the x-coordinate of a curve point.
 */
export function decompressP256(x: Uint8Array, yOdd: boolean): Uint8Array<ArrayBuffer> | null {
  if (x.length !== 32) return null;
  const xn = toBigInt(x);
  if (xn >= P) return null;
  const rhs = curveRhs(xn);
  let y = modPow(rhs, SQRT_EXPONENT);
  // Not every x has a point: the root is only a root when rhs is a quadratic residue.
  if (mod(y * y) !== rhs) return null;
  if (((y & 1n) === 1n) !== yOdd) {
    if (y === 0n) return null;
    y = P - y;
  }
  const out = new Uint8Array(65);
  out[0] = 0x04;
  out.set(x, 1);
  out.set(fromBigInt(y), 33);
  return out;
}

function curveRhs(x: bigint): bigint {
  return mod(mod(mod(x * x) * x) - 3n * x + B);
}

function mod(n: bigint): bigint {
  const r = n % P;
  return r < 0n ? r + P : r;
}

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return BigInt('0x' + hex);
}

function fromBigInt(n: bigint): Uint8Array<ArrayBuffer> {
  const hex = n.toString(16).padStart(64, '0');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const P_BYTES = fromBigInt(P);
// The generator (SEC 2 §2.4.2), compressed and not: the probe for a platform that imports SEC 1
// compressed points, and x = 1, which is on no point, to see that it refuses what it must.
const G_COMPRESSED = hexBytes('036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296');
const G_UNCOMPRESSED = hexBytes(
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
);
const NOT_A_POINT = hexBytes('020000000000000000000000000000000000000000000000000000000000000001');

let nativeCompressed: boolean | undefined;
let probing: Promise<boolean> | undefined;

/**
 * Whether this platform's WebCrypto imports a compressed P-256 point as `raw` (WebCrypto §23.7
 * takes SEC 1 §2.3.4, which allows it; Chromium and Node do, some engines do not), gives back
 * the right point and refuses an x that is on no point. Found out once; never throws.
 */
export function importsCompressedP256(): Promise<boolean> {
  probing ??= (async () => {
    try {
      const key = await crypto.subtle.importKey('raw', G_COMPRESSED, ECDSA_P256, true, ['verify']);
      const raw = new Uint8Array((await crypto.subtle.exportKey('raw', key)) as ArrayBuffer);
      if (raw.length !== 65 || !raw.every((b, i) => b === G_UNCOMPRESSED[i])) return false;
      return await crypto.subtle.importKey('raw', NOT_A_POINT, ECDSA_P256, false, ['verify']).then(
        () => false,
        () => true,
      );
    } catch {
      return false;
    }
  })().then((supported) => (nativeCompressed = supported));
  return probing;
}

/**
 * Imports a compressed P-256 public key (x and the parity of y) for verifying; null when x is
 * not below p or not the x-coordinate of a curve point. Uses the platform's own decompression
 * when it has one (`native`, found out by {@link importsCompressedP256} unless given), else
 * recovers y on BigInt. Never throws.
 */
export async function importCompressedP256(x: Uint8Array, yOdd: boolean, native?: boolean): Promise<CryptoKey | null> {
  // Checked here, not left to the platform: x ≥ p would be a second encoding of a point.
  if (x.length !== 32 || !lessThanP(x)) return null;
  const useNative = native ?? nativeCompressed ?? (await importsCompressedP256());
  let keyData: Uint8Array<ArrayBuffer> | null;
  if (useNative) {
    keyData = new Uint8Array(33);
    keyData[0] = yOdd ? 0x03 : 0x02;
    keyData.set(x, 1);
  } else {
    keyData = decompressP256(x, yOdd);
    if (!keyData) return null;
  }
  try {
    return await crypto.subtle.importKey('raw', keyData, ECDSA_P256, false, ['verify']);
  } catch {
    return null;
  }
}

function lessThanP(x: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    if (x[i]! !== P_BYTES[i]!) return x[i]! < P_BYTES[i]!;
  }
  return false;
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
