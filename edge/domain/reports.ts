/**
 * Security and public-order reports (phản ánh, kiến nghị ANTT, utility 4): category,
 * description, when, where (a typed address or the phone's location, with consent), up to
 * three photos the phone resized, anonymous or named. The police of the commune handle and
 * reply; the citizen sees the reply and is notified. An anonymous report's author is never
 * shown to the police: the link to the account is kept only to bring the reply back.
 */
import { MAX_PHOTO_BYTES, MAX_PHOTOS, REPORT_MAX_AGE_DAYS, type OfficerReport, type OfficerReportSummary, type Report, type ReportInput } from '../../shared/services';
import { maskPhone } from '../../shared/api';
import { toBase64Url } from '../../shared/bytes';
import type { Account } from '../store/accounts';
import { readAccount } from '../store/accounts';
import {
  insertReportOnce,
  listReportInbox,
  listReportsOfAccount,
  markReportAnswered,
  markReportReceived,
  readReport,
  readReportByKey,
  type ReportRow,
} from '../store/reports';
import type { ShardDb } from '../store/shards';
import type { Deps } from './deps';
import { AppError } from './errors';
import { replayOf, requestHash } from './idempotency';
import { notify } from './notifications';
import { auditScoped, type OfficerScope } from './officer-scope';
import { enforceRateLimit } from './rate-limit';
import type { ServicesDeps } from './services-deps';

export const REPORT_LIMIT = { limit: 10, windowMs: 60 * 60_000 };
/** Clocks differ: an event "now" on the phone may be slightly ahead of the edge. */
const CLOCK_SKEW_MS = 10 * 60_000;
const DAY = 86_400_000;

export interface Photo {
  bytes: Uint8Array<ArrayBuffer>;
}

export function toReport(r: ReportRow): Report {
  return {
    id: r.id,
    submissionKey: r.idempotencyKey,
    category: r.category,
    description: r.description,
    occurredAt: r.occurredAt,
    communeCode: r.communeCode,
    place: r.place,
    anonymous: r.anonymous,
    photoCount: r.photoKeys.length,
    status: r.status,
    submittedAt: r.submittedAt,
    receivedAt: r.receivedAt,
    answeredAt: r.answeredAt,
    reply: r.reply,
  };
}

/** A JPEG starts with SOI and a marker (FF D8 FF); anything else is refused, whatever its Content-Type said. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export function checkPhotos(photos: readonly Photo[]): void {
  if (photos.length > MAX_PHOTOS) throw new AppError('validation_failed', 'Invalid field: photo.');
  for (const [i, p] of photos.entries()) {
    if (p.bytes.length === 0 || p.bytes.length > MAX_PHOTO_BYTES || !isJpeg(p.bytes)) {
      throw new AppError('validation_failed', `Invalid field: photo.${i}.`);
    }
  }
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/**
 * Submits a report with its photos, once per idempotency key. Photos are written to R2
 * first, the row last, so a stored report always has its photos. The object keys carry this
 * request's own report id: two requests racing with one key (or a key reused for other
 * photos) never write over each other's objects, and the one whose row was not stored
 * deletes what it wrote.
 */
export async function submitReport(
  deps: ServicesDeps,
  account: Account,
  idempotencyKey: string,
  input: ReportInput,
  photos: readonly Photo[],
): Promise<{ report: Report; replayed: boolean }> {
  checkPhotos(photos);
  const hash = await requestHash({ input, photos: await Promise.all(photos.map((p) => sha256(p.bytes))) });
  const db = deps.shards.dbFor(account.idNumber);
  const existing = await readReportByKey(db, account.id, idempotencyKey);
  if (existing) return { report: toReport(replayOf(existing, hash)), replayed: true };

  await enforceRateLimit(deps.db, `report:account:${account.id}`, REPORT_LIMIT, deps.now);
  if (input.occurredAt > deps.now + CLOCK_SKEW_MS || input.occurredAt < deps.now - REPORT_MAX_AGE_DAYS * DAY) {
    throw new AppError('validation_failed', 'Invalid field: occurredAt.');
  }
  // Its id names its author's shard, sealed: it tells an officer nothing of an anonymous author.
  const id = await deps.shards.newId(account.idNumber);
  const photoKeys: string[] = [];
  let stored: ReportRow | null = null;
  try {
    if (photos.length > 0) {
      if (!deps.photos) throw new Error('PHOTOS (R2) binding missing');
      for (const [i, p] of photos.entries()) {
        const key = `reports/${account.id}/${idempotencyKey}/${id}/${i}.jpg`;
        photoKeys.push(key);
        await deps.photos.put(key, p.bytes, { httpMetadata: { contentType: 'image/jpeg' } });
      }
    }
    stored = await insertReportOnce(db, {
      id,
      accountId: account.id,
      idempotencyKey,
      requestHash: hash,
      category: input.category,
      description: input.description,
      occurredAt: input.occurredAt,
      communeCode: input.communeCode,
      place: input.place,
      anonymous: input.anonymous,
      photoKeys,
      status: 'sent',
      submittedAt: deps.now,
      receivedAt: null,
      answeredAt: null,
      handledBy: null,
      reply: null,
    });
  } finally {
    // Not this request's row (another request with the key stored first, or storing failed): its photos are nobody's.
    if (stored?.id !== id && photoKeys.length && deps.photos) {
      await deps.photos.delete(photoKeys).catch((err: unknown) => {
        console.error(JSON.stringify({ level: 'error', message: 'orphan report photos not deleted', keys: photoKeys, error: err instanceof Error ? err.message : String(err) }));
      });
    }
  }
  return { report: toReport(replayOf(stored, hash)), replayed: stored.id !== id };
}

