/**
 * What an officer does for a citizen at the desk: find the record (registry + account),
 * approve level 2 after checking the chip card in person, attach documents after checking
 * the originals, approve a device change, lock and unlock. Every action is audited with
 * the officer, the unit, the citizen and the time; the citizen sees it in their history.
 */
import { formatCode, randomCode } from '../../shared/accounts';
import type { CitizenRecord, Level2ApprovalResponse } from '../../shared/officer';
import type { DocType } from '../../shared/credential';
import { maskPhone } from '../../shared/api';
import { readAccountByIdNumber, setAccountLevel2Statement, type Account } from '../store/accounts';
import { cancelOpenDeviceChangesStatement } from '../store/device-changes';
import { listDeviceKeys } from '../store/device-keys';
import { listAttachments } from '../store/documents';
import { readLevel2Approval, upsertLevel2ApprovalStatement } from '../store/level2-approvals';
import type { Officer } from '../store/officers';
import { readSmsCode } from '../store/sms';
import type { Citizen } from '../registries/population';
import { audit, citizenSubject, recordAudit } from './audit';
import type { Deps } from './deps';
import { approveDeviceChangeAsOfficer, openDeviceChanges } from './device-change';
import { ACTIVATION_MAX_ATTEMPTS, activationCodeHash } from './enrolment';
import { ATTACHABLE, attachDocument, issueToBoundDevice, sectoral } from './documents';
import { AppError } from './errors';
import { lockAccount, unlockAccount } from './lock';
import { notify, vnTime } from './notices';
import { officerEvent } from './officers';
import { enforceRateLimit, LIMITS } from './rate-limit';
import { checkSmsCode, sendSmsCode } from './sms-codes';

const DAY = 24 * 60 * 60_000;
/** How long an officer's level-2 approval (and its activation code) waits for the citizen to activate it on a phone. */
export const LEVEL2_APPROVAL_TTL_MS = 7 * DAY;
/** Four eyes: for this long, the officer who recorded or changed an account's phone may not approve its device change. */
export const FOUR_EYES_MS = 30 * DAY;

const today = (deps: Deps) => new Date(deps.now).toISOString().slice(0, 10);

async function findCitizen(deps: Deps, idNumber: string): Promise<Citizen> {
  const citizen = await deps.registry.findCitizen(idNumber);
  if (!citizen) throw new AppError('not_found', 'The national population registry has no citizen with this ID number.');
  return citizen;
}

async function requireAccount(deps: Deps, idNumber: string): Promise<Account> {
  const account = await readAccountByIdNumber(deps.shards.dbFor(idNumber), idNumber);
  if (!account) throw new AppError('not_found', 'This citizen has no electronic identification account.');
  return account;
}

async function record(deps: Deps, citizen: Citizen): Promise<CitizenRecord> {
  // Everything of one citizen is on the shard of their ID number.
  const db = deps.shards.dbFor(citizen.idNumber);
  const account = await readAccountByIdNumber(db, citizen.idNumber);
  const [devices, attached, approval, changes] = await Promise.all([
    account ? listDeviceKeys(db, account.id) : Promise.resolve([]),
    account ? listAttachments(db, account.id) : Promise.resolve([]),
    account ? Promise.resolve(null) : readLevel2Approval(db, citizen.idNumber),
    account ? openDeviceChanges(deps, account) : Promise.resolve([]),
  ]);
  const attachable = await Promise.all(
    ATTACHABLE.map(async (docType) => ({
      docType,
      available: (await sectoral(deps.sectoral, docType, citizen)) !== null,
      attached: attached.includes(docType),
    })),
  );
  return {
    idNumber: citizen.idNumber,
    fullName: citizen.fullName,
    birthDate: citizen.birthDate,
    sex: citizen.sex,
    address: citizen.address,
    hometown: citizen.hometown,
    cardIssued: citizen.cardIssued,
    cardExpires: citizen.cardExpires,
    cardValid: citizen.cardExpires >= today(deps),
    registryPhone: citizen.phone,
    account: account
      ? {
          accountId: account.id,
          level: account.level,
          status: account.status,
          phone: account.phone,
          email: account.email,
          createdAt: account.createdAt,
          activeDevices: devices.filter((d) => d.revokedAt === null).length,
        }
      : null,
    level2Approval:
      // Live: unused, in time, its code not used up or voided by wrong tries.
      approval && approval.usedAt === null && approval.expiresAt > deps.now && approval.activationCodeHash !== null && approval.activationAttempts < ACTIVATION_MAX_ATTEMPTS
        ? { phone: approval.phone, email: approval.email, approvedAt: approval.approvedAt, expiresAt: approval.expiresAt }
        : null,
    attachable,
    deviceChanges: changes.map((c) => ({ requestId: c.requestId, label: c.label, state: c.state, createdAt: c.createdAt, readyAt: c.readyAt, expiresAt: c.expiresAt })),
  };
}

