/**
 * The WebAuthn ceremonies, with the checks SimpleWebAuthn leaves to its caller
 * (https://www.w3.org/TR/webauthn-3/#sctn-registering-a-new-credential and
 * #sctn-verifying-assertion): the challenge is ours, stored, used once and expiring;
 * expected origins and RP ID always passed; user verification required; the sign counter
 * moved forward atomically; the backup-eligible flag compared with the stored one; a
 * duplicate credential ID refused; the user handle matched to the account.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeClientDataJSON, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponseInput, RegistrationResponseInput } from '../../shared/api';
import { fromBase64Url } from '../../shared/bytes';
import { consumeChallenge, insertChallenge } from '../store/challenges';
import type { Passkey } from '../store/passkeys';
import type { Deps } from './deps';
import { AppError } from './errors';

export const REGISTRATION_CHALLENGE_TTL_MS = 5 * 60_000;
export const SIGN_IN_CHALLENGE_TTL_MS = 2 * 60_000;
/** ES256 only: the algorithm every platform authenticator offers, and the one we verify fastest. */
const ALGORITHMS = [-7];

/**
 * What a stored challenge is for. A challenge is consumed only for its own purpose, so an
 * assertion made to approve a new device never passes as a sign-in, and so on.
 */
export type ChallengePurpose =
  | 'register'
  | 'signin'
  | 'device-change'
  | 'approve-device'
  | 'unlock'
  | 'change-phone'
  | 'officer-register'
  | 'officer-signin';

/** Makes creation options for a new account's passkey and stores their challenge. */
export async function createRegistrationOptions(
  deps: Deps,
  input: { accountId: string; userName: string; displayName: string; subject: string; purpose?: ChallengePurpose },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const userID = fromBase64Url(input.accountId);
  if (!userID) throw new AppError('internal', 'Account id is not base64url.');
  const options = await generateRegistrationOptions({
    rpName: deps.config.rpName,
    rpID: deps.config.rpId,
    userID,
    userName: input.userName,
    userDisplayName: input.displayName,
    timeout: REGISTRATION_CHALLENGE_TTL_MS,
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
    preferredAuthenticatorType: 'localDevice',
  });
  await insertChallenge(deps.db, {
    challenge: options.challenge,
    purpose: input.purpose ?? 'register',
    subject: input.subject,
    expiresAt: deps.now + REGISTRATION_CHALLENGE_TTL_MS,
  });
  return options;
}

/**
 * Makes request options for a usernameless sign-in (or, with a purpose, a subject and the
 * credentials allowed, a fresh assertion for one action) and stores their challenge.
 */
export async function createAuthenticationOptions(
  deps: Deps,
  input: { purpose?: ChallengePurpose; subject?: string; allowCredentials?: Array<{ id: string; transports: string[] }> } = {},
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await authenticationOptions(deps, input.allowCredentials);
  await insertChallenge(deps.db, {
    challenge: options.challenge,
    purpose: input.purpose ?? 'signin',
    subject: input.subject ?? null,
    expiresAt: deps.now + SIGN_IN_CHALLENGE_TTL_MS,
  });
  return options;
}

/**
 * Request options (the challenge not yet stored): user verification required, ES256 passkeys
 * of this RP. `challenge` (base64url) is one made by the caller; by default a random one.
 */
export function authenticationOptions(
  deps: Deps,
  allowCredentials?: Array<{ id: string; transports: string[] }>,
  challenge?: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const bytes = challenge === undefined ? undefined : fromBase64Url(challenge);
  if (bytes === null) throw new AppError('internal', 'Challenge is not base64url.');
  return generateAuthenticationOptions({
    rpID: deps.config.rpId,
    userVerification: 'required',
    timeout: SIGN_IN_CHALLENGE_TTL_MS,
    ...(bytes ? { challenge: bytes } : {}),
    ...(allowCredentials ? { allowCredentials: allowCredentials.map((c) => ({ id: c.id, transports: c.transports as never })) } : {}),
  });
}

/** The challenge a response's clientDataJSON names (not yet checked against storage). */
export function challengeOf(clientDataJSON: string): string {
  let challenge: string;
  try {
    challenge = decodeClientDataJSON(clientDataJSON).challenge;
  } catch {
    throw new AppError('challenge_invalid', 'The sign-in request is malformed. Start again.');
  }
  if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 128) {
    throw new AppError('challenge_invalid', 'The sign-in request is malformed. Start again.');
  }
  return challenge;
}

