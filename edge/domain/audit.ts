/**
 * The audit log read back: the citizen's own security history (sign-ins, device changes,
 * locks, phone changes, officers' actions on the account) and the supervisor's view of
 * officers' actions. Writing happens where each event happens, in the same transaction.
 */
import type { HistoryActor, HistoryEvent } from '../../shared/accounts';
import { CITIZEN_AUDIT_ACTIONS, type CitizenAuditAction } from '../../shared/audit';
import type { AuditEntry } from '../../shared/officer';
import type { Account } from '../store/accounts';
import { listAudit, listAuditForSubjects } from '../store/audit';
import type { Officer } from '../store/officers';
import type { Deps } from './deps';
import { requireRole } from './officers';

const HISTORY_LIMIT = 50;
const CITIZEN_ACTIONS: ReadonlySet<string> = new Set(CITIZEN_AUDIT_ACTIONS);

/**
 * The subject an officer's action on a citizen without an account is recorded under. The
 * citizen's history reads it too, so what was done before activation (a look-up, the
 * level-2 approval) is not lost when the account appears.
 */
export function citizenSubject(idNumber: string): string {
  return `citizen:${idNumber}`;
}

function actorKind(actor: string): HistoryActor {
  if (actor.startsWith('account:')) return 'you';
  // A device-change request comes from a phone not yet bound: it may not be the citizen's.
  if (actor.startsWith('device:')) return 'new-device';
  if (actor.startsWith('officer:')) return 'officer';
  if (actor.startsWith('client:')) return 'sms';
  return 'system';
}

/**
 * The citizen's history, newest first: what, when, by whom (an officer by unit only). It
 * reads the account and the ID number it was known by before it existed (two index reads).
 */
export async function citizenHistory(deps: Deps, account: Account): Promise<HistoryEvent[]> {
  const events = await listAuditForSubjects(deps.db, [account.id, citizenSubject(account.idNumber)], HISTORY_LIMIT);
  // Only what shared/audit.ts lists for citizens is shown (an older row of another kind is not theirs to read).
  return events.flatMap((e) => {
    if (!CITIZEN_ACTIONS.has(e.action)) return [];
    const out: HistoryEvent = { id: e.id, at: e.at, action: e.action as CitizenAuditAction, by: actorKind(e.actor) };
    const unit = e.detail?.unit;
    const label = e.detail?.label;
    if (typeof unit === 'string') out.unitCode = unit;
    if (typeof label === 'string') out.label = label;
    return [out];
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