/** Looks a citizen up (audited: a record read is an action too, and bulk reading is rate-limited). */
export async function lookUpCitizen(deps: Deps, officer: Officer, idNumber: string): Promise<CitizenRecord> {
  await enforceRateLimit(deps.db, `officer:lookup:${officer.id}`, LIMITS.officerLookupsPerOfficer, deps.now);
  const citizen = await findCitizen(deps, idNumber);
  const result = await record(deps, citizen);
  // Whom: the account, or the ID number for a citizen without one; the citizen's history shows it.
  await audit(deps, officerEvent(deps, officer, 'officer.viewed', result.account?.accountId ?? citizenSubject(idNumber)), deps.shards.dbFor(idNumber));
  return result;
}

/** One flow per officer and account: five wrong codes lock it, whatever number it was sent to. */
const deskPhoneFlow = (officer: Officer, account: Account) => `desk-phone:${account.id}:${officer.id}`;

/**
 * At the desk, before a new phone number is recorded for an account: an SMS code goes to that
 * number; the citizen reads it out from the phone in hand and the officer types it with the
 * approval. The message says so, since every other code says never to tell it to anyone.
 */
export async function sendDeskPhoneCode(deps: Deps, officer: Officer, idNumber: string, phone: string) {
  const account = await requireAccount(deps, idNumber);
  if (account.phone === phone) throw new AppError('bad_request', 'This is already the phone number of the account.');
  const { expiresAt } = await sendSmsCode(deps, {
    flowId: deskPhoneFlow(officer, account),
    purpose: 'desk-phone',
    phone,
    message: (code) =>
      `VNeID: Ma xac thuc ${code} de can bo ${officer.unitCode} ghi nhan so dien thoai nay cho tai khoan dinh danh dien tu. Chi doc ma nay cho can bo khi ban dang o tai tru so Cong an. Hieu luc 5 phut.`,
  });
  return { phoneMasked: maskPhone(phone), codeExpiresAt: expiresAt };
}

/** The code read out at the desk: sent by this officer, for this account, to this very number. */
async function confirmDeskPhoneCode(deps: Deps, officer: Officer, account: Account, phone: string, code: string | undefined): Promise<void> {
  if (!code) {
    throw new AppError('phone_unconfirmed', 'A new phone number is recorded only with the SMS code sent to it: send the code, then type the one the citizen reads out.');
  }
  const flowId = deskPhoneFlow(officer, account);
  const sent = await readSmsCode(deps.db, flowId);
  if (sent && sent.phone !== phone) {
    throw new AppError('phone_unconfirmed', 'The code was sent to another number: send a code to this one.');
  }
  await checkSmsCode(deps, flowId, code);
}

/**
 * Level 2 in person: the officer has checked the chip card (the box is recorded) and records
 * the phone and e-mail. An existing account becomes level 2 at once and its e-ID card and the
 * other level-2 documents are issued in the same step, bound to the account's device key
 * (the phone collects them at its next sync); a citizen without an account gets an approval
 * to activate on their phone with the ID number, that phone and an SMS code, and the
 * documents are issued at that activation.
 */
