/**
 * The national population registry port. Production plugs in an adapter to the real
 * registry; locally and in tests the synthetic registry (seeded into D1) answers.
 */
export interface Citizen {
  idNumber: string;
  fullName: string;
  birthDate: string;
  sex: 'M' | 'F';
  phone: string | null;
  provinceCode: string;
  hometown: string;
  address: string;
  ethnicity: string;
  cardIssued: string;
  cardExpires: string;
}

/** A dependant as the registry records it: the child (or ward) and the holder's relation to them. */
export interface Dependant {
  citizen: Citizen;
  /** The holder's relation to the dependant: "Cha", "Mẹ", "Người giám hộ". */
  relation: string;
}

/** An ID card a citizen held before the current chip card, as the registry records it. */
export interface PreviousIdCard {
  /** 9 digits for a CMND; 12 for a CCCD (the personal ID number itself). */
  number: string;
  kind: 'CMND' | 'CCCD';
  /** YYYY-MM-DD, or null where the registry does not know it. */
  issueDate: string | null;
}

export interface PopulationRegistry {
  findCitizen(idNumber: string): Promise<Citizen | null>;
  /**
   * The same look-up as a statement for a batch the caller sends to `db` anyway, when this
   * registry keeps the citizen's record there (the synthetic registry, on the shard that also
   * holds the citizen's account): the read then costs no round trip of its own. Absent, or null,
   * where it does not (an outside registry is asked with findCitizen).
   */
  citizenStatement?(db: D1Database, idNumber: string): { statement: D1PreparedStatement; read(result: D1Result): Citizen | null } | null;
  /** The citizen's earlier ID cards, oldest first (none for most young citizens). */
  findPreviousIdCards(idNumber: string): Promise<PreviousIdCard[]>;
  /** Children and wards recorded for a parent or guardian. */
  findDependants(idNumber: string): Promise<Dependant[]>;
}
