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

export interface PopulationRegistry {
  findCitizen(idNumber: string): Promise<Citizen | null>;
}
