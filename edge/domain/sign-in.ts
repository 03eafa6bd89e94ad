/**
 * Usernameless sign-in: a passkey assertion and a device-key signature over the same
 * server challenge. The passkey proves the person; the device key proves the phone.
 */
import type { SignInVerifyInput } from '../../shared/api';
import { readAccount, type Account } from '../store/accounts';
import { insertAudit } from '../store/audit';
import { touchDeviceKey } from '../store/device-keys';
import { advancePasskeyCounter, readPasskey } from '../store/passkeys';
import type { Deps } from './deps';
import { verifyDeviceProof } from './devices';
import { AppError } from './errors';
import { takeChallenge, verifyAssertion } from './passkeys';

export async function verifySignIn(deps: Deps, input: SignInVerifyInput): Promise<{ account: Account; deviceKeyId: string }> {
  const { challenge } = await takeChallenge(deps, input.credential.response.clientDataJSON, 'signin');
  const passkey = await readPasskey(deps.db, input.credential.id);
  if (!passkey || passkey.revokedAt !== null) throw new AppError('credential_unknown', 'This passkey is not registered.');
  const account = await readAccount(deps.db, passkey.accountId);
  if (!account) throw new AppError('credential_unknown', 'This passkey is not registered.');
  // A discoverable credential must return the user handle it was created with (WebAuthn §7.2 step 6).
  if (input.credential.response.userHandle !== account.id) {
    throw new AppError('user_handle_mismatch', 'This passkey does not belong to this account.');
  }
  if (account.status === 'locked') throw new AppError('account_locked', 'This account is temporarily locked.');
  const device = await verifyDeviceProof(deps, input.deviceKey, account.id, 'signin', challenge);
  const { newCounter, backedUp } = await verifyAssertion(deps, input.credential, challenge, passkey);
  if (!(await advancePasskeyCounter(deps.db, passkey.credentialId, passkey.counter, newCounter, backedUp, deps.now))) {
    throw new AppError('counter_regression', 'This passkey was used at the same moment elsewhere. Sign-in refused.');
  }
  await touchDeviceKey(deps.db, device.keyId, deps.now);
  await insertAudit(deps.db, {
    at: deps.now,
    actor: `account:${account.id}`,
    action: 'signin',
    subject: account.id,
    detail: { deviceKeyId: device.keyId, credentialId: passkey.credentialId.slice(0, 12) },
  });
  return { account, deviceKeyId: device.keyId };
}
