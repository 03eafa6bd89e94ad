/**
 * The citizen's side of single sign-on in the app: the portals they allowed (remembered per
 * portal, revocable) and the sharing history of every disclosure.
 */
import { itemsForScopes, type SsoConsent, type SsoDisclosure } from '../../../shared/oidc';
import { insertAuditStatement } from '../../store/audit';
import { deleteConsentStatement, listConsents, listDisclosures } from '../../store/oidc-consents';
import { revokeGrantsStatement } from '../../store/oidc-grants';
import type { Deps } from '../deps';
import { AppError } from '../errors';

export async function listPortalConsents(deps: Deps, accountId: string): Promise<SsoConsent[]> {
  return (await listConsents(deps.db, accountId)).map((c) => ({
    clientId: c.clientId,
    clientName: c.clientName,
    items: itemsForScopes(c.scopes),
    grantedAt: c.grantedAt,
  }));
}

/**
 * Withdraws a portal's consent and revokes every token it holds for this citizen: the next
 * sign-in to that portal asks again, and its refresh tokens and access tokens stop working now.
 */
export async function revokePortalConsent(deps: Deps, accountId: string, clientId: string): Promise<void> {
  const [deleted] = await deps.db.batch([
    deleteConsentStatement(deps.db, accountId, clientId),
    revokeGrantsStatement(deps.db, accountId, clientId, deps.now),
    insertAuditStatement(deps.db, { at: deps.now, actor: `account:${accountId}`, action: 'sso.consent_revoked', subject: accountId, detail: { clientId } }),
  ]);
  if (!deleted || deleted.meta.changes === 0) throw new AppError('not_found', 'You have not allowed this portal.');
}

export const HISTORY_LIMIT = 100;

export async function listSharingHistory(deps: Deps, accountId: string): Promise<SsoDisclosure[]> {
  return (await listDisclosures(deps.db, accountId, HISTORY_LIMIT)).map((d) => ({
    id: d.id,
    clientId: d.clientId,
    clientName: d.clientName,
    items: d.items,
    level: d.level,
    at: d.at,
    kind: d.kind,
  }));
}
