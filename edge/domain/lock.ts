/**
 * Temporary lock and unlock (seeds: "khóa tạm thời" when a phone is lost).
 *
 * A lock takes effect at once, in one transaction: the account is marked locked, every
 * session is deleted, the current documents are suspended in the status list (a verifier
 * with a fresh list sees "suspended") and open device-change requests are cancelled.
 * It can come from the app (signed in), from any computer with the ID number, the phone on
 * the account and an SMS code, or from an officer.
 *
 * Unlock needs more than a lock: the SMS code *and* the passkey *and* the device key of a
 * bound phone, or an officer who has checked the chip card. Someone who holds only the SIM
 * (a swapped or stolen SIM) can lock, never unlock.
 *
 * The account records who locked it. The citizen's own unlock undoes only a lock made from
 * the app on a bound phone: a lock from a computer or by an officer is what a citizen does
 * when the phone is lost, and a thief holding that phone with its SIM (the phone's PIN gives
 * the passkey's user verification and the device key; the SIM gives the SMS code) has every
 * factor of that unlock. Such a lock ends at a police station, or by changing to a new phone.
 */
import type { StepUpRequest } from '../../shared/accounts';
import type { AuthenticationResponseInput } from '../../shared/api';
import { maskPhone } from '../../shared/api';
import { insertAccountRequest, finishAccountRequest, readAccountRequest, type AccountRequest } from '../store/account-requests';
import { lockAccountStatement, readAccount, readAccountByIdNumber, unlockAccountStatement, type Account, type LockedBy } from '../store/accounts';
import { cancelOpenDeviceChangesStatement } from '../store/device-changes';
import { readDeviceKey } from '../store/device-keys';
import { restoreSuspendedDocumentsStatements, setAccountDocumentsStatusStatements } from '../store/documents';
import { deleteSessionsOfAccountStatement } from '../store/sessions';
import type { ShardDb } from '../store/shards';
import { audit, recordAudit } from './audit';
import type { Deps } from './deps';
import { AppError } from './errors';
import { lockUrl, notify, vnTime } from './notices';
import { createAuthenticationOptions } from './passkeys';
import { enforceRateLimit, LIMITS } from './rate-limit';
import { verifyStepUp } from './reauth';
import { checkSmsCode, sendDecoyCode, sendSmsCode } from './sms-codes';
import { publishStatusChanges } from './status-list';

/** Status-list values (shared/credential): 0 valid, 1 revoked, 2 suspended. */
const VALID = 0;
const SUSPENDED = 2;
export const ACCOUNT_REQUEST_TTL_MS = 10 * 60_000;

/** Who is acting, as the audit log records it and the citizen's history shows it. */
export interface Actor {
  /** 'account:<id>', 'officer:<id>' or 'client:<address>' (someone with the SMS code). */
  actor: string;
  detail?: Record<string, string | number | boolean | null>;
}

/** Only an officer (or a new phone, after an officer approved the change) undoes this lock. */
function lockedElsewhere(): AppError {
  return new AppError(
    'unlock_in_person',
    'This account was locked from a computer or by an officer: the phone may be in someone else’s hands. Unlock it at a police station, or change to a new phone.',
  );
}

/**
 * The lock itself, for every path, recording who locked (`lockedBy`). Locking a locked
 * account again keeps the stronger lock and changes nothing more.
 */
export async function lockAccount(deps: Deps, account: Account, by: Actor, lockedBy: LockedBy): Promise<void> {
  const db = deps.shards.dbFor(account.idNumber);
  const record = recordAudit(deps, { at: deps.now, actor: by.actor, action: 'account.locked', subject: account.id, ...(by.detail ? { detail: by.detail } : {}) }, db);
  await db.batch([
    lockAccountStatement(db, account.id, lockedBy, deps.now),
    deleteSessionsOfAccountStatement(db, account.id),
    ...setAccountDocumentsStatusStatements(db, account.id, VALID, SUSPENDED, deps.now),
    cancelOpenDeviceChangesStatement(db, account.id, deps.now),
    record.statement,
  ]);
  await Promise.all([record.after(), publishStatusChanges(deps, db)]);
  if (account.status === 'active') {
    const self = lockedBy === 'self';
    await notify(deps, account, {
      sms: self
        ? `VNeID: Tai khoan dinh danh dien tu cua ban da bi tam khoa luc ${vnTime(deps.now)}. Giay to dien tu tam ngung hieu luc. Mo khoa tren dien thoai da gan tai khoan hoac tai co quan Cong an.`
        : `VNeID: Tai khoan dinh danh dien tu cua ban da bi tam khoa luc ${vnTime(deps.now)}. Giay to dien tu tam ngung hieu luc. Mo khoa tai co quan Cong an, hoac doi sang dien thoai moi.`,
      subject: 'Tài khoản định danh điện tử đã bị tạm khóa',
      body:
        `Tài khoản định danh điện tử của bạn đã bị tạm khóa lúc ${vnTime(deps.now)}. Mọi phiên đăng nhập đã kết thúc và giấy tờ điện tử tạm ngừng hiệu lực.\n\n` +
        (self
          ? 'Để mở khóa: dùng ứng dụng trên điện thoại đã gắn với tài khoản (mã SMS và khóa truy cập), hoặc đến cơ quan Công an với thẻ căn cước.'
          : 'Tài khoản được khóa từ máy tính hoặc bởi cán bộ: điện thoại có thể đang ở trong tay người khác, nên không mở khóa được từ điện thoại đó. Để mở khóa: đến cơ quan Công an với thẻ căn cước, hoặc đổi sang điện thoại mới.'),
    });
  }
}

