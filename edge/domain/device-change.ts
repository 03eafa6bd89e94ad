/**
 * Device change (seeds: "xác thực khi thay đổi thiết bị đăng nhập"): a new phone takes
 * over the account. One phone holds one account, so the old phone's keys end here.
 *
 * 1. The new phone: ID number + the phone on the account → an SMS code (decoy request when
 *    they match nothing) → with the code, the request is open and bound to the new phone's
 *    device key; the phone shows a short approval code (text, and a QR of an approval link).
 *    The account's own devices are told in the app and by Web Push: the SIM may already be
 *    in the new phone, so the SMS alone could reach only the person asking.
 * 2. One of three approvals:
 *    - the old phone, signed in, scans or types the short code, sees what is asked, and
 *      approves with a fresh passkey assertion and a device-key proof over the same challenge;
 *    - old phone lost, level 1: a waiting period (notices by SMS, e-mail and to the old
 *      phone in the app; the old phone can cancel) — never for a locked account or for level 2;
 *    - an officer who has checked the chip card and types the code shown on the new phone.
 * 3. The new phone creates its passkey and device key (the registration ceremony). In one
 *    transaction the old device keys and passkeys are revoked, every session ends, the
 *    old phone's push subscriptions are dropped, the documents bound to the old key are
 *    revoked in the status list, and the new ones are issued at the next wallet sync.
 */
import { formatCode, normaliseCode, randomCode, type DeviceChangeRequestView, type DeviceChangeState, type DeviceChangeStatus } from '../../shared/accounts';
import type { DeviceChangeFinishInput } from '../../shared/accounts';
import type { AuthenticationResponseInput } from '../../shared/api';
import { timingSafeEqual, utf8 } from '../../shared/bytes';
import { handLockToNewPhoneStatement, readAccount, readAccountByIdNumber, type Account } from '../store/accounts';
import {
  cancelOpenDeviceChangesStatement,
  insertDeviceChange,
  listOpenDeviceChanges,
  readDeviceChange,
  transitionDeviceChange,
  type DeviceChange,
} from '../store/device-changes';
import { revokeDeviceKeysOfAccountStatement } from '../store/device-keys';
import { directoryHas } from '../store/directory';
import { revokeDocumentsOfOtherDevicesStatements } from '../store/documents';
import { revokePasskeysOfAccountStatement } from '../store/passkeys';
import { revokeAllGrantsOfAccountStatement } from '../store/oidc-grants';
import { deleteSessionsOfAccountStatement } from '../store/sessions';
import { deletePushSubscriptionsOfAccountStatement } from '../store/notifications';
import type { ShardDb } from '../store/shards';
import { audit, recordAudit } from './audit';
import { hmacBase64Url } from './crypto';
import type { Deps } from './deps';
import { bindDeviceStatements, bindNewDevice, credentialIdTaken, verifyNewDeviceKey } from './devices';
import { AppError } from './errors';
import { lockUrl, notify, vnTime } from './notices';
import { notify as notifyDevices } from './notifications';
import { createRegistrationOptions, takeChallenge, verifyRegistration } from './passkeys';
import { enforceRateLimit, LIMITS } from './rate-limit';
import { createStepUpOptions, verifyStepUp } from './reauth';
import type { ServicesDeps } from './services-deps';
import { checkSmsCode, sendDecoyCode, sendSmsCode } from './sms-codes';
import { publishStatusChanges } from './status-list';

const HOUR = 60 * 60_000;
/** Time to enter the SMS code. */
export const DEVICE_CHANGE_CODE_TTL_MS = HOUR / 2;
/** An open request waits this long for an approval (time to reach the old phone or a police station). */
export const DEVICE_CHANGE_OPEN_TTL_MS = 72 * HOUR;
/** After approval, the new phone has this long to create its passkey. */
export const DEVICE_CHANGE_APPROVED_TTL_MS = HOUR / 2;

const OPEN: readonly DeviceChange['state'][] = ['pending', 'waiting'];

/** Where the old phone reviews and cancels open requests (Settings → devices). */
export const REVIEW_PATH = '/settings/devices';

function invalid(): AppError {
  return new AppError('request_invalid', 'This device-change request has expired, was cancelled or is finished. Start again.');
}

