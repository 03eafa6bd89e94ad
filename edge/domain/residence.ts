/**
 * Residence notification (thông báo lưu trú, utility 3): a citizen tells the police of a
 * commune who stays where, from when to when. As guest the citizen declares themself and,
 * optionally, their dependants; as host they declare their guests by ID number. The
 * notification goes to the police of that commune (the officer inbox), who acknowledge it;
 * the citizen sees the status (sent → received → acknowledged) and is notified. A notification
 * is kept on its author's shard; its id names that shard, and an inbox reads every shard.
 */
import { communeLabel } from '../../shared/communes';
import { daysBetween, formatDay, vietnamDay, type Household, type OfficerResidenceNotice, type OfficerResidenceSummary, type ResidenceNotice, type ResidenceNoticeInput, type ResidencePerson } from '../../shared/services';
import type { Account } from '../store/accounts';
import { readAccount } from '../store/accounts';
import {
  insertResidenceNoticeOnce,
  listResidenceInbox,
  listResidenceNoticesOfAccount,
  markResidenceAcknowledged,
  markResidenceReceived,
  readResidenceNotice,
  readResidenceNoticeByKey,
  type ResidenceNoticeRow,
} from '../store/residence-notices';
import type { ShardDb } from '../store/shards';
import { sameName } from './enrolment';
import type { Deps } from './deps';
import { AppError } from './errors';
import { replayOf, requestHash } from './idempotency';
import { notify } from './notifications';
import { auditScoped, type OfficerScope } from './officer-scope';
import { enforceRateLimit } from './rate-limit';
import type { ServicesDeps } from './services-deps';

/** Notifications per account: a family's trips, not a bulk feed. */
export const RESIDENCE_LIMIT = { limit: 20, windowMs: 60 * 60_000 };
/** A stay may be notified up to this many days after it began (the phone may have been offline). */
const MAX_LATE_DAYS = 30;
/** …and this many days ahead. */
const MAX_AHEAD_DAYS = 365;

export function toResidenceNotice(r: ResidenceNoticeRow): ResidenceNotice {
  return {
    id: r.id,
    submissionKey: r.idempotencyKey,
    role: r.role,
    communeCode: r.communeCode,
    address: r.address,
    people: r.people,
    from: r.from,
    to: r.to,
    reason: r.reason,
    status: r.status,
    submittedAt: r.submittedAt,
    receivedAt: r.receivedAt,
    acknowledgedAt: r.acknowledgedAt,
    note: r.note,
  };
}

/** The citizen and their dependants, as the population registry records them. */
export async function household(deps: Deps, account: Account): Promise<Household> {
  const self = await deps.registry.findCitizen(account.idNumber);
  if (!self) throw new AppError('not_found', 'The registry has no record for this account.');
  const dependants = await deps.registry.findDependants(account.idNumber);
  return {
    self: { idNumber: self.idNumber, fullName: self.fullName },
    dependants: dependants.map((d) => ({ idNumber: d.citizen.idNumber, fullName: d.citizen.fullName, birthDate: d.citizen.birthDate, relation: d.relation })),
  };
}

/**
 * The people of a notification, by the role's rules. A guest's dependants come from the
 * account's household, with their registry names. A host's guests are checked against the
 * registry as typed (ID number and full name, as on the card) and kept as typed: an unknown
 * ID number and a name that is not its holder's get the same answer, pointing at the row
 * only, and nothing the host did not type is returned (the form must not be a look-up).
 */
async function resolvePeople(deps: Deps, account: Account, input: ResidenceNoticeInput): Promise<ResidencePerson[]> {
  if (input.role === 'guest') {
    const home = await household(deps, account);
    const allowed = new Map(home.dependants.map((d) => [d.idNumber, d]));
    const others = input.people.filter((id) => id !== account.idNumber);
    const out: ResidencePerson[] = [home.self];
    for (const [i, id] of others.entries()) {
      const d = allowed.get(id);
      // A guest declares themself and their own dependants; other adults declare themselves.
      if (!d) throw new AppError('validation_failed', `Invalid field: people.${i}.`);
      out.push({ idNumber: d.idNumber, fullName: d.fullName });
    }
    return out;
  }
  const out: ResidencePerson[] = [];
  for (const [i, guest] of input.people.entries()) {
    if (guest.idNumber === account.idNumber) throw new AppError('validation_failed', `Invalid field: people.${i}.`);
    const c = await deps.registry.findCitizen(guest.idNumber);
    if (!c || !sameName(c.fullName, guest.fullName)) {
      throw new AppError('guest_mismatch', `The ID number and full name of the guest at people.${i} do not match the national population registry.`).at(`people.${i}`);
    }
    out.push({ idNumber: guest.idNumber, fullName: guest.fullName });
  }
  return out;
}

/**
 * Submits a residence notification, once per idempotency key: a repeat with the same key
 * and content returns the stored notification (`replayed`), a repeat with other content is
 * refused. Rate-limited per account; replays do not count.
 */