/**
 * The unlock itself: active again, documents valid again in the status list, if the account
 * is locked by one of `allowed` when the transaction runs (a lock committed meanwhile wins).
 * Returns null when it was not unlocked.
 */
export async function unlockAccount(deps: Deps, account: Account, by: Actor, allowed: readonly LockedBy[]): Promise<Account | null> {
  const db = deps.shards.dbFor(account.idNumber);
  const record = recordAudit(deps, { at: deps.now, actor: by.actor, action: 'account.unlocked', subject: account.id, ...(by.detail ? { detail: by.detail } : {}) }, db, { ifChanged: true });
  const [unlocked] = await db.batch([
    unlockAccountStatement(db, account.id, allowed, deps.now),
    // Right after the unlock: recorded only if it happened.
    record.statement,
    // After the unlock (its EXISTS sees it), the parts' marks then the rows.
    ...restoreSuspendedDocumentsStatements(db, account.id, SUSPENDED, VALID, deps.now),
  ]);
  if (unlocked?.meta.changes !== 1) return null;
  await Promise.all([record.after(), publishStatusChanges(deps, db)]);
  await notify(deps, account, {
    sms: `VNeID: Tai khoan dinh danh dien tu cua ban da duoc mo khoa luc ${vnTime(deps.now)}. Neu khong phai ban, hay khoa lai tai ${lockUrl(deps)} va lien he co quan Cong an.`,
    subject: 'Tài khoản định danh điện tử đã được mở khóa',
    body: `Tài khoản định danh điện tử của bạn đã được mở khóa lúc ${vnTime(deps.now)}.\n\nNếu không phải bạn, hãy khóa lại ngay tại ${lockUrl(deps)} và liên hệ cơ quan Công an.`,
  });
  return { ...account, status: 'active', lockedBy: null, updatedAt: deps.now };
}

/**
 * Lock from any computer, step 1: the ID number and the phone on the account. The answer is
 * the same whether or not they match an account (a decoy request is stored when they do
 * not), so this cannot be used to find out who has an account or which phone they use.
 */
export async function startLockByCode(deps: Deps, input: { idNumber: string; phone: string }, clientKey: string) {
  await enforceRateLimit(deps.db, `lock:client:${clientKey}`, LIMITS.lockPerClient, deps.now);
  await enforceRateLimit(deps.db, `lock:id:${input.idNumber}`, LIMITS.lockPerIdNumber, deps.now);
  // On the shard of the ID number typed, matching or not: the request's id names it.
  const db = deps.shards.dbFor(input.idNumber);
  const account = await readAccountByIdNumber(db, input.idNumber);
  const match = account !== null && account.phone === input.phone;
  const request: AccountRequest = {
    id: await deps.shards.newId(input.idNumber),
    kind: 'lock',
    accountId: match ? account.id : null,
    deviceKeyId: null,
    newPhone: null,
    state: 'code_sent',
    createdAt: deps.now,
    expiresAt: deps.now + ACCOUNT_REQUEST_TTL_MS,
  };
  await insertAccountRequest(db, request);
  const flowId = `lock:${request.id}`;
  const { expiresAt } = match
    ? await sendSmsCode(deps, {
        flowId,
        purpose: 'lock',
        phone: input.phone,
        message: (code) => `VNeID: Ma xac thuc KHOA tai khoan dinh danh dien tu: ${code}. Hieu luc 5 phut. Khong cung cap ma cho bat ky ai.`,
      })
    : await sendDecoyCode(deps, { flowId, purpose: 'lock', phone: input.phone });
  return { requestId: request.id, codeExpiresAt: expiresAt };
}

/** A request of `kind` waiting for its code, with the shard its id names. */
async function readLiveRequest(deps: Deps, id: string, kind: AccountRequest['kind']): Promise<{ request: AccountRequest; db: ShardDb }> {
  const db = await deps.shards.dbForKey(id);
  const request = db ? await readAccountRequest(db, id) : null;
  if (!db || !request || request.kind !== kind || request.state !== 'code_sent' || request.expiresAt <= deps.now) {
    throw new AppError('request_invalid', 'This request has expired or is finished. Start again.');
  }
  return { request, db };
}