export async function approveLevel2(
  deps: Deps,
  officer: Officer,
  idNumber: string,
  input: { phone: string; email?: string | undefined; phoneCode?: string | undefined },
): Promise<Level2ApprovalResponse> {
  const citizen = await findCitizen(deps, idNumber);
  if (citizen.cardExpires < today(deps)) throw new AppError('card_expired', 'The chip ID card has expired: it must be renewed before level 2.');
  const db = deps.shards.dbFor(idNumber);
  const account = await readAccountByIdNumber(db, idNumber);
  if (account) {
    // An empty field keeps the stored e-mail: a form left blank never erases where notices go.
    const email = input.email ? input.email : account.email;
    const phoneChanged = account.phone !== input.phone;
    // The phone is what SMS codes go to: a new one is recorded only with the code sent to it,
    // read out by the citizen holding it (an officer cannot quietly put in a number of their own).
    if (phoneChanged) await confirmDeskPhoneCode(deps, officer, account, input.phone, input.phoneCode);
    const detail = { cardChecked: true, phone: maskPhone(input.phone), email: email !== null, phoneChanged };
    const level2 = recordAudit(deps, officerEvent(deps, officer, 'officer.level2', account.id, { ...detail, previousLevel: account.level }), db, { ifChanged: true });
    const [updated] = await db.batch([
      setAccountLevel2Statement(db, { id: account.id, from: account.phone, phone: input.phone, email, officerId: officer.id, now: deps.now }),
      level2.statement,
      // Device changes opened with a code to the old number end with it (as for the citizen's own change).
      ...(phoneChanged ? [cancelOpenDeviceChangesStatement(db, account.id, deps.now)] : []),
    ]);
    if (updated?.meta.changes !== 1) throw new AppError('request_invalid', 'The phone number of the account changed meanwhile. Look the citizen up again.');
    await level2.after();
    await issueToBoundDevice(deps, account);
    await notify(deps, { phone: input.phone, email }, {
      sms: `VNeID: Tai khoan dinh danh dien tu cua ban da duoc nang len muc 2 tai ${officer.unitCode} luc ${vnTime(deps.now)}. Mo ung dung de nhan the can cuoc dien tu.`,
      subject: 'Tài khoản định danh điện tử đã lên mức 2',
      body: `Tài khoản định danh điện tử của bạn đã được cán bộ đơn vị ${officer.unitCode} phê duyệt mức 2 lúc ${vnTime(deps.now)}. Mở ứng dụng để nhận thẻ căn cước điện tử và các giấy tờ.`,
    });
    // The phone is what SMS codes go to: if the desk changed it, the old number hears of it too.
    if (phoneChanged) {
      await notify(deps, { phone: account.phone, email: null }, {
        sms: `VNeID: So dien thoai cua tai khoan dinh danh dien tu da duoc can bo ${officer.unitCode} doi sang ${maskPhone(input.phone)} luc ${vnTime(deps.now)}. Neu khong phai ban yeu cau, hay den co quan Cong an ngay.`,
        subject: '',
        body: '',
      });
    }
  } else {
    const email = input.email ? input.email : null;
    const detail = { cardChecked: true, phone: maskPhone(input.phone), email: email !== null };
    // Handed to the citizen on paper and needed with the SMS code: the SIM alone (a swapped
    // one) does not activate. Shown this once; only its HMAC is kept.
    const code = randomCode(8);
    const expiresAt = deps.now + LEVEL2_APPROVAL_TTL_MS;
    const level2 = recordAudit(deps, officerEvent(deps, officer, 'officer.level2', citizenSubject(idNumber), detail), db);
    await db.batch([
      upsertLevel2ApprovalStatement(db, {
        idNumber,
        phone: input.phone,
        email,
        officerId: officer.id,
        unitCode: officer.unitCode,
        approvedAt: deps.now,
        expiresAt,
        activationCodeHash: await activationCodeHash(deps, idNumber, code),
      }),
      level2.statement,
    ]);
    await level2.after();
    await notify(deps, { phone: input.phone, email }, {
      sms: `VNeID: Tai khoan dinh danh dien tu muc 2 cua ban da duoc phe duyet tai ${officer.unitCode}. Mo ung dung, chon "Kich hoat tai khoan muc 2", nhap so dinh danh ca nhan va ma kich hoat tren giay can bo da dua, truoc ${vnTime(expiresAt)}.`,
      subject: 'Tài khoản định danh điện tử mức 2 đã được phê duyệt',
      body: `Tài khoản định danh điện tử mức 2 của bạn đã được cán bộ đơn vị ${officer.unitCode} phê duyệt. Mở ứng dụng trên điện thoại, chọn “Kích hoạt tài khoản mức 2”, nhập số định danh cá nhân, số điện thoại đã đăng ký và mã kích hoạt ghi trên giấy cán bộ đã đưa, rồi nhập mã SMS. Mã kích hoạt có hiệu lực đến ${vnTime(expiresAt)}.`,
    });
    return { ...(await record(deps, citizen)), activation: { code: formatCode(code), expiresAt } };
  }
  return record(deps, citizen);
}

