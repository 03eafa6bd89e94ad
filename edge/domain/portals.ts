/**
 * The portal registry as supervisors manage it from the officer console: list, register,
 * update, disable and re-enable, rotate the client secret. Supervisors only; every action is
 * audited (who, unit, which portal, when) in the same batch as the change. A client secret is
 * generated here, returned once and stored only as its hash.
 *
 * Disabling a portal refuses it at once at the authorization endpoint (a page, not a
 * redirect) and the token endpoint, stops its access and refresh tokens, and voids the
 * consents citizens gave it: grants and consents made until then stay dead when it is
 * enabled again (`revoked_before`, checked where they are used — no scan of the grants).
 */
import type * as v from 'valibot';
import {
  PortalRegisterRequest,
  PortalUpdateRequest,
  usesClientSecret,
  type PortalListResponse,
  type PortalSecretResponse,
  type PortalSummary,
} from '../../shared/portals';
import {
  listClients,
  readClient,
  replaceSecretHashStatement,
  setClientStatusStatement,
  updateClientStatement,
  type OidcClient,
} from '../store/oidc-clients';
import type { Officer } from '../store/officers';
import { newToken, sha256Base64Url } from './crypto';
import type { Deps } from './deps';
import { AppError } from './errors';
import { clientRegistration, registerClient } from './oidc/clients';
import { officerAudit, requireRole } from './officers';

const PAGE = 100;

export function portalSummary(c: OidcClient): PortalSummary {
  return {
    clientId: c.clientId,
    name: c.name,
    authMethod: c.authMethod,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    scopes: c.scopes,
    jwksKeys: c.jwks?.keys.length ?? 0,
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

const subject = (clientId: string) => `portal:${clientId}`;

async function requirePortal(deps: Deps, clientId: string): Promise<OidcClient> {
  const client = await readClient(deps.db, clientId);
  if (!client) throw new AppError('not_found', 'No portal is registered with this client id.');
  return client;
}

/** The registered portals, a page at a time in client-id order. */
export async function listPortals(deps: Deps, supervisor: Officer, opts: { after?: string | undefined }): Promise<PortalListResponse> {
  requireRole(supervisor, 'supervisor');
  const rows = await listClients(deps.db, { after: opts.after, limit: PAGE + 1 });
  const page = rows.slice(0, PAGE);
  return { portals: page.map(portalSummary), next: rows.length > PAGE ? page[page.length - 1]!.clientId : null };
}

/**
 * Registers a new portal. A client id already registered is refused (`portal_exists`), so a
 * supervisor never takes over a live portal's redirect URIs by registering its id again.
 */
export async function registerPortal(deps: Deps, supervisor: Officer, input: v.InferOutput<typeof PortalRegisterRequest>): Promise<PortalSecretResponse> {
  requireRole(supervisor, 'supervisor');
  const { client, clientSecret } = await registerClient(deps, {
    ...(input.clientId ? { clientId: input.clientId } : {}),
    name: input.name,
    authMethod: input.authMethod,
    redirectUris: input.redirectUris,
    postLogoutRedirectUris: input.postLogoutRedirectUris,
    scopes: input.scopes,
    ...(input.jwks ? { jwks: input.jwks } : {}),
  }, (client) => [
    officerAudit(deps, supervisor, 'portal.registered', subject(client.clientId), {
      name: client.name,
      authMethod: client.authMethod,
      scopes: client.scopes.join(' '),
      redirectUris: client.redirectUris.length,
    }),
  ]);
  return { portal: portalSummary(client), clientSecret };
}

/**
 * Replaces an existing portal's name, redirect URIs, scopes and authentication method. A move
 * to a secret method makes a new secret (returned once); between the two secret methods the
 * secret stays; away from them it is dropped. Scopes taken away stop at once for tokens
 * already issued (UserInfo and refresh give only what the portal is still allowed).
 */
export async function updatePortal(
  deps: Deps,
  supervisor: Officer,
  clientId: string,
  input: v.InferOutput<typeof PortalUpdateRequest>,
): Promise<PortalSecretResponse> {
  requireRole(supervisor, 'supervisor');
  const existing = await requirePortal(deps, clientId);
  const keepJwks = input.authMethod === 'private_key_jwt' && !input.jwks && existing.jwks ? existing.jwks : input.jwks;
  const { registration, clientSecret } = await clientRegistration(
    { ...input, jwks: keepJwks },
    usesClientSecret(existing.authMethod) ? { keepHash: existing.secretHash } : {},
  );
  const changed = (['name', 'authMethod', 'redirectUris', 'postLogoutRedirectUris', 'scopes', 'jwks'] as const).filter(
    (k) => JSON.stringify(registration[k]) !== JSON.stringify(existing[k]),
  );
  await deps.db.batch([
    updateClientStatement(deps.db, clientId, registration, deps.now),
    officerAudit(deps, supervisor, 'portal.updated', subject(clientId), {
      changed: changed.join(' ') || null,
      authMethod: registration.authMethod,
      scopes: registration.scopes.join(' '),
      newSecret: clientSecret !== null,
    }),
  ]);
  return { portal: portalSummary({ ...existing, ...registration, updatedAt: deps.now }), clientSecret };
}

/**
 * Disables a portal, or enables it again. Disabling voids every grant (access and refresh
 * tokens) and consent given to it until now; enabling does not bring them back.
 */
export async function setPortalStatus(deps: Deps, supervisor: Officer, clientId: string, status: 'active' | 'disabled'): Promise<PortalSummary> {
  requireRole(supervisor, 'supervisor');
  const existing = await requirePortal(deps, clientId);
  if (existing.status === status) throw new AppError('bad_request', status === 'disabled' ? 'This portal is already disabled.' : 'This portal is already active.');
  await deps.db.batch([
    setClientStatusStatement(deps.db, clientId, status, deps.now),
    officerAudit(deps, supervisor, status === 'disabled' ? 'portal.disabled' : 'portal.enabled', subject(clientId), { name: existing.name }),
  ]);
  return portalSummary({ ...existing, status, ...(status === 'disabled' ? { revokedBefore: deps.now } : {}), updatedAt: deps.now });
}

/**
 * A new client secret for a portal that uses one: shown once; the old secret fails from this
 * moment (`invalid_client`). Tokens already issued keep working until they expire: a refresh
 * needs the new secret anyway.
 */
export async function rotatePortalSecret(deps: Deps, supervisor: Officer, clientId: string): Promise<PortalSecretResponse> {
  requireRole(supervisor, 'supervisor');
  const existing = await requirePortal(deps, clientId);
  if (!usesClientSecret(existing.authMethod)) throw new AppError('bad_request', 'This portal does not authenticate with a client secret.');
  const clientSecret = newToken();
  const secretHash = await sha256Base64Url(clientSecret);
  await deps.db.batch([
    replaceSecretHashStatement(deps.db, clientId, secretHash, deps.now),
    officerAudit(deps, supervisor, 'portal.secret_rotated', subject(clientId), { name: existing.name, authMethod: existing.authMethod }),
  ]);
  return { portal: portalSummary({ ...existing, secretHash, updatedAt: deps.now }), clientSecret };
}
