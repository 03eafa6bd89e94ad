/**
 * One error rendering for the whole edge: `{ error: { code, message, requestId } }` with
 * the status the code maps to. Unknown errors are logged (without request bodies, so no
 * codes or secrets reach the log) and answered with a generic 500.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import type { ErrorBody, ErrorCode } from '../../shared/errors';
import { AppError } from '../domain/errors';
import type { AppContext } from './app';

export const codeToStatus: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  rate_limited: 429,
  csrf_rejected: 403,
  registry_mismatch: 400,
  account_exists: 409,
  enrolment_invalid: 400,
  code_invalid: 400,
  code_expired: 400,
  code_locked: 429,
  challenge_invalid: 400,
  webauthn_failed: 400,
  user_verification_required: 400,
  counter_regression: 403,
  backup_state_changed: 403,
  credential_unknown: 401,
  credential_exists: 409,
  user_handle_mismatch: 401,
  device_proof_required: 401,
  device_proof_invalid: 401,
  device_unknown: 401,
  device_already_bound: 409,
  account_locked: 423,
  request_invalid: 400,
  not_ready: 409,
  card_expired: 409,
  unlock_in_person: 403,
  phone_unconfirmed: 400,
  second_officer_required: 403,
  activation_code_invalid: 400,
  activation_code_locked: 409,
  idempotency_key_reused: 409,
  guest_mismatch: 400,
  sso_request_invalid: 400,
  sso_reauthentication_required: 401,
  portal_exists: 409,
  internal: 500,
};

export function errorResponse(c: AppContext, code: ErrorCode, message: string, retryAfter?: number, field?: string): Response {
  const body: ErrorBody = { error: { code, message, requestId: c.get('requestId') } };
  if (field !== undefined) body.error.field = field;
  if (retryAfter !== undefined) {
    body.error.retryAfter = retryAfter;
    c.header('Retry-After', String(retryAfter));
  }
  return c.json(body, codeToStatus[code]);
}

export function onError(err: Error, c: AppContext): Response {
  if (err instanceof AppError) return errorResponse(c, err.code, err.message, err.retryAfter, err.field);
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode = status === 413 ? 'payload_too_large' : status === 404 ? 'not_found' : status === 401 ? 'unauthenticated' : 'bad_request';
    return errorResponse(c, code, err.message || 'Bad request.');
  }
  console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), path: c.req.path, error: err.name, message: err.message, stack: err.stack }));
  return errorResponse(c, 'internal', 'Something went wrong on our side. Please try again.');
}
