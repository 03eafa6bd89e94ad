/** D1 access for issued documents, their credentials and the status list. */
export interface DocumentRow {
  id: string;
  accountId: string;
  docType: string;
  subject: string;
  data: Record<string, unknown>;
  dataHash: string;
  deviceKeyId: string;
  statusIndex: number;
  status: number;
  issuedAt: number;
  expiresAt: number;
  supersededAt: number | null;
}

interface Row {
  id: string;
  account_id: string;
  doc_type: string;
  subject: string;
  data: string;
  data_hash: string;
  device_key_id: string;
  status_index: number;
  status: number;
  issued_at: number;
  expires_at: number;
  superseded_at: number | null;
}

function toDocument(r: Row): DocumentRow {
  return {
    id: r.id,
    accountId: r.account_id,
    docType: r.doc_type,
    subject: r.subject,
    data: JSON.parse(r.data) as Record<string, unknown>,
    dataHash: r.data_hash,
    deviceKeyId: r.device_key_id,
    statusIndex: r.status_index,
    status: r.status,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    supersededAt: r.superseded_at,
  };
}

export async function listCurrentDocuments(db: D1Database, accountId: string): Promise<DocumentRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM documents WHERE account_id = ? AND superseded_at IS NULL ORDER BY issued_at')
    .bind(accountId)
    .all<Row>();
  return results.map(toDocument);
}

/** Allocates `count` consecutive status indices; returns the first. */
export async function allocateStatusIndices(db: D1Database, count: number): Promise<number> {
  const row = await db
    .prepare("UPDATE counters SET value = value + ? WHERE name = 'status_index' RETURNING value")
    .bind(count)
    .first<{ value: number }>();
  if (!row) throw new Error('status_index counter missing: migrations not applied');
  return row.value - count;
}

export function insertDocumentStatement(db: D1Database, d: DocumentRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO documents (id, account_id, doc_type, subject, data, data_hash, device_key_id, status_index, status, issued_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(d.id, d.accountId, d.docType, d.subject, JSON.stringify(d.data), d.dataHash, d.deviceKeyId, d.statusIndex, d.status, d.issuedAt, d.expiresAt);
}

export function insertCredentialStatement(db: D1Database, documentId: string, view: string, bytes: Uint8Array): D1PreparedStatement {
  return db.prepare('INSERT INTO credentials (document_id, view, bytes) VALUES (?, ?, ?)').bind(documentId, view, bytes);
}

/** Supersedes a document version and revokes it in the status list. */
export function supersedeDocumentStatement(db: D1Database, id: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE documents SET superseded_at = ?, status = 1 WHERE id = ? AND superseded_at IS NULL').bind(now, id);
}

export function bumpStatusVersionStatement(db: D1Database): D1PreparedStatement {
  return db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'status_version'");
}

export async function listCredentials(db: D1Database, documentIds: string[]): Promise<Map<string, Map<string, Uint8Array>>> {
  const out = new Map<string, Map<string, Uint8Array>>();
  if (documentIds.length === 0) return out;
  const { results } = await db
    .prepare(`SELECT document_id, view, bytes FROM credentials WHERE document_id IN (${documentIds.map(() => '?').join(',')})`)
    .bind(...documentIds)
    .all<{ document_id: string; view: string; bytes: ArrayBuffer | number[] }>();
  for (const r of results) {
    const views = out.get(r.document_id) ?? new Map<string, Uint8Array>();
    views.set(r.view, new Uint8Array(r.bytes as ArrayBuffer));
    out.set(r.document_id, views);
  }
  return out;
}

/** Sets the status of every current document of an account (suspend on lock, 0 on unlock). */
export function setAccountDocumentsStatusStatement(db: D1Database, accountId: string, from: number, to: number): D1PreparedStatement {
  return db
    .prepare('UPDATE documents SET status = ? WHERE account_id = ? AND superseded_at IS NULL AND status = ?')
    .bind(to, accountId, from);
}

/**
 * Suspended documents of an account valid again, only while the account is active: batched
 * after a conditional unlock, it does nothing when the unlock did not happen (a lock won).
 */
export function restoreSuspendedDocumentsStatement(db: D1Database, accountId: string, suspended: number, valid: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE documents SET status = ? WHERE account_id = ? AND superseded_at IS NULL AND status = ?
         AND EXISTS (SELECT 1 FROM accounts WHERE id = ? AND status = 'active')`,
    )
    .bind(valid, accountId, suspended, accountId);
}

/** The status-list state: entries allocated so far, the version, and the entries that are not valid. */
/** The status list's size (indices allocated) and version (bumped on every status change): one small read. */
export async function readStatusCounters(db: D1Database): Promise<{ size: number; version: number }> {
  const { results } = await db
    .prepare("SELECT name, value FROM counters WHERE name IN ('status_index', 'status_version')")
    .all<{ name: string; value: number }>();
  const values = new Map(results.map((r) => [r.name, r.value ?? 0]));
  return { size: values.get('status_index') ?? 0, version: values.get('status_version') ?? 0 };
}

/** Every document that is not valid (revoked or suspended), through the partial index on status. */
export async function readNonValidStatuses(db: D1Database): Promise<Array<{ index: number; status: number }>> {
  const { results } = await db.prepare('SELECT status_index, status FROM documents WHERE status <> 0').all<{ status_index: number; status: number }>();
  return results.map((r) => ({ index: r.status_index, status: r.status }));
}

export async function listAttachments(db: D1Database, accountId: string): Promise<string[]> {
  const { results } = await db.prepare('SELECT doc_type FROM attachments WHERE account_id = ?').bind(accountId).all<{ doc_type: string }>();
  return results.map((r) => r.doc_type);
}

export async function insertAttachment(db: D1Database, accountId: string, docType: string, by: string, now: number): Promise<boolean> {
  const r = await db
    .prepare('INSERT OR IGNORE INTO attachments (account_id, doc_type, attached_by, attached_at) VALUES (?, ?, ?, ?)')
    .bind(accountId, docType, by, now)
    .run();
  return r.meta.changes === 1;
}

/**
 * Revokes the current documents of an account that are bound to a device key other than
 * `keepKeyId` (device change: what the old phone holds stops verifying for good).
 */
export function revokeDocumentsOfOtherDevicesStatement(db: D1Database, accountId: string, keepKeyId: string): D1PreparedStatement {
  return db
    .prepare('UPDATE documents SET status = 1 WHERE account_id = ? AND superseded_at IS NULL AND device_key_id <> ? AND status <> 1')
    .bind(accountId, keepKeyId);
}

/** Revokes the current documents bound to one device key (issued while that key was being revoked). */
export function revokeDocumentsOfDeviceStatement(db: D1Database, accountId: string, deviceKeyId: string): D1PreparedStatement {
  return db
    .prepare('UPDATE documents SET status = 1 WHERE account_id = ? AND device_key_id = ? AND superseded_at IS NULL AND status <> 1')
    .bind(accountId, deviceKeyId);
}