function approvalCodeHash(deps: Deps, requestId: string, code: string): Promise<string> {
  return hmacBase64Url(deps.config.sessionSecret, `device-change:${requestId}:${normaliseCode(code)}`);
}

async function codeMatches(deps: Deps, request: DeviceChange, code: string): Promise<boolean> {
  if (!request.approvalCodeHash) return false;
  return timingSafeEqual(utf8(await approvalCodeHash(deps, request.id, code)), utf8(request.approvalCodeHash));
}

function waitMs(deps: Deps): number {
  return deps.config.deviceChangeWaitHours * HOUR;
}

/** The waiting path: level 1 only (level 2 has the legal weight of the card: an officer), never while locked. */
function canWait(account: Account): boolean {
  return account.level === 1 && account.status === 'active';
}

function publicState(state: DeviceChange['state']): DeviceChangeState {
  return state === 'code_sent' ? 'pending' : state;
}

export function viewDeviceChange(request: DeviceChange): DeviceChangeRequestView {
  return {
    requestId: request.id,
    label: request.label,
    createdAt: request.createdAt,
    state: publicState(request.state),
    readyAt: request.readyAt,
    expiresAt: request.expiresAt,
  };
}

function statusOf(request: DeviceChange, account: Account): DeviceChangeStatus {
  return {
    requestId: request.id,
    state: publicState(request.state),
    level: account.level,
    locked: account.status === 'locked',
    canWait: request.state === 'pending' && canWait(account),
    readyAt: request.readyAt,
    expiresAt: request.expiresAt,
  };
}

/** A request's row, on the shard its id names (the ID number's it was started with). */
async function readRequest(deps: Deps, requestId: string): Promise<{ request: DeviceChange | null; db: ShardDb | null }> {
  const db = await deps.shards.dbForKey(requestId);
  return { request: db ? await readDeviceChange(db, requestId) : null, db };
}

/** A request of a real account, in one of `states`, not expired. */
async function readLive(deps: Deps, requestId: string, states: readonly DeviceChange['state'][]): Promise<{ request: DeviceChange; account: Account; db: ShardDb }> {
  const { request, db } = await readRequest(deps, requestId);
  if (!db || !request || !request.accountId || !states.includes(request.state) || request.expiresAt <= deps.now) throw invalid();
  const account = await readAccount(db, request.accountId);
  if (!account) throw invalid();
  return { request, account, db };
}

/**
 * Step 1 on the new phone: the ID number and the phone on the account. Rate-limited per ID
 * number and per client; the same answer whether or not they match (decoy when not).
 */
export async function startDeviceChange(deps: Deps, input: { idNumber: string; phone: string; label?: string | undefined }, clientKey: string) {
  await enforceRateLimit(deps.db, `device-change:client:${clientKey}`, LIMITS.deviceChangePerClient, deps.now);
  await enforceRateLimit(deps.db, `device-change:id:${input.idNumber}`, LIMITS.deviceChangePerIdNumber, deps.now);
  // On the shard of the ID number typed, matching or not: the request's id names it.
  const db = deps.shards.dbFor(input.idNumber);
  const account = await readAccountByIdNumber(db, input.idNumber);
  const match = account !== null && account.phone === input.phone;
  const request: DeviceChange = {
    id: await deps.shards.newId(input.idNumber),
    accountId: match ? account.id : null,
    label: input.label?.trim() || null,
    state: 'code_sent',
    approvalCodeHash: null,
    newDeviceKeyId: null,
    readyAt: null,
    approvedVia: null,
    approvedBy: null,
    createdAt: deps.now,
    updatedAt: deps.now,
    expiresAt: deps.now + DEVICE_CHANGE_CODE_TTL_MS,
  };
  await insertDeviceChange(db, request);
  const flowId = `device-change:${request.id}`;
  const { expiresAt } = match
    ? await sendSmsCode(deps, {
        flowId,
        purpose: 'device-change',
        phone: input.phone,
        message: (code) => `VNeID: Ma xac thuc DOI THIET BI dang nhap: ${code}. Hieu luc 5 phut. Khong cung cap ma cho bat ky ai, ke ca nguoi xung la cong an.`,
      })
    : await sendDecoyCode(deps, { flowId, purpose: 'device-change', phone: input.phone });
  return { requestId: request.id, codeExpiresAt: expiresAt };
}

