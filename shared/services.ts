/**
 * The wire contract of the citizen services (utilities 3–6 of the seeds): residence
 * notification, security and public-order reports, notifications (in-app and Web Push),
 * news and crime-trick warnings, the officer's side of them, and the agency webhook.
 * Request schemas are validated at the edge with these very schemas; the PWA checks its
 * forms with them before putting a submission in the offline outbox.
 */
import * as v from 'valibot';
import { findCommune } from './communes';
import { FullName, IdNumber, IsoDate } from './api';

// Paths and transport constants live in a schema-free module (the PWA's first screen and its
// outbox use them); re-exported here.
export { IDEMPOTENCY_HEADER, MAX_PHOTO_BYTES, PHOTO_FIELD, PHOTO_MAX_SIDE, REPORT_FIELD, SERVICES_API } from './services-wire';



export const IdempotencyKey = v.pipe(
  v.string(),
  v.transform((s) => s.replace(/^"|"$/g, '').toLowerCase()),
  v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'idempotency_key'),
);

/** A commune code from the list the police are organised by. */
export const CommuneCode = v.pipe(v.string(), v.regex(/^\d{5}$/, 'commune'), v.check((c) => findCommune(c) !== undefined, 'commune'));

/** Free text a person types: NFC, trimmed, control characters refused (they have no place in a report). */
function text(min: number, max: number, key: string) {
  return v.pipe(
    v.string(),
    v.transform((s) => s.normalize('NFC').trim()),
    v.minLength(min, key),
    v.maxLength(max, key),
    v.regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, key),
  );
}

export const StreetAddress = text(5, 200, 'address');

// ---- residence notification (thông báo lưu trú) ----------------------------------------

export const RESIDENCE_ROLES = ['guest', 'host'] as const;
export type ResidenceRole = (typeof RESIDENCE_ROLES)[number];

/** Longest stay one notification covers, in days. */
export const MAX_STAY_DAYS = 180;
/** At most this many people in one notification (besides the citizen as guest). */
export const MAX_PEOPLE = 10;

/**
 * A guest as the host types them from the guest's card. The edge checks the pair against the
 * population registry and answers one error for any mismatch, naming the row but neither the
 * field nor whether the ID number exists: the host's form is not a registry look-up.
 */
export const ResidenceGuest = v.object({ idNumber: IdNumber, fullName: FullName });
export type ResidenceGuest = v.InferInput<typeof ResidenceGuest>;

const stay = {
  communeCode: CommuneCode,
  address: StreetAddress,
  from: IsoDate,
  to: IsoDate,
  reason: text(0, 500, 'reason'),
};

export const ResidenceNoticeRequest = v.pipe(
  v.variant('role', [
    v.object({
      /** "I (and my dependants) stay here." */
      role: v.literal('guest'),
      ...stay,
      /** ID numbers of the citizen's dependants who stay too (from the account's household); the citizen is always included. */
      people: v.pipe(
        v.array(IdNumber),
        v.maxLength(MAX_PEOPLE, 'people'),
        v.check((ids) => new Set(ids).size === ids.length, 'people'),
      ),
    }),
    v.object({
      /** "These guests stay at my place." */
      role: v.literal('host'),
      ...stay,
      /** The guests, at least one, each with ID number and full name as on their card. */
      people: v.pipe(
        v.array(ResidenceGuest),
        v.minLength(1, 'people'),
        v.maxLength(MAX_PEOPLE, 'people'),
        v.check((guests) => new Set(guests.map((g) => g.idNumber)).size === guests.length, 'people'),
      ),
    }),
  ]),
  v.forward(
    v.partialCheck([['from'], ['to']], (i) => i.from <= i.to && daysBetween(i.from, i.to) <= MAX_STAY_DAYS, 'dates'),
    ['to'],
  ),
);
export type ResidenceNoticeRequest = v.InferInput<typeof ResidenceNoticeRequest>;
export type ResidenceNoticeInput = v.InferOutput<typeof ResidenceNoticeRequest>;

export type ResidenceStatus = 'sent' | 'received' | 'acknowledged';

export interface ResidencePerson {
  idNumber: string;
  fullName: string;
}

/** A residence notification as its author sees it. */
export interface ResidenceNotice {
  id: string;
  /** The Idempotency-Key it was submitted with: the phone's outbox recognises its own items by it. */
  submissionKey: string;
  role: ResidenceRole;
  communeCode: string;
  address: string;
  people: ResidencePerson[];
  from: string;
  to: string;
  reason: string;
  status: ResidenceStatus;
  submittedAt: number;
  receivedAt: number | null;
  acknowledgedAt: number | null;
  /** The police's note with the acknowledgement. */
  note: string | null;
}

