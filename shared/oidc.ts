/**
 * Single sign-on: what the PWA and the edge agree on about the OpenID Connect provider.
 * The protocol endpoints (discovery, authorize, token, userinfo…) speak OpenID Connect
 * itself; this module holds the names they share with the citizen's app: the account
 * levels as `acr` values, the scopes and the claims each discloses, and the `/api/sso/*`
 * wire types the consent screen and the sharing history use.
 */
import * as v from 'valibot';

// The /api/sso paths live with the other paths (schema-free, for the PWA's first screen).
export { SSO_API } from './paths';

/**
 * Authentication context class references: the account level (seeds: "mức 1", "mức 2").
 * A portal asks for a level with `acr_values`; a level-2 account satisfies a level-1 request.
 */
export const ACR = {
  1: 'urn:vneid:loa:1',
  2: 'urn:vneid:loa:2',
} as const;
export type AcrValue = (typeof ACR)[1 | 2];

/** The level an `acr` value stands for, or null for a value we do not define. */
export function levelOfAcr(acr: string): 1 | 2 | null {
  return acr === ACR[1] ? 1 : acr === ACR[2] ? 2 : null;
}

/**
 * Authentication methods (RFC 8176) of every sign-in: a passkey held by an authenticator
 * (`hwk`) with user verification — PIN, fingerprint or face (`user`) — and a signature by the
 * device key bound to this phone (`pop`); together, more than one factor (`mfa`).
 */
export const AMR = ['hwk', 'user', 'pop', 'mfa'] as const;

/** The scopes a portal can ask for. `vn_id_number` only for portals registered with it. */
export const SCOPES = ['openid', 'profile', 'phone', 'vn_id_number', 'offline_access'] as const;
export type Scope = (typeof SCOPES)[number];

/** The claims each scope discloses (beyond `sub`, which every sign-in gives). */
export const SCOPE_CLAIMS = {
  openid: [],
  profile: ['name', 'birthdate', 'gender'],
  phone: ['phone_number', 'phone_number_verified'],
  vn_id_number: ['vn_id_number'],
  offline_access: [],
} as const satisfies Record<Scope, readonly string[]>;

/**
 * What the consent screen lists, one entry per piece of data a portal receives:
 * `sub` (an identifier for this portal only), `acr` (the account level), and the claims.
 */
export type DisclosedItem = 'sub' | 'acr' | 'name' | 'birthdate' | 'gender' | 'phone_number' | 'vn_id_number';

/** The PWA's view of a pending authorization request (GET /api/sso/requests/:id). */
export interface SsoRequestView {
  id: string;
  client: { id: string; name: string };
  /** Exactly what goes to the portal if the citizen approves, in display order. */
  items: DisclosedItem[];
  /** Whether the portal will be able to stay signed in (refresh token, `offline_access`). */
  offline: boolean;
  /** The level the portal requires (1 unless it asked for level 2 with `acr_values`). */
  requiredLevel: 1 | 2;
  expiresAt: number;
  /** Present when a citizen is signed in: what they would share, and whether they may. */
  account: {
    level: 1 | 2;
    /** False when the portal requires a higher level than this account has. */
    levelSatisfied: boolean;
    /** The portal asked for a fresh sign-in (`prompt=login` or `max_age`): sign in again first. */
    reauthenticate: boolean;
    /** The citizen approved these items for this portal before: no need to ask again. */
    consentRemembered: boolean;
    /** The values to be shared, masked where a screen might be seen by others. */
    values: Partial<Record<DisclosedItem, string>>;
  } | null;
}

export const SsoDecisionRequest = v.object({ approve: v.boolean() });
export type SsoDecisionRequest = v.InferInput<typeof SsoDecisionRequest>;

/** Where the browser goes next: back to the portal, with a code or an error. */
export interface SsoDecisionResponse {
  redirectTo: string;
}

/**
 * A portal's sign-out request (RP-Initiated Logout) as the PWA's /sso/logout shows it
 * (GET /api/sso/logout/:id). The PWA ends the session itself, with a same-origin POST.
 */
export interface SsoLogoutView {
  id: string;
  /** The portal that sent the citizen here, when it said which it is. */
  client: { id: string; name: string } | null;
  /** Whether the browser goes back to the portal afterwards. */
  returnsToPortal: boolean;
  /** A citizen is signed in to the app in this browser. */
  signedIn: boolean;
  /**
   * Ask before signing out: the portal sent no valid ID token for the citizen signed in here
   * (OpenID Connect RP-Initiated Logout 1.0 §2). False when nobody is signed in.
   */
  confirm: boolean;
}

export const SsoLogoutRequest = v.object({ signOut: v.boolean() });
export type SsoLogoutRequest = v.InferInput<typeof SsoLogoutRequest>;

/** Where the browser goes after the sign-out: the portal's registered address with its `state`, or nowhere (null). */
export interface SsoLogoutResponse {
  redirectTo: string | null;
}

/** A portal the citizen has allowed (GET /api/sso/consents). */
export interface SsoConsent {
  clientId: string;
  clientName: string;
  items: DisclosedItem[];
  grantedAt: number;
}

/**
 * One disclosure in the sharing history (GET /api/sso/history): what went to which portal,
 * when, and how — at a sign-in, or fetched again later by a portal that stays signed in
 * (`offline_access`; at most one entry per sign-in and day).
 */
export interface SsoDisclosure {
  id: number;
  clientId: string;
  clientName: string;
  items: DisclosedItem[];
  level: 1 | 2;
  at: number;
  kind: 'sign_in' | 'userinfo';
}

/** The items a set of scopes discloses, in display order. */
export function itemsForScopes(scopes: readonly string[]): DisclosedItem[] {
  const items: DisclosedItem[] = ['sub', 'acr'];
  if (scopes.includes('profile')) items.push('name', 'birthdate', 'gender');
  if (scopes.includes('phone')) items.push('phone_number');
  if (scopes.includes('vn_id_number')) items.push('vn_id_number');
  return items;
}