/**
 * Step 1b: the SMS code opens the request and binds it to the new phone's device key (only
 * that key can finish it). Returns the short approval code, once.
 */
export async function verifyDeviceChange(deps: ServicesDeps, input: { requestId: string; code: string; deviceKeyId: string }) {
  const { request, db } = await readRequest(deps, input.requestId);
  if (!db || !request || request.state !== 'code_sent' || request.expiresAt <= deps.now) throw invalid();
  await checkSmsCode(deps, `device-change:${request.id}`, input.code);
  // A decoy's code never matches: past this point the request is for an account.
  const account = request.accountId ? await readAccount(db, request.accountId) : null;
  if (!account) throw invalid();
  // One phone, one account: a device key seen before (of any account, on any shard) never binds again.
  if (await directoryHas(deps.db, { kind: 'device', id: input.deviceKeyId })) {
    throw new AppError('device_already_bound', 'This device already holds an electronic identification account.');
  }
  const approvalCode = randomCode(8);
  const expiresAt = deps.now + DEVICE_CHANGE_OPEN_TTL_MS;
  if (
    !(await transitionDeviceChange(db, request.id, ['code_sent'], 'pending', deps.now, {
      approvalCodeHash: await approvalCodeHash(deps, request.id, approvalCode),
      newDeviceKeyId: input.deviceKeyId,
      expiresAt,
    }))
  ) {
    throw invalid();
  }
  await audit(deps, { at: deps.now, actor: `device:${input.deviceKeyId}`, action: 'device.change.requested', subject: account.id, detail: { label: request.label } }, db);
  const opened: DeviceChange = { ...request, state: 'pending', expiresAt, newDeviceKeyId: input.deviceKeyId };
  await tellAccountDevices(deps, db, account, opened, 'opened');
  return { ...statusOf(opened, account), approvalCode: formatCode(approvalCode) };
}

/**
 * Tells the devices signed in to the account — in the app's inbox and by Web Push where a
 * browser subscribed — with a link to review or cancel. Once per request and event.
 */
async function tellAccountDevices(deps: ServicesDeps, db: ShardDb, account: Account, request: DeviceChange, event: 'opened' | 'waiting'): Promise<void> {
  const device = request.label ?? 'một thiết bị mới';
  await notifyDevices(deps, db, {
    accountId: account.id,
    kind: 'security',
    dedupeKey: `device-change:${request.id}:${event}`,
    title: event === 'opened' ? 'Yêu cầu đăng nhập tài khoản trên thiết bị mới' : 'Tài khoản sắp chuyển sang thiết bị mới',
    body:
      event === 'opened'
        ? `Có yêu cầu chuyển tài khoản sang ${device}. Nếu không phải bạn, mở để hủy yêu cầu và khóa tài khoản.`
        : `${device} sẽ thay điện thoại này sau ${Math.round(waitMs(deps) / HOUR)} giờ nếu yêu cầu không bị hủy. Nếu không phải bạn, mở để hủy ngay.`,
    link: REVIEW_PATH,
  });
}

/** What the new phone polls while it waits for an approval. */
export async function deviceChangeStatus(deps: Deps, requestId: string): Promise<DeviceChangeStatus> {
  const { request, db } = await readRequest(deps, requestId);
  if (!db || !request || !request.accountId || request.state === 'code_sent') throw invalid();
  const account = await readAccount(db, request.accountId);
  if (!account) throw invalid();
  const expired = request.expiresAt <= deps.now && request.state !== 'completed' && request.state !== 'cancelled';
  return statusOf(expired ? { ...request, state: 'cancelled' } : request, account);
}

/**
 * The old phone is lost (level 1): start the waiting period. Notices go to the phone number,
 * the e-mail and the account's devices at once; the old phone, if it is still in the
 * citizen's hands, can cancel.
 */
