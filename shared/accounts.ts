/**
 * The wire contract for an account's life after registration: device change, the device
 * list, temporary lock and unlock, phone-number change, level-2 activation and the
 * security history. Validated at the edge with these schemas; the web uses the same ones.
 */
import * as v from 'valibot';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { CitizenAuditAction } from './audit';
import { AuthenticationResponse, DeviceKeyProof, DeviceKeyRegistration, IdNumber, Phone, RegistrationResponse, SmsCode } from './api';

export const ACCOUNT_API = {
  devices: '/api/devices',
  signOutEverywhere: '/api/devices/signout-all',
  deviceChangeStart: '/api/device-change/start',
  deviceChangeVerify: '/api/device-change/verify',
  deviceChangeStatus: '/api/device-change/status',
  deviceChangeWait: '/api/device-change/wait',
  deviceChangeOptions: '/api/device-change/options',
  deviceChangeFinish: '/api/device-change/finish',
  deviceChangeLookup: '/api/device-change/lookup',
  deviceChangeApprove: '/api/device-change/approve',
  deviceChangeCancel: '/api/device-change/cancel',
  lock: '/api/lock',
  lockStart: '/api/lock/start',
  lockConfirm: '/api/lock/confirm',
  unlockOptions: '/api/unlock/options',
  unlockStart: '/api/unlock/start',
  unlockConfirm: '/api/unlock/confirm',
  phoneOptions: '/api/phone/options',
  phoneStart: '/api/phone/start',
  phoneConfirm: '/api/phone/confirm',
  history: '/api/me/history',
  /** Level-2 activation: the citizen's first step after an officer approved them in person. */
  enrolApproved: '/api/enrol/approved',
  /** Level-2 activation, second step: the SMS code and the activation code the officer handed over. */
  enrolApprovedVerify: '/api/enrol/approved/verify',
} as const;

// ---- fields --------------------------------------------------------------------------

/** Crockford base32: no I, L, O, U, so a code read aloud or typed is hard to get wrong. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Upper-cases, drops spaces and dashes, and reads O as 0 and I/L as 1 (Crockford's rule). */
export function normaliseCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** "K7M29XQD" → "K7M2-9XQD": groups of four for reading and typing. */
export function formatCode(code: string): string {
  return (code.match(/.{1,4}/g) ?? []).join('-');
}

/** A random code of `length` Crockford base32 characters (5 bits each, from unbiased bytes). */
export function randomCode(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => CROCKFORD[b & 31]).join('');
}

/**
 * The short code a new device shows for its device-change request (8 characters, 40 bits).
 * It is typed on the old phone (signed in) or by an officer at the desk: never enough alone.
 */
export const ApprovalCode = v.pipe(
  v.string(),
  v.maxLength(16),
  v.transform(normaliseCode),
  v.regex(/^[0-9A-HJKMNP-TV-Z]{8}$/, 'approval_code'),
);

/**
 * The one-time code an officer's level-2 approval is activated with (8 characters, 40 bits),
 * handed to the citizen on paper at the desk; five wrong tries void the approval.
 */
export const ActivationCode = v.pipe(
  v.string(),
  v.maxLength(16),
  v.transform(normaliseCode),
  v.regex(/^[0-9A-HJKMNP-TV-Z]{8}$/, 'activation_code'),
);

/** A server-made request identifier (16 random bytes, base64url). */
export const RequestId = v.pipe(v.string(), v.minLength(16), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/, 'id'));

const DeviceLabel = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(80)));
const DeviceKeyIdField = v.pipe(v.string(), v.length(43, 'device_key_id'), v.regex(/^[A-Za-z0-9_-]+$/, 'device_key_id'));

export const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email('email'));

// ---- requests ------------------------------------------------------------------------

/** A passkey assertion and a device-key proof over the same fresh challenge (a step-up, not a session). */
export const StepUpRequest = v.object({ credential: AuthenticationResponse, deviceKey: DeviceKeyProof });
export type StepUpRequest = v.InferInput<typeof StepUpRequest>;

/** Starts something on an account from a device that is not (yet) signed in: ID number + the phone on the account. */
export const AccountCodeStartRequest = v.object({ idNumber: IdNumber, phone: Phone });
export type AccountCodeStartRequest = v.InferInput<typeof AccountCodeStartRequest>;

export const CodeConfirmRequest = v.object({ requestId: RequestId, code: SmsCode });
export type CodeConfirmRequest = v.InferInput<typeof CodeConfirmRequest>;