/** Lock from any computer, step 2: the SMS code locks the account at once. */
export async function confirmLockByCode(deps: Deps, input: { requestId: string; code: string }, clientKey: string): Promise<void> {
  const { request, db } = await readLiveRequest(deps, input.requestId, 'lock');
  await checkSmsCode(deps, `lock:${request.id}`, input.code);
  // A decoy's code never matches, so past this point there is an account.
  const account = request.accountId ? await readAccount(db, request.accountId) : null;
  if (!account || !(await finishAccountRequest(db, request.id))) {
    throw new AppError('request_invalid', 'This request has expired or is finished. Start again.');
  }
  await lockAccount(deps, account, { actor: `client:${clientKey}`, detail: { via: 'sms' } }, 'remote');
}

/** Unlock, step 1: usernameless options; the passkey says which account. */
export function createUnlockOptions(deps: Deps) {
  return createAuthenticationOptions(deps, { purpose: 'unlock' });
}

/**
 * Unlock, step 2: the passkey and the device key of a phone bound to the (locked) account
 * prove person and phone; an SMS code then goes to the phone on the account.
 */
export async function startUnlock(
  deps: Deps,
  input: { credential: AuthenticationResponseInput; deviceKey: StepUpRequest['deviceKey'] },
  clientKey: string,
) {
  await enforceRateLimit(deps.db, `unlock:client:${clientKey}`, LIMITS.unlockPerClient, deps.now);
  const { account, device } = await verifyStepUp(deps, input, 'unlock', {});
  if (account.status !== 'locked') throw new AppError('bad_request', 'This account is not locked.');
  // Refused before any SMS is sent: the person asking may be the one the lock is against.
  if (account.lockedBy !== 'self') throw lockedElsewhere();
  await enforceRateLimit(deps.db, `unlock:account:${account.id}`, LIMITS.unlockPerAccount, deps.now);
  const request: AccountRequest = {
    id: await deps.shards.newId(account.idNumber),
    kind: 'unlock',
    accountId: account.id,
    deviceKeyId: device.keyId,
    newPhone: null,
    state: 'code_sent',
    createdAt: deps.now,
    expiresAt: deps.now + ACCOUNT_REQUEST_TTL_MS,
  };
  await insertAccountRequest(deps.shards.dbFor(account.idNumber), request);
  const { expiresAt } = await sendSmsCode(deps, {
    flowId: `unlock:${request.id}`,
    purpose: 'unlock',
    phone: account.phone,
    message: (code) => `VNeID: Ma xac thuc MO KHOA tai khoan dinh danh dien tu: ${code}. Hieu luc 5 phut. Khong cung cap ma cho bat ky ai.`,
  });
  return { requestId: request.id, phoneMasked: maskPhone(account.phone), codeExpiresAt: expiresAt };
}

/** Unlock, step 3: the SMS code. Returns the account and the device, for a new session. */
export async function confirmUnlock(deps: Deps, input: { requestId: string; code: string }): Promise<{ account: Account; deviceKeyId: string }> {
  const { request, db } = await readLiveRequest(deps, input.requestId, 'unlock');
  await checkSmsCode(deps, `unlock:${request.id}`, input.code);
  const account = request.accountId ? await readAccount(db, request.accountId) : null;
  const device = request.deviceKeyId ? await readDeviceKey(db, request.deviceKeyId) : null;
  // The phone that proved itself in step 1 must still be bound (a device change may have happened since).
  if (!account || !device || device.revokedAt !== null || device.accountId !== account.id) {
    throw new AppError('device_unknown', 'This device is no longer bound to the account.');
  }
  if (!(await finishAccountRequest(db, request.id))) {
    throw new AppError('request_invalid', 'This request has expired or is finished. Start again.');
  }
  if (account.status !== 'locked') {
    await audit(deps, { at: deps.now, actor: `account:${account.id}`, action: 'account.unlock.noop', subject: account.id }, db);
    return { account, deviceKeyId: device.keyId };
  }
  if (account.lockedBy !== 'self') throw lockedElsewhere();
  const unlocked = await unlockAccount(deps, account, { actor: `account:${account.id}`, detail: { via: 'sms+passkey', label: device.label } }, ['self']);
  if (unlocked) return { account: unlocked, deviceKeyId: device.keyId };
  // A lock from a computer or an officer committed between the read and the unlock (or an officer unlocked first).
  const now = await readAccount(db, account.id);
  if (now?.status === 'active') return { account: now, deviceKeyId: device.keyId };
  throw lockedElsewhere();
}
