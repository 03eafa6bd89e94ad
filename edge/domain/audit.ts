/**
 * The audit log read back: the citizen's own security history (sign-ins, device changes,
 * locks, phone changes, officers' actions on the account) and the supervisor's view of
 * officers' actions. Writing happens where each event happens, in the same transaction.
 */
import type { HistoryActor, HistoryEvent } from '../../shared/accounts';
import type { AuditEntry } from '../../shared/officer';
import type { Account } from '../store/accounts';
import { listAudit, listAuditForSubject } from '../store/audit';
import type { Officer } from '../store/officers';
import type { Deps } from './deps';
import { requireRole } from './officers';

const HISTORY_LIMIT = 50;

function actorKind(actor: string): HistoryActor {
  if (actor.startsWith('account:')) return 'you';
  // A device-change request comes from a phone not yet bound: it may not be the citizen's.
  if (actor.startsWith('device:')) return 'new-device';
  if (actor.startsWith('officer:')) return 'officer';
  if (actor.startsWith('client:')) return 'sms';
  return 'system';
}

/** The citizen's history, newest first: what, when, by whom (an officer by unit only). */
export async function citizenHistory(deps: Deps, account: Account): Promise<HistoryEvent[]> {
  const events = await listAuditForSubject(deps.db, account.id, HISTORY_LIMIT);
  return events.map((e) => {
    const out: HistoryEvent = { id: e.id, at: e.at, action: e.action, by: actorKind(e.actor) };
    const unit = e.detail?.unit;
    const label = e.detail?.label;
    if (typeof unit === 'string') out.unitCode = unit;
    if (typeof label === 'string') out.label = label;
    return out;
  });
}

/** A supervisor's view: the newest events, or one officer's actions. */
export async function officerAuditLog(
  deps: Deps,
  supervisor: Officer,
  filter: { officerId?: string | undefined; beforeId?: number | undefined },
): Promise<AuditEntry[]> {
  requireRole(supervisor, 'supervisor');
  const rows = await listAudit(deps.db, { ...(filter.officerId ? { actor: `officer:${filter.officerId}` } : {}), ...(filter.beforeId ? { beforeId: filter.beforeId } : {}) }, 100);
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, subject: r.subject, ...(r.detail ? { detail: r.detail } : {}) }));
}
