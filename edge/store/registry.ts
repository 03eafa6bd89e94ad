/**
 * D1 access for the seeded synthetic population registry (see registries/synthetic.ts), split
 * across registry shards by ID-number prefix (store/shards.ts). Relations live on the holder's
 * shard, earlier ID cards on the citizen's.
 */
import type { Citizen, Dependant, PreviousIdCard } from '../registries/population';
import { partitionByShard, type Shards } from './shards';

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

export async function readCitizen(shards: Shards, idNumber: string): Promise<Citizen | null> {
  const r = await shards
    .dbFor(idNumber)
    .prepare('SELECT * FROM registry_citizens WHERE id_number = ?')
    .bind(idNumber)
    .first<CitizenRow>();
  return r ? toCitizen(r) : null;
}

/** The read of readCitizen as a statement, for a batch that goes to the citizen's shard anyway. */
export function citizenStatement(db: D1Database, idNumber: string): { statement: D1PreparedStatement; read(result: D1Result): Citizen | null } {
  return {
    statement: db.prepare('SELECT * FROM registry_citizens WHERE id_number = ?').bind(idNumber),
    read: (result) => {
      const row = result.results[0] as CitizenRow | undefined;
      return row ? toCitizen(row) : null;
    },
  };
}

/** A citizen's earlier ID cards, oldest first. */
export async function readPreviousIdCards(shards: Shards, idNumber: string): Promise<PreviousIdCard[]> {
  const { results } = await shards
    .dbFor(idNumber)
    .prepare('SELECT card_number, kind, issue_date FROM registry_id_cards WHERE id_number = ? ORDER BY seq')
    .bind(idNumber)
    .all<{ card_number: string; kind: PreviousIdCard['kind']; issue_date: string | null }>();
  return results.map((r) => ({ number: r.card_number, kind: r.kind, issueDate: r.issue_date }));
}

/**
 * A holder's dependants. The relations are on the holder's shard; each dependant's own record
 * is on the shard of their ID number, which may be another one: one read per shard, in parallel.
 */
export async function readDependants(shards: Shards, holderIdNumber: string): Promise<Dependant[]> {
  const { results: relations } = await shards
    .dbFor(holderIdNumber)
    .prepare('SELECT dependant_id_number, relation FROM registry_relations WHERE holder_id_number = ?')
    .bind(holderIdNumber)
    .all<{ dependant_id_number: string; relation: string }>();
  if (relations.length === 0) return [];
  const relationOf = new Map(relations.map((r) => [r.dependant_id_number, r.relation]));
  const byShard = partitionByShard(shards.map, relationOf.keys(), (id) => id);
  const rows = await Promise.all(
    [...byShard].map(async ([binding, ids]) => {
      const { results } = await shards
        .db(binding)
        .prepare(`SELECT * FROM registry_citizens WHERE id_number IN (${ids.map(() => '?').join(',')})`)
        .bind(...ids)
        .all<CitizenRow>();
      return results;
    }),
  );
  return rows
    .flat()
    .map((r) => ({ citizen: toCitizen(r), relation: relationOf.get(r.id_number)! }))
    .sort((a, b) => (a.citizen.birthDate < b.citizen.birthDate ? -1 : a.citizen.birthDate > b.citizen.birthDate ? 1 : 0));
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

/** SQL that records citizens' earlier ID cards, oldest first (ignoring ones already there); null when there are none. */
export function previousIdCardsInsertSql(histories: ReadonlyArray<{ idNumber: string; cards: readonly PreviousIdCard[] }>): string | null {
  const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replace(/'/g, "''")}'`);
  const rows = histories.flatMap((h) => h.cards.map((c, i) => `(${q(h.idNumber)},${i + 1},${q(c.number)},${q(c.kind)},${q(c.issueDate)})`));
  if (rows.length === 0) return null;
  return `INSERT OR IGNORE INTO registry_id_cards (id_number, seq, card_number, kind, issue_date) VALUES\n${rows.join(',\n')};`;
}
