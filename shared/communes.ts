/**
 * Communes (xã, phường, đặc khu): the level at which the police receive residence
 * notifications and public-order reports. Codes follow the five-digit layout of the
 * national list of administrative units; this list is the synthetic registry's sample
 * (the communes of the demo citizens and a few neighbours), not the official list.
 * Production loads the official list (about 3,300 units since July 2025) in its place.
 */
export interface Commune {
  /** Five digits. */
  code: string;
  /** "Phường Hàng Bạc". */
  name: string;
  /** Province code, as the first three digits of the ID number (CCCD). */
  provinceCode: string;
  /** "Hà Nội". */
  province: string;
}

export const COMMUNES: readonly Commune[] = [
  { code: '00070', name: 'Phường Hàng Bạc', provinceCode: '001', province: 'Hà Nội' },
  { code: '00082', name: 'Phường Cửa Nam', provinceCode: '001', province: 'Hà Nội' },
  { code: '00091', name: 'Phường Hoàn Kiếm', provinceCode: '001', province: 'Hà Nội' },
  { code: '00160', name: 'Phường Ba Đình', provinceCode: '001', province: 'Hà Nội' },
  { code: '09730', name: 'Xã Phù Đổng', provinceCode: '001', province: 'Hà Nội' },
  { code: '11410', name: 'Phường Hồng Bàng', provinceCode: '031', province: 'Hải Phòng' },
  { code: '11422', name: 'Phường Cửa Nam', provinceCode: '031', province: 'Hải Phòng' },
  { code: '11680', name: 'Xã An Bình', provinceCode: '031', province: 'Hải Phòng' },
  { code: '20230', name: 'Phường Hải Châu', provinceCode: '048', province: 'Đà Nẵng' },
  { code: '20263', name: 'Phường Hòa Cường', provinceCode: '048', province: 'Đà Nẵng' },
  { code: '20305', name: 'Phường Sơn Trà', provinceCode: '048', province: 'Đà Nẵng' },
  { code: '26734', name: 'Phường Tân Định', provinceCode: '079', province: 'TP. Hồ Chí Minh' },
  { code: '26740', name: 'Phường Bến Nghé', provinceCode: '079', province: 'TP. Hồ Chí Minh' },
  { code: '26758', name: 'Phường Bến Thành', provinceCode: '079', province: 'TP. Hồ Chí Minh' },
  { code: '27004', name: 'Phường 1', provinceCode: '079', province: 'TP. Hồ Chí Minh' },
  { code: '27010', name: 'Phường 3', provinceCode: '079', province: 'TP. Hồ Chí Minh' },
  { code: '27550', name: 'Xã Tân Phú', provinceCode: '079', province: 'TP. Hồ Chí Minh' },
  { code: '31120', name: 'Phường Ninh Kiều', provinceCode: '092', province: 'Cần Thơ' },
  { code: '31150', name: 'Xã Phước Long', provinceCode: '092', province: 'Cần Thơ' },
];

const byCode = new Map(COMMUNES.map((c) => [c.code, c]));

export function findCommune(code: string): Commune | undefined {
  return byCode.get(code);
}

/** "Phường Hàng Bạc, Hà Nội". */
export function communeLabel(code: string): string {
  const c = byCode.get(code);
  return c ? `${c.name}, ${c.province}` : code;
}
