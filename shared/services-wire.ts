/**
 * The services' paths and transport constants, without schemas: the PWA's first screen and
 * its offline outbox load this module, and must not pull valibot in with it.
 */
export const SERVICES_API = {
  household: '/api/services/household',
  residence: '/api/services/residence',
  /** Also `${reports}/${id}/photos/${n}` for a report's photos. */
  reports: '/api/services/reports',
  notifications: '/api/notifications',
  notificationsRead: '/api/notifications/read',
  pushKey: '/api/notifications/push-key',
  pushSubscribe: '/api/notifications/subscriptions',
  pushUnsubscribe: '/api/notifications/subscriptions/delete',
  news: '/api/news',
  officerResidence: '/api/officer/services/residence',
  officerReports: '/api/officer/services/reports',
  officerNews: '/api/officer/services/news',
  agencyEvents: '/hooks/agency/events',
} as const;

/**
 * Every submission carries a client-made UUID in this header; the edge stores a
 * submission once per (account, key), and answers a repeat with the first result.
 * (The name is the IETF httpapi "Idempotency-Key" header's.)
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The size of one photo after the phone resized it (long side ≤ 1280 px, JPEG). */
export const MAX_PHOTO_BYTES = 1024 * 1024;
export const PHOTO_MAX_SIDE = 1280;

/** The multipart field holding the report's JSON; photos go in `photo` fields (image/jpeg). */
export const REPORT_FIELD = 'report';
export const PHOTO_FIELD = 'photo';
