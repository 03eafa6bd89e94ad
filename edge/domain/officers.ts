/**
 * Officers of the console: their accounts, roles, one-time registration codes, passkeys and
 * sessions. An officer is never a citizen account: own table, own passkeys (discoverable,
 * user verification required, the same WebAuthn checks as citizens; desk computers need no
 * device key), own session cookie with a shorter idle time.
 *
 * The first supervisor registers with a bootstrap code printed by `npm start` or
 * `npm run officer:bootstrap` while no supervisor exists; supervisors then invite officers.
 * Codes are 20 Crockford base32 characters (100 bits), stored as base64url(SHA-256(code)),
 * single use and expiring.
 */
import type { OfficerMe, OfficerRole, OfficerSummary } from '../../shared/officer';
import { formatCode, randomCode } from '../../shared/accounts';
import type { AuthenticationResponseInput, RegistrationResponseInput } from '../../shared/api';
import type { AuditAction } from '../../shared/audit';
import type { AuditEvent } from '../store/audit';
import {
  activeSupervisorExists,
  advanceOfficerPasskeyCounter,
  consumeOfficerInvite,
  deleteOfficerSession,
  deleteOfficerSessionsStatement,
  extendOfficerSession,
  insertOfficerInviteStatement,
  insertOfficerPasskeyStatement,
  insertOfficerSession,
  insertOfficerStatement,
  listOfficers,
  readOfficer,
  readOfficerInvite,
  readOfficerPasskey,
  readOfficerSession,
  releaseOfficerInvite,
  revokeOfficerPasskeysStatement,
  setOfficerStatusStatement,
  type Officer,
} from '../store/officers';
import { bindCredentialStatement } from '../store/directory';
import { audit, recordAudit } from './audit';
import { newId, newToken, sha256Base64Url } from './crypto';
import type { Deps } from './deps';
import { credentialIdTaken } from './devices';
import { AppError } from './errors';
import { createAuthenticationOptions, createRegistrationOptions, takeChallenge, verifyAssertion, verifyRegistration } from './passkeys';

export const OFFICER_SESSION_IDLE_MS = 15 * 60_000;
export const OFFICER_SESSION_MAX_MS = 8 * 60 * 60_000;
export const OFFICER_INVITE_TTL_MS = 72 * 60 * 60_000;
const EXTEND_AFTER_MS = 60_000;

/** The stored form of an officer code (the bootstrap script computes the same). */
export function hashOfficerCode(normalisedCode: string): Promise<string> {
  return sha256Base64Url(normalisedCode);
}

export function officerMe(o: Officer): OfficerMe {
  return { officerId: o.id, name: o.name, role: o.role, unitCode: o.unitCode };
}

export function officerSummary(o: Officer): OfficerSummary {
  return { ...officerMe(o), status: o.status, createdAt: o.createdAt };
}

/** Refuses an officer without the role an action needs (a supervisor may do everything). */
export function requireRole(officer: Officer, role: OfficerRole): void {
  if (role === 'supervisor' && officer.role !== 'supervisor') {
    throw new AppError('forbidden', 'Only a supervisor may do this.');
  }
}

/** The audit event of an officer's act: who (officer and unit), what, whom, when. */
export function officerEvent(deps: Deps, officer: Officer, action: AuditAction, subject: string | null, detail: Record<string, string | number | boolean | null> = {}): AuditEvent {
  return { at: deps.now, actor: `officer:${officer.id}`, action, subject, detail: { ...detail, unit: officer.unitCode } };
}

/** An officer's act on no citizen (officers, portals, news), as a statement of the main database's batch. */
export function officerAudit(deps: Deps, officer: Officer, action: AuditAction, subject: string | null, detail: Record<string, string | number | boolean | null> = {}) {
  return recordAudit(deps, officerEvent(deps, officer, action, subject, detail), null).statement;
}

function codeInvalid(): AppError {
  return new AppError('code_invalid', 'This code is not valid.');
}

async function readUsableInvite(deps: Deps, code: string) {
  const codeHash = await hashOfficerCode(code);
  const invite = await readOfficerInvite(deps.db, codeHash);
  if (!invite || invite.usedAt !== null) throw codeInvalid();
  if (invite.expiresAt <= deps.now) throw new AppError('code_expired', 'This code has expired. Ask for a new one.');
  // A bootstrap code makes the first supervisor only: once one exists, a leftover code is void.
  if (invite.kind === 'bootstrap' && (await activeSupervisorExists(deps.db))) throw codeInvalid();
  return invite;
}

/**
 * Registration step 1: the code names who registers (an invited officer, or — for the
 * bootstrap code — the first supervisor, whose name and unit are given now).
 */
