/** D1 access for officers: their accounts, one-time codes, passkeys and sessions. */
import type { Passkey } from './passkeys';
import type { MainDb } from './shards';

export type OfficerRole = 'officer' | 'supervisor';
export type OfficerStatus = 'invited' | 'active' | 'disabled';

export interface Officer {
  id: string;
  name: string;
  role: OfficerRole;
  unitCode: string;
  status: OfficerStatus;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

interface OfficerRow {
  id: string;
  name: string;
  role: string;
  unit_code: string;
  status: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

function toOfficer(r: OfficerRow): Officer {
  return {
    id: r.id,
    name: r.name,
    role: r.role === 'supervisor' ? 'supervisor' : 'officer',
    unitCode: r.unit_code,
    status: r.status === 'active' ? 'active' : r.status === 'invited' ? 'invited' : 'disabled',
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function readOfficer(db: MainDb, id: string): Promise<Officer | null> {
  const row = await db.prepare('SELECT * FROM officers WHERE id = ?').bind(id).first<OfficerRow>();
  return row ? toOfficer(row) : null;
}

export async function listOfficers(db: MainDb, limit: number): Promise<Officer[]> {
  const { results } = await db.prepare('SELECT * FROM officers ORDER BY created_at DESC LIMIT ?').bind(limit).all<OfficerRow>();
  return results.map(toOfficer);
}

export async function activeSupervisorExists(db: MainDb): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS one FROM officers WHERE role = 'supervisor' AND status = 'active' LIMIT 1").first<{ one: number }>();
  return row !== null;
}

export function insertOfficerStatement(db: MainDb, o: Officer): D1PreparedStatement {
  return db
    .prepare('INSERT INTO officers (id, name, role, unit_code, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(o.id, o.name, o.role, o.unitCode, o.status, o.createdBy, o.createdAt, o.updatedAt);
}

export function setOfficerStatusStatement(db: MainDb, id: string, from: OfficerStatus, to: OfficerStatus, now: number): D1PreparedStatement {
  return db.prepare('UPDATE officers SET status = ?, updated_at = ? WHERE id = ? AND status = ?').bind(to, now, id, from);
}

// ---- one-time codes ------------------------------------------------------------------

export interface OfficerInvite {
  codeHash: string;
  kind: 'bootstrap' | 'invite';
  officerId: string | null;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export async function readOfficerInvite(db: MainDb, codeHash: string): Promise<OfficerInvite | null> {
  const r = await db.prepare('SELECT * FROM officer_invites WHERE code_hash = ?').bind(codeHash).first<{
    code_hash: string;
    kind: string;
    officer_id: string | null;
    created_by: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
  }>();
  return r
    ? {
        codeHash: r.code_hash,
        kind: r.kind === 'bootstrap' ? 'bootstrap' : 'invite',
        officerId: r.officer_id,
        createdBy: r.created_by,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        usedAt: r.used_at,
      }
    : null;
}

export function insertOfficerInviteStatement(db: MainDb, i: OfficerInvite): D1PreparedStatement {
  return db
    .prepare('INSERT INTO officer_invites (code_hash, kind, officer_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(i.codeHash, i.kind, i.officerId, i.createdBy, i.createdAt, i.expiresAt);
}

/** Uses a code once: false when it was used (or raced) already, or has expired. */
export async function consumeOfficerInvite(db: MainDb, codeHash: string, now: number): Promise<boolean> {
  const r = await db
    .prepare('UPDATE officer_invites SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?')
    .bind(now, codeHash, now)
    .run();
  return r.meta.changes === 1;
}

/** Gives a code back when the registration that used it failed after all. */
export async function releaseOfficerInvite(db: MainDb, codeHash: string): Promise<void> {
  await db.prepare('UPDATE officer_invites SET used_at = NULL WHERE code_hash = ?').bind(codeHash).run();
}

// ---- passkeys ------------------------------------------------------------------------

/** An officer passkey, in the citizen passkey's shape (accountId = officer id) so the same WebAuthn checks run. */
export type OfficerPasskey = Omit<Passkey, 'deviceKeyId'>;

interface OfficerPasskeyRow {
  credential_id: string;
  officer_id: string;
  public_key: ArrayBuffer | number[];
  counter: number;
  backup_eligible: number;
  backed_up: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toOfficerPasskey(r: OfficerPasskeyRow): OfficerPasskey {
  let transports: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.transports);
    if (Array.isArray(parsed)) transports = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    // transports are only a hint
  }
  return {
    credentialId: r.credential_id,
    accountId: r.officer_id,
    publicKey: new Uint8Array(r.public_key as ArrayBuffer),
    counter: r.counter,
    backupEligible: r.backup_eligible === 1,
    backedUp: r.backed_up === 1,
    transports,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export async function readOfficerPasskey(db: MainDb, credentialId: string): Promise<OfficerPasskey | null> {
  const r = await db.prepare('SELECT * FROM officer_passkeys WHERE credential_id = ?').bind(credentialId).first<OfficerPasskeyRow>();
  return r ? toOfficerPasskey(r) : null;
}

export function insertOfficerPasskeyStatement(db: MainDb, p: OfficerPasskey): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO officer_passkeys (credential_id, officer_id, public_key, counter, backup_eligible, backed_up, transports, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(p.credentialId, p.accountId, p.publicKey, p.counter, p.backupEligible ? 1 : 0, p.backedUp ? 1 : 0, JSON.stringify(p.transports), p.createdAt);
}

/** Compare-and-swap of the sign counter, as for citizen passkeys. */
export async function advanceOfficerPasskeyCounter(
  db: MainDb,
  credentialId: string,
  expected: number,
  next: number,
  backedUp: boolean,
  now: number,
): Promise<boolean> {
  const r = await db
    .prepare('UPDATE officer_passkeys SET counter = ?, backed_up = ?, last_used_at = ? WHERE credential_id = ? AND counter = ? AND revoked_at IS NULL')
    .bind(next, backedUp ? 1 : 0, now, credentialId, expected)
    .run();
  return r.meta.changes === 1;
}

export function revokeOfficerPasskeysStatement(db: MainDb, officerId: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE officer_passkeys SET revoked_at = ? WHERE officer_id = ? AND revoked_at IS NULL').bind(now, officerId);
}

// ---- sessions ------------------------------------------------------------------------

export interface OfficerSession {
  tokenHash: string;
  officerId: string;
  createdAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

export async function insertOfficerSession(db: MainDb, s: OfficerSession): Promise<void> {
  await db
    .prepare('INSERT INTO officer_sessions (token_hash, officer_id, created_at, expires_at, absolute_expires_at) VALUES (?, ?, ?, ?, ?)')
    .bind(s.tokenHash, s.officerId, s.createdAt, s.expiresAt, s.absoluteExpiresAt)
    .run();
}

export async function readOfficerSession(db: MainDb, tokenHash: string): Promise<OfficerSession | null> {
  const r = await db.prepare('SELECT * FROM officer_sessions WHERE token_hash = ?').bind(tokenHash).first<{
    token_hash: string;
    officer_id: string;
    created_at: number;
    expires_at: number;
    absolute_expires_at: number;
  }>();
  return r
    ? { tokenHash: r.token_hash, officerId: r.officer_id, createdAt: r.created_at, expiresAt: r.expires_at, absoluteExpiresAt: r.absolute_expires_at }
    : null;
}

export async function extendOfficerSession(db: MainDb, tokenHash: string, expiresAt: number): Promise<void> {
  await db.prepare('UPDATE officer_sessions SET expires_at = ? WHERE token_hash = ?').bind(expiresAt, tokenHash).run();
}

export async function deleteOfficerSession(db: MainDb, tokenHash: string): Promise<void> {
  await db.prepare('DELETE FROM officer_sessions WHERE token_hash = ?').bind(tokenHash).run();
}

export function deleteOfficerSessionsStatement(db: MainDb, officerId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM officer_sessions WHERE officer_id = ?').bind(officerId);
}