export async function listMyReports(deps: Deps, account: Account): Promise<Report[]> {
  return (await listReportsOfAccount(deps.shards.dbFor(account.idNumber), account.id, 100)).map(toReport);
}

/** One of a report's photos, for its author. */
export async function myReportPhoto(deps: ServicesDeps, account: Account, id: string, index: number): Promise<R2ObjectBody> {
  const r = await readReport(deps.shards.dbFor(account.idNumber), id);
  if (!r || r.accountId !== account.id) throw new AppError('not_found', 'No such photo.');
  return photoOf(deps, r, index);
}

async function photoOf(deps: ServicesDeps, r: ReportRow, index: number): Promise<R2ObjectBody> {
  const key = r.photoKeys[index];
  const object = key && deps.photos ? await deps.photos.get(key) : null;
  if (!object) throw new AppError('not_found', 'No such photo.');
  return object;
}

// ---- the officer's side ---------------------------------------------------------------------

async function forOfficer(deps: Deps, db: ShardDb, r: ReportRow): Promise<OfficerReport> {
  const { submissionKey: _key, ...report } = toReport(r);
  if (r.anonymous) return { ...report, reporter: null };
  const account = await readAccount(db, r.accountId);
  const citizen = account ? await deps.registry.findCitizen(account.idNumber) : null;
  return {
    ...report,
    reporter: account && citizen ? { idNumber: account.idNumber, fullName: citizen.fullName, phoneMasked: maskPhone(account.phone) } : null,
  };
}

/** The inbox's line: what and where, never who (a named reporter is read by opening the report, which is audited). */
function toSummary(r: ReportRow): OfficerReportSummary {
  const { submissionKey: _key, ...report } = toReport(r);
  return report;
}

async function inScope(deps: Deps, scope: OfficerScope, id: string): Promise<{ r: ReportRow; db: ShardDb }> {
  const db = await deps.shards.dbForKey(id);
  const r = db ? await readReport(db, id) : null;
  if (!db || !r || !scope.communes.includes(r.communeCode)) throw new AppError('not_found', 'No such report in your area.');
  return { r, db };
}

export async function reportInbox(
  deps: Deps,
  scope: OfficerScope,
  query: { status?: 'open' | 'all' | undefined; commune?: string | undefined; before?: number | undefined },
): Promise<{ items: OfficerReportSummary[]; next: number | null }> {
  const communes = query.commune ? scope.communes.filter((c) => c === query.commune) : scope.communes;
  const statuses = query.status === 'all' ? (['sent', 'received', 'answered'] as const) : (['sent', 'received'] as const);
  const PAGE = 50;
  // Every shard's newest PAGE, merged: the page is the newest PAGE of them all.
  const rows = (await Promise.all(deps.shards.all.map(({ db }) => listReportInbox(db, communes, statuses, query.before ?? Number.MAX_SAFE_INTEGER, PAGE))))
    .flat()
    .sort((a, b) => b.submittedAt - a.submittedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, PAGE);
  return { items: rows.map(toSummary), next: rows.length === PAGE ? rows[rows.length - 1]!.submittedAt : null };
}

/**
 * Opens a report. A named one shows its reporter's ID number, name and phone: each opening
 * is audited with the reporter as whom (their security history shows it). An anonymous one
 * shows no one, and nothing links it to its author in the audit log either.
 */
export async function openReport(deps: Deps, scope: OfficerScope, id: string): Promise<OfficerReport> {
  const { r, db } = await inScope(deps, scope, id);
  if (!r.anonymous) await auditScoped(deps, scope, 'report.viewed', r.accountId, db, { report: id });
  if (r.status === 'sent') {
    await markReportReceived(db, id, scope.officerId, deps.now);
    return forOfficer(deps, db, { ...r, status: 'received', receivedAt: deps.now, handledBy: scope.officerId });
  }
  return forOfficer(deps, db, r);
}

export async function officerReportPhoto(deps: ServicesDeps, scope: OfficerScope, id: string, index: number): Promise<R2ObjectBody> {
  return photoOf(deps, (await inScope(deps, scope, id)).r, index);
}

/** Replies to a report (once) and tells its author. */
export async function replyToReport(deps: ServicesDeps, scope: OfficerScope, id: string, reply: string): Promise<OfficerReport> {
  const { db } = await inScope(deps, scope, id);
  const changed = await markReportAnswered(db, id, scope.officerId, reply, deps.now);
  if (!changed) throw new AppError('bad_request', 'This report has already been answered.');
  const r = (await readReport(db, id))!;
  // An anonymous report's author is never written beside an officer's act (supervisors read the log), nor on their shard.
  if (r.anonymous) await auditScoped(deps, scope, 'report.reply.anonymous', null, null, { report: id });
  else await auditScoped(deps, scope, 'report.reply', r.accountId, db, { report: id });
  await notify(deps, db, {
    accountId: r.accountId,
    kind: 'report_reply',
    dedupeKey: `report_reply:${id}`,
    title: 'Phản ánh của bạn đã được trả lời',
    body: reply.length > 160 ? `${reply.slice(0, 157)}…` : reply,
    link: '/services/reports',
  });
  return forOfficer(deps, db, r);
}
