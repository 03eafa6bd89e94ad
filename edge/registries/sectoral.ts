/**
 * The sectoral registries beyond population: transport (driving licences, vehicles),
 * insurance (BHYT health insurance, BHXH social insurance) and health records. Production
 * plugs in adapters to the ministries' systems; locally the synthetic ones below answer,
 * deterministic in the citizen so every machine sees the same data.
 */
import type { DocumentData } from '../../shared/credential';
import type { Citizen } from './population';

export interface SectoralRegistries {
  drivingLicence(c: Citizen): Promise<DocumentData<'driving_licence'> | null>;
  vehicleRegistration(c: Citizen): Promise<DocumentData<'vehicle_registration'> | null>;
  healthInsurance(c: Citizen): Promise<DocumentData<'health_insurance'> | null>;
  socialInsurance(c: Citizen): Promise<DocumentData<'social_insurance'> | null>;
  healthBook(c: Citizen): Promise<DocumentData<'health_book'> | null>;
}

/** FNV-1a over the ID number and a salt: a stable seed per citizen and registry. */
function seedOf(idNumber: string, salt: string): () => number {
  let h = 0x811c9dc5;
  for (const ch of `${salt}:${idNumber}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return () => {
    h = (h + 0x6d2b79f5) >>> 0;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const digits = (rand: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
const addYears = (iso: string, years: number) => `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`.replace(/-02-29$/, '-02-28');
const ageOn = (birth: string, isoDay: string) =>
  Number(isoDay.slice(0, 4)) - Number(birth.slice(0, 4)) - (isoDay.slice(5) < birth.slice(5) ? 1 : 0);
const sexCode = (c: Citizen) => (c.sex === 'F' ? 'female' : 'male') as 'female' | 'male';

const HOSPITALS = ['Bệnh viện Bạch Mai', 'Bệnh viện Chợ Rẫy', 'Bệnh viện Đa khoa Đà Nẵng', 'Bệnh viện Việt Đức', 'Trạm y tế Phường Bến Nghé', 'Bệnh viện Nhi Trung ương'];
const EMPLOYERS = ['Công ty TNHH Thương mại Minh Phát', 'Công ty Cổ phần Xây dựng Số 1', 'Ngân hàng TMCP Ngoại thương Việt Nam', 'Trường THPT Lê Quý Đôn', 'Công ty TNHH Điện tử Samsung Việt Nam'];
const BRANDS = [['Honda', 'Wave Alpha'], ['Honda', 'Vision'], ['Yamaha', 'Sirius'], ['VinFast', 'Feliz S'], ['Toyota', 'Vios'], ['Hyundai', 'Accent']] as const;
const COLOURS = ['Đỏ', 'Đen', 'Trắng', 'Xanh', 'Bạc'];

/** The synthetic sectoral registries; `today` (YYYY-MM-DD) fixes what is current. */
export function syntheticSectoralRegistries(today: () => string): SectoralRegistries {
  return {
    async drivingLicence(c) {
      const issueAge = 18 + Math.floor(seedOf(c.idNumber, 'gplx-age')() * 10);
      let issueDate = addYears(c.birthDate, issueAge);
      if (issueDate > today()) return null;
      const rand = seedOf(c.idNumber, 'gplx');
      const car = rand() < 0.4;
      // B2 licences last 10 years; the registry holds the latest renewal.
      while (car && addYears(issueDate, 10) < today()) issueDate = addYears(issueDate, 10);
      return {
        idNumber: c.idNumber,
        fullName: c.fullName,
        birthDate: c.birthDate,
        licenceNumber: `${c.provinceCode}${digits(rand, 9)}`,
        classes: car ? ['A1', 'B2'] : ['A1'],
        issueDate,
        // A1 has no expiry; B2 lasts 10 years.
        ...(car ? { expiryDate: addYears(issueDate, 10) } : {}),
      };
    },
    async vehicleRegistration(c) {
      if (ageOn(c.birthDate, today()) < 18) return null;
      const rand = seedOf(c.idNumber, 'dkx');
      const [brand, model] = pick(rand, BRANDS);
      const province = Number(c.provinceCode) % 90 + 10;
      return {
        idNumber: c.idNumber,
        fullName: c.fullName,
        permanentAddress: c.address,
        plate: `${province}-${String.fromCharCode(65 + Math.floor(rand() * 26))}${1 + Math.floor(rand() * 9)} ${digits(rand, 3)}.${digits(rand, 2)}`,
        brand,
        model,
        colour: pick(rand, COLOURS),
        registrationDate: addYears(c.birthDate, 20 + Math.floor(rand() * 5)) < today() ? addYears(c.birthDate, 20 + Math.floor(rand() * 5)) : today(),
      };
    },
    async healthInsurance(c) {
      const rand = seedOf(c.idNumber, 'bhyt');
      const year = today().slice(0, 4);
      return {
        idNumber: c.idNumber,
        fullName: c.fullName,
        birthDate: c.birthDate,
        sex: sexCode(c),
        // Since 2021 the BHYT card number is the 10-digit BHXH number.
        cardNumber: `${c.provinceCode.slice(1)}${digits(rand, 8)}`,
        hospital: pick(rand, HOSPITALS),
        validFrom: `${year}-01-01`,
        validTo: `${year}-12-31`,
      };
    },
    async socialInsurance(c) {
      const start = addYears(c.birthDate, 22);
      if (start > today()) return null;
      const rand = seedOf(c.idNumber, 'bhxh');
      const switchAt = addYears(start, 2 + Math.floor(rand() * 6));
      return {
        idNumber: c.idNumber,
        fullName: c.fullName,
        birthDate: c.birthDate,
        insuranceNumber: `${c.provinceCode.slice(1)}${digits(rand, 8)}`,
        periods:
          switchAt < today()
            ? [
                { from: start, to: switchAt, employer: pick(rand, EMPLOYERS) },
                { from: switchAt, employer: pick(rand, EMPLOYERS) },
              ]
            : [{ from: start, employer: pick(rand, EMPLOYERS) }],
      };
    },
    async healthBook(c) {
      const rand = seedOf(c.idNumber, 'sskdt');
      const visitDay = (years: number) => {
        const d = addYears(today(), -years);
        return d < c.birthDate ? c.birthDate : d;
      };
      return {
        idNumber: c.idNumber,
        fullName: c.fullName,
        birthDate: c.birthDate,
        sex: sexCode(c),
        bloodType: pick(rand, ['O+', 'A+', 'B+', 'AB+', 'O-']),
        allergies: rand() < 0.2 ? ['Penicillin'] : [],
        visits: [
          { date: visitDay(1), facility: pick(rand, HOSPITALS), summary: 'Khám sức khỏe định kỳ' },
          { date: visitDay(3), facility: pick(rand, HOSPITALS), summary: 'Tiêm chủng' },
        ],
      };
    },
  };
}