export async function createOfficerRegistrationOptions(
  deps: Deps,
  input: { code: string; name?: string | undefined; unitCode?: string | undefined },
) {
  const invite = await readUsableInvite(deps, input.code);
  let officer = invite.officerId ? await readOfficer(deps.db, invite.officerId) : null;
  if (invite.kind === 'bootstrap') {
    if (!input.name || !input.unitCode) throw new AppError('validation_failed', 'Invalid field: name.');
    if (!officer) {
      officer = { id: newId(), name: input.name, role: 'supervisor', unitCode: input.unitCode, status: 'invited', createdBy: 'bootstrap', createdAt: deps.now, updatedAt: deps.now };
      const [, linked] = await deps.db.batch([
        insertOfficerStatement(deps.db, officer),
        deps.db.prepare('UPDATE officer_invites SET officer_id = ? WHERE code_hash = ? AND officer_id IS NULL').bind(officer.id, invite.codeHash),
      ]);
      if (linked?.meta.changes !== 1) throw codeInvalid();
    } else {
      await deps.db
        .prepare("UPDATE officers SET name = ?, unit_code = ?, updated_at = ? WHERE id = ? AND status = 'invited'")
        .bind(input.name, input.unitCode, deps.now, officer.id)
        .run();
      officer = { ...officer, name: input.name, unitCode: input.unitCode };
    }
  }
  if (!officer || officer.status !== 'invited') throw codeInvalid();
  const options = await createRegistrationOptions(deps, {
    accountId: officer.id,
    userName: `${officer.name} · ${officer.unitCode}`,
    displayName: officer.name,
    subject: invite.codeHash,
    purpose: 'officer-register',
  });
  return { options, officer: { name: officer.name, role: officer.role, unitCode: officer.unitCode } };
}

/** Registration step 2: the passkey; the code is used up and the officer becomes active. */
export async function finishOfficerRegistration(deps: Deps, input: { code: string; credential: RegistrationResponseInput }): Promise<Officer> {
  const { challenge, subject } = await takeChallenge(deps, input.credential.response.clientDataJSON, 'officer-register');
  const invite = await readUsableInvite(deps, input.code);
  if (subject !== invite.codeHash) throw new AppError('challenge_invalid', 'This request belongs to another code.');
  const officer = invite.officerId ? await readOfficer(deps.db, invite.officerId) : null;
  if (!officer || officer.status !== 'invited') throw codeInvalid();
  const passkey = await verifyRegistration(deps, input.credential, challenge);
  // Credential ids are unique across citizens and officers.
  if ((await readOfficerPasskey(deps.db, passkey.credentialId)) || (await credentialIdTaken(deps, passkey.credentialId))) {
    throw new AppError('credential_exists', 'This passkey is already registered.');
  }
  if (!(await consumeOfficerInvite(deps.db, invite.codeHash, deps.now))) throw codeInvalid();
  try {
    await deps.db.batch([
      // In the global directory too, in the same transaction: a citizen's registration racing for it loses.
      await bindCredentialStatement(deps.db, passkey.credentialId),
      insertOfficerPasskeyStatement(deps.db, {
        credentialId: passkey.credentialId,
        accountId: officer.id,
        publicKey: passkey.publicKey,
        counter: passkey.counter,
        backupEligible: passkey.backupEligible,
        backedUp: passkey.backedUp,
        transports: passkey.transports,
        createdAt: deps.now,
        lastUsedAt: null,
        revokedAt: null,
      }),
      setOfficerStatusStatement(deps.db, officer.id, 'invited', 'active', deps.now),
      officerAudit(deps, officer, 'officer.registered', `officer:${officer.id}`, { role: officer.role, via: invite.kind }),
    ]);
  } catch (err) {
    await releaseOfficerInvite(deps.db, invite.codeHash);
    // A registration (a citizen's on any shard, or an officer's) took the credential id since the check.
    if (err instanceof Error && /UNIQUE constraint failed: (key_directory|officer_passkeys)\./.test(err.message)) {
      throw new AppError('credential_exists', 'This passkey is already registered.');
    }
    throw err;
  }
  return { ...officer, status: 'active', updatedAt: deps.now };
}

export function createOfficerSignInOptions(deps: Deps) {
  return createAuthenticationOptions(deps, { purpose: 'officer-signin' });
}

/** Usernameless officer sign-in with the full WebAuthn checks. */
export async function verifyOfficerSignIn(deps: Deps, input: { credential: AuthenticationResponseInput }): Promise<Officer> {
  const { challenge } = await takeChallenge(deps, input.credential.response.clientDataJSON, 'officer-signin');
  const passkey = await readOfficerPasskey(deps.db, input.credential.id);
  if (!passkey || passkey.revokedAt !== null) throw new AppError('credential_unknown', 'This passkey is not registered for an officer.');
  const officer = await readOfficer(deps.db, passkey.accountId);
  if (!officer || officer.status !== 'active') throw new AppError('credential_unknown', 'This passkey is not registered for an officer.');
  if (input.credential.response.userHandle !== officer.id) throw new AppError('user_handle_mismatch', 'This passkey does not belong to this officer.');
  const { newCounter, backedUp } = await verifyAssertion(deps, input.credential, challenge, { ...passkey, deviceKeyId: '' });
  if (!(await advanceOfficerPasskeyCounter(deps.db, passkey.credentialId, passkey.counter, newCounter, backedUp, deps.now))) {
    throw new AppError('counter_regression', 'This passkey was used at the same moment elsewhere. Sign-in refused.');
  }
  await audit(deps, { at: deps.now, actor: `officer:${officer.id}`, action: 'officer.signin', subject: `officer:${officer.id}`, detail: { unit: officer.unitCode } }, null);
  return officer;
}

