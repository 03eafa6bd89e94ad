/**
 * D1 access for issued documents and their credentials (on the account's shard), and the status
 * list's allocation counter and part versions (in the main database: a status index is unique per
 * issuer across every shard).
 */
import type { MainDb, ShardDb } from './shards';
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

export async function listCurrentDocuments(db: ShardDb, accountId: string): Promise<DocumentRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM documents WHERE account_id = ? AND superseded_at IS NULL ORDER BY issued_at')
    .bind(accountId)
    .all<Row>();
  return results.map(toDocument);
}

/** Allocates `count` consecutive status indices from the one counter of the issuer; returns the first. */
export async function allocateStatusIndices(db: MainDb, count: number): Promise<number> {
  const row = await db
    .prepare("UPDATE counters SET value = value + ? WHERE name = 'status_index' RETURNING value")
    .bind(count)
    .first<{ value: number }>();
  if (!row) throw new Error('status_index counter missing: migrations not applied');
  return row.value - count;
}

export function insertDocumentStatement(db: ShardDb, d: DocumentRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO documents (id, account_id, doc_type, subject, data, data_hash, device_key_id, status_index, status, issued_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(d.id, d.accountId, d.docType, d.subject, JSON.stringify(d.data), d.dataHash, d.deviceKeyId, d.statusIndex, d.status, d.issuedAt, d.expiresAt);
}

export function insertCredentialStatement(db: ShardDb, documentId: string, view: string, bytes: Uint8Array): D1PreparedStatement {
  return db.prepare('INSERT INTO credentials (document_id, view, bytes) VALUES (?, ?, ?)').bind(documentId, view, bytes);
}

/**
 * A change of documents' status (0 valid, 1 revoked, 2 suspended) and what the status list needs
 * to see it: first every part holding a row whose status changes (status_index >> 20, FORMAT.md
 * §9.1) is marked pending on this shard, then the rows change. Both select the rows with the same
 * `where`, and the mark runs first, in the same batch: after the UPDATE those rows no longer match
 * it. The parts' versions live in the main database (status_parts, migration 0013), so they cannot
 * move in this transaction: once it has committed, `publishStatusChanges` bumps them and removes
 * the marks; a mark a stopped worker left behind is bumped by housekeeping. A part's version thus
 * moves only after its rows did, and a rebuild that saw the new version reads the new rows.
 */
function statusChangeStatements(
  db: ShardDb,
  change: { set: string; setBinds: unknown[]; to: number; where: string; whereBinds: unknown[]; now: number },
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO status_parts_pending (part, seq, since)
         SELECT DISTINCT status_index >> 20, 1, ? FROM documents WHERE (${change.where}) AND status <> ?
         ON CONFLICT (part) DO UPDATE SET seq = seq + 1`,
      )
      .bind(change.now, ...change.whereBinds, change.to),
    db.prepare(`UPDATE documents SET ${change.set} WHERE ${change.where}`).bind(...change.setBinds, ...change.whereBinds),
  ];
}

/** The parts marked pending on a shard (since before `before`, for housekeeping), with the mark's sequence. */
export async function listPendingStatusParts(db: ShardDb, before = Number.MAX_SAFE_INTEGER): Promise<Array<{ part: number; seq: number }>> {
  const { results } = await db.prepare('SELECT part, seq FROM status_parts_pending WHERE since < ? LIMIT 500').bind(before).all<{ part: number; seq: number }>();
  return results;
}

/** Moves the version of each part by one (a part without a row is at version 0). */
export function bumpStatusPartsStatement(db: MainDb, parts: readonly number[]): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO status_parts (part, version) SELECT value, 1 FROM json_each(?) WHERE true
       ON CONFLICT (part) DO UPDATE SET version = version + 1`,
    )
    .bind(JSON.stringify(parts));
}

/** Removes the marks that were bumped, each only if no change marked its part again since (same sequence). */
export function clearPendingStatusPartsStatement(db: ShardDb, marks: ReadonlyArray<{ part: number; seq: number }>): D1PreparedStatement {
  return db
    .prepare('DELETE FROM status_parts_pending WHERE (part, seq) IN (SELECT json_extract(value, \'$[0]\'), json_extract(value, \'$[1]\') FROM json_each(?))')
    .bind(JSON.stringify(marks.map((m) => [m.part, m.seq])));
}

/** D1 binds at most 100 parameters a statement. */
const IDS_PER_STATEMENT = 50;

