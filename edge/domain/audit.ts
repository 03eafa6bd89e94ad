/**
 * The audit log: where each event is written (recordAudit, the one writer), and read back as the
 * citizen's own security history (sign-ins, device changes, locks, phone changes, officers'
 * actions on the account) and the supervisor's view of officers' actions. Writing happens where
 * each event happens, in the same transaction as what it records.
 */
import type { HistoryActor, HistoryEvent } from '../../shared/accounts';
import { CITIZEN_AUDIT_ACTIONS, type CitizenAuditAction } from '../../shared/audit';
import type { AuditEntry } from '../../shared/officer';
import type { Account } from '../store/accounts';
import { insertAuditIfChangedStatement, insertAuditStatement, listAudit, listAuditForSubjects, type AuditEvent } from '../store/audit';
import type { Officer } from '../store/officers';
import type { ShardDb } from '../store/shards';
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

/** What recordAudit gives its caller: the statement for its batch, and what to run once that batch committed. */
export interface AuditWrite {
  /** The event in the batch of what it records: on the citizen's shard, or the main database for an event about no citizen. */
  statement: D1PreparedStatement;
  /** The supervisors' copy of an officer's act on a citizen (main database), written once the act committed; nothing otherwise. */
  after(): Promise<void>;
}

/**
 * Where an audit event is kept, decided here once. A citizen's history is read from their shard,
 * so an event about a citizen — its subject their account, or `citizen:<ID number>` before the
 * account exists; `citizen`: that shard — is written there, in the batch of what it records. The
 * supervisors' panel reads the main database, so an event about no citizen (an officer's sign-in,
 * a portal, news, a registration that matched nobody) is written there, and an officer's act on a
 * citizen is written there too, right after the citizen's copy committed. `ifChanged`: the event
 * only if the statement just before it in the batch changed a row (a conditional act and its
 * record commit together, or neither); the caller then calls `after` only if it did.
 */
export function recordAudit(deps: Deps, e: AuditEvent, citizen: ShardDb | null, opts: { ifChanged?: boolean } = {}): AuditWrite {
  const insert = opts.ifChanged ? insertAuditIfChangedStatement : insertAuditStatement;
  const officerCopy = citizen !== null && e.actor.startsWith('officer:');
  return {
    statement: insert(citizen ?? deps.db, e),
    after: async () => {
      if (officerCopy) await insertAuditStatement(deps.db, e).run();
    },
  };
}

/** Writes an event where it belongs (recordAudit), on its own. */
export async function audit(deps: Deps, e: AuditEvent, citizen: ShardDb | null): Promise<void> {
  const write = recordAudit(deps, e, citizen);
  await write.statement.run();
  await write.after();
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
  // Both are on the account's shard: officers' acts before activation went to the ID number's shard.
  const events = await listAuditForSubjects(deps.shards.dbFor(account.idNumber), [account.id, citizenSubject(account.idNumber)], HISTORY_LIMIT);
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

/**
 * A supervisor's view: the newest events of the main database's log (officers' acts and what
 * concerns no citizen), or one officer's actions. A citizen's own events (their sign-ins…) are
 * on their shard, for them: at national scale they would drown the officers' acts anyway.
 */
export async function officerAuditLog(
  deps: Deps,
  supervisor: Officer,
  filter: { officerId?: string | undefined; beforeId?: number | undefined },
): Promise<AuditEntry[]> {
  requireRole(supervisor, 'supervisor');
  const rows = await listAudit(deps.db, { ...(filter.officerId ? { actor: `officer:${filter.officerId}` } : {}), ...(filter.beforeId ? { beforeId: filter.beforeId } : {}) }, 100);
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, subject: r.subject, ...(r.detail ? { detail: r.detail } : {}) }));
}