export async function startWaitingPeriod(deps: ServicesDeps, requestId: string): Promise<DeviceChangeStatus> {
  const { request, account, db } = await readLive(deps, requestId, ['pending']);
  if (!canWait(account)) {
    throw new AppError(
      'forbidden',
      account.status === 'locked'
        ? 'This account is locked: an officer must approve the new device.'
        : 'For a level-2 account, an officer approves the new device after checking the chip card.',
    );
  }
  const readyAt = deps.now + waitMs(deps);
  const expiresAt = readyAt + DEVICE_CHANGE_OPEN_TTL_MS;
  if (!(await transitionDeviceChange(db, request.id, ['pending'], 'waiting', deps.now, { readyAt, expiresAt }))) throw invalid();
  await audit(deps, { at: deps.now, actor: `device:${request.newDeviceKeyId}`, action: 'device.change.waiting', subject: account.id, detail: { label: request.label, readyAt } }, db);
  const hours = Math.round(waitMs(deps) / HOUR);
  await notify(deps, account, {
    sms: `VNeID: Co yeu cau doi thiet bi dang nhap tai khoan cua ban luc ${vnTime(deps.now)}, co hieu luc sau ${hours} gio. Neu khong phai ban: huy tren dien thoai cu hoac khoa tai ${lockUrl(deps)}`,
    subject: 'Yêu cầu đổi thiết bị đăng nhập tài khoản định danh điện tử',
    body:
      `Lúc ${vnTime(deps.now)} có yêu cầu chuyển tài khoản định danh điện tử của bạn sang thiết bị mới` +
      `${request.label ? ` (${request.label})` : ''}. Yêu cầu sẽ có hiệu lực sau ${hours} giờ, lúc ${vnTime(readyAt)}.\n\n` +
      `Nếu không phải bạn: mở ứng dụng trên điện thoại cũ, vào Cài đặt → Thiết bị để hủy yêu cầu, hoặc khóa tài khoản ngay tại ${lockUrl(deps)}.`,
  });
  await tellAccountDevices(deps, db, account, request, 'waiting');
  return statusOf({ ...request, state: 'waiting', readyAt, expiresAt }, account);
}

/** The request is approved, or its waiting period is over (and still allowed). */
function assertReady(deps: Deps, request: DeviceChange, account: Account): void {
  if (request.state === 'approved') return;
  if (request.state === 'waiting') {
    if (!canWait(account)) throw invalid();
    if (request.readyAt === null || request.readyAt > deps.now) {
      const retryAfter = Math.max(1, Math.ceil(((request.readyAt ?? deps.now) - deps.now) / 1000));
      throw new AppError('not_ready', 'The waiting period is not over yet.', retryAfter);
    }
    return;
  }
  throw invalid();
}

/** Step 3a: passkey creation options for the new phone, once approved. */
export async function createDeviceChangeOptions(deps: Deps, requestId: string) {
  const { request, account } = await readLive(deps, requestId, ['waiting', 'approved']);
  assertReady(deps, request, account);
  const citizen = await deps.registry.findCitizen(account.idNumber);
  return createRegistrationOptions(deps, {
    accountId: account.id, // the same user handle: the new passkey replaces the old one on a shared authenticator
    userName: account.idNumber,
    displayName: citizen?.fullName ?? account.idNumber,
    subject: request.id,
    purpose: 'device-change',
  });
}

/**
 * Step 3b: the new phone's passkey and device key (both over the registration challenge).
 * The old keys, passkeys and sessions end and the old documents are revoked, atomically.
 */
