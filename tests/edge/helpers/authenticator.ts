/**
 * A software WebAuthn authenticator for tests: it builds real authenticator data, a real
 * "none" attestation object, real clientDataJSON and real ES256 signatures, so the edge's
 * verification code runs unchanged. Each knob lets a test play one attacker.
 * https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data
 */
import { encode } from 'cborg';
import { randomBytes, toBase64Url, utf8 } from '../../../shared/bytes';

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface SoftCredential {
  id: Uint8Array<ArrayBuffer>;
  keyPair: CryptoKeyPair;
  userHandle: Uint8Array<ArrayBuffer>;
  counter: number;
  backupEligible: boolean;
}

export interface CeremonyKnobs {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  backupEligible?: boolean;
  backedUp?: boolean;
  /** Sets the counter sent (and kept) instead of incrementing. */
  counter?: number;
  /** Overrides the user handle returned with an assertion. */
  userHandle?: string;
  /** Overrides which challenge is signed. */
  challenge?: string;
  /** Registration: the credential id to make (another authenticator's, say); random otherwise. */
  credentialId?: Uint8Array<ArrayBuffer>;
  type?: string;
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** WebCrypto gives r‖s; WebAuthn ES256 signatures are ASN.1 DER. */
function p1363ToDer(sig: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.slice(i);
    if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(sig.slice(0, 32)), int(sig.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export class SoftAuthenticator {
  readonly credentials = new Map<string, SoftCredential>();

  constructor(
    readonly rpId: string,
    readonly origin: string,
  ) {}

  private async authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return concat(await sha256(utf8(rpId)), new Uint8Array([flags]), u32(counter), attested ?? new Uint8Array());
  }

  /** navigator.credentials.create(), as a platform authenticator with user verification. */
  async create(options: { challenge: string; user: { id: string } }, knobs: CeremonyKnobs = {}) {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey('jwk', keyPair.publicKey)) as JsonWebKey;
    const x = Uint8Array.from(atob(jwk.x!.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
    const y = Uint8Array.from(atob(jwk.y!.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
    const coseKey = encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]));
    const id = knobs.credentialId ?? randomBytes(32);
    const be = knobs.backupEligible ?? false;
    const counter = knobs.counter ?? 0;
    const cred: SoftCredential = {
      id,
      keyPair,
      userHandle: Uint8Array.from(atob(options.user.id.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((options.user.id.length + 3) % 4)), (ch) => ch.charCodeAt(0)),
      counter,
      backupEligible: be,
    };
    this.credentials.set(toBase64Url(id), cred);
    const flags = FLAG_UP | FLAG_AT | ((knobs.userVerified ?? true) ? FLAG_UV : 0) | (be ? FLAG_BE : 0) | (knobs.backedUp ? FLAG_BS : 0);
    const attested = concat(new Uint8Array(16), new Uint8Array([0, id.length]), id, coseKey);
    const authData = await this.authData(knobs.rpId ?? this.rpId, flags, counter, attested);
    const clientDataJSON = utf8(
      JSON.stringify({ type: knobs.type ?? 'webauthn.create', challenge: knobs.challenge ?? options.challenge, origin: knobs.origin ?? this.origin, crossOrigin: false }),
    );
    const attestationObject = encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: toBase64Url(id),
      rawId: toBase64Url(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        attestationObject: toBase64Url(attestationObject),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() for a discoverable credential (the first, or the one named). */
  async get(options: { challenge: string }, knobs: CeremonyKnobs & { credentialId?: string } = {}) {
    const cred = knobs.credentialId ? this.credentials.get(knobs.credentialId) : this.credentials.values().next().value;
    if (!cred) throw new Error('no credential on this authenticator');
    cred.counter = knobs.counter ?? cred.counter + 1;
    const be = knobs.backupEligible ?? cred.backupEligible;
    const flags = FLAG_UP | ((knobs.userVerified ?? true) ? FLAG_UV : 0) | (be ? FLAG_BE : 0) | (knobs.backedUp ? FLAG_BS : 0);
    const authData = await this.authData(knobs.rpId ?? this.rpId, flags, cred.counter);
    const clientDataJSON = utf8(
      JSON.stringify({ type: knobs.type ?? 'webauthn.get', challenge: knobs.challenge ?? options.challenge, origin: knobs.origin ?? this.origin, crossOrigin: false }),
    );
    const signed = concat(authData, await sha256(clientDataJSON));
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, cred.keyPair.privateKey, signed));
    return {
      id: toBase64Url(cred.id),
      rawId: toBase64Url(cred.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(p1363ToDer(sig)),
        userHandle: knobs.userHandle ?? toBase64Url(cred.userHandle),
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    };
  }
}
