/**
 * Sign-in challenges that need no storage until they are used. A usernameless sign-in's
 * options are the busiest request of the system (every app open) and most of them were a
 * D1 round trip only to remember a random value; now the challenge carries its own expiry
 * and a MAC under a key derived from the session secret, and only a *used* challenge is
 * written (by the verification, in the batch it makes anyway), so that it is accepted once.
 *
 * Layout, 39 bytes, base64url (52 characters):
 *   0x01 (version) ‖ expiresAt (unsigned 48-bit big-endian, ms since the epoch) ‖ 16 random bytes
 *   ‖ the first 16 bytes of HMAC-SHA256(k, purpose ‖ 0x00 ‖ the 23 bytes before the MAC)
 * with k = HMAC-SHA256(sessionSecret, "vneid:challenge-key:v1"). The purpose is inside the
 * MAC, so a challenge made for one ceremony never opens another.
 */
import { fromBase64Url, randomBytes, timingSafeEqual, toBase64Url, utf8 } from '../../shared/bytes';

const VERSION = 0x01;
const BODY = 1 + 6 + 16;
const MAC = 16;
const LENGTH = BODY + MAC;

const keys = new Map<string, Promise<CryptoKey>>();

/** The MAC key for challenges, derived from the session secret and imported once per isolate. */
function challengeKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const derived = await crypto.subtle.sign('HMAC', root, utf8('vneid:challenge-key:v1'));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    })();
    keys.set(secret, key);
  }
  return key;
}

async function macOf(secret: string, purpose: string, body: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const p = utf8(purpose);
  const message = new Uint8Array(p.length + 1 + body.length);
  message.set(p, 0);
  message.set(body, p.length + 1);
  const mac = await crypto.subtle.sign('HMAC', await challengeKey(secret), message);
  return new Uint8Array(mac, 0, MAC);
}

/** Makes a challenge for `purpose`, valid until `expiresAt` (ms). */
export async function mintChallenge(secret: string, purpose: string, expiresAt: number): Promise<string> {
  const out = new Uint8Array(LENGTH);
  out[0] = VERSION;
  new DataView(out.buffer).setUint16(1, Math.floor(expiresAt / 2 ** 32));
  new DataView(out.buffer).setUint32(3, expiresAt >>> 0);
  out.set(randomBytes(16), 7);
  out.set(await macOf(secret, purpose, out.subarray(0, BODY)), BODY);
  return toBase64Url(out);
}

/**
 * Opens a challenge a client sent back: `{ expiresAt }` when we made it for this purpose
 * (whether or not it has expired: the caller says which), null otherwise.
 */
export async function openChallenge(secret: string, purpose: string, challenge: string): Promise<{ expiresAt: number } | null> {
  if (challenge.length !== Math.ceil((LENGTH * 4) / 3)) return null;
  const bytes = fromBase64Url(challenge);
  if (!bytes || bytes.length !== LENGTH || bytes[0] !== VERSION) return null;
  const expected = await macOf(secret, purpose, bytes.slice(0, BODY));
  if (!timingSafeEqual(expected, bytes.subarray(BODY))) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { expiresAt: view.getUint16(1) * 2 ** 32 + view.getUint32(3) };
}
