/**
 * Level-1 online registration (seeds: "Mức 1"): the ID number, full name, date of birth
 * and phone must match the national population registry; an SMS code confirms the phone;
 * the account is then approved (an SMS says so) and activated on this device by creating
 * a passkey together with a device key.
 */
import { normaliseCode } from '../../shared/accounts';
import type { EnrolFinishInput } from '../../shared/api';
import { maskPhone } from '../../shared/api';
import { timingSafeEqual, utf8 } from '../../shared/bytes';
import { insertAccountStatement, readAccountByIdNumber, type Account } from '../store/accounts';
import { insertEnrolment, readEnrolment, transitionEnrolment, transitionEnrolmentStatement, type Enrolment } from '../store/enrolments';
import { readLevel2Approval, recordFailedActivation, useActivationCode, useLevel2ApprovalStatement } from '../store/level2-approvals';
import type { ShardDb } from '../store/shards';
import { audit, recordAudit } from './audit';
import { hmacBase64Url } from './crypto';
import type { Deps } from './deps';
import { bindDeviceStatements, bindNewDevice, credentialIdTaken, verifyNewDeviceKey } from './devices';
import { issueToBoundDevice } from './documents';
import { AppError } from './errors';
import { createRegistrationOptions, takeChallenge, verifyRegistration } from './passkeys';
import { enforceRateLimit, LIMITS } from './rate-limit';
import { checkSmsCode, sendDecoyCode, sendSmsCode } from './sms-codes';

export const ENROLMENT_TTL_MS = 30 * 60_000;
/** Wrong level-2 activation codes before the approval is void (the citizen returns to the desk). */
export const ACTIVATION_MAX_ATTEMPTS = 5;

/** The activation code is stored only as this HMAC, bound to the citizen it was made for. */
export function activationCodeHash(deps: Deps, idNumber: string, code: string): Promise<string> {
  return hmacBase64Url(deps.config.sessionSecret, `level2-activation:${idNumber}:${normaliseCode(code)}`);
}

/** Names match as a registry clerk would: same letters and diacritics, any case, any spacing. */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
  return norm(a) === norm(b);
}

/** Step 1: match the registry and send the SMS code. */
export async function startEnrolment(
  deps: Deps,
  input: { idNumber: string; fullName: string; birthDate: string; phone: string },
  clientKey: string,
) {
  await enforceRateLimit(deps.db, `enrol:client:${clientKey}`, LIMITS.enrolPerClient, deps.now);
  await enforceRateLimit(deps.db, `enrol:id:${input.idNumber}`, LIMITS.enrolPerIdNumber, deps.now);
  const citizen = await deps.registry.findCitizen(input.idNumber);
  // One answer for every mismatch: it must not tell which field was wrong, nor whether the ID exists.
  if (
    !citizen ||
    !sameName(citizen.fullName, input.fullName) ||
    citizen.birthDate !== input.birthDate ||
    citizen.phone !== input.phone
  ) {
    await audit(deps, { at: deps.now, actor: `client:${clientKey}`, action: 'enrol.mismatch', subject: null }, null);
    throw new AppError('registry_mismatch', 'The details do not match the national population registry.');
  }
  // The registration, and the account it makes, live on the shard of the ID number; both ids name it.
  const db = deps.shards.dbFor(input.idNumber);
  if (await readAccountByIdNumber(db, input.idNumber)) {
    throw new AppError('account_exists', 'This ID number already has an account. Sign in, or verify a new device.');
  }
  const enrolment: Enrolment = {
    id: await deps.shards.newId(input.idNumber),
    idNumber: input.idNumber,
    phone: input.phone,
    accountId: await deps.shards.newId(input.idNumber),
    state: 'code_sent',
    createdAt: deps.now,
    expiresAt: deps.now + ENROLMENT_TTL_MS,
    level: 1,
    email: null,
  };
  await insertEnrolment(db, enrolment);
  const { expiresAt } = await sendSmsCode(deps, {
    flowId: `enrol:${enrolment.id}`,
    purpose: 'enrol',
    phone: input.phone,
    message: (code) => `VNeID: Ma xac thuc dang ky tai khoan dinh danh dien tu: ${code}. Hieu luc 5 phut. Khong cung cap ma cho bat ky ai.`,
  });
  return { enrolmentId: enrolment.id, phoneMasked: maskPhone(input.phone), codeExpiresAt: expiresAt };
}

