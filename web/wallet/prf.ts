/**
 * The passkey's PRF extension (WebAuthn Level 3, §10.1.4; CTAP2 hmac-secret): the
 * authenticator turns a salt into 32 secret bytes only after user verification, and only
 * for this passkey. The wallet uses them as a second way to unwrap its key, offline: the
 * assertion itself is never sent anywhere, so the challenge is just random.
 */
import { fromBase64Url, toBase64Url } from '../../shared/bytes';

interface PrfResults {
  prf?: { enabled?: boolean; results?: { first?: BufferSource } };
}

/** Whether the browser says it supports the PRF extension (Chrome ≥ 133 answers getClientCapabilities). */
export async function browserSupportsPrf(): Promise<boolean> {
  try {
    const pkc = globalThis.PublicKeyCredential as unknown as { getClientCapabilities?: () => Promise<Record<string, boolean>> } | undefined;
    if (!pkc?.getClientCapabilities) return false;
    return (await pkc.getClientCapabilities())['extension:prf'] === true;
  } catch {
    return false;
  }
}

/**
 * Asks the passkey (the one with `credentialId`, or any of this site's when null) to
 * evaluate the PRF at `salt`. Null when the person cancelled, or the passkey has no PRF.
 */
export async function evaluatePrf(salt: Uint8Array<ArrayBuffer>, credentialId: string | null): Promise<{ credentialId: string; output: BufferSource } | null> {
  const id = credentialId ? fromBase64Url(credentialId) : null;
  const publicKey: PublicKeyCredentialRequestOptions = {
    challenge: crypto.getRandomValues(new Uint8Array(32)),
    userVerification: 'required',
    timeout: 60_000,
    allowCredentials: id ? [{ type: 'public-key', id }] : [],
    extensions: { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs,
  };
  try {
    const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential | null;
    if (!credential) return null;
    const first = (credential.getClientExtensionResults() as PrfResults).prf?.results?.first;
    if (!first) return null;
    return { credentialId: toBase64Url(new Uint8Array(credential.rawId)), output: first };
  } catch {
    return null;
  }
}
