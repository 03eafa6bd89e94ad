/**
 * A fresh passkey assertion together with a device-key proof over the same challenge, for
 * one action (approve a new device, unlock, change the phone number). A session is not
 * enough for these: it proves someone signed in a while ago, not that the person is here
 * now with the bound phone.
 */
import type { DeviceProofPurpose } from '../../shared/device-key';
import type { AuthenticationResponseInput } from '../../shared/api';
import { readAccount, type Account } from '../store/accounts';
import { touchDeviceKey, type DeviceKey } from '../store/device-keys';
import { advancePasskeyCounter, listPasskeys, readPasskey, type Passkey } from '../store/passkeys';
import type { Deps } from './deps';
import { verifyDeviceProof } from './devices';
import { AppError } from './errors';
import { createAuthenticationOptions, takeChallenge, verifyAssertion, type ChallengePurpose } from './passkeys';

/**
 * Request options for one action. With an account, only its passkeys in force are allowed
 * (those registered with `deviceKeyId` first, so the bound phone's own passkey is offered).
 */
export async function createStepUpOptions(
  deps: Deps,
  input: { purpose: ChallengePurpose; subject: string; account?: Pick<Account, 'id' | 'idNumber'>; deviceKeyId?: string },
) {
  let allowCredentials: Array<{ id: string; transports: string[] }> | undefined;
  if (input.account) {
    const live = (await listPasskeys(deps.shards.dbFor(input.account.idNumber), input.account.id)).filter((p) => p.revokedAt === null);
    const onDevice = live.filter((p) => p.deviceKeyId === input.deviceKeyId);
    allowCredentials = (onDevice.length ? onDevice : live).map((p) => ({ id: p.credentialId, transports: p.transports }));
  }
  return createAuthenticationOptions(deps, { purpose: input.purpose, subject: input.subject, ...(allowCredentials ? { allowCredentials } : {}) });
}

/**
 * Verifies a step-up: the challenge (single use, for this purpose and subject), the passkey
 * (in force, of the expected account, user handle matched — and required when no account is
 * expected, as the options then named no credentials —, UV, counter moved by
 * compare-and-swap) and the device-key proof (bound to the same account, the expected
 * device when one is given). Returns who and which device.
 */
export async function verifyStepUp(
  deps: Deps,
  input: { credential: AuthenticationResponseInput; deviceKey: { keyId: string; signature: string } | undefined },
  purpose: ChallengePurpose & DeviceProofPurpose,
  expect: { subject?: string; account?: Pick<Account, 'id' | 'idNumber'>; deviceKeyId?: string },
): Promise<{ account: Account; device: DeviceKey; passkey: Passkey }> {
  const { challenge, subject } = await takeChallenge(deps, input.credential.response.clientDataJSON, purpose);
  if (expect.subject !== undefined && subject !== expect.subject) {
    throw new AppError('challenge_invalid', 'This confirmation belongs to another request. Start again.');
  }
  // WebAuthn §7.2 step 6: the user handle, when returned, is the account's. With no account
  // expected the options named no credentials (allowCredentials is sent exactly when the account
  // is known: createStepUpOptions; the usernameless unlock), and then the response must carry
  // the user handle: it is what says whose passkey this is (step 6, second case), and it names
  // the shard the passkey is on.
  const userHandle = input.credential.response.userHandle;
  if (userHandle === undefined && expect.account === undefined) {
    throw new AppError('user_handle_mismatch', 'The passkey did not say which account it belongs to.');
  }
  // The passkey is looked for on the shard of the account expected, or else of the one its user
  // handle names (a routing key); a passkey not there is not that account's.
  const db = expect.account ? deps.shards.dbFor(expect.account.idNumber) : userHandle ? await deps.shards.dbForKey(userHandle) : null;
  const named = expect.account?.id ?? userHandle;
  const passkey = db ? await readPasskey(db, input.credential.id) : null;
  if (!passkey && db && named && (expect.account || (await readAccount(db, named)))) {
    throw new AppError('user_handle_mismatch', 'This passkey belongs to another account.');
  }
  if (!db || !passkey || passkey.revokedAt !== null) throw new AppError('credential_unknown', 'This passkey is not registered.');
  if (expect.account !== undefined && passkey.accountId !== expect.account.id) {
    throw new AppError('user_handle_mismatch', 'This passkey belongs to another account.');
  }
  const account = await readAccount(db, passkey.accountId);
  if (!account) throw new AppError('credential_unknown', 'This passkey is not registered.');
  if (userHandle !== undefined && userHandle !== account.id) {
    throw new AppError('user_handle_mismatch', 'This passkey does not belong to this account.');
  }
  const device = await verifyDeviceProof(deps, input.deviceKey, account, purpose, challenge);
  if (expect.deviceKeyId !== undefined && device.keyId !== expect.deviceKeyId) {
    throw new AppError('device_proof_invalid', 'Confirm on the phone you are signed in on.');
  }
  const { newCounter, backedUp } = await verifyAssertion(deps, input.credential, challenge, passkey);
  if (!(await advancePasskeyCounter(db, passkey.credentialId, passkey.counter, newCounter, backedUp, deps.now))) {
    throw new AppError('counter_regression', 'This passkey was used at the same moment elsewhere. Refused.');
  }
  await touchDeviceKey(db, device.keyId, deps.now);
  return { account, device, passkey };
}