/** The citizen and the dependants the registry records for them (the people a guest can declare). */
export interface Household {
  self: ResidencePerson;
  dependants: Array<ResidencePerson & { birthDate: string; relation: string }>;
}

// ---- security and public-order reports (phản ánh, kiến nghị ANTT) ------------------------

export const REPORT_CATEGORIES = ['public_order', 'theft', 'fraud', 'drugs', 'gambling', 'violence', 'traffic', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** Photos per report (their size limits are in services-wire.ts). */
export const MAX_PHOTOS = 3;
/** How far back an event may be reported, in days. */
export const REPORT_MAX_AGE_DAYS = 365;

export const ReportPlace = v.variant('kind', [
  v.object({ kind: v.literal('address'), address: StreetAddress }),
  v.object({
    /** The phone's location, sent only when the citizen agreed to share it. */
    kind: v.literal('location'),
    latitude: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)),
    longitude: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)),
    accuracy: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100_000))),
  }),
]);

export const ReportRequest = v.object({
  category: v.picklist(REPORT_CATEGORIES),
  description: text(10, 2000, 'description'),
  /** When it happened, ms since the epoch. */
  occurredAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The commune whose police receive the report. */
  communeCode: CommuneCode,
  place: ReportPlace,
  /** Anonymous: the police never see who reported; the citizen still sees the reply. */
  anonymous: v.boolean(),
});
export type ReportRequest = v.InferInput<typeof ReportRequest>;
export type ReportInput = v.InferOutput<typeof ReportRequest>;

export type ReportStatus = 'sent' | 'received' | 'answered';
export type ReportPlace = v.InferOutput<typeof ReportPlace>;

/** A report as its author sees it. */
export interface Report {
  id: string;
  /** The Idempotency-Key it was submitted with. */
  submissionKey: string;
  category: ReportCategory;
  description: string;
  occurredAt: number;
  communeCode: string;
  place: ReportPlace;
  anonymous: boolean;
  photoCount: number;
  status: ReportStatus;
  submittedAt: number;
  receivedAt: number | null;
  answeredAt: number | null;
  reply: string | null;
}

// ---- notifications -----------------------------------------------------------------------

export const NOTIFICATION_KINDS = [
  'procedure', // a linked administrative procedure changed status (agency webhook)
  'card_expiry', // the chip ID card is about to expire
  'birthday',
  'report_reply',
  'residence_ack',
  'warning', // a crime-trick warning the police pushed
  'security', // something is happening to the account (a device change asked for): review or cancel
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** An in-app path to open, e.g. "/services/reports". */
  link: string | null;
  createdAt: number;
  readAt: number | null;
}

export interface NotificationsResponse {
  notifications: AppNotification[];
  unread: number;
}

export const MarkReadRequest = v.union([
  v.object({ ids: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/))), v.minLength(1), v.maxLength(100)) }),
  v.object({ all: v.literal(true) }),
]);
export type MarkReadRequest = v.InferInput<typeof MarkReadRequest>;

const B64u = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max), v.regex(/^[A-Za-z0-9_-]+$/));

/** `PushSubscription.toJSON()`, as the browser gives it. */
export const PushSubscriptionRequest = v.object({
  endpoint: v.pipe(v.string(), v.maxLength(1024), v.url(), v.startsWith('https://')),
  expirationTime: v.optional(v.nullable(v.number())),
  keys: v.object({
    p256dh: B64u(87, 87), // 65-byte uncompressed P-256 point
    auth: B64u(22, 22), // 16 bytes
  }),
});
export type PushSubscriptionRequest = v.InferInput<typeof PushSubscriptionRequest>;

export const PushUnsubscribeRequest = v.object({ endpoint: v.pipe(v.string(), v.maxLength(1024), v.url()) });

/** The VAPID public key (RFC 8292) for `pushManager.subscribe({ applicationServerKey })`. */
export interface PushKeyResponse {
  publicKey: string;
}

/** What a push message carries (encrypted, RFC 8291); the service worker shows it. */
export interface PushMessage {
  title: string;
  body: string;
  url: string;
  tag: string;
}

// ---- news and crime-trick warnings -------------------------------------------------------

export const NEWS_KINDS = ['news', 'warning'] as const;
export type NewsKind = (typeof NEWS_KINDS)[number];
export const NEWS_CATEGORIES = ['fraud', 'cyber', 'drugs', 'traffic', 'public_order', 'other'] as const;
export type NewsCategory = (typeof NEWS_CATEGORIES)[number];
export const NEWS_FIELD = 'news';
export const IMAGE_FIELD = 'image';

