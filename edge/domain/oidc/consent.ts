/**
 * The citizen's side of single sign-on in the app: the portals they allowed (remembered per
 * portal, revocable) and the sharing history of every disclosure.
 */
import { itemsForScopes, type SsoConsent, type SsoDisclosure } from '../../../shared/oidc';
import type { Account } from '../../store/accounts';
import { readClients } from '../../store/oidc-clients';
import { deleteConsentStatement, listConsents, listDisclosures } from '../../store/oidc-consents';
import { revokeGrantsStatement } from '../../store/oidc-grants';
import { recordAudit } from '../audit';
import type { Deps } from '../deps';
import { AppError } from '../errors';

/**
 * The citizen's consents (their shard) with the portals' current names (main database). A consent
 * given before the portal was last disabled no longer counts, so it is not listed.
 */
export async function listPortalConsents(deps: Deps, account: Account): Promise<SsoConsent[]> {
  const consents = await listConsents(deps.shards.dbFor(account.idNumber), account.id);
  const clients = await readClients(deps.db, [...new Set(consents.map((c) => c.clientId))]);
  return consents.flatMap((c) => {
    const client = clients.get(c.clientId);
    if (!client || c.grantedAt <= client.revokedBefore) return [];
    return [{ clientId: c.clientId, clientName: client.name, items: itemsForScopes(c.scopes), grantedAt: c.grantedAt }];
  });
}

/**
 * Withdraws a portal's consent and revokes every token it holds for this citizen: the next
 * sign-in to that portal asks again, and its refresh tokens and access tokens stop working now.
 */
export async function revokePortalConsent(deps: Deps, account: Account, clientId: string): Promise<void> {
  const db = deps.shards.dbFor(account.idNumber);
  const [deleted] = await db.batch([
    deleteConsentStatement(db, account.id, clientId),
    revokeGrantsStatement(db, account.id, clientId, deps.now),
    recordAudit(deps, { at: deps.now, actor: `account:${account.id}`, action: 'sso.consent_revoked', subject: account.id, detail: { clientId } }, db).statement,
  ]);
  if (!deleted || deleted.meta.changes === 0) throw new AppError('not_found', 'You have not allowed this portal.');
}

export const HISTORY_LIMIT = 100;

export async function listSharingHistory(deps: Deps, account: Account): Promise<SsoDisclosure[]> {
  return (await listDisclosures(deps.shards.dbFor(account.idNumber), account.id, HISTORY_LIMIT)).map((d) => ({
    id: d.id,
    clientId: d.clientId,
    clientName: d.clientName,
    items: d.items,
    level: d.level,
    at: d.at,
    kind: d.kind,
  }));
}