export async function submitResidenceNotice(
  deps: ServicesDeps,
  account: Account,
  idempotencyKey: string,
  input: ResidenceNoticeInput,
): Promise<{ notice: ResidenceNotice; replayed: boolean }> {
  const hash = await requestHash(input);
  const db = deps.shards.dbFor(account.idNumber);
  const existing = await readResidenceNoticeByKey(db, account.id, idempotencyKey);
  if (existing) return { notice: toResidenceNotice(replayOf(existing, hash)), replayed: true };

  await enforceRateLimit(deps.db, `residence:account:${account.id}`, RESIDENCE_LIMIT, deps.now);
  const today = vietnamDay(deps.now);
  if (daysBetween(input.from, today) > MAX_LATE_DAYS || daysBetween(today, input.from) > MAX_AHEAD_DAYS) {
    throw new AppError('validation_failed', 'Invalid field: from.');
  }
  const people = await resolvePeople(deps, account, input);
  const id = await deps.shards.newId(account.idNumber);
  const stored = await insertResidenceNoticeOnce(db, {
    id,
    accountId: account.id,
    idempotencyKey,
    requestHash: hash,
    role: input.role,
    communeCode: input.communeCode,
    address: input.address,
    people,
    from: input.from,
    to: input.to,
    reason: input.reason,
    status: 'sent',
    submittedAt: deps.now,
    receivedAt: null,
    acknowledgedAt: null,
    handledBy: null,
    note: null,
  });
  // Two requests with one key may race: the loser reads the winner's row.
  return { notice: toResidenceNotice(replayOf(stored, hash)), replayed: stored.id !== id };
}

export async function listMyResidenceNotices(deps: Deps, account: Account): Promise<ResidenceNotice[]> {
  return (await listResidenceNoticesOfAccount(deps.shards.dbFor(account.idNumber), account.id, 100)).map(toResidenceNotice);
}

// ---- the officer's side ---------------------------------------------------------------------

async function withSubmitter(deps: Deps, db: ShardDb, r: ResidenceNoticeRow): Promise<OfficerResidenceNotice> {
  const account = await readAccount(db, r.accountId);
  const citizen = account ? await deps.registry.findCitizen(account.idNumber) : null;
  const { submissionKey: _key, ...notice } = toResidenceNotice(r);
  return {
    ...notice,
    submittedBy: { idNumber: account?.idNumber ?? '', fullName: citizen?.fullName ?? '' },
  };
}

/** The inbox's line: no names or ID numbers (those are read by opening it, which is audited). */
function toSummary(r: ResidenceNoticeRow): OfficerResidenceSummary {
  const { submissionKey: _key, people, ...notice } = toResidenceNotice(r);
  return { ...notice, peopleCount: people.length };
}

/** A notification the officer may handle: in a commune of their unit, else "not found" (no probing other areas). */
async function inScope(deps: Deps, scope: OfficerScope, id: string): Promise<{ r: ResidenceNoticeRow; db: ShardDb }> {
  const db = await deps.shards.dbForKey(id);
  const r = db ? await readResidenceNotice(db, id) : null;
  if (!db || !r || !scope.communes.includes(r.communeCode)) throw new AppError('not_found', 'No such residence notification in your area.');
  return { r, db };
}

/** The inbox of an officer's area: open ones (sent, received) or all, newest first. */
export async function residenceInbox(
  deps: Deps,
  scope: OfficerScope,
  query: { status?: 'open' | 'all' | undefined; commune?: string | undefined; before?: number | undefined },
): Promise<{ items: OfficerResidenceSummary[]; next: number | null }> {
  const communes = query.commune ? scope.communes.filter((c) => c === query.commune) : scope.communes;
  const statuses = query.status === 'all' ? (['sent', 'received', 'acknowledged'] as const) : (['sent', 'received'] as const);
  const PAGE = 50;
  // Every shard's newest PAGE, merged: the page is the newest PAGE of them all.
  const rows = (await Promise.all(deps.shards.all.map(({ db }) => listResidenceInbox(db, communes, statuses, query.before ?? Number.MAX_SAFE_INTEGER, PAGE))))
    .flat()
    .sort((a, b) => b.submittedAt - a.submittedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, PAGE);
  return { items: rows.map(toSummary), next: rows.length === PAGE ? rows[rows.length - 1]!.submittedAt : null };
}

/**
 * Opens a notification: the people's ID numbers and who sent it. Every opening is audited
 * with the citizen as whom, so it shows in their security history. The first officer to
 * open it moves it from sent to received.
 */
export async function openResidenceNotice(deps: Deps, scope: OfficerScope, id: string): Promise<OfficerResidenceNotice> {
  const { r, db } = await inScope(deps, scope, id);
  await auditScoped(deps, scope, 'residence.viewed', r.accountId, db, { notice: id });
  if (r.status === 'sent') {
    await markResidenceReceived(db, id, scope.officerId, deps.now);
    return withSubmitter(deps, db, { ...r, status: 'received', receivedAt: deps.now, handledBy: scope.officerId });
  }
  return withSubmitter(deps, db, r);
}

/** Acknowledges a notification and tells its author (once, however many times it is clicked). */
export async function acknowledgeResidenceNotice(deps: ServicesDeps, scope: OfficerScope, id: string, note: string | null): Promise<OfficerResidenceNotice> {
  const { db } = await inScope(deps, scope, id);
  const changed = await markResidenceAcknowledged(db, id, scope.officerId, note, deps.now);
  const r = (await readResidenceNotice(db, id))!;
  if (changed) {
    await auditScoped(deps, scope, 'residence.acknowledge', r.accountId, db, { notice: id });
    await notify(deps, db, {
      accountId: r.accountId,
      kind: 'residence_ack',
      dedupeKey: `residence_ack:${id}`,
      title: 'Thông báo lưu trú đã được xác nhận',
      body: `Công an ${communeLabel(r.communeCode)} đã xác nhận thông báo lưu trú từ ${formatDay(r.from)} đến ${formatDay(r.to)}.${note ? ` Ghi chú: ${note}` : ''}`,
      link: '/services/residence',
    });
  }
  return withSubmitter(deps, db, r);
}
