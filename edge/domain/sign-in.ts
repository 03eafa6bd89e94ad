/**
 * Usernameless sign-in: a passkey assertion and a device-key signature over the same
 * server challenge. The passkey proves the person; the device key proves the phone.
 *
 * D1 round trips (edge/store/sign-in.ts): the options make none (the challenge is signed,
 * not stored: edge/domain/signed-challenge.ts); the verification makes two (read everything
 * and mark the challenge used, then write everything) and, alongside the write, the registry
 * look-up for the answer. It used to be two and twelve: the rate limit, the challenge, the
 * passkey, the account, the device key, the counter, the device's last use, the audit
 * event, the session, and the account and device read again after it, each on its own;
 * under load those round trips were most of a sign-in's cost.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Me, SignInVerifyInput } from '../../shared/api';
import type { Account } from '../store/accounts';
import { readSignIn, recordSignIn } from '../store/sign-in';
import { describeAccount } from './accounts';
import { newToken, sha256Base64Url } from './crypto';
import type { Deps } from './deps';
import { checkDeviceProof } from './devices';
import { AppError } from './errors';
import { authenticationOptions, challengeOf, SIGN_IN_CHALLENGE_TTL_MS, verifyAssertion } from './passkeys';
import { enforceRateLimit, LIMITS, refuseOverLimit } from './rate-limit';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from './sessions';
import { mintChallenge, openChallenge } from './signed-challenge';

const signInRule = (clientKey: string) => ({ key: `signin:client:${clientKey}`, ...LIMITS.signInPerClient });
/** The purpose a sign-in challenge is signed for, and the one its used-mark is stored under. */
const PURPOSE = 'signin';

/**
 * Options for a usernameless sign-in. Nothing is stored: the challenge is signed with its
 * expiry, so asking for options costs the edge no database work and a flood of them fills
 * nothing (the verifications are what is limited per client).
 */
export async function createSignInOptions(deps: Deps): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const challenge = await mintChallenge(deps.config.sessionSecret, PURPOSE, deps.now + SIGN_IN_CHALLENGE_TTL_MS);
  return authenticationOptions(deps, undefined, challenge);
}

/**
 * Counts a sign-in attempt that failed before it reached storage (a body that is not a
 * sign-in at all): every attempt counts against the client's limit, well-formed or not.
 */
export async function countSignInAttempt(deps: Deps, clientKey: string): Promise<void> {
  const rule = signInRule(clientKey);
  await enforceRateLimit(deps.db, rule.key, rule, deps.now);
}

/** Verifies a sign-in and starts a session. Returns the session token and the account summary. */
export async function signIn(
  deps: Deps,
  input: SignInVerifyInput,
  clientKey: string,
): Promise<{ account: Account; deviceKeyId: string; token: string; me: Me }> {
  const rule = signInRule(clientKey);
  let challenge: string;
  try {
    challenge = challengeOf(input.credential.response.clientDataJSON);
  } catch (err) {
    await countSignInAttempt(deps, clientKey);
    throw err;
  }
  const opened = await openChallenge(deps.config.sessionSecret, PURPOSE, challenge);
  if (!opened || opened.expiresAt <= deps.now) {
    await countSignInAttempt(deps, clientKey);
    if (!opened) throw new AppError('challenge_invalid', 'This request was already used or is unknown. Start again.');
    throw new AppError('challenge_invalid', 'This request has expired. Start again.');
  }
  const userHandle = input.credential.response.userHandle;
  const rows = await readSignIn(deps.db, {
    rule,
    now: deps.now,
    challenge,
    usedPurpose: `used:${PURPOSE}`,
    challengeExpiresAt: opened.expiresAt,
    credentialId: input.credential.id,
    accountId: userHandle ?? '',
    deviceKeyId: input.deviceKey?.keyId ?? '',
  });
  refuseOverLimit(rows.hit, rule, deps.now);
  if (!rows.challengeFresh) throw new AppError('challenge_invalid', 'This request was already used or is unknown. Start again.');
  const passkey = rows.passkey;
  if (!passkey || passkey.revokedAt !== null) throw new AppError('credential_unknown', 'This passkey is not registered.');
  // A discoverable credential must return the user handle it was created with (WebAuthn §7.2 step 6).
  if (userHandle !== passkey.accountId) throw new AppError('user_handle_mismatch', 'This passkey does not belong to this account.');
  const account = rows.account;
  if (!account) throw new AppError('credential_unknown', 'This passkey is not registered.');
  if (account.status === 'locked') throw new AppError('account_locked', 'This account is temporarily locked.');
  const device = await checkDeviceProof(rows.device, input.deviceKey, account.id, 'signin', challenge);
  const { newCounter, backedUp } = await verifyAssertion(deps, input.credential, challenge, passkey);

  const token = newToken();
  const [written, me] = await Promise.all([
    recordSignIn(deps.db, {
      credentialId: passkey.credentialId,
      expectedCounter: passkey.counter,
      newCounter,
      backedUp,
      deviceKeyId: device.keyId,
      session: {
        tokenHash: await sha256Base64Url(token),
        accountId: account.id,
        deviceKeyId: device.keyId,
        createdAt: deps.now,
        expiresAt: deps.now + SESSION_IDLE_MS,
        absoluteExpiresAt: deps.now + SESSION_MAX_MS,
      },
      audit: {
        at: deps.now,
        actor: `account:${account.id}`,
        action: 'signin',
        subject: account.id,
        detail: { deviceKeyId: device.keyId, credentialId: passkey.credentialId.slice(0, 12) },
      },
    }),
    describeAccount(deps, account, device.keyId),
  ]);
  if (!written.counterMoved) throw new AppError('counter_regression', 'This passkey was used at the same moment elsewhere. Sign-in refused.');
  if (!written.sessionStored) {
    // A lock or a device change landed between the checks and the write.
    if (written.accountStatus === 'locked') throw new AppError('account_locked', 'This account is temporarily locked.');
    throw new AppError('device_unknown', 'This device is no longer bound to the account.');
  }
  return { account, deviceKeyId: device.keyId, token, me };
}
