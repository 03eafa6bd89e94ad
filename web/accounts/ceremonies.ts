/**
 * The passkey ceremonies of an account's life: a fresh assertion with a device-key proof
 * for one action (approve a new device, unlock, change the phone), and the new phone's
 * passkey + device key at the end of a device change. Officers' passkeys (no device key)
 * are here too. Never throws: results are `ApiResult`s.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { StepUpRequest } from '../../shared/accounts';
import type { DeviceProofPurpose } from '../../shared/device-key';
import type { ApiError, ApiResult } from '../api';
import { describeDevice, ensureDeviceKey, getDeviceKey, proveDevice } from '../wallet/device-key';
import { ceremonyError, fail, loadWebAuthn } from '../wallet/passkey';

async function webauthn() {
  try {
    const lib = await loadWebAuthn();
    if (!lib.browserSupportsWebAuthn()) return fail('passkey_unsupported', 'This browser has no WebAuthn.');
    return { ok: true as const, lib };
  } catch (err) {
    return fail('network', err instanceof Error ? err.message : 'Could not load the passkey module.');
  }
}

/** A shared schema types extension results as a plain record: a spread gives the DOM interface that shape. */
function plain<T extends { clientExtensionResults: object }>(credential: T): Omit<T, 'clientExtensionResults'> & { clientExtensionResults: Record<string, unknown> } {
  const extensions: Record<string, unknown> = { ...credential.clientExtensionResults };
  return { ...credential, clientExtensionResults: extensions };
}

/** Assertion + this phone's device-key proof over the same challenge. */
export async function assertWithDevice(options: PublicKeyCredentialRequestOptionsJSON, purpose: DeviceProofPurpose): Promise<ApiResult<StepUpRequest>> {
  const ready = await webauthn();
  if (!ready.ok) return ready;
  let key;
  try {
    key = await getDeviceKey();
  } catch {
    key = null;
  }
  if (!key) return fail('device_proof_required', 'This phone holds no device key.');
  let credential;
  try {
    credential = await ready.lib.startAuthentication({ optionsJSON: options });
  } catch (err) {
    return ceremonyError(err);
  }
  return { ok: true, data: { credential: plain(credential), deviceKey: { keyId: key.keyId, signature: await proveDevice(key, purpose, options.challenge) } } };
}

/** This phone's device key id, made now if the phone has none (the new phone of a device change). */
export async function thisDeviceKeyId(): Promise<ApiResult<string>> {
  try {
    return { ok: true, data: (await ensureDeviceKey()).keyId };
  } catch (err) {
    return fail('device_storage', err instanceof Error ? err.message : 'Could not keep the device key.');
  }
}

/** The new phone's passkey and device key over the registration challenge (device change, level-2 activation). */
export async function createWithDevice(options: PublicKeyCredentialCreationOptionsJSON) {
  const ready = await webauthn();
  if (!ready.ok) return ready;
  let key;
  try {
    key = await ensureDeviceKey();
  } catch (err) {
    return fail('device_storage', err instanceof Error ? err.message : 'Could not keep the device key.');
  }
  let credential;
  try {
    credential = await ready.lib.startRegistration({ optionsJSON: options });
  } catch (err) {
    return ceremonyError(err);
  }
  return {
    ok: true as const,
    data: {
      credential: plain(credential),
      deviceKey: { publicKey: key.publicKey, signature: await proveDevice(key, 'register', options.challenge), label: describeDevice(navigator.userAgent) },
    },
  };
}

/** An officer's passkey: no device key (desk computers are shared). */
export async function officerCreate(options: PublicKeyCredentialCreationOptionsJSON) {
  const ready = await webauthn();
  if (!ready.ok) return ready;
  try {
    return { ok: true as const, data: plain(await ready.lib.startRegistration({ optionsJSON: options })) };
  } catch (err) {
    return ceremonyError(err);
  }
}

export async function officerAssert(options: PublicKeyCredentialRequestOptionsJSON) {
  const ready = await webauthn();
  if (!ready.ok) return ready;
  try {
    return { ok: true as const, data: plain(await ready.lib.startAuthentication({ optionsJSON: options })) };
  } catch (err) {
    return ceremonyError(err);
  }
}
