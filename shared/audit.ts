/**
 * The closed set of audit-log actions. The edge writes only these (the store's event type
 * takes this union), and the PWA has a label for every action that can reach a citizen's
 * security history, checked by the compiler and by a unit test over this very list.
 */

/**
 * Actions recorded with a citizen as their subject (the account, or `citizen:<ID number>`
 * for an officer's action before the account exists): each one is shown in the citizen's
 * history (GET /api/me/history).
 */
export const CITIZEN_AUDIT_ACTIONS = [
  'enrol.approved',
  'account.activated',
  'signin',
  'sessions.revoked',
  'device.change.requested',
  'device.change.waiting',
  'device.change.approved',
  'device.change.cancelled',
  'device.changed',
  'account.locked',
  'account.unlocked',
  /** An unlock confirmed on an account that was not locked (nothing changed, still recorded). */
  'account.unlock.noop',
  'phone.changed',
  'sso.approved',
  'sso.consent_revoked',
  'officer.viewed',
  'officer.level2',
  'officer.attached',
  /** An officer opened the citizen's residence notification (it shows the people's ID numbers). */
  'residence.viewed',
  'residence.acknowledge',
  /** An officer opened the citizen's named report (it shows the reporter's ID number and phone). */
  'report.viewed',
  /** A reply to a named report; one to an anonymous report is `report.reply.anonymous`, with no citizen. */
  'report.reply',
] as const;

/**
 * Actions about something other than a citizen's account (an officer, a report, a grant, a
 * news item) or about nobody yet (a registry mismatch): never in a citizen's history.
 */
export const OTHER_AUDIT_ACTIONS = [
  'enrol.mismatch',
  'enrol.level2.mismatch',
  'sso.replay',
  'officer.signin',
  'officer.registered',
  'officer.invited',
  'officer.disabled',
  /** The police never learn who sent an anonymous report, so its reply names no citizen. */
  'report.reply.anonymous',
  'news.publish',
  'news.push',
  'portal.registered',
  'portal.updated',
  'portal.disabled',
  'portal.enabled',
  'portal.secret_rotated',
] as const;

export type CitizenAuditAction = (typeof CITIZEN_AUDIT_ACTIONS)[number];
export type OtherAuditAction = (typeof OTHER_AUDIT_ACTIONS)[number];
export type AuditAction = CitizenAuditAction | OtherAuditAction;

