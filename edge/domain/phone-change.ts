/**
 * Phone-number change online (seeds, level-1 utility 8). The phone is what locks from a
 * computer and device change rely on, so changing it needs the person and the bound phone
 * *now* (a fresh passkey assertion with a device-key proof, not just a session), the new
 * number is confirmed by an SMS code sent to it, and the old number is told.
 */
import type { AuthenticationResponseInput } from '../../shared/api';
import { maskPhone } from '../../shared/api';
import { finishAccountRequest, insertAccountRequest, readAccountRequest, type AccountRequest } from '../store/account-requests';
import { changeAccountPhoneStatement, readAccount, type Account } from '../store/accounts';
import { cancelOpenDeviceChangesStatement } from '../store/device-changes';
import { recordAudit } from './audit';
import type { Deps } from './deps';
import { AppError } from './errors';
import { ACCOUNT_REQUEST_TTL_MS } from './lock';
import { notify, vnTime } from './notices';
import { enforceRateLimit, LIMITS } from './rate-limit';
import { createStepUpOptions, verifyStepUp } from './reauth';
import { checkSmsCode, sendSmsCode } from './sms-codes';

/** Options for the fresh assertion, limited to the account's passkeys (this phone's first). */
export function createPhoneChangeOptions(deps: Deps, account: Account, sessionDeviceKeyId: string) {
  return createStepUpOptions(deps, { purpose: 'change-phone', subject: account.id, account, deviceKeyId: sessionDeviceKeyId });
}

/** Step 1: passkey + device key now; an SMS code goes to the new number. */
export async function startPhoneChange(
  deps: Deps,
  account: Account,
  sessionDeviceKeyId: string,
  input: { phone: string; credential: AuthenticationResponseInput; deviceKey: { keyId: string; signature: string } },
) {
  await enforceRateLimit(deps.db, `phone-change:account:${account.id}`, LIMITS.phoneChangePerAccount, deps.now);
  const { device } = await verifyStepUp(deps, input, 'change-phone', { subject: account.id, account, deviceKeyId: sessionDeviceKeyId });
  if (input.phone === account.phone) throw new AppError('validation_failed', 'This is already the phone number of the account.');
  const request: AccountRequest = {
    id: await deps.shards.newId(account.idNumber),
    kind: 'phone',
    accountId: account.id,
    deviceKeyId: device.keyId,
    newPhone: input.phone,
    state: 'code_sent',
    createdAt: deps.now,
    expiresAt: deps.now + ACCOUNT_REQUEST_TTL_MS,
  };
  await insertAccountRequest(deps.shards.dbFor(account.idNumber), request);
  const { expiresAt } = await sendSmsCode(deps, {
    flowId: `phone:${request.id}`,
    purpose: 'phone',
    phone: input.phone,
    message: (code) => `VNeID: Ma xac thuc DOI SO DIEN THOAI tai khoan dinh danh dien tu: ${code}. Hieu luc 5 phut. Khong cung cap ma cho bat ky ai.`,
  });
  return { requestId: request.id, phoneMasked: maskPhone(input.phone), codeExpiresAt: expiresAt };
}

/** Step 2: the code from the new number changes it; the old number gets a notice. */
export async function confirmPhoneChange(deps: Deps, account: Account, input: { requestId: string; code: string }): Promise<Account> {
  const db = deps.shards.dbFor(account.idNumber);
  const request = await readAccountRequest(db, input.requestId);
  if (!request || request.kind !== 'phone' || request.accountId !== account.id || request.state !== 'code_sent' || request.expiresAt <= deps.now || !request.newPhone) {
    throw new AppError('request_invalid', 'This request has expired or is finished. Start again.');
  }
  await checkSmsCode(deps, `phone:${request.id}`, input.code);
  if (!(await finishAccountRequest(db, request.id))) throw new AppError('request_invalid', 'This request is already finished.');
  const [changed] = await db.batch([
    changeAccountPhoneStatement(db, account.id, account.phone, request.newPhone, deps.now),
    recordAudit(
      deps,
      { at: deps.now, actor: `account:${account.id}`, action: 'phone.changed', subject: account.id, detail: { from: maskPhone(account.phone), to: maskPhone(request.newPhone) } },
      db,
    ).statement,
    // A device change opened with an SMS code to the old number (a swapped SIM, say) ends with it.
    cancelOpenDeviceChangesStatement(db, account.id, deps.now),
  ]);
  if (changed?.meta.changes !== 1) throw new AppError('request_invalid', 'The phone number changed meanwhile. Start again.');
  // The old number hears of it: if someone else did this, its owner can act.
  await notify(deps, { phone: account.phone, email: account.email }, {
    sms: `VNeID: So dien thoai cua tai khoan dinh danh dien tu da doi sang ${maskPhone(request.newPhone)} luc ${vnTime(deps.now)}. Neu khong phai ban, hay den co quan Cong an ngay.`,
    subject: 'Số điện thoại của tài khoản định danh điện tử đã thay đổi',
    body: `Lúc ${vnTime(deps.now)}, số điện thoại của tài khoản định danh điện tử đã đổi sang ${maskPhone(request.newPhone)}.\n\nNếu không phải bạn, hãy đến cơ quan Công an ngay để khóa tài khoản (mã khóa qua SMS nay gửi tới số mới).`,
  });
  return (await readAccount(db, account.id)) ?? { ...account, phone: request.newPhone, updatedAt: deps.now };
}