/** Refuses a challenge that storage did not give back (used, unknown, other purpose) or that has expired. */
export function checkTakenChallenge(stored: { expiresAt: number } | null, now: number): void {
  if (!stored) throw new AppError('challenge_invalid', 'This request was already used or is unknown. Start again.');
  if (stored.expiresAt <= now) throw new AppError('challenge_invalid', 'This request has expired. Start again.');
}

/**
 * Takes the challenge named in a response's clientDataJSON out of storage (single use)
 * and checks its purpose and expiry. Returns the challenge and its subject.
 */
export async function takeChallenge(
  deps: Deps,
  clientDataJSON: string,
  purpose: ChallengePurpose,
): Promise<{ challenge: string; subject: string | null }> {
  const stored = await consumeChallenge(deps.db, challengeOf(clientDataJSON), purpose);
  checkTakenChallenge(stored, deps.now);
  return { challenge: stored!.challenge, subject: stored!.subject };
}

/** Verifies a registration response against a consumed challenge. */
export async function verifyRegistration(
  deps: Deps,
  input: RegistrationResponseInput,
  expectedChallenge: string,
): Promise<{ credentialId: string; publicKey: Uint8Array<ArrayBuffer>; counter: number; backupEligible: boolean; backedUp: boolean; transports: string[] }> {
  // The schema at the edge has checked shape and sizes; the library checks the content.
  const response = input as RegistrationResponseJSON;
  let result;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: deps.config.origins,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (err) {
    throw mapCeremonyError(err);
  }
  if (!result.verified) throw new AppError('webauthn_failed', 'The passkey could not be verified.');
  const info = result.registrationInfo;
  if (!info.userVerified) throw new AppError('user_verification_required', 'The device must verify you (PIN, fingerprint or face).');
  return {
    credentialId: info.credential.id,
    publicKey: new Uint8Array(info.credential.publicKey),
    counter: info.credential.counter,
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backedUp: info.credentialBackedUp,
    transports: (info.credential.transports ?? response.response.transports ?? []).slice(0, 8),
  };
}

/** Verifies an assertion for a stored passkey; checks flags and counter first for precise errors. */
export async function verifyAssertion(
  deps: Deps,
  input: AuthenticationResponseInput,
  expectedChallenge: string,
  passkey: Passkey,
): Promise<{ newCounter: number; backedUp: boolean }> {
  const response = input as AuthenticationResponseJSON;
  const authData = fromBase64Url(response.response.authenticatorData);
  if (!authData) throw new AppError('webauthn_failed', 'The passkey response is malformed.');
  let parsed;
  try {
    parsed = parseAuthenticatorData(authData);
  } catch {
    throw new AppError('webauthn_failed', 'The passkey response is malformed.');
  }
  if (!parsed.flags.uv) throw new AppError('user_verification_required', 'The device must verify you (PIN, fingerprint or face).');
  // A credential's backup eligibility is fixed at creation (WebAuthn §6.1.3); a change means another authenticator.
  if (parsed.flags.be !== passkey.backupEligible) {
    throw new AppError('backup_state_changed', 'This passkey no longer matches the one registered.');
  }
  if ((parsed.counter > 0 || passkey.counter > 0) && parsed.counter <= passkey.counter) {
    throw new AppError('counter_regression', 'This passkey may have been cloned. Sign-in refused.');
  }
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: deps.config.origins,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      credential: { id: passkey.credentialId, publicKey: passkey.publicKey, counter: passkey.counter, transports: passkey.transports as never },
    });
  } catch (err) {
    throw mapCeremonyError(err);
  }
  if (!result.verified) throw new AppError('webauthn_failed', 'The passkey signature is not valid.');
  return { newCounter: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp };
}

function mapCeremonyError(err: unknown): AppError {
  const message = err instanceof Error ? err.message : '';
  if (/user verification (was )?required/i.test(message)) {
    return new AppError('user_verification_required', 'The device must verify you (PIN, fingerprint or face).');
  }
  if (/counter value/i.test(message)) return new AppError('counter_regression', 'This passkey may have been cloned. Sign-in refused.');
  // Origin, RP ID, type and signature failures all mean: this response is not for us.
  return new AppError('webauthn_failed', 'The passkey could not be verified for this site.');
}
