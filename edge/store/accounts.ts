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

interface AccountRow {
  id: string;
  id_number: string;
  level: number;
  status: string;
  phone: string;
  email: string | null;
  created_at: number;
  updated_at: number;
}

function toAccount(row: AccountRow): Account {
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