export const NewsRequest = v.object({
  kind: v.picklist(NEWS_KINDS),
  category: v.picklist(NEWS_CATEGORIES),
  title: text(5, 200, 'title'),
  body: text(10, 10_000, 'body'),
});
export type NewsRequest = v.InferInput<typeof NewsRequest>;

export interface NewsItem {
  id: string;
  kind: NewsKind;
  category: NewsCategory;
  title: string;
  body: string;
  /** Path of the image, or null. */
  imageUrl: string | null;
  publishedAt: number;
}

export interface NewsFeed {
  items: NewsItem[];
  /** Pass as `?before=` for the next page; null at the end. */
  next: number | null;
}

export interface NewsPushResult {
  /** Subscriptions reached so far by this broadcast. */
  sent: number;
  done: boolean;
}

// ---- the officer's side -----------------------------------------------------------------

export const OfficerInboxQuery = v.object({
  status: v.optional(v.picklist(['open', 'all'])),
  commune: v.optional(v.pipe(v.string(), v.regex(/^\d{5}$/))),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))),
});

export const AcknowledgeRequest = v.object({ note: v.optional(text(0, 500, 'note')) });
export const ReplyRequest = v.object({ reply: text(5, 2000, 'reply') });

/** A residence notification an officer opened (the opening is audited: it names people). */
export interface OfficerResidenceNotice extends Omit<ResidenceNotice, 'submissionKey'> {
  submittedBy: ResidencePerson;
}

/** A report an officer opened: no reporter when it was sent anonymously (a named one's opening is audited). */
export interface OfficerReport extends Omit<Report, 'submissionKey'> {
  reporter: (ResidencePerson & { phoneMasked: string }) | null;
}

/**
 * A residence notification in an officer's inbox list: where, when, how many, but no one's
 * name or ID number. Those show when the officer opens it, which the audit log records.
 */
export interface OfficerResidenceSummary extends Omit<OfficerResidenceNotice, 'people' | 'submittedBy'> {
  peopleCount: number;
}

/** A report in an officer's inbox list: what and where, not who (that is in the opened report). */
export type OfficerReportSummary = Omit<OfficerReport, 'reporter'>;

export interface OfficerInbox<T> {
  items: T[];
  next: number | null;
}

// ---- agency webhook (linked administrative procedures) ---------------------------------

/** The procedures whose status reaches the citizen, grouped as the linked procedures are. */
export const PROCEDURES = [
  'birth_registration',
  'permanent_residence',
  'child_health_insurance',
  'death_registration',
  'residence_removal',
  'funeral_allowance',
] as const;
export type Procedure = (typeof PROCEDURES)[number];
export const PROCEDURE_STATUSES = ['received', 'processing', 'completed', 'rejected'] as const;

/** Headers of a signed agency request: `signature = base64url(HMAC-SHA256(secret, timestamp + "." + body))`. */
export const AGENCY_HEADERS = { agency: 'X-Agency-Id', timestamp: 'X-Agency-Timestamp', signature: 'X-Agency-Signature' } as const;
/** A signed request is accepted this long after (and before) its timestamp, in seconds. */
export const AGENCY_REPLAY_WINDOW_S = 300;

export const AgencyEvent = v.object({
  /** The agency's own id for this event: a repeat is accepted and ignored. */
  eventId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'event_id')),
  procedure: v.picklist(PROCEDURES),
  status: v.picklist(PROCEDURE_STATUSES),
  /** Whose procedure: the citizen to notify (the applicant). */
  idNumber: IdNumber,
  /** The agency's file number, shown to the citizen. */
  reference: v.pipe(v.string(), v.regex(/^[A-Za-z0-9./-]{1,40}$/, 'reference')),
  note: v.optional(text(0, 300, 'note')),
});
export type AgencyEvent = v.InferInput<typeof AgencyEvent>;

export interface AgencyEventResponse {
  accepted: true;
  /** false when the event was seen before (a retry), or no account holds that ID number. */
  delivered: boolean;
}

// ---- path parameters -------------------------------------------------------------------------

/** An edge-made record id (a report, a notification, an article). */
export const RecordId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, 'id'));
/** A report's photo: the record and the photo's index. */
export const PhotoParams = v.object({ id: RecordId, n: v.pipe(v.string(), v.regex(/^[0-2]$/, 'photo'), v.transform(Number)) });

// ---- helpers ------------------------------------------------------------------------------

/** Whole days from one ISO date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Vietnam keeps UTC+7 all year: the calendar day a Vietnamese citizen is living, as YYYY-MM-DD. */
export function vietnamDay(ms: number): string {
  return new Date(ms + 7 * 60 * 60_000).toISOString().slice(0, 10);
}

/** "2025-03-07" → "07/03/2025", as dates are written in Vietnam. */
export function formatDay(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}