/**
 * Level-2 activation (seeds: "Mức 2", registered in person): an officer has checked the chip
 * card, recorded the phone and handed over a one-time activation code on paper; the citizen
 * now enters the ID number and that phone in the app, then the SMS code with the activation
 * code (verifyApprovedEnrolment), then creates the passkey as for level 1. The answer here is
 * the same whether or not an approval exists (a decoy request is made when none does), so it
 * never tells who was approved.
 */
export async function startApprovedEnrolment(deps: Deps, input: { idNumber: string; phone: string }, clientKey: string) {
  await enforceRateLimit(deps.db, `enrol:client:${clientKey}`, LIMITS.enrolPerClient, deps.now);
  await enforceRateLimit(deps.db, `enrol:id:${input.idNumber}`, LIMITS.enrolPerIdNumber, deps.now);
  const db = deps.shards.dbFor(input.idNumber);
  const approval = await readLevel2Approval(db, input.idNumber);
  const live =
    approval &&
    approval.usedAt === null &&
    approval.expiresAt > deps.now &&
    approval.phone === input.phone &&
    approval.activationCodeHash !== null &&
    approval.activationAttempts < ACTIVATION_MAX_ATTEMPTS;
  const exists = live ? await readAccountByIdNumber(db, input.idNumber) : null;
  const enrolment: Enrolment = {
    id: await deps.shards.newId(input.idNumber),
    idNumber: input.idNumber,
    phone: input.phone,
    accountId: await deps.shards.newId(input.idNumber),
    state: 'code_sent',
    createdAt: deps.now,
    expiresAt: deps.now + ENROLMENT_TTL_MS,
    level: 2,
    email: live ? approval.email : null,
  };
  await insertEnrolment(db, enrolment);
  if (!live || exists) {
    // Nothing to activate: a code that is never sent keeps every later answer the same.
    await audit(deps, { at: deps.now, actor: `client:${clientKey}`, action: 'enrol.level2.mismatch', subject: null }, null);
    const { expiresAt } = await sendDecoyCode(deps, { flowId: `enrol:${enrolment.id}`, purpose: 'enrol', phone: input.phone });
    return { enrolmentId: enrolment.id, phoneMasked: maskPhone(input.phone), codeExpiresAt: expiresAt };
  }
  const { expiresAt } = await sendSmsCode(deps, {
    flowId: `enrol:${enrolment.id}`,
    purpose: 'enrol',
    phone: input.phone,
    message: (code) => `VNeID: Ma xac thuc kich hoat tai khoan dinh danh dien tu muc 2: ${code}. Hieu luc 5 phut. Khong cung cap ma cho bat ky ai.`,
  });
  return { enrolmentId: enrolment.id, phoneMasked: maskPhone(input.phone), codeExpiresAt: expiresAt };
}

/** A registration in `state`, not expired, with the shard its id names. */
async function readLiveEnrolment(deps: Deps, id: string, state: Enrolment['state']): Promise<{ enrolment: Enrolment; db: ShardDb }> {
  const db = await deps.shards.dbForKey(id);
  const enrolment = db ? await readEnrolment(db, id) : null;
  if (!db || !enrolment || enrolment.expiresAt <= deps.now || enrolment.state !== state) {
    throw new AppError('enrolment_invalid', 'This registration has expired or is finished. Start again.');
  }
  return { enrolment, db };
}

async function registrationOptionsFor(deps: Deps, enrolment: Enrolment) {
  const citizen = await deps.registry.findCitizen(enrolment.idNumber);
  return createRegistrationOptions(deps, {
    accountId: enrolment.accountId,
    userName: enrolment.idNumber,
    displayName: citizen?.fullName ?? enrolment.idNumber,
    subject: enrolment.id,
  });
}