/** A session for an officer; re-checked after it is written, so a disable racing it leaves nothing live. */
export async function createOfficerSession(deps: Deps, officerId: string): Promise<{ token: string }> {
  const token = newToken();
  const tokenHash = await sha256Base64Url(token);
  await insertOfficerSession(deps.db, {
    tokenHash,
    officerId,
    createdAt: deps.now,
    expiresAt: deps.now + OFFICER_SESSION_IDLE_MS,
    absoluteExpiresAt: deps.now + OFFICER_SESSION_MAX_MS,
  });
  const officer = await readOfficer(deps.db, officerId);
  if (!officer || officer.status !== 'active') {
    await deleteOfficerSession(deps.db, tokenHash);
    throw new AppError('forbidden', 'This officer account is disabled.');
  }
  return { token };
}

export async function resolveOfficerSession(deps: Deps, token: string): Promise<Officer | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const tokenHash = await sha256Base64Url(token);
  const session = await readOfficerSession(deps.db, tokenHash);
  if (!session || session.expiresAt <= deps.now || session.absoluteExpiresAt <= deps.now) return null;
  const officer = await readOfficer(deps.db, session.officerId);
  if (!officer || officer.status !== 'active') return null;
  const next = Math.min(deps.now + OFFICER_SESSION_IDLE_MS, session.absoluteExpiresAt);
  if (next - session.expiresAt > EXTEND_AFTER_MS) await extendOfficerSession(deps.db, tokenHash, next);
  return officer;
}

export async function endOfficerSession(deps: Deps, token: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return;
  await deleteOfficerSession(deps.db, await sha256Base64Url(token));
}

/** A supervisor invites an officer: the code is shown once, to be handed over in person. */
export async function inviteOfficer(
  deps: Deps,
  supervisor: Officer,
  input: { name: string; role: OfficerRole; unitCode: string },
): Promise<{ officer: OfficerSummary; inviteCode: string; expiresAt: number }> {
  requireRole(supervisor, 'supervisor');
  const officer: Officer = {
    id: newId(),
    name: input.name,
    role: input.role,
    unitCode: input.unitCode,
    status: 'invited',
    createdBy: supervisor.id,
    createdAt: deps.now,
    updatedAt: deps.now,
  };
  const code = randomCode(20);
  const expiresAt = deps.now + OFFICER_INVITE_TTL_MS;
  await deps.db.batch([
    insertOfficerStatement(deps.db, officer),
    insertOfficerInviteStatement(deps.db, {
      codeHash: await hashOfficerCode(code),
      kind: 'invite',
      officerId: officer.id,
      createdBy: supervisor.id,
      createdAt: deps.now,
      expiresAt,
      usedAt: null,
    }),
    officerAudit(deps, supervisor, 'officer.invited', `officer:${officer.id}`, { role: officer.role, officerUnit: officer.unitCode, name: officer.name }),
  ]);
  return { officer: officerSummary(officer), inviteCode: formatCode(code), expiresAt };
}

export async function listOfficerAccounts(deps: Deps, supervisor: Officer): Promise<OfficerSummary[]> {
  requireRole(supervisor, 'supervisor');
  return (await listOfficers(deps.db, 200)).map(officerSummary);
}

/** A supervisor disables an officer: sessions end and passkeys are revoked at once. */
export async function disableOfficer(deps: Deps, supervisor: Officer, officerId: string): Promise<OfficerSummary> {
  requireRole(supervisor, 'supervisor');
  if (officerId === supervisor.id) throw new AppError('forbidden', 'A supervisor cannot disable their own account.');
  const officer = await readOfficer(deps.db, officerId);
  if (!officer || officer.status === 'disabled') throw new AppError('not_found', 'No such officer.');
  await deps.db.batch([
    setOfficerStatusStatement(deps.db, officer.id, officer.status, 'disabled', deps.now),
    revokeOfficerPasskeysStatement(deps.db, officer.id, deps.now),
    deleteOfficerSessionsStatement(deps.db, officer.id),
    officerAudit(deps, supervisor, 'officer.disabled', `officer:${officer.id}`, { role: officer.role }),
  ]);
  return officerSummary({ ...officer, status: 'disabled', updatedAt: deps.now });
}
