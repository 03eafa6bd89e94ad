/**
 * A deterministic synthetic population: realistic Vietnamese names, 12-digit ID numbers
 * laid out as the CCCD is (province code ‖ century-and-sex digit ‖ year of birth ‖ six
 * digits), dates of birth, addresses, chip-card dates and earlier ID cards. Same seed, same
 * citizens, on every machine. Pure code (no D1, no Node): the seed script and tests both use it.
 */
import type { Citizen, PreviousIdCard } from './population';

/** Province codes of the CCCD (Circular 07/2016/TT-BCA) with the province's name. */
export const PROVINCES: ReadonlyArray<readonly [code: string, name: string]> = [
  ['001', 'Hà Nội'], ['002', 'Hà Giang'], ['004', 'Cao Bằng'], ['006', 'Bắc Kạn'], ['008', 'Tuyên Quang'],
  ['010', 'Lào Cai'], ['011', 'Điện Biên'], ['012', 'Lai Châu'], ['014', 'Sơn La'], ['015', 'Yên Bái'],
  ['017', 'Hòa Bình'], ['019', 'Thái Nguyên'], ['020', 'Lạng Sơn'], ['022', 'Quảng Ninh'], ['024', 'Bắc Giang'],
  ['025', 'Phú Thọ'], ['026', 'Vĩnh Phúc'], ['027', 'Bắc Ninh'], ['030', 'Hải Dương'], ['031', 'Hải Phòng'],
  ['033', 'Hưng Yên'], ['034', 'Thái Bình'], ['035', 'Hà Nam'], ['036', 'Nam Định'], ['037', 'Ninh Bình'],
  ['038', 'Thanh Hóa'], ['040', 'Nghệ An'], ['042', 'Hà Tĩnh'], ['044', 'Quảng Bình'], ['045', 'Quảng Trị'],
  ['046', 'Thừa Thiên Huế'], ['048', 'Đà Nẵng'], ['049', 'Quảng Nam'], ['051', 'Quảng Ngãi'], ['052', 'Bình Định'],
  ['054', 'Phú Yên'], ['056', 'Khánh Hòa'], ['058', 'Ninh Thuận'], ['060', 'Bình Thuận'], ['062', 'Kon Tum'],
  ['064', 'Gia Lai'], ['066', 'Đắk Lắk'], ['067', 'Đắk Nông'], ['068', 'Lâm Đồng'], ['070', 'Bình Phước'],
  ['072', 'Tây Ninh'], ['074', 'Bình Dương'], ['075', 'Đồng Nai'], ['077', 'Bà Rịa - Vũng Tàu'], ['079', 'TP. Hồ Chí Minh'],
  ['080', 'Long An'], ['082', 'Tiền Giang'], ['083', 'Bến Tre'], ['084', 'Trà Vinh'], ['086', 'Vĩnh Long'],
  ['087', 'Đồng Tháp'], ['089', 'An Giang'], ['091', 'Kiên Giang'], ['092', 'Cần Thơ'], ['093', 'Hậu Giang'],
  ['094', 'Sóc Trăng'], ['095', 'Bạc Liêu'], ['096', 'Cà Mau'],
];