export async function finishDeviceChange(deps: Deps, input: DeviceChangeFinishInput): Promise<{ account: Account; deviceKeyId: string }> {
  const { challenge, subject } = await takeChallenge(deps, input.credential.response.clientDataJSON, 'device-change');
  if (subject !== input.requestId) throw new AppError('challenge_invalid', 'This request belongs to another device change.');
  const { request, account, db } = await readLive(deps, input.requestId, ['waiting', 'approved']);
  assertReady(deps, request, account);
  const device = await verifyNewDeviceKey(deps, input.deviceKey, 'register', challenge);
  if (device.keyId !== request.newDeviceKeyId) {
    throw new AppError('device_proof_invalid', 'This is not the device that asked for the change.');
  }
  const passkey = await verifyRegistration(deps, input.credential, challenge);
  if (await credentialIdTaken(deps, passkey.credentialId)) throw new AppError('credential_exists', 'This passkey is already registered.');
  const via = request.state === 'waiting' ? 'waiting' : (request.approvedVia ?? 'old-device');
  // The request is used once: of two racing finishes, one moves it.
  if (
    !(await transitionDeviceChange(db, request.id, [request.state], 'completed', deps.now, {
      ...(request.state === 'waiting' ? { approvedVia: 'waiting' as const, approvedBy: 'system' } : {}),
    }))
  ) {
    throw invalid();
  }
  try {
    // The new device key and credential are reserved in the global directory first (bindNewDevice).
    await bindNewDevice(deps, db, { accountId: account.id, deviceKeyId: device.keyId, credentialId: passkey.credentialId }, [
      revokeDeviceKeysOfAccountStatement(db, account.id, deps.now),
      revokePasskeysOfAccountStatement(db, account.id, deps.now),
      deleteSessionsOfAccountStatement(db, account.id),
      // The old phone stops receiving the account's notifications (it may be in someone else's hands).
      deletePushSubscriptionsOfAccountStatement(db, account.id),
      // Portal sign-ins made from the old phone end too: it may be in someone else's hands.
      revokeAllGrantsOfAccountStatement(db, account.id, deps.now),
      ...bindDeviceStatements(deps, db, account.id, { keyId: device.keyId, publicKey: device.publicKey, label: input.deviceKey.label ?? request.label }, passkey),
      // What the old phone holds stops verifying now; the wallet sync issues the new versions.
      ...revokeDocumentsOfOtherDevicesStatements(db, account.id, device.keyId, deps.now),
      cancelOpenDeviceChangesStatement(db, account.id, deps.now, request.id),
      // A locked account (only an officer approves its change) stays locked; a lock from a
      // computer, made against the lost phone, is now the new phone's to undo.
      handLockToNewPhoneStatement(db, account.id, deps.now),
      recordAudit(
        deps,
        {
          at: deps.now,
          actor: `device:${device.keyId}`,
          action: 'device.changed',
          subject: account.id,
          detail: { via, label: input.deviceKey.label ?? request.label, backupEligible: passkey.backupEligible },
        },
        db,
      ).statement,
    ]);
  } catch (err) {
    await transitionDeviceChange(db, request.id, ['completed'], request.state, deps.now);
    if (err instanceof AppError) throw err;
    const message = err instanceof Error ? err.message : '';
    if (message.includes('device_keys')) throw new AppError('device_already_bound', 'This device already holds an account.');
    if (message.includes('passkeys')) throw new AppError('credential_exists', 'This passkey is already registered.');
    throw err;
  }
  await publishStatusChanges(deps, db);
  await notify(deps, account, {
    sms: `VNeID: Tai khoan dinh danh dien tu cua ban da chuyen sang thiet bi moi luc ${vnTime(deps.now)}. Thiet bi cu da bi go. Neu khong phai ban, khoa ngay tai ${lockUrl(deps)}`,
    subject: 'Tài khoản định danh điện tử đã chuyển sang thiết bị mới',
    body:
      `Lúc ${vnTime(deps.now)} tài khoản định danh điện tử của bạn đã được chuyển sang thiết bị mới` +
      `${request.label ? ` (${request.label})` : ''}. Thiết bị cũ không còn đăng nhập được và giấy tờ trên đó đã hết hiệu lực.\n\n` +
      `Nếu không phải bạn, hãy khóa tài khoản ngay tại ${lockUrl(deps)} và đến cơ quan Công an.`,
  });
  return { account, deviceKeyId: device.keyId };
}

/**
 * On the old phone (signed in): the short code shown by the new phone finds the request.
 * Returns what is asked and the options for the fresh passkey assertion that approves it.
 */
export async function lookUpDeviceChange(deps: Deps, account: Account, sessionDeviceKeyId: string, code: string) {
  await enforceRateLimit(deps.db, `device-change:lookup:${account.id}`, LIMITS.deviceChangeLookupPerAccount, deps.now);
  for (const request of await listOpenDeviceChanges(deps.shards.dbFor(account.idNumber), account.id, deps.now)) {
    if (OPEN.includes(request.state) && (await codeMatches(deps, request, code))) {
      const options = await createStepUpOptions(deps, {
        purpose: 'approve-device',
        subject: request.id,
        account,
        deviceKeyId: sessionDeviceKeyId,
      });
      return { request: viewDeviceChange(request), options };
    }
  }
  throw new AppError('code_invalid', 'No request of this account has this code.');
}

