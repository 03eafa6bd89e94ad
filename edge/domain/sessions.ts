/**
 * Server-side sessions. The cookie carries a random token; D1 keeps only its SHA-256, so a
 * database read does not yield a usable cookie. The token carries the account's shard key
 * (store/shard-keys.ts), so a request finds its session on the right shard in one read. Idle
 * timeout 30 minutes, sliding, capped at 12 hours; a locked account's sessions are refused even
 * before they are deleted.
 */
import { readAccount, type Account } from '../store/accounts';
import { readDeviceKey } from '../store/device-keys';
import { deleteSession, deleteSessionsOfAccount, extendSession, insertSession, readSessionWithAccount, type Session } from '../store/sessions';
import { audit } from './audit';
import { sha256Base64Url } from './crypto';
import type { Deps } from './deps';
import { AppError } from './errors';

/** A session cookie's token: 48 base64url characters (store/shard-keys.ts). */
export const SESSION_TOKEN = /^[A-Za-z0-9_-]{48}$/;

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** Extend the idle timeout at most once a minute, not on every request. */
const EXTEND_AFTER_MS = 60_000;

/**
 * Writes a session, then checks the account and the device again. A lock or a device change
 * deletes sessions in one transaction; one that lands between a sign-in's checks and this
 * insert would otherwise leave a live session behind. Whichever order they run in, no
 * session of a locked account or a revoked device survives.
 */
export async function createSession(deps: Deps, account: Pick<Account, 'id' | 'idNumber'>, deviceKeyId: string): Promise<{ token: string; expiresAt: number }> {
  const db = deps.shards.dbFor(account.idNumber);
  const token = await deps.shards.newToken(account.idNumber);
  const tokenHash = await sha256Base64Url(token);
  const expiresAt = deps.now + SESSION_IDLE_MS;
  const accountId = account.id;
  await insertSession(db, {
    tokenHash,
    accountId,
    deviceKeyId,
    createdAt: deps.now,
    expiresAt,
    absoluteExpiresAt: deps.now + SESSION_MAX_MS,
  });
  const [now, device] = await Promise.all([readAccount(db, accountId), readDeviceKey(db, deviceKeyId)]);
  if (!now || now.status !== 'active' || !device || device.revokedAt !== null || device.accountId !== accountId) {
    await deleteSession(db, tokenHash);
    if (now?.status === 'locked') throw new AppError('account_locked', 'This account is temporarily locked.');
    throw new AppError('device_unknown', 'This device is no longer bound to the account.');
  }
  return { token, expiresAt };
}

/** "Sign out everywhere": every session of the account ends, this one included. */
export async function endAllSessions(deps: Deps, account: Account): Promise<number> {
  const db = deps.shards.dbFor(account.idNumber);
  const ended = await deleteSessionsOfAccount(db, account.id);
  await audit(deps, { at: deps.now, actor: `account:${account.id}`, action: 'sessions.revoked', subject: account.id, detail: { sessions: ended } }, db);
  return ended;
}

/** The session and account behind a cookie token, or null when it is unknown, expired or the account is locked. */
export async function resolveSession(deps: Deps, token: string): Promise<{ session: Session; account: Account } | null> {
  if (!SESSION_TOKEN.test(token)) return null;
  const db = await deps.shards.dbForKey(token);
  if (!db) return null;
  const tokenHash = await sha256Base64Url(token);
  const found = await readSessionWithAccount(db, tokenHash);
  if (!found) return null;
  const { session, account } = found;
  if (session.expiresAt <= deps.now || session.absoluteExpiresAt <= deps.now) return null;
  if (!account || account.status !== 'active') return null;
  const next = Math.min(deps.now + SESSION_IDLE_MS, session.absoluteExpiresAt);
  if (next - session.expiresAt > EXTEND_AFTER_MS) await extendSession(db, tokenHash, next);
  return { session: { ...session, expiresAt: next }, account };
}

export async function endSession(deps: Deps, token: string): Promise<void> {
  if (!SESSION_TOKEN.test(token)) return;
  const db = await deps.shards.dbForKey(token);
  if (db) await deleteSession(db, await sha256Base64Url(token));
}