/** Step 2: the SMS code confirms the phone; the account is approved; passkey options follow. */
export async function verifyEnrolmentPhone(deps: Deps, input: { enrolmentId: string; code: string }) {
  const { enrolment, db } = await readLiveEnrolment(deps, input.enrolmentId, 'code_sent');
  // Level 2 needs the activation code too (every level-2 request, decoy or not: no answer differs).
  if (enrolment.level === 2) throw new AppError('enrolment_invalid', 'A level-2 activation is verified with its activation code (/api/enrol/approved/verify).');
  await checkSmsCode(deps, `enrol:${enrolment.id}`, input.code);
  return approveEnrolment(deps, db, enrolment);
}

/**
 * Level-2 step 2: the SMS code, then the activation code. The SMS code first: a decoy fails
 * there like a wrong code, and only whoever holds the phone can spend the activation code's
 * tries. A swapped SIM gives the SMS code, not the paper from the desk.
 */
export async function verifyApprovedEnrolment(deps: Deps, input: { enrolmentId: string; code: string; activationCode: string }) {
  const { enrolment, db } = await readLiveEnrolment(deps, input.enrolmentId, 'code_sent');
  if (enrolment.level !== 2) throw new AppError('enrolment_invalid', 'This registration has expired or is finished. Start again.');
  await checkSmsCode(deps, `enrol:${enrolment.id}`, input.code);
  const approval = await readLevel2Approval(db, enrolment.idNumber);
  if (!approval || approval.usedAt !== null || approval.expiresAt <= deps.now || approval.phone !== enrolment.phone || !approval.activationCodeHash) {
    throw new AppError('enrolment_invalid', 'This approval has expired or was used. Ask at the police station.');
  }
  const voided = () => new AppError('activation_code_locked', 'Too many wrong activation codes: the approval is void. Ask at the police station for a new one.');
  if (approval.activationAttempts >= ACTIVATION_MAX_ATTEMPTS) throw voided();
  const given = await activationCodeHash(deps, enrolment.idNumber, input.activationCode);
  if (!timingSafeEqual(utf8(given), utf8(approval.activationCodeHash))) {
    const attempts = await recordFailedActivation(db, enrolment.idNumber);
    if (attempts >= ACTIVATION_MAX_ATTEMPTS) throw voided();
    throw new AppError('activation_code_invalid', `The activation code is not valid. ${ACTIVATION_MAX_ATTEMPTS - attempts} tries left.`);
  }
  // Single use: of two activations racing with the same code, one takes it.
  if (!(await useActivationCode(db, enrolment.idNumber, given, ACTIVATION_MAX_ATTEMPTS, deps.now))) {
    throw new AppError('enrolment_invalid', 'This approval has expired or was used. Ask at the police station.');
  }
  return approveEnrolment(deps, db, enrolment);
}

/** The phone is confirmed: the registration is approved (an SMS says so) and passkey options follow. */
async function approveEnrolment(deps: Deps, db: ShardDb, enrolment: Enrolment) {
  if (!(await transitionEnrolment(db, enrolment.id, 'code_sent', 'approved'))) {
    throw new AppError('enrolment_invalid', 'This registration has expired or is finished. Start again.');
  }
  await audit(deps, { at: deps.now, actor: 'system', action: 'enrol.approved', subject: enrolment.accountId, detail: { level: enrolment.level } }, db);
  await deps.sms.send(
    enrolment.phone,
    `VNeID: Tai khoan dinh danh dien tu muc ${enrolment.level} cua ban da duoc phe duyet. Hay kich hoat tren ung dung tren dien thoai cua ban.`,
    deps.now,
  );
  return { options: await registrationOptionsFor(deps, enrolment) };
}

/** Fresh passkey options for an approved registration (after a cancelled passkey prompt). */
export async function renewEnrolmentOptions(deps: Deps, enrolmentId: string) {
  const { enrolment } = await readLiveEnrolment(deps, enrolmentId, 'approved');
  return { options: await registrationOptionsFor(deps, enrolment) };
}

