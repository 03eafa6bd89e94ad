/**
 * Usernameless sign-in: a passkey assertion and a device-key signature over the same
 * server challenge. The passkey proves the person; the device key proves the phone.
 *
 * D1 round trips (edge/store/sign-in.ts): the options make none (the challenge is signed,
 * not stored: edge/domain/signed-challenge.ts); the verification makes three: two reads at the
 * same time — the client's count and the challenge's used-mark on the main database, the passkey,
 * account and device key on the account's shard, which the user handle names (it is the account
 * id, a routing key: store/shard-keys.ts) — then one write on the shard, which also reads the
 * registry's record for the answer where the registry lives on that shard (the synthetic one;
 * an outside registry is asked alongside). It used to be two and twelve: the rate limit, the
 * challenge, the passkey, the account, the device key, the counter, the device's last use, the
 * audit event, the session, and the account and device read again after it, each on its own;
 * under load those round trips were most of a sign-in's cost.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Me, SignInVerifyInput } from '../../shared/api';
import type { Account } from '../store/accounts';
import { countSignIn, readSignIn, recordSignIn, type SignInRows } from '../store/sign-in';
import { describeAccount } from './accounts';
import { sha256Base64Url } from './crypto';
import type { Deps } from './deps';
import { checkDeviceProof, deviceProofError } from './devices';
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
  // The user handle is the account id: its routing key names the shard (none: nothing to read there).
  const userHandle = input.credential.response.userHandle;
  const db = userHandle ? await deps.shards.dbForKey(userHandle) : null;
  const none: SignInRows = { passkey: null, account: null, device: null };
  const [count, rows] = await Promise.all([
    countSignIn(deps.db, { rule, now: deps.now, challenge, usedPurpose: `used:${PURPOSE}`, challengeExpiresAt: opened.expiresAt }),
    db ? readSignIn(db, { credentialId: input.credential.id, accountId: userHandle!, deviceKeyId: input.deviceKey?.keyId ?? '' }) : none,
  ]);
  refuseOverLimit(count.hit, rule, deps.now);
  if (!count.challengeFresh) throw new AppError('challenge_invalid', 'This request was already used or is unknown. Start again.');
  const passkey = rows.passkey;
  // A passkey not on the shard of the account its user handle names is not that account's (WebAuthn §7.2 step 6).
  if (!passkey && rows.account) throw new AppError('user_handle_mismatch', 'This passkey does not belong to this account.');
  if (!passkey || passkey.revokedAt !== null) throw new AppError('credential_unknown', 'This passkey is not registered.');
  // A discoverable credential must return the user handle it was created with (WebAuthn §7.2 step 6).
  if (userHandle !== passkey.accountId) throw new AppError('user_handle_mismatch', 'This passkey does not belong to this account.');
  const account = rows.account;
  if (!account || !db) throw new AppError('credential_unknown', 'This passkey is not registered.');
  if (account.status === 'locked') throw new AppError('account_locked', 'This account is temporarily locked.');
  // A device key not on this shard may be another account's (the directory knows every bound key).
  if (!rows.device && input.deviceKey) throw await deviceProofError(deps, input.deviceKey.keyId);
  const device = await checkDeviceProof(rows.device, input.deviceKey, account.id, 'signin', challenge);
  const { newCounter, backedUp } = await verifyAssertion(deps, input.credential, challenge, passkey);

  const token = await deps.shards.newToken(account.idNumber);
  // Where the registry keeps its records on this shard, its read joins the write's round trip.
  const citizenRead = deps.registry.citizenStatement?.(db, account.idNumber) ?? null;
  const [written, citizen] = await Promise.all([
    recordSignIn(db, {
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
    }, citizenRead ? [citizenRead.statement] : []),
    citizenRead ? null : deps.registry.findCitizen(account.idNumber),
  ]);
  if (!written.counterMoved) throw new AppError('counter_regression', 'This passkey was used at the same moment elsewhere. Sign-in refused.');
  if (!written.sessionStored) {
    // A lock or a device change landed between the checks and the write.
    if (written.accountStatus === 'locked') throw new AppError('account_locked', 'This account is temporarily locked.');
    throw new AppError('device_unknown', 'This device is no longer bound to the account.');
  }
  const me = await describeAccount(deps, account, device.keyId, citizenRead ? citizenRead.read(written.also[0]!) : citizen);
  return { account, deviceKeyId: device.keyId, token, me };
}