/** Attaches a document after the officer checked the original (the box is recorded); issued at once, as at level-2 approval. */
export async function attachForCitizen(deps: Deps, officer: Officer, idNumber: string, docType: string): Promise<CitizenRecord> {
  const citizen = await findCitizen(deps, idNumber);
  const account = await requireAccount(deps, idNumber);
  if (!ATTACHABLE.includes(docType as DocType)) throw new AppError('validation_failed', 'This document type cannot be attached.');
  if (!(await sectoral(deps.sectoral, docType as DocType, citizen))) {
    throw new AppError('not_found', 'The registry holds no such document for this citizen.');
  }
  const added = await attachDocument(deps, account, docType as DocType, `officer:${officer.id}`);
  if (added) {
    await audit(deps, officerEvent(deps, officer, 'officer.attached', account.id, { docType, originalsChecked: true }), deps.shards.dbFor(idNumber));
    await issueToBoundDevice(deps, account);
  }
  return record(deps, citizen);
}

export async function lockForCitizen(deps: Deps, officer: Officer, idNumber: string, reason: string | undefined): Promise<CitizenRecord> {
  const citizen = await findCitizen(deps, idNumber);
  const account = await requireAccount(deps, idNumber);
  await lockAccount(deps, account, { actor: `officer:${officer.id}`, detail: { unit: officer.unitCode, reason: reason ?? null } }, 'officer');
  return record(deps, citizen);
}

export async function unlockForCitizen(deps: Deps, officer: Officer, idNumber: string): Promise<CitizenRecord> {
  const citizen = await findCitizen(deps, idNumber);
  const account = await requireAccount(deps, idNumber);
  const unlocked = await unlockAccount(deps, account, { actor: `officer:${officer.id}`, detail: { unit: officer.unitCode, cardChecked: true } }, ['self', 'remote', 'officer']);
  if (!unlocked) throw new AppError('bad_request', 'This account is not locked.');
  return record(deps, citizen);
}

export async function approveDeviceChangeForCitizen(
  deps: Deps,
  officer: Officer,
  idNumber: string,
  input: { requestId: string; code: string },
): Promise<CitizenRecord> {
  const citizen = await findCitizen(deps, idNumber);
  const account = await requireAccount(deps, idNumber);
  // Four eyes: whoever put the phone number on the account (where the device change's SMS code
  // went) does not also approve the move to a new phone; an insider would otherwise need no one.
  if (account.phoneOfficerId === officer.id && account.phoneOfficerAt !== null && deps.now - account.phoneOfficerAt < FOUR_EYES_MS) {
    throw new AppError('second_officer_required', 'You recorded or changed this citizen’s phone number in the last 30 days: another officer must approve this device change.');
  }
  await approveDeviceChangeAsOfficer(deps, officer, account, input);
  return record(deps, citizen);
}