// Weighted roughly as Vietnamese family names are spread.
const FAMILY = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9], ['Phạm', 7], ['Hoàng', 5], ['Huỳnh', 4], ['Phan', 4], ['Vũ', 4],
  ['Võ', 3], ['Đặng', 2], ['Bùi', 2], ['Đỗ', 2], ['Hồ', 2], ['Ngô', 2], ['Dương', 1], ['Lý', 1], ['Đinh', 1],
  ['Trương', 1], ['Lương', 1], ['Mai', 1],
] as const;
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Công', 'Gia', 'Hoàng', 'Tuấn', 'Xuân', 'Đình'];
const MIDDLE_F = ['Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Bích', 'Kim', 'Hồng', 'Phương', 'Mỹ', 'Diệu'];
const GIVEN_M = ['An', 'Bảo', 'Cường', 'Dũng', 'Duy', 'Hải', 'Hiếu', 'Hoàng', 'Hùng', 'Huy', 'Khang', 'Khoa', 'Kiên', 'Long', 'Minh', 'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quang', 'Quân', 'Sơn', 'Tài', 'Thắng', 'Thành', 'Thịnh', 'Trung', 'Tuấn', 'Việt', 'Vinh'];
const GIVEN_F = ['Anh', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hoa', 'Hương', 'Huyền', 'Lan', 'Linh', 'Loan', 'Mai', 'My', 'Ngân', 'Ngọc', 'Nhung', 'Oanh', 'Phương', 'Quỳnh', 'Thảo', 'Thu', 'Thủy', 'Trang', 'Trinh', 'Tuyết', 'Uyên', 'Vân', 'Yến'];
const STREETS = ['Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Huệ', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Quang Trung', 'Hùng Vương', 'Nguyễn Trãi', 'Điện Biên Phủ', 'Phan Đình Phùng', 'Lê Duẩn', 'Võ Thị Sáu'];
const WARDS = ['Phường 1', 'Phường 3', 'Phường Bến Nghé', 'Phường Hàng Bạc', 'Phường Tân Định', 'Xã Tân Phú', 'Xã An Bình', 'Phường Hòa Cường', 'Phường Cửa Nam', 'Xã Phước Long'];
const ETHNICITIES = [['Kinh', 85], ['Tày', 2], ['Thái', 2], ['Mường', 2], ['Khmer', 2], ['Hoa', 1], ['Nùng', 1], ['H\'Mông', 1]] as const;
const MOBILE_PREFIXES = ['90', '91', '93', '94', '96', '97', '98', '86', '88', '89', '70', '76', '77', '79', '81', '83', '84', '85', '32', '33', '34', '35', '36', '37', '38', '39', '56', '58', '59'];

/** The fixed demo citizens listed in the README: registry entries ready to register. */
export const DEMO_CITIZENS: readonly Citizen[] = [
  {
    idNumber: '001090012345', fullName: 'Nguyễn Văn An', birthDate: '1990-05-12', sex: 'M', phone: '+84912345678',
    provinceCode: '001', hometown: 'Xã Phù Đổng, Huyện Gia Lâm, Hà Nội', address: 'Số 12 Phố Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội',
    ethnicity: 'Kinh', cardIssued: '2021-04-10', cardExpires: '2030-05-12',
  },
  {
    idNumber: '079185004321', fullName: 'Trần Thị Bích Ngọc', birthDate: '1985-11-03', sex: 'F', phone: '+84987654321',
    provinceCode: '079', hometown: 'Phường 3, Thành phố Mỹ Tho, Tiền Giang', address: 'Số 45 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
    ethnicity: 'Kinh', cardIssued: '2022-01-15', cardExpires: '2025-11-03',
  },
  {
    idNumber: '048204000777', fullName: 'Lê Minh Khang', birthDate: '2004-02-29', sex: 'M', phone: '+84701234567',
    provinceCode: '048', hometown: 'Phường Hòa Cường, Quận Hải Châu, Đà Nẵng', address: 'Số 8 Đường Hùng Vương, Phường Hòa Cường, Quận Hải Châu, Đà Nẵng',
    ethnicity: 'Kinh', cardIssued: '2022-03-01', cardExpires: '2029-02-28',
  },
  {
    idNumber: '031162005555', fullName: 'Phạm Thu Hà', birthDate: '1962-08-19', sex: 'F', phone: '+84356789012',
    provinceCode: '031', hometown: 'Xã An Bình, Huyện Thủy Nguyên, Hải Phòng', address: 'Số 3 Đường Điện Biên Phủ, Phường Cửa Nam, Quận Hồng Bàng, Hải Phòng',
    ethnicity: 'Kinh', cardIssued: '2021-08-20', cardExpires: '2099-12-31',
  },
  {
    idNumber: '001216008888', fullName: 'Nguyễn Gia Bảo', birthDate: '2016-06-01', sex: 'M', phone: null,
    provinceCode: '001', hometown: 'Xã Phù Đổng, Huyện Gia Lâm, Hà Nội', address: 'Số 12 Phố Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội',
    ethnicity: 'Kinh', cardIssued: '2024-07-01', cardExpires: '2030-06-01',
  },
];

/** Demo families: Nguyễn Văn An is the father of Nguyễn Gia Bảo (a dependant under 14). */
export const DEMO_RELATIONS: ReadonlyArray<{ holder: string; dependant: string; relation: string }> = [
  { holder: '001090012345', dependant: '001216008888', relation: 'Cha' },
];

/**
 * The demo citizens' earlier ID cards (README): Nguyễn Văn An had a CMND, then the barcode CCCD
 * his chip card replaced in 2021; Trần Thị Bích Ngọc and Phạm Thu Hà a CMND each; Lê Minh Khang
 * and the child Nguyễn Gia Bảo none.
 */
export const DEMO_PREVIOUS_ID_CARDS: ReadonlyArray<{ idNumber: string; cards: readonly PreviousIdCard[] }> = [
  {
    idNumber: '001090012345',
    cards: [
      { number: '013125697', kind: 'CMND', issueDate: '2006-08-15' },
      { number: '001090012345', kind: 'CCCD', issueDate: '2017-09-15' },
    ],
  },
  { idNumber: '079185004321', cards: [{ number: '025487316', kind: 'CMND', issueDate: '2003-12-20' }] },
  { idNumber: '031162005555', cards: [{ number: '030912457', kind: 'CMND', issueDate: '1998-04-02' }] },
];

/** SplitMix32-style PRNG: tiny, fast, deterministic. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function pickWeighted<T extends string>(rand: () => number, list: ReadonlyArray<readonly [T, number]>): T {
  const total = list.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of list) if ((r -= w) < 0) return v;
  return list[0]![0];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The i-th synthetic citizen of a population (deterministic in `seed` and `index`). ID
 * numbers are unique per index: the last six digits are the index within its province
 * and birth-year bucket, so a million citizens never collide.
 */
export function syntheticCitizen(index: number, seed = 2024): Citizen {
  const rand = prng(seed * 1_000_003 + index);
  const sex: 'M' | 'F' = rand() < 0.5 ? 'M' : 'F';
  const [provinceCode, provinceName] = PROVINCES[index % PROVINCES.length]!;
  const birth = new Date(Date.UTC(1945, 0, 1) + Math.floor(rand() * 79 * 365.25) * 86_400_000);
  const year = birth.getUTCFullYear();
  const centurySex = (year >= 2000 ? 2 : 0) + (sex === 'F' ? 1 : 0);
  const serial = Math.floor(index / PROVINCES.length) % 1_000_000;
  const idNumber = `${provinceCode}${centurySex}${pad(year % 100, 2)}${pad(serial, 6)}`;
  const family = pickWeighted(rand, FAMILY);
  const middle = pick(rand, sex === 'M' ? MIDDLE_M : MIDDLE_F);
  const given = pick(rand, sex === 'M' ? GIVEN_M : GIVEN_F);
  const hasPhone = year <= 2012 && rand() < 0.95;
  const phone = hasPhone ? `+84${pick(rand, MOBILE_PREFIXES)}${pad(Math.floor(rand() * 10_000_000), 7)}` : null;
  const issued = new Date(Date.UTC(2021, 0, 1) + Math.floor(rand() * 4 * 365) * 86_400_000);
  // CCCD validity ends at ages 25, 40 and 60 (Law on Identification 2023, art. 21).
  const age = issued.getUTCFullYear() - year;
  const expiresAge = age < 25 ? 25 : age < 40 ? 40 : age < 60 ? 60 : null;
  const cardExpires = expiresAge ? `${year + expiresAge}${isoDate(birth).slice(4)}` : '2099-12-31';
  return {
    idNumber,
    fullName: `${family} ${middle} ${given}`,
    birthDate: isoDate(birth),
    sex,
    phone,
    provinceCode,
    hometown: `${pick(rand, WARDS)}, ${pick(rand, PROVINCES)[1]}`,
    address: `Số ${1 + Math.floor(rand() * 300)} Đường ${pick(rand, STREETS)}, ${pick(rand, WARDS)}, ${provinceName}`,
    ethnicity: pickWeighted(rand, ETHNICITIES),
    cardIssued: isoDate(issued),
    cardExpires: cardExpires.replace(/-02-29$/, '-02-28'),
  };
}

const YEAR_MS = 365.25 * 86_400_000;
/** CMND cards from 1976 (Decision 143/CP); 12-digit barcode CCCD cards from 2016 until the chip card took over in 2021. */
const CMND_FROM = Date.UTC(1976, 0, 1);
const CCCD_FROM = Date.UTC(2016, 0, 1);
const CHIP_FROM = Date.UTC(2021, 0, 1);

/**
 * A citizen's earlier ID cards, oldest first: the demo citizens' fixed ones, otherwise
 * generated from the citizen's record (deterministic in the ID number). Nine in ten born
 * before 2000 had a CMND (first issued between 14 and 19, not before 1976, renewed every 15
 * years while CMNDs were issued); about a third of those 14 or older between 2016 and 2020 had a
 * barcode CCCD that their chip card replaced at least a year later (the same 12-digit number).
 */
export function syntheticPreviousIdCards(c: Citizen, seed = 2024): PreviousIdCard[] {
  const demo = DEMO_PREVIOUS_ID_CARDS.find((d) => d.idNumber === c.idNumber);
  if (demo) return demo.cards.map((card) => ({ ...card }));
  // FNV-1a over the ID number: the history follows the citizen, whichever index made them.
  let h = seed >>> 0;
  for (const ch of c.idNumber) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const rand = prng(h);
  const day = (ms: number) => isoDate(new Date(Math.floor(ms / 86_400_000) * 86_400_000));
  const at14 = Date.parse(`${c.birthDate}T00:00:00Z`) + 14 * YEAR_MS;
  const chip = Date.parse(`${c.cardIssued}T00:00:00Z`);
  const cards: PreviousIdCard[] = [];
  let last = -Infinity;
  if (Number(c.birthDate.slice(0, 4)) < 2000 && rand() < 0.9) {
    let issued = Math.max(at14 + rand() * 5 * YEAR_MS, CMND_FROM + rand() * 10 * YEAR_MS);
    while (issued + 15 * YEAR_MS < CCCD_FROM) issued += 15 * YEAR_MS;
    cards.push({ number: `${c.provinceCode.slice(1)}${pad(Math.floor(rand() * 10_000_000), 7)}`, kind: 'CMND', issueDate: day(issued) });
    last = issued;
  }
  const from = Math.max(CCCD_FROM, at14, last + YEAR_MS);
  const to = Math.min(chip - YEAR_MS, CHIP_FROM);
  if (from < to && rand() < 0.35) cards.push({ number: c.idNumber, kind: 'CCCD', issueDate: day(from + rand() * (to - from)) });
  return cards;
}
