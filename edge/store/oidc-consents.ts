/** D1 access for what citizens allowed each portal, and the sharing history of disclosures. */
import type { DisclosedItem } from '../../shared/oidc';
import type { ShardDb } from './shards';

export interface Consent {
  accountId: string;
  clientId: string;
  scopes: string[];
  grantedAt: number;
}

export type DisclosureKind = 'sign_in' | 'userinfo';

export interface Disclosure {
  id: number;
  accountId: string;
  clientId: string;
  clientName: string;
  items: DisclosedItem[];
  level: 1 | 2;
  at: number;
  /** The grant it was made under (null on rows older than migration 0007). */
  grantId: string | null;
  /** At the sign-in (the code redeemed), or by a later UserInfo call. */
  kind: DisclosureKind;
  /** The day in Vietnam (UTC+7), in days since the epoch: the unit of deduplication. */
  day: number | null;
}

const VIETNAM_OFFSET_MS = 7 * 60 * 60_000;

/** The Vietnamese calendar day of a moment, as days since the epoch. */
export function disclosureDay(at: number): number {
  return Math.floor((at + VIETNAM_OFFSET_MS) / 86_400_000);
}

export function upsertConsentStatement(db: ShardDb, c: Consent): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oidc_consents (account_id, client_id, scopes, granted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at`,
    )
    .bind(c.accountId, c.clientId, c.scopes.join(' '), c.grantedAt);
}

export async function readConsent(db: ShardDb, accountId: string, clientId: string): Promise<Consent | null> {
  const row = await db
    .prepare('SELECT * FROM oidc_consents WHERE account_id = ? AND client_id = ?')
    .bind(accountId, clientId)
    .first<{ account_id: string; client_id: string; scopes: string; granted_at: number }>();
  return row ? { accountId: row.account_id, clientId: row.client_id, scopes: row.scopes.split(' ').filter(Boolean), grantedAt: row.granted_at } : null;
}

/** A citizen's consents, newest first (the portals' names and whether they still count are in the main database: domain/oidc/consent.ts). */
export async function listConsents(db: ShardDb, accountId: string): Promise<Consent[]> {
  const { results } = await db
    .prepare('SELECT account_id, client_id, scopes, granted_at FROM oidc_consents WHERE account_id = ? ORDER BY granted_at DESC LIMIT 200')
    .bind(accountId)
    .all<{ account_id: string; client_id: string; scopes: string; granted_at: number }>();
  return results.map((r) => ({ accountId: r.account_id, clientId: r.client_id, scopes: r.scopes.split(' ').filter(Boolean), grantedAt: r.granted_at }));
}

export function deleteConsentStatement(db: ShardDb, accountId: string, clientId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM oidc_consents WHERE account_id = ? AND client_id = ?').bind(accountId, clientId);
}

/** Records a disclosure; nothing when the same grant already disclosed the same items that day. */
export function insertDisclosureStatement(db: ShardDb, d: Omit<Disclosure, 'id'>): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oidc_disclosures (account_id, client_id, client_name, items, level, at, grant_id, kind, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (grant_id, day, items) WHERE grant_id IS NOT NULL DO NOTHING`,
    )
    .bind(d.accountId, d.clientId, d.clientName, JSON.stringify(d.items), d.level, d.at, d.grantId, d.kind, d.day);
}

export async function listDisclosures(db: ShardDb, accountId: string, limit: number): Promise<Disclosure[]> {
  const { results } = await db
    .prepare('SELECT * FROM oidc_disclosures WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT ?')
    .bind(accountId, limit)
    .all<{ id: number; account_id: string; client_id: string; client_name: string; items: string; level: number; at: number; grant_id: string | null; kind: string; day: number | null }>();
  return results.map((r) => {
    let items: DisclosedItem[] = [];
    try {
      const parsed: unknown = JSON.parse(r.items);
      if (Array.isArray(parsed)) items = parsed.filter((s): s is DisclosedItem => typeof s === 'string');
    } catch {
      items = [];
    }
    return {
      id: r.id,
      accountId: r.account_id,
      clientId: r.client_id,
      clientName: r.client_name,
      items,
      level: r.level === 2 ? 2 : 1,
      at: r.at,
      grantId: r.grant_id,
      kind: r.kind === 'userinfo' ? 'userinfo' : 'sign_in',
      day: r.day,
    };
  });
}
