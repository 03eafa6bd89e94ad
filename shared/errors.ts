/**
 * The closed set of error codes the edge returns as `{ error: { code, message } }`.
 * The web maps each code to a message in its i18n dictionary; the edge maps each to an
 * HTTP status. Adding a code means adding both.
 */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'rate_limited',
  'csrf_rejected',
  // registration
  'registry_mismatch',
  'account_exists',
  'enrolment_invalid',
  // SMS codes
  'code_invalid',
  'code_expired',
  'code_locked',
  // WebAuthn and device keys
  'challenge_invalid',
  'webauthn_failed',
  'user_verification_required',
  'counter_regression',
  'backup_state_changed',
  'credential_unknown',
  'credential_exists',
  'user_handle_mismatch',
  'device_proof_required',
  'device_proof_invalid',
  'device_unknown',
  'device_already_bound',
  // accounts
  'account_locked',
  'request_invalid',
  'not_ready',
  'card_expired',
  /** The citizen's own unlock after a lock from a computer or by an officer: at a police station, or a new phone. */
  'unlock_in_person',
  /** At the desk: a phone other than the account's is recorded only with the SMS code sent to it. */
  'phone_unconfirmed',
  /** Four eyes: the officer who recorded or changed the phone may not also approve a device change. */
  'second_officer_required',
  /** Level-2 activation: the code from the desk is wrong (tries left in the message), or its tries are used up. */
  'activation_code_invalid',
  'activation_code_locked',
  // citizen services
  'idempotency_key_reused',
  /** A host's guest whose ID number and full name are not a pair in the registry (one answer for either). */
  'guest_mismatch',
  // single sign-on
  'sso_request_invalid',
  'sso_reauthentication_required',
  // the portal registry (officer console)
  'portal_exists',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId?: string;
    retryAfter?: number;
    /** The input at fault as a dot path ("people.1"), where the client can point at it. */
    field?: string;
  };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