/** Level-2 activation: the SMS code to the recorded phone, and the activation code from the desk. */
export const ActivationVerifyRequest = v.object({ enrolmentId: RequestId, code: SmsCode, activationCode: ActivationCode });
export type ActivationVerifyRequest = v.InferInput<typeof ActivationVerifyRequest>;

export const RequestRef = v.object({ requestId: RequestId });
export type RequestRef = v.InferInput<typeof RequestRef>;

export const DeviceChangeStartRequest = v.object({ idNumber: IdNumber, phone: Phone, label: DeviceLabel });
export type DeviceChangeStartRequest = v.InferInput<typeof DeviceChangeStartRequest>;

/** The SMS code, and the id of the device key the new phone will bind (only that key can finish). */
export const DeviceChangeVerifyRequest = v.object({ requestId: RequestId, code: SmsCode, deviceKeyId: DeviceKeyIdField });
export type DeviceChangeVerifyRequest = v.InferInput<typeof DeviceChangeVerifyRequest>;

export const DeviceChangeFinishRequest = v.object({ requestId: RequestId, credential: RegistrationResponse, deviceKey: DeviceKeyRegistration });
export type DeviceChangeFinishRequest = v.InferInput<typeof DeviceChangeFinishRequest>;
export type DeviceChangeFinishInput = v.InferOutput<typeof DeviceChangeFinishRequest>;

export const DeviceChangeLookupRequest = v.object({ code: ApprovalCode });
export type DeviceChangeLookupRequest = v.InferInput<typeof DeviceChangeLookupRequest>;

export const DeviceChangeApproveRequest = v.object({ requestId: RequestId, credential: AuthenticationResponse, deviceKey: DeviceKeyProof });
export type DeviceChangeApproveRequest = v.InferInput<typeof DeviceChangeApproveRequest>;

export const PhoneChangeStartRequest = v.object({ phone: Phone, credential: AuthenticationResponse, deviceKey: DeviceKeyProof });
export type PhoneChangeStartRequest = v.InferInput<typeof PhoneChangeStartRequest>;

// ---- responses -----------------------------------------------------------------------

/** A code was sent (or, for details that match nothing, the same answer with nothing sent). */
export interface CodeSentResponse {
  requestId: string;
  codeExpiresAt: number;
  /** Only where the caller has already proved who they are (unlock, phone change). */
  phoneMasked?: string;
}

export type DeviceChangeState = 'pending' | 'waiting' | 'approved' | 'completed' | 'cancelled';

/** What the new device knows about its request. */
export interface DeviceChangeStatus {
  requestId: string;
  state: DeviceChangeState;
  level: 1 | 2;
  /** The account is locked: only an officer can approve. */
  locked: boolean;
  /** Whether the waiting-period path is open (level 1, not locked). */
  canWait: boolean;
  /** End of the waiting period, on the waiting path. */
  readyAt: number | null;
  expiresAt: number;
}

export interface DeviceChangeVerifyResponse extends DeviceChangeStatus {
  /** Shown on the new device (text and QR), typed on the old phone or by an officer. Returned once. */
  approvalCode: string;
}

export interface DeviceChangeOptionsResponse {
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** What the old phone is asked to approve. */
export interface DeviceChangeRequestView {
  requestId: string;
  label: string | null;
  createdAt: number;
  state: DeviceChangeState;
  readyAt: number | null;
  expiresAt: number;
}

export interface DeviceChangeLookupResponse {
  request: DeviceChangeRequestView;
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface StepUpOptionsResponse {
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface PasskeyInfo {
  /** The first characters of the credential id: enough to tell passkeys apart. */
  id: string;
  /** Backup eligible: a synced passkey (password manager) rather than one kept on this device only. */
  backupEligible: boolean;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface DeviceInfo {
  keyId: string;
  label: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** The device this session runs on. */
  current: boolean;
  passkeys: PasskeyInfo[];
}

export interface DeviceListResponse {
  devices: DeviceInfo[];
  /** Device-change requests still open on the account: each can be cancelled from here. */
  pendingChanges: DeviceChangeRequestView[];
}

/** Who did it, as the citizen should read it ('new-device': a phone asking to take over the account — maybe not the citizen's). */
export type HistoryActor = 'you' | 'new-device' | 'officer' | 'sms' | 'system';

export interface HistoryEvent {
  id: number;
  at: number;
  /** e.g. 'signin', 'device.changed', 'account.locked': one of shared/audit.ts's citizen actions, each with a label in the PWA. */
  action: CitizenAuditAction;
  by: HistoryActor;
  /** The officer's unit, for officer actions. */
  unitCode?: string;
  /** A device's label, where one is involved. */
  label?: string;
}

export interface HistoryResponse {
  events: HistoryEvent[];
}
