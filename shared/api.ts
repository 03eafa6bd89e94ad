/**
 * The wire contract between the PWA and the edge: request schemas (validated at the edge
 * with these very schemas, and used by the web to check forms before sending) and the
 * response shapes. Paths are listed in `API` (shared/paths.ts).
 */
import * as v from 'valibot';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

// Paths and display helpers live in their own small modules, so the PWA's first screen can
// use them without loading the schemas (and valibot); re-exported here for the edge.
export { API } from './paths';
export { maskIdNumber, maskPhone, normalizePhone } from './format';
import { normalizePhone } from './format';

// ---- field schemas -------------------------------------------------------------------

/** 12-digit citizen ID number (CCCD); the first three digits are the province code. */
export const IdNumber = v.pipe(v.string(), v.trim(), v.regex(/^\d{12}$/, 'id_number'));

/** Vietnamese mobile number in national (0…) or international (+84…) form, normalised to +84…. */
export const Phone = v.pipe(
  v.string(),
  v.transform((s) => s.replace(/[\s.-]/g, '')),
  v.regex(/^(?:\+84|84|0)[35789]\d{8}$/, 'phone'),
  v.transform(normalizePhone),
);

/** Full name as on the ID card: letters (any script), spaces, apostrophes; compared case-insensitively. */
export const FullName = v.pipe(
  v.string(),
  v.transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' ')),
  v.minLength(2, 'full_name'),
  v.maxLength(100, 'full_name'),
  v.regex(/^[\p{L}][\p{L}\p{M}' ]*$/u, 'full_name'),
);

/** Calendar date YYYY-MM-DD that exists (no 2024-02-30). */
export const IsoDate = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'date'),
  v.check(isRealDate, 'date'),
);

export const SmsCode = v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, 'sms_code'));

const Base64Url = v.pipe(v.string(), v.maxLength(4096), v.regex(/^[A-Za-z0-9_-]*$/, 'base64url'));
const Opaque = v.pipe(v.string(), v.minLength(16), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/, 'id'));

// WebAuthn responses are shaped here (sizes bounded, types checked); their content is
// verified by @simplewebauthn/server.
const ExtensionResults = v.record(v.string(), v.unknown());

export const RegistrationResponse = v.object({
  id: Base64Url,
  rawId: Base64Url,
  type: v.literal('public-key'),
  response: v.object({
    clientDataJSON: Base64Url,
    attestationObject: Base64Url,
    authenticatorData: v.optional(Base64Url),
    publicKey: v.optional(Base64Url),
    publicKeyAlgorithm: v.optional(v.number()),
    transports: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(16))), v.maxLength(8))),
  }),
  authenticatorAttachment: v.optional(v.picklist(['platform', 'cross-platform'])),
  clientExtensionResults: ExtensionResults,
});

export const AuthenticationResponse = v.object({
  id: Base64Url,
  rawId: Base64Url,
  type: v.literal('public-key'),
  response: v.object({
    clientDataJSON: Base64Url,
    authenticatorData: Base64Url,
    signature: Base64Url,
    userHandle: v.optional(Base64Url),
  }),
  authenticatorAttachment: v.optional(v.picklist(['platform', 'cross-platform'])),
  clientExtensionResults: ExtensionResults,
});

/** Device-key registration: the raw public key and its signature over the registration challenge. */
export const DeviceKeyRegistration = v.object({
  publicKey: v.pipe(Base64Url, v.length(87, 'device_public_key')), // 65 bytes
  signature: v.pipe(Base64Url, v.length(86, 'device_signature')), // 64 bytes
  label: v.optional(v.pipe(v.string(), v.maxLength(80))),
});

/** Device-key proof on sign-in: which key, and its signature over the sign-in challenge. */
export const DeviceKeyProof = v.object({
  keyId: v.pipe(Base64Url, v.length(43, 'device_key_id')), // SHA-256
  signature: v.pipe(Base64Url, v.length(86, 'device_signature')),
});

// ---- requests ------------------------------------------------------------------------

export const EnrolStartRequest = v.object({
  idNumber: IdNumber,
  fullName: FullName,
  birthDate: IsoDate,
  phone: Phone,
});
export type EnrolStartRequest = v.InferInput<typeof EnrolStartRequest>;

export const EnrolVerifyRequest = v.object({ enrolmentId: Opaque, code: SmsCode });
export type EnrolVerifyRequest = v.InferInput<typeof EnrolVerifyRequest>;

export const EnrolFinishRequest = v.object({
  enrolmentId: Opaque,
  credential: RegistrationResponse,
  deviceKey: DeviceKeyRegistration,
});
export type EnrolFinishRequest = v.InferInput<typeof EnrolFinishRequest>;
export type EnrolFinishInput = v.InferOutput<typeof EnrolFinishRequest>;

export const SignInVerifyRequest = v.object({
  credential: AuthenticationResponse,
  deviceKey: v.optional(DeviceKeyProof),
});
export type SignInVerifyRequest = v.InferInput<typeof SignInVerifyRequest>;
export type SignInVerifyInput = v.InferOutput<typeof SignInVerifyRequest>;
/** A registration / authentication response as validated at the edge. */
export type RegistrationResponseInput = v.InferOutput<typeof RegistrationResponse>;
export type AuthenticationResponseInput = v.InferOutput<typeof AuthenticationResponse>;

export const WalletSyncRequest = v.object({
  challenge: v.pipe(Base64Url, v.minLength(16), v.maxLength(128)),
  /** Device-key signature over deviceProofMessage('issue', challenge). */
  signature: v.pipe(Base64Url, v.length(86, 'device_signature')),
});
export type WalletSyncRequest = v.InferInput<typeof WalletSyncRequest>;

// ---- responses -----------------------------------------------------------------------

export interface EnrolStartResponse {
  enrolmentId: string;
  /** The phone the code went to, masked: "+84 9•• ••• 678". */
  phoneMasked: string;
  codeExpiresAt: number;
}

export interface EnrolVerifyResponse {
  options: PublicKeyCredentialCreationOptionsJSON;
}

export interface SignInOptionsResponse {
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** The signed-in citizen's account summary; the PWA caches it for the offline home screen. */
export interface Me {
  accountId: string;
  idNumber: string;
  fullName: string;
  birthDate: string;
  sex: 'M' | 'F';
  level: 1 | 2;
  status: 'active' | 'locked';
  phoneMasked: string;
  deviceKeyId: string;
}

/** One document in the wallet: its issued credentials (base64url COSE_Sign1), one per view. */
export interface WalletDocument {
  id: string;
  docType: import('./credential').DocType;
  /** Whose document: the holder's ID number, or a dependant's. */
  subject: string;
  issuedAt: number;
  expiresAt: number;
  statusIndex: number;
  credentials: Partial<Record<import('./credential').View, string>>;
}

export interface WalletChallengeResponse {
  challenge: string;
}

export interface WalletSyncResponse {
  documents: WalletDocument[];
  syncedAt: number;
}

export interface DevSmsMessage {
  id: number;
  phone: string;
  body: string;
  createdAt: number;
}

export type { AuthenticationResponseJSON, RegistrationResponseJSON };

// ---- helpers -------------------------------------------------------------------------

function isRealDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
