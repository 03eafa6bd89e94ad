/** D1 access for accounts. */
export interface Account {
  id: string;
  idNumber: string;
  level: 1 | 2;
  status: 'active' | 'locked';
  phone: string;
  email: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AccountRow {
  id: string;
  id_number: string;
  level: number;
  status: string;
  phone: string;
  email: string | null;
  created_at: number;
  updated_at: number;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    idNumber: row.id_number,
    level: row.level === 2 ? 2 : 1,
    status: row.status === 'locked' ? 'locked' : 'active',
    phone: row.phone,
    email: row.email,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function readAccount(db: D1Database, id: string): Promise<Account | null> {
  const row = await db.prepare('SELECT * FROM accounts WHERE id = ?').bind(id).first<AccountRow>();
  return row ? toAccount(row) : null;
}

export async function readAccountByIdNumber(db: D1Database, idNumber: string): Promise<Account | null> {
  const row = await db.prepare('SELECT * FROM accounts WHERE id_number = ?').bind(idNumber).first<AccountRow>();
  return row ? toAccount(row) : null;
}

export function insertAccountStatement(db: D1Database, a: Account): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO accounts (id, id_number, level, status, phone, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(a.id, a.idNumber, a.level, a.status, a.phone, a.email, a.createdAt, a.updatedAt);
}

/** Sets the account's status (lock / unlock); the caller batches it with the effects. */
export function setAccountStatusStatement(db: D1Database, id: string, status: Account['status'], now: number): D1PreparedStatement {
  return db.prepare('UPDATE accounts SET status = ?, updated_at = ? WHERE id = ?').bind(status, now, id);
}

/** Moves an account from one status to the other; false when it was not in `from`. */
export async function transitionAccountStatus(db: D1Database, id: string, from: Account['status'], to: Account['status'], now: number): Promise<boolean> {
  const r = await db.prepare('UPDATE accounts SET status = ?, updated_at = ? WHERE id = ? AND status = ?').bind(to, now, id, from).run();
  return r.meta.changes === 1;
}

/** Level 2 in person: the officer records the phone and e-mail. */
export function setAccountLevel2Statement(db: D1Database, id: string, phone: string, email: string | null, now: number): D1PreparedStatement {
  return db.prepare('UPDATE accounts SET level = 2, phone = ?, email = ?, updated_at = ? WHERE id = ?').bind(phone, email, now, id);
}

/** Changes the phone only if it is still `from` (two confirmations racing: one wins). */
export function changeAccountPhoneStatement(db: D1Database, id: string, from: string, to: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE accounts SET phone = ?, updated_at = ? WHERE id = ? AND phone = ?').bind(to, now, id, from);
}
