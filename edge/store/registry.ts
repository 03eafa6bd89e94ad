/** D1 access for the seeded synthetic population registry (see registries/synthetic.ts). */
import type { Citizen, Dependant } from '../registries/population';

interface CitizenRow {
  id_number: string;
  full_name: string;
  birth_date: string;
  sex: 'M' | 'F';
  phone: string | null;
  province_code: string;
  hometown: string;
  address: string;
  ethnicity: string;
  card_issued: string;
  card_expires: string;
}

function toCitizen(r: CitizenRow): Citizen {
  return {
    idNumber: r.id_number,
    fullName: r.full_name,
    birthDate: r.birth_date,
    sex: r.sex,
    phone: r.phone,
    provinceCode: r.province_code,
    hometown: r.hometown,
    address: r.address,
    ethnicity: r.ethnicity,
    cardIssued: r.card_issued,
    cardExpires: r.card_expires,
  };
}

export async function readCitizen(db: D1Database, idNumber: string): Promise<Citizen | null> {
  const r = await db.prepare('SELECT * FROM registry_citizens WHERE id_number = ?').bind(idNumber).first<CitizenRow>();
  return r ? toCitizen(r) : null;
}

export async function readDependants(db: D1Database, holderIdNumber: string): Promise<Dependant[]> {
  const { results } = await db
    .prepare(
      `SELECT c.*, r.relation FROM registry_relations r JOIN registry_citizens c ON c.id_number = r.dependant_id_number
       WHERE r.holder_id_number = ? ORDER BY c.birth_date`,
    )
    .bind(holderIdNumber)
    .all<CitizenRow & { relation: string }>();
  return results.map((r) => ({ citizen: toCitizen(r), relation: r.relation }));
}

/** SQL that records dependants (ignoring ones already there). */
export function relationsInsertSql(relations: ReadonlyArray<{ holder: string; dependant: string; relation: string }>): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `INSERT OR IGNORE INTO registry_relations (holder_id_number, dependant_id_number, relation) VALUES ${relations
    .map((r) => `(${q(r.holder)},${q(r.dependant)},${q(r.relation)})`)
    .join(',')};`;
}

/** One SQL text that inserts citizens (ignoring ones already there); used by the seed script and tests. */
export function citizensInsertSql(citizens: readonly Citizen[]): string {
  const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replace(/'/g, "''")}'`);
  const rows = citizens.map(
    (c) =>
      `(${q(c.idNumber)},${q(c.fullName)},${q(c.birthDate)},${q(c.sex)},${q(c.phone)},${q(c.provinceCode)},${q(c.hometown)},${q(c.address)},${q(c.ethnicity)},${q(c.cardIssued)},${q(c.cardExpires)})`,
  );
  return `INSERT OR IGNORE INTO registry_citizens (id_number, full_name, birth_date, sex, phone, province_code, hometown, address, ethnicity, card_issued, card_expires) VALUES\n${rows.join(',\n')};`;
}