/**
 * On the old phone: approve with a fresh passkey assertion and the device key this session
 * is bound to, both over the challenge made for this very request (so an approval is used
 * once, and never for another request).
 */
export async function approveDeviceChange(
  deps: Deps,
  account: Account,
  sessionDeviceKeyId: string,
  input: { requestId: string; credential: AuthenticationResponseInput; deviceKey: { keyId: string; signature: string } },
): Promise<DeviceChangeRequestView> {
  const { device } = await verifyStepUp(deps, input, 'approve-device', {
    subject: input.requestId,
    account,
    deviceKeyId: sessionDeviceKeyId,
  });
  const { request, db } = await readLive(deps, input.requestId, OPEN);
  if (request.accountId !== account.id) throw invalid();
  const expiresAt = deps.now + DEVICE_CHANGE_APPROVED_TTL_MS;
  if (
    !(await transitionDeviceChange(db, request.id, OPEN, 'approved', deps.now, {
      approvedVia: 'old-device',
      approvedBy: device.keyId,
      expiresAt,
    }))
  ) {
    throw invalid();
  }
  await audit(
    deps,
    { at: deps.now, actor: `account:${account.id}`, action: 'device.change.approved', subject: account.id, detail: { via: 'old-device', label: request.label, approvedBy: device.keyId } },
    db,
  );
  return viewDeviceChange({ ...request, state: 'approved', expiresAt });
}

/** An officer approves after checking the chip card; the code proves the new phone is at the desk. */
export async function approveDeviceChangeAsOfficer(
  deps: Deps,
  officer: { id: string; unitCode: string },
  account: Account,
  input: { requestId: string; code: string },
): Promise<void> {
  const { request, db } = await readLive(deps, input.requestId, OPEN);
  if (request.accountId !== account.id) throw invalid();
  if (!(await codeMatches(deps, request, input.code))) throw new AppError('code_invalid', 'The code does not match the one on the new phone.');
  if (
    !(await transitionDeviceChange(db, request.id, OPEN, 'approved', deps.now, {
      approvedVia: 'officer',
      approvedBy: officer.id,
      expiresAt: deps.now + DEVICE_CHANGE_APPROVED_TTL_MS,
    }))
  ) {
    throw invalid();
  }
  await audit(
    deps,
    {
      at: deps.now,
      actor: `officer:${officer.id}`,
      action: 'device.change.approved',
      subject: account.id,
      detail: { via: 'officer', label: request.label, unit: officer.unitCode, cardChecked: true },
    },
    db,
  );
  await notify(deps, account, {
    sms: `VNeID: Can bo ${officer.unitCode} da phe duyet doi thiet bi dang nhap tai khoan cua ban luc ${vnTime(deps.now)}. Neu khong phai ban, khoa ngay tai ${lockUrl(deps)}`,
    subject: 'Cán bộ đã phê duyệt đổi thiết bị đăng nhập',
    body: `Lúc ${vnTime(deps.now)}, cán bộ đơn vị ${officer.unitCode} đã phê duyệt yêu cầu đổi thiết bị đăng nhập tài khoản định danh điện tử của bạn sau khi kiểm tra thẻ căn cước.\n\nNếu không phải bạn, hãy khóa tài khoản ngay tại ${lockUrl(deps)}.`,
  });
}

/** The old phone (or the citizen from Settings) cancels a request. */
export async function cancelDeviceChange(deps: Deps, account: Account, requestId: string): Promise<void> {
  const db = deps.shards.dbFor(account.idNumber);
  const request = await readDeviceChange(db, requestId);
  if (!request || request.accountId !== account.id) throw invalid();
  if (!(await transitionDeviceChange(db, request.id, ['code_sent', 'pending', 'waiting', 'approved'], 'cancelled', deps.now))) throw invalid();
  await audit(deps, { at: deps.now, actor: `account:${account.id}`, action: 'device.change.cancelled', subject: account.id, detail: { label: request.label } }, db);
}

/** Open requests of an account, for the device list and the officer's record. */
export async function openDeviceChanges(deps: Deps, account: Pick<Account, 'id' | 'idNumber'>): Promise<DeviceChangeRequestView[]> {
  return (await listOpenDeviceChanges(deps.shards.dbFor(account.idNumber), account.id, deps.now)).map(viewDeviceChange);
}
