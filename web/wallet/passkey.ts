/**
 * The two ceremonies that pair a passkey (the person) with the device key (this phone):
 * activating a new account on this device, and signing in. Both sign the server's
 * challenge with the device key, so a synced passkey alone never opens the account elsewhere.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { Me } from '../../shared/api';
import { api, type ApiError, type ApiResult } from '../api';
import { describeDevice, ensureDeviceKey, getDeviceKey, proveDevice } from './device-key';

type WebAuthn = typeof import('./webauthn');

let webauthn: Promise<WebAuthn> | null = null;

/** Loads the WebAuthn helper chunk; screens call this early so the prompt opens at once on tap. */
export function loadWebAuthn(): Promise<WebAuthn> {
  webauthn ??= import('./webauthn').catch((err: unknown) => {
    webauthn = null;
    throw err;
  });
  return webauthn;
}

export function fail(code: ApiError['code'], message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message } };
}

/** Maps what the browser's WebAuthn call threw to a code the screens explain. */
export function ceremonyError(err: unknown): { ok: false; error: ApiError } {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  // NotAllowedError: the person cancelled, or the prompt timed out (the spec does not tell which).
  if (name === 'NotAllowedError' || name === 'AbortError') return fail('passkey_cancelled', message);
  if (name === 'NotSupportedError' || name === 'SecurityError' || name === 'ConstraintError') return fail('passkey_unsupported', message);
  return fail('webauthn_failed', message);
}

async function prepare(): Promise<{ ok: true; lib: WebAuthn } | { ok: false; error: ApiError }> {
  let lib: WebAuthn;
  try {
    lib = await loadWebAuthn();
  } catch (err) {
    return fail('network', err instanceof Error ? err.message : 'Could not load the passkey module.');
  }
  if (!lib.browserSupportsWebAuthn()) return fail('passkey_unsupported', 'This browser has no WebAuthn.');
  return { ok: true, lib };
}

/**
 * Registration step 3: create the passkey and bind this phone's device key to the new
 * account. `options` are the creation options from `POST /api/enrol/verify`, or null to
 * fetch fresh ones (after a cancelled prompt: a challenge is used once).
 */
export async function activateThisDevice(
  enrolmentId: string,
  options: PublicKeyCredentialCreationOptionsJSON | null,
): Promise<ApiResult<Me>> {
  const ready = await prepare();
  if (!ready.ok) return ready;
  if (!options) {
    const fresh = await api.enrolOptions(enrolmentId);
    if (!fresh.ok) return fresh;
    options = fresh.data.options;
  }
  let key;
  try {
    key = await ensureDeviceKey();
  } catch (err) {
    return fail('device_storage', err instanceof Error ? err.message : 'Could not keep the device key.');
  }
  let credential;
  try {
    // PRF (hmac-secret) is asked for at creation, so the passkey can later open the wallet offline (wallet/prf.ts).
    credential = await ready.lib.startRegistration({ optionsJSON: { ...options, extensions: { ...options.extensions, prf: {} } as typeof options.extensions } });
  } catch (err) {
    return ceremonyError(err);
  }
  const signature = await proveDevice(key, 'register', options.challenge);
  return api.enrolFinish({
    enrolmentId,
    credential: { ...credential, clientExtensionResults: { ...credential.clientExtensionResults } },
    deviceKey: { publicKey: key.publicKey, signature, label: describeDevice(navigator.userAgent) },
  });
}

/** Request options fetched ahead of the tap, so the passkey prompt opens inside the tap's user gesture. */
export interface SignInPreparation {
  options: PublicKeyCredentialRequestOptionsJSON;
  fetchedAt: number;
}

/** Fetches sign-in options and the WebAuthn chunk; call when the sign-in screen opens. */
export async function prepareSignIn(): Promise<ApiResult<SignInPreparation>> {
  const ready = await prepare();
  if (!ready.ok) return ready;
  const result = await api.signInOptions();
  if (!result.ok) return result;
  return { ok: true, data: { options: result.data.options, fetchedAt: Date.now() } };
}

/** The server keeps a sign-in challenge two minutes; prepared options older than this are fetched again. */
const FRESH_MS = 90_000;

/** Usernameless sign-in: the passkey picks the account, the device key proves the phone. */
export async function signInWithPasskey(prepared: SignInPreparation | null): Promise<ApiResult<Me>> {
  if (!prepared || Date.now() - prepared.fetchedAt > FRESH_MS) {
    const fresh = await prepareSignIn();
    if (!fresh.ok) return fresh;
    prepared = fresh.data;
  }
  const ready = await prepare();
  if (!ready.ok) return ready;
  const { options } = prepared;
  let credential;
  try {
    credential = await ready.lib.startAuthentication({ optionsJSON: options });
  } catch (err) {
    return ceremonyError(err);
  }
  let key;
  try {
    key = await getDeviceKey();
  } catch {
    key = null;
  }
  // Without a device key the edge answers device_proof_required: this phone is not bound.
  const deviceKey = key ? { keyId: key.keyId, signature: await proveDevice(key, 'signin', options.challenge) } : undefined;
  // The shared schema types extension results as a plain record; a spread gives the DOM interface that shape.
  const body = { credential: { ...credential, clientExtensionResults: { ...credential.clientExtensionResults } } };
  return api.signInVerify(deviceKey ? { ...body, deviceKey } : body);
}
