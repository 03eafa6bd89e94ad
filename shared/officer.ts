/**
 * The wire contract of the officer console (police-station desk): officer registration by
 * one-time code, officer sign-in, and the actions on a citizen's account. Every action is
 * written to the audit log by the edge.
 */
import * as v from 'valibot';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { ApprovalCode, Email, normaliseCode } from './accounts';
import { AuthenticationResponse, FullName, IdNumber, Phone, RegistrationResponse, SmsCode } from './api';

export const OFFICER_API = {
  registerOptions: '/api/officer/register/options',
  registerFinish: '/api/officer/register/finish',
  signInOptions: '/api/officer/auth/options',
  signInVerify: '/api/officer/auth/verify',
  signOut: '/api/officer/auth/signout',
  me: '/api/officer/me',
  officers: '/api/officer/officers',
  audit: '/api/officer/audit',
  citizen: (idNumber: string) => `/api/officer/citizens/${idNumber}`,
  level2: (idNumber: string) => `/api/officer/citizens/${idNumber}/level2`,
  phoneCode: (idNumber: string) => `/api/officer/citizens/${idNumber}/phone-code`,
  attach: (idNumber: string) => `/api/officer/citizens/${idNumber}/attach`,
  lock: (idNumber: string) => `/api/officer/citizens/${idNumber}/lock`,
  unlock: (idNumber: string) => `/api/officer/citizens/${idNumber}/unlock`,
  approveDeviceChange: (idNumber: string, requestId: string) => `/api/officer/citizens/${idNumber}/device-changes/${requestId}/approve`,
  disableOfficer: (officerId: string) => `/api/officer/officers/${officerId}/disable`,
} as const;

export const OFFICER_ROLES = ['officer', 'supervisor'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** A commune / unit code, e.g. "HN-HOANKIEM-01". */
export const UnitCode = v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z0-9][A-Z0-9-]{1,23}$/, 'unit_code'));

/**
 * A one-time officer code (bootstrap or invite): 20 Crockford base32 characters (100 bits),
 * shown in groups of four. Stored only as base64url(SHA-256(normalised code)).
 */
export const OfficerCode = v.pipe(v.string(), v.maxLength(40), v.transform(normaliseCode), v.regex(/^[0-9A-HJKMNP-TV-Z]{20}$/, 'officer_code'));

// ---- requests ------------------------------------------------------------------------

/** The first step of officer registration. A bootstrap code also needs the supervisor's name and unit. */
export const OfficerRegisterOptionsRequest = v.object({
  code: OfficerCode,
  name: v.optional(FullName),
  unitCode: v.optional(UnitCode),
});
export type OfficerRegisterOptionsRequest = v.InferInput<typeof OfficerRegisterOptionsRequest>;

export const OfficerRegisterFinishRequest = v.object({ code: OfficerCode, credential: RegistrationResponse });
export type OfficerRegisterFinishRequest = v.InferInput<typeof OfficerRegisterFinishRequest>;

export const OfficerSignInRequest = v.object({ credential: AuthenticationResponse });
export type OfficerSignInRequest = v.InferInput<typeof OfficerSignInRequest>;

export const OfficerInviteRequest = v.object({ name: FullName, role: v.picklist(OFFICER_ROLES), unitCode: UnitCode });
export type OfficerInviteRequest = v.InferInput<typeof OfficerInviteRequest>;

/**
 * Level-2 approval in person: the officer must have checked the chip card (the box is
 * recorded). For an account, an empty e-mail keeps the stored one, and a phone other than
 * the account's needs `phoneCode`: the SMS code sent to that phone (DeskPhoneCodeRequest),
 * read out by the citizen at the desk.
 */
export const Level2ApprovalRequest = v.object({
  cardChecked: v.literal(true, 'card_checked'),
  phone: Phone,
  email: v.optional(v.union([v.literal(''), Email])),
  phoneCode: v.optional(SmsCode),
});
export type Level2ApprovalRequest = v.InferInput<typeof Level2ApprovalRequest>;

/** Sends an SMS code to a new phone number for an account, to confirm it at the desk. */
export const DeskPhoneCodeRequest = v.object({ phone: Phone });
export type DeskPhoneCodeRequest = v.InferInput<typeof DeskPhoneCodeRequest>;

export const AttachRequest = v.object({
  docType: v.pipe(v.string(), v.regex(/^[a-z_]{2,32}$/, 'doc_type')),
  originalsChecked: v.literal(true, 'originals_checked'),
});
export type AttachRequest = v.InferInput<typeof AttachRequest>;

export const OfficerLockRequest = v.object({ reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))) });
export type OfficerLockRequest = v.InferInput<typeof OfficerLockRequest>;

export const OfficerUnlockRequest = v.object({ cardChecked: v.literal(true, 'card_checked') });
export type OfficerUnlockRequest = v.InferInput<typeof OfficerUnlockRequest>;

/** The officer types the code shown on the citizen's new phone: the phone is at the desk. */
export const OfficerApproveDeviceRequest = v.object({ code: ApprovalCode, cardChecked: v.literal(true, 'card_checked') });
export type OfficerApproveDeviceRequest = v.InferInput<typeof OfficerApproveDeviceRequest>;

export const CitizenIdParam = IdNumber;

// ---- responses -----------------------------------------------------------------------

export interface OfficerMe {
  officerId: string;
  name: string;
  role: OfficerRole;
  unitCode: string;
}

export interface OfficerRegisterOptionsResponse {
  options: PublicKeyCredentialCreationOptionsJSON;
  /** Who the code registers: the invited officer, or the bootstrap supervisor. */
  officer: Omit<OfficerMe, 'officerId'>;
}

export interface OfficerSignInOptionsResponse {
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface OfficerSummary extends OfficerMe {
  status: 'invited' | 'active' | 'disabled';
  createdAt: number;
}

export interface OfficerInviteResponse {
  officer: OfficerSummary;
  /** Shown once, to be handed to the invited officer. */
  inviteCode: string;
  expiresAt: number;
}

export interface OfficerListResponse {
  officers: OfficerSummary[];
}

export interface CitizenRecord {
  idNumber: string;
  fullName: string;
  birthDate: string;
  sex: 'M' | 'F';
  address: string;
  hometown: string;
  /** The chip ID card in the registry; the officer compares it with the card in hand. */
  cardIssued: string;
  cardExpires: string;
  cardValid: boolean;
  registryPhone: string | null;
  account: null | {
    accountId: string;
    level: 1 | 2;
    status: 'active' | 'locked';
    phone: string;
    email: string | null;
    createdAt: number;
    activeDevices: number;
  };
  /** An approved level-2 enrolment not yet activated on a phone. */
  level2Approval: null | { phone: string; email: string | null; approvedAt: number; expiresAt: number };
  /** Documents an officer may attach, whether the registries hold one, and whether it is attached. */
  attachable: Array<{ docType: string; available: boolean; attached: boolean }>;
  /** Open device-change requests: approving one needs the code shown on the new phone. */
  deviceChanges: Array<{ requestId: string; label: string | null; state: string; createdAt: number; readyAt: number | null; expiresAt: number }>;
}

/** The record after a level-2 approval; for a citizen without an account, the activation code, shown this once. */
export interface Level2ApprovalResponse extends CitizenRecord {
  activation?: { code: string; expiresAt: number };
}

export interface DeskPhoneCodeResponse {
  phoneMasked: string;
  codeExpiresAt: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditResponse {
  events: AuditEntry[];
}
