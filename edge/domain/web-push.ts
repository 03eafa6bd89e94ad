/**
 * Web Push on WebCrypto alone: message encryption (RFC 8291, with the aes128gcm content
 * coding of RFC 8188) and the VAPID authorisation (RFC 8292). No Node built-ins, no
 * library: the push services accept exactly this.
 */
import { fromBase64Url, toBase64Url, utf8 } from '../../shared/bytes';

/** RFC 8188 §2: one record holds the whole message (push messages are ≤ 4 KB). */
const RECORD_SIZE = 4096;
/** RFC 8291 §4: a push service must accept at least 4096 bytes of payload after encryption. */
export const MAX_PUSH_PLAINTEXT = RECORD_SIZE - 16 /* tag */ - 1 /* delimiter */ - 86 /* header */;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function hmacSha256(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}

/** HKDF-SHA-256 (RFC 5869) with WebCrypto's HKDF. */
async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
}

/** A P-256 private key as a JWK, from the raw 65-byte public point and the 32-byte scalar. */
export function p256Jwk(publicKey: Uint8Array, d?: Uint8Array): JsonWebKey {
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) throw new Error('expected an uncompressed P-256 point');
  return {
    kty: 'EC',
    crv: 'P-256',
    x: toBase64Url(publicKey.subarray(1, 33)),
    y: toBase64Url(publicKey.subarray(33, 65)),
    ...(d ? { d: toBase64Url(d) } : {}),
  };
}

async function rawPublicKey(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array((await crypto.subtle.exportKey('raw', key)) as ArrayBuffer);
}

export interface EncryptPushInput {
  plaintext: Uint8Array<ArrayBuffer>;
  /** The subscription's `keys.p256dh`: the browser's ECDH public key, 65 bytes. */
  uaPublic: Uint8Array<ArrayBuffer>;
  /** The subscription's `keys.auth`, 16 bytes. */
  authSecret: Uint8Array<ArrayBuffer>;
  /** Fixed only by tests (RFC 8291 Appendix A); otherwise 16 random bytes. */
  salt?: Uint8Array<ArrayBuffer>;
  /** The sender's ephemeral ECDH key pair; fixed only by tests, otherwise made per message. */
  sender?: CryptoKeyPair;
}

/**
 * Encrypts a push message for one subscription. Returns the aes128gcm body: the RFC 8188
 * header (salt ‖ rs ‖ idlen ‖ keyid = the sender's public key) then one record.
 * https://www.rfc-editor.org/rfc/rfc8291#section-3.4
 */
export async function encryptPushMessage(input: EncryptPushInput): Promise<Uint8Array<ArrayBuffer>> {
  if (input.uaPublic.length !== 65 || input.authSecret.length !== 16) throw new Error('invalid subscription keys');
  if (input.plaintext.length > MAX_PUSH_PLAINTEXT) throw new Error('push message too long');
  const salt = input.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const sender =
    input.sender ?? ((await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair);
  const asPublic = await rawPublicKey(sender.publicKey);
  const uaKey = await crypto.subtle.importKey('raw', input.uaPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  // §3.3: ecdh_secret = ECDH(as_private, ua_public)
  // (workers-types spells the member `$public`; the runtime, like every browser, reads `public`)
  const ecdh = { name: 'ECDH', public: uaKey };
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, sender.privateKey, 256));
  // §3.3: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public, 32)
  const keyInfo = concat(utf8('WebPush: info\0'), input.uaPublic, asPublic);
  const ikm = await hkdf(input.authSecret, ecdhSecret, keyInfo, 32);
  // RFC 8188 §2.2, §2.3: CEK and NONCE from the salt; one record, sequence number 0.
  const cek = await hkdf(salt, ikm, utf8('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, utf8('Content-Encoding: nonce\0'), 12);
  // §4: the last (only) record ends with the delimiter 0x02 and no padding.
  const record = concat(input.plaintext, new Uint8Array([0x02]));
  const aesKey = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, aesKey, record));
  const header = new Uint8Array(21);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  return concat(header, asPublic, ciphertext);
}

/** The VAPID key pair kept by the edge: an ECDSA P-256 private JWK and its raw public key. */
export interface VapidKeys {
  privateJwk: JsonWebKey;
  /** base64url of the uncompressed public point: the browser's `applicationServerKey`. */
  publicKey: string;
}

export async function generateVapidKeys(): Promise<VapidKeys> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const privateJwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return { privateJwk, publicKey: toBase64Url(await rawPublicKey(pair.publicKey)) };
}

/** VAPID tokens live 12 hours (RFC 8292 §2: at most 24 hours). */
const VAPID_TTL_S = 12 * 60 * 60;

/**
 * The `Authorization` header for one push service (RFC 8292 §3): a JWT signed with ES256
 * whose audience is the push service's origin, and the public key.
 */
export async function vapidAuthorization(input: { endpoint: string; subject: string; keys: VapidKeys; now: number }): Promise<string> {
  const header = toBase64Url(utf8(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const claims = toBase64Url(
    utf8(JSON.stringify({ aud: new URL(input.endpoint).origin, exp: Math.floor(input.now / 1000) + VAPID_TTL_S, sub: input.subject })),
  );
  const key = await crypto.subtle.importKey('jwk', input.keys.privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  // WebCrypto's ECDSA signature is r ‖ s (IEEE P1363), which is JWS's ES256 form (RFC 7518 §3.4).
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(`${header}.${claims}`)));
  return `vapid t=${header}.${claims}.${toBase64Url(signature)}, k=${input.keys.publicKey}`;
}

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushRequest {
  endpoint: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

/** The HTTP request that delivers one encrypted message to one subscription (RFC 8030 §5). */
export async function buildPushRequest(input: {
  target: PushTarget;
  payload: string;
  keys: VapidKeys;
  subject: string;
  now: number;
  ttlSeconds: number;
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  topic?: string;
}): Promise<PushRequest> {
  const uaPublic = fromBase64Url(input.target.p256dh);
  const authSecret = fromBase64Url(input.target.auth);
  if (!uaPublic || !authSecret) throw new Error('invalid subscription keys');
  const body = await encryptPushMessage({ plaintext: utf8(input.payload), uaPublic, authSecret });
  const headers: Record<string, string> = {
    'Content-Encoding': 'aes128gcm',
    'Content-Type': 'application/octet-stream',
    TTL: String(input.ttlSeconds),
    Urgency: input.urgency ?? 'normal',
    Authorization: await vapidAuthorization({ endpoint: input.target.endpoint, subject: input.subject, keys: input.keys, now: input.now }),
  };
  // RFC 8030 §5.4: a newer message with the same topic replaces one not yet delivered.
  if (input.topic) headers.Topic = input.topic;
  return { endpoint: input.target.endpoint, headers, body };
}
