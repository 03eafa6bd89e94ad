/**
 * Routing keys: how an account id, a session token, an OAuth code or token and the id of a
 * flow or a submission name the shard that holds them, so that a request reaches the right
 * database without a directory look-up (README.md, "Scale").
 *
 * The key is the account's ID-number prefix (the first six digits, what the shard map routes
 * by: edge/store/shards.ts), sealed: an id or token is base64url(sealed ‖ random), where
 * `sealed` is the prefix as a 24-bit number XOR the first three bytes of
 * HMAC-SHA-256(SHARD_KEY_SECRET, random). The prefix is the province of registration, the
 * century and sex, and the year of birth; in clear it would tell a portal holding an access
 * token, or an officer reading an anonymous report's id, more than they are given. Sealed, only
 * the edge reads it, and `random` (never repeated) makes every id's key look different.
 *
 * Because the prefix itself is carried, not the database it is on today, a later re-split of
 * the shard map (a province split by birth year onto a new database) still routes every id and
 * token made before it: they name the prefix, the map names the database.
 *
 * A key that does not open to a prefix below 10^6 is refused (a forged or mangled one, 94 % of
 * random ones); one that does only chooses where to look: the row is still found by the whole
 * id, or the hash of the whole token.
 */
import { fromBase64Url, toBase64Url } from '../../shared/bytes';

/** Random bytes after the 3-byte key: ids 15 (18 bytes, 24 characters), tokens 33 (36 bytes, 48 characters). */
export const ID_RANDOM_BYTES = 15;
export const TOKEN_RANDOM_BYTES = 33;
const SEALED_BYTES = 3;
const PREFIX_DIGITS = 6;

const imported = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = imported.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    imported.set(secret, key);
  }
  return key;
}

async function pad(secret: string, random: Uint8Array<ArrayBuffer>): Promise<number> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), random));
  return (mac[0]! << 16) | (mac[1]! << 8) | mac[2]!;
}

/** An id or token for the citizen whose ID number starts with `prefix` (≥ 6 digits), over `random`. */
export async function sealShardKey(secret: string, prefix: string, random: Uint8Array<ArrayBuffer>): Promise<string> {
  if (!/^\d{6}/.test(prefix)) throw new RangeError('shard key: an ID number starts with six digits');
  const sealed = Number(prefix.slice(0, PREFIX_DIGITS)) ^ (await pad(secret, random));
  const out = new Uint8Array(SEALED_BYTES + random.length);
  out.set([sealed >>> 16, (sealed >>> 8) & 0xff, sealed & 0xff]);
  out.set(random, SEALED_BYTES);
  return toBase64Url(out);
}

/** The six-digit ID-number prefix an id or token was sealed with, or null when it carries none. */
export async function openShardKey(secret: string, key: string): Promise<string | null> {
  // Ids and tokens are at most 48 characters; a longer text is not ours and is not hashed.
  if (key.length > 64) return null;
  const bytes = fromBase64Url(key);
  if (!bytes || bytes.length < SEALED_BYTES + 8) return null;
  const random = bytes.slice(SEALED_BYTES);
  const prefix = ((bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!) ^ (await pad(secret, random));
  return prefix < 10 ** PREFIX_DIGITS ? String(prefix).padStart(PREFIX_DIGITS, '0') : null;
}
