/**
 * The wire contract of the portal registry (OpenID Connect clients) that supervisors manage
 * from the officer console: list, register, update, disable and re-enable, rotate the client
 * secret. A client secret travels only once, in the answer that made it; the edge keeps its
 * SHA-256. Every action is written to the audit log by the edge.
 */
import * as v from 'valibot';
import { SCOPES } from './oidc';

export const PORTALS_API = {
  portals: '/api/officer/portals',
  portal: (clientId: string) => `/api/officer/portals/${encodeURIComponent(clientId)}`,
  disable: (clientId: string) => `/api/officer/portals/${encodeURIComponent(clientId)}/disable`,
  enable: (clientId: string) => `/api/officer/portals/${encodeURIComponent(clientId)}/enable`,
  rotateSecret: (clientId: string) => `/api/officer/portals/${encodeURIComponent(clientId)}/rotate-secret`,
} as const;

/**
 * How a portal authenticates at the token endpoint (RFC 6749 §2.3, OIDC Core §9):
 * a secret in the Basic header or in the form, a JWT signed with its own key, or none
 * (a public client, protected by PKCE alone).
 */
export const PORTAL_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type PortalAuthMethod = (typeof PORTAL_AUTH_METHODS)[number];

/** Whether a method authenticates with a client secret (which the edge generates and shows once). */
export function usesClientSecret(method: PortalAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

/** A client id chosen by the supervisor, e.g. "thuedientu". */
export const PortalClientId = v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9._-]{3,64}$/, 'client_id'));

/**
 * A redirect URI as it must be registered: absolute, compared as an exact string, no
 * fragment and no user info; https, or http only on a loopback host (development).
 */
export function isRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

export const PortalRedirectUri = v.pipe(v.string(), v.maxLength(512), v.check(isRedirectUri, 'redirect_uri'));
export const PortalRedirectUris = v.pipe(v.array(PortalRedirectUri), v.minLength(1), v.maxLength(10));
export const PortalPostLogoutUris = v.pipe(v.array(PortalRedirectUri), v.maxLength(10));

/** What a portal may ask for; `openid` always, `vn_id_number` only for portals allowed the ID number. */
export const PortalScopes = v.pipe(
  v.array(v.picklist(SCOPES)),
  v.maxLength(SCOPES.length * 2),
  v.check((s) => s.includes('openid'), 'scopes must include openid'),
);

/** The portal's public keys for `private_key_jwt` (a JWK Set; never a private key). */
export const PortalJwks = v.object({
  keys: v.pipe(
    v.array(
      v.pipe(
        v.looseObject({ kty: v.pipe(v.string(), v.maxLength(8)) }),
        v.check((k) => !('d' in k), 'jwks: private key material'),
      ),
    ),
    v.minLength(1),
    v.maxLength(10),
  ),
});

const PortalName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120));

/** The fields a supervisor edits; the client id is set once, at registration. */
const PortalFields = {
  name: PortalName,
  authMethod: v.picklist(PORTAL_AUTH_METHODS),
  redirectUris: PortalRedirectUris,
  postLogoutRedirectUris: v.optional(PortalPostLogoutUris, []),
  scopes: PortalScopes,
  /** Required for private_key_jwt (on update: kept when omitted). */
  jwks: v.optional(PortalJwks),
};

/** POST /api/officer/portals. A taken client id is refused (`portal_exists`), never taken over. */
export const PortalRegisterRequest = v.object({
  /** Empty or absent: the edge makes one. */
  clientId: v.optional(v.union([v.literal(''), PortalClientId])),
  ...PortalFields,
});
export type PortalRegisterRequest = v.InferInput<typeof PortalRegisterRequest>;

/** POST /api/officer/portals/:clientId: replaces the editable fields of an existing portal. */
export const PortalUpdateRequest = v.object(PortalFields);
export type PortalUpdateRequest = v.InferInput<typeof PortalUpdateRequest>;

export const PortalListQuery = v.object({ after: v.optional(PortalClientId) });

export interface PortalSummary {
  clientId: string;
  name: string;
  authMethod: PortalAuthMethod;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  /** Number of public keys registered for private_key_jwt. */
  jwksKeys: number;
  status: 'active' | 'disabled';
  createdAt: number;
  updatedAt: number;
}

export interface PortalListResponse {
  portals: PortalSummary[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

/** The answer to a registration, an update that moved to a secret method, or a rotation. */
export interface PortalSecretResponse {
  portal: PortalSummary;
  /** Shown once: the edge keeps only its hash. Null when the method uses no secret. */
  clientSecret: string | null;
}
