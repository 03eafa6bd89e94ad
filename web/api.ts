/**
 * The one API client: same-origin JSON calls that never throw. Every call resolves to
 * `{ ok: true, data }` or `{ ok: false, error: { code, message } }`; screens map the code to
 * a message in the dictionary (`errors.<code>`).
 */
import { API, SSO_API } from '../shared/paths';
import type {
  DevSmsMessage,
  EnrolFinishRequest,
  EnrolStartRequest,
  EnrolStartResponse,
  EnrolVerifyRequest,
  EnrolVerifyResponse,
  Me,
  SignInOptionsResponse,
  SignInVerifyRequest,
  WalletChallengeResponse,
  WalletSyncRequest,
  WalletSyncResponse,
} from '../shared/api';
import { isErrorCode, type ErrorBody, type ErrorCode } from '../shared/errors';
import type { SsoConsent, SsoDecisionResponse, SsoDisclosure, SsoLogoutResponse, SsoLogoutView, SsoRequestView } from '../shared/oidc';

/**
 * Codes that only the web produces: the request never reached the edge (`network`), or a
 * step on the phone failed before anything was sent.
 */
export type WebErrorCode = 'network' | 'passkey_cancelled' | 'passkey_unsupported' | 'device_storage';
export type ApiErrorCode = ErrorCode | WebErrorCode;

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  /** Seconds to wait, for `rate_limited` and `code_locked`. */
  retryAfter?: number;
  /** The input at fault as a dot path ("people.1"), when the edge names one. */
  field?: string;
}

/** `serverTime` is the response's Date header: countdowns use it so a phone's wrong clock does not matter. */
export type ApiResult<T> = { ok: true; data: T; serverTime?: number } | { ok: false; error: ApiError };

/** Slow networks are normal; a request that hangs longer than this is reported as a network failure. */
const TIMEOUT_MS = 30_000;

/** One JSON (or multipart, for a FormData body) call to the edge that never throws. */
export async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      // A FormData body (photos) sets its own multipart content type.
      headers: body === undefined || isForm ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : isForm ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { ok: false, error: { code: 'network', message: 'The request did not reach the server.' } };
  }
  let json: unknown = undefined;
  if (res.status !== 204) {
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
  }
  if (res.ok) {
    if (res.status !== 204 && json === undefined) {
      return { ok: false, error: { code: 'internal', message: 'The server answered with something that is not JSON.' } };
    }
    const date = Date.parse(res.headers.get('date') ?? '');
    return Number.isFinite(date) ? { ok: true, data: json as T, serverTime: date } : { ok: true, data: json as T };
  }
  const error = (json as Partial<ErrorBody> | undefined)?.error;
  const code: ErrorCode = isErrorCode(error?.code) ? error.code : res.status === 401 ? 'unauthenticated' : res.status === 404 ? 'not_found' : 'internal';
  const result: ApiError = { code, message: typeof error?.message === 'string' ? error.message : res.statusText };
  if (typeof error?.retryAfter === 'number') result.retryAfter = error.retryAfter;
  if (typeof error?.field === 'string') result.field = error.field;
  return { ok: false, error: result };
}

export const api = {
  enrolStart: (input: EnrolStartRequest) => call<EnrolStartResponse>('POST', API.enrolStart, input),
  enrolVerify: (input: EnrolVerifyRequest) => call<EnrolVerifyResponse>('POST', API.enrolVerify, input),
  /** Fresh passkey options for an approved registration (after a cancelled prompt). */
  enrolOptions: (enrolmentId: string) => call<EnrolVerifyResponse>('POST', API.enrolOptions, { enrolmentId }),
  enrolFinish: (input: EnrolFinishRequest) => call<Me>('POST', API.enrolFinish, input),
  signInOptions: () => call<SignInOptionsResponse>('POST', API.signInOptions, {}),
  signInVerify: (input: SignInVerifyRequest) => call<Me>('POST', API.signInVerify, input),
  signOut: () => call<null>('POST', API.signOut),
  me: () => call<Me>('GET', API.me),
  devSms: (phone: string) => call<{ messages: DevSmsMessage[] }>('GET', `${API.devSms}?phone=${encodeURIComponent(phone)}`),
  // The wallet: a challenge for the device-key proof, then the account's documents.
  walletChallenge: () => call<WalletChallengeResponse>('POST', API.walletChallenge, {}),
  walletSync: (input: WalletSyncRequest) => call<WalletSyncResponse>('POST', API.walletSync, input),
  // Single sign-on: the consent screen, the portals allowed, the sharing history.
  ssoRequest: (id: string) => call<SsoRequestView>('GET', SSO_API.request(id)),
  ssoDecision: (id: string, approve: boolean) => call<SsoDecisionResponse>('POST', SSO_API.decision(id), { approve }),
  ssoConsents: () => call<{ consents: SsoConsent[] }>('GET', SSO_API.consents),
  ssoRevokeConsent: (clientId: string) => call<null>('DELETE', SSO_API.consent(clientId)),
  ssoHistory: () => call<{ history: SsoDisclosure[] }>('GET', SSO_API.history),
  // A portal's sign-out request: what it asks, then the answer (the session ends here, same-origin).
  ssoLogoutRequest: (id: string) => call<SsoLogoutView>('GET', SSO_API.logout(id)),
  ssoLogout: (id: string, signOut: boolean) => call<SsoLogoutResponse>('POST', SSO_API.logout(id), { signOut }),
};

export type Api = typeof api;