/** Supersedes document versions and revokes them in the status list (their parts' versions first). */
export function supersedeDocumentsStatements(db: ShardDb, ids: readonly string[], now: number): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + IDS_PER_STATEMENT);
    out.push(
      ...statusChangeStatements(db, {
        set: 'superseded_at = ?, status = ?',
        setBinds: [now, 1],
        to: 1,
        where: `id IN (${chunk.map(() => '?').join(',')}) AND superseded_at IS NULL`,
        whereBinds: chunk,
        now,
      }),
    );
  }
  return out;
}

export async function listCredentials(db: ShardDb, documentIds: string[]): Promise<Map<string, Map<string, Uint8Array>>> {
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
export function setAccountDocumentsStatusStatements(db: ShardDb, accountId: string, from: number, to: number, now: number): D1PreparedStatement[] {
  return statusChangeStatements(db, {
    set: 'status = ?',
    setBinds: [to],
    to,
    where: 'account_id = ? AND superseded_at IS NULL AND status = ?',
    whereBinds: [accountId, from],
    now,
  });
}

/**
 * Suspended documents of an account valid again, only while the account is active: batched
 * after a conditional unlock, it does nothing when the unlock did not happen (a lock won).
 */
export function restoreSuspendedDocumentsStatements(db: ShardDb, accountId: string, suspended: number, valid: number, now: number): D1PreparedStatement[] {
  return statusChangeStatements(db, {
    set: 'status = ?',
    setBinds: [valid],
    to: valid,
    where: "account_id = ? AND superseded_at IS NULL AND status = ? AND EXISTS (SELECT 1 FROM accounts WHERE id = ? AND status = 'active')",
    whereBinds: [accountId, suspended, accountId],
    now,
  });
}

/** Indices allocated so far, and the version of every part that has changed (one round trip). */
export async function readStatusParts(db: MainDb): Promise<{ allocated: number; versions: Map<number, number> }> {
  const [counter, parts] = await db.batch([
    db.prepare("SELECT value FROM counters WHERE name = 'status_index'"),
    db.prepare('SELECT part, version FROM status_parts'),
  ]);
  const allocated = (counter?.results[0] as { value: number } | undefined)?.value ?? 0;
  return { allocated, versions: new Map((parts?.results as Array<{ part: number; version: number }>).map((r) => [r.part, r.version])) };
}

/** Indices allocated so far and one part's version (0 before its first change): one small read. */
export async function readStatusPart(db: MainDb, part: number): Promise<{ allocated: number; version: number }> {
  const row = await db
    .prepare("SELECT (SELECT value FROM counters WHERE name = 'status_index') AS allocated, (SELECT version FROM status_parts WHERE part = ?) AS version")
    .bind(part)
    .first<{ allocated: number | null; version: number | null }>();
  return { allocated: row?.allocated ?? 0, version: row?.version ?? 0 };
}

/**
 * The documents of this shard that are not valid (revoked or suspended) with `from` ≤ status_index
 * < `to`: one part's, through the partial index on status, so a part costs what it holds.
 */
export async function readNonValidStatuses(db: ShardDb, from: number, to: number): Promise<Array<{ index: number; status: number }>> {
  const { results } = await db
    .prepare('SELECT status_index, status FROM documents WHERE status <> 0 AND status_index >= ? AND status_index < ?')
    .bind(from, to)
    .all<{ status_index: number; status: number }>();
  return results.map((r) => ({ index: r.status_index, status: r.status }));
}

export async function listAttachments(db: ShardDb, accountId: string): Promise<string[]> {
  const { results } = await db.prepare('SELECT doc_type FROM attachments WHERE account_id = ?').bind(accountId).all<{ doc_type: string }>();
  return results.map((r) => r.doc_type);
}

export async function insertAttachment(db: ShardDb, accountId: string, docType: string, by: string, now: number): Promise<boolean> {
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
export function revokeDocumentsOfOtherDevicesStatements(db: ShardDb, accountId: string, keepKeyId: string, now: number): D1PreparedStatement[] {
  return statusChangeStatements(db, {
    set: 'status = ?',
    setBinds: [1],
    to: 1,
    where: 'account_id = ? AND superseded_at IS NULL AND device_key_id <> ? AND status <> 1',
    whereBinds: [accountId, keepKeyId],
    now,
  });
}

/** Revokes the current documents bound to one device key (issued while that key was being revoked). */
export function revokeDocumentsOfDeviceStatements(db: ShardDb, accountId: string, deviceKeyId: string, now: number): D1PreparedStatement[] {
  return statusChangeStatements(db, {
    set: 'status = ?',
    setBinds: [1],
    to: 1,
    where: 'account_id = ? AND device_key_id = ? AND superseded_at IS NULL AND status <> 1',
    whereBinds: [accountId, deviceKeyId],
    now,
  });
}