/** Step 3: activate on this device: passkey + device key, both proving the same challenge. */
export async function finishEnrolment(
  deps: Deps,
  input: EnrolFinishInput,
): Promise<{ account: Account; deviceKeyId: string }> {
  const { challenge, subject } = await takeChallenge(deps, input.credential.response.clientDataJSON, 'register');
  if (subject !== input.enrolmentId) throw new AppError('challenge_invalid', 'This request belongs to another registration.');
  const { enrolment, db } = await readLiveEnrolment(deps, input.enrolmentId, 'approved');
  if (await readAccountByIdNumber(db, enrolment.idNumber)) {
    throw new AppError('account_exists', 'This ID number already has an account.');
  }
  const device = await verifyNewDeviceKey(deps, input.deviceKey, 'register', challenge);
  const passkey = await verifyRegistration(deps, input.credential, challenge);
  if (await credentialIdTaken(deps, passkey.credentialId)) {
    throw new AppError('credential_exists', 'This passkey is already registered.');
  }
  // Level 2: the approval whose activation code this registration used (not one made since), and
  // the officer who recorded the phone at the desk, for the four-eyes rule on device change.
  const approval = enrolment.level === 2 ? await readLevel2Approval(db, enrolment.idNumber) : null;
  if (enrolment.level === 2 && (!approval || approval.usedAt !== null || approval.activationCodeHash !== null || approval.phone !== enrolment.phone)) {
    throw new AppError('enrolment_invalid', 'This approval has changed or was used. Ask at the police station.');
  }
  const account: Account = {
    id: enrolment.accountId,
    idNumber: enrolment.idNumber,
    level: enrolment.level,
    status: 'active',
    lockedBy: null,
    phone: enrolment.phone,
    email: enrolment.email,
    phoneOfficerId: approval?.officerId ?? null,
    phoneOfficerAt: approval?.approvedAt ?? null,
    createdAt: deps.now,
    updatedAt: deps.now,
  };
  try {
    // One transaction on the shard: the account never exists without its passkey and device key,
    // and the registration is activated only with them; the directory reserves the device key and
    // the credential across shards first (bindNewDevice). Of two finishes racing, the second fails
    // on the directory or on the account's id (the same for both) and leaves nothing; a failed
    // batch leaves the registration approved, to be finished with fresh options.
    await bindNewDevice(deps, db, { accountId: account.id, deviceKeyId: device.keyId, credentialId: passkey.credentialId }, [
      transitionEnrolmentStatement(db, enrolment.id, 'approved', 'activated'),
      insertAccountStatement(db, account),
      ...bindDeviceStatements(deps, db, account.id, { keyId: device.keyId, publicKey: device.publicKey, label: input.deviceKey.label ?? null }, passkey),
      recordAudit(
        deps,
        {
          at: deps.now,
          actor: `account:${account.id}`,
          action: 'account.activated',
          subject: account.id,
          detail: { level: enrolment.level, deviceKeyId: device.keyId, backupEligible: passkey.backupEligible },
        },
        db,
      ).statement,
      // A level-2 activation uses up the officer's approval in the same transaction.
      ...(enrolment.level === 2 ? [useLevel2ApprovalStatement(db, enrolment.idNumber, deps.now)] : []),
    ]);
  } catch (err) {
    if (err instanceof AppError) throw err;
    // A concurrent activation won the race on one of the unique keys.
    const message = err instanceof Error ? err.message : '';
    if (message.includes('device_keys')) throw new AppError('device_already_bound', 'This device already holds an account.');
    if (message.includes('passkeys')) throw new AppError('credential_exists', 'This passkey is already registered.');
    if (message.includes('accounts')) throw new AppError('account_exists', 'This ID number already has an account.');
    throw err;
  }
  // The officer's level-2 approval promised the e-ID card: it is issued now, bound to this phone's key.
  if (enrolment.level === 2) await issueToBoundDevice(deps, account);
  return { account, deviceKeyId: device.keyId };
}
