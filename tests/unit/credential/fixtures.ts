/**
 * Shared test data for the credential tests, the vector generator and the benchmark:
 * realistic Vietnamese documents and key helpers. Not a test file (no `.test.ts`).
 */
import {
  buildTrustList,
  createPresentation,
  createStatusBits,
  decodeCoseSign1,
  issueCredential,
  issuerKid,
  setStatus,
  signCoseSign1,
  signStatusList,
  statusListsOf,
  verifyStatusList,
} from '../../../shared/credential';
import { fromBase64Url } from '../../../shared/bytes';
import { decodeCbor, encodeCbor } from '../../../shared/credential/cbor';
import { CWT_CLAIM } from '../../../shared/credential/claims';
import type { DocType, DocumentData, IssueCredentialOptions, StatusList, StatusLists, TrustList, View } from '../../../shared/credential';

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** 2025-03-01T08:00:00Z, a fixed "now" for deterministic tests. */
export const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
export const DAY = 86_400_000;
export const YEAR = 365 * DAY;

export async function generateKeyPair(extractable = true): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ECDSA_P256, extractable, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function rawPublicKey(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array((await crypto.subtle.exportKey('raw', key)) as ArrayBuffer);
}

/** A level-2 citizen: the e-ID card (CCCD gắn chip) with two earlier cards. */
export const EID_CARD: DocumentData<'eid_card'> = {
  idNumber: '079303001234',
  fullName: 'Nguyễn Thị Minh Khai',
  birthDate: '2003-08-15',
  sex: 'female',
  nationality: 'VN',
  hometown: 'Xã Tân Phú Trung, Huyện Củ Chi, TP. Hồ Chí Minh',
  permanentAddress: 'Số 12 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
  issueDate: '2024-07-01',
  expiryDate: '2028-08-15',
  ethnicity: 'Kinh',
  previousIds: [
    { number: '025123456', kind: 'CMND', issueDate: '2018-03-10' },
    { number: '079303001234', kind: 'CCCD', issueDate: '2021-04-20' },
  ],
};

export const PERSONAL_INFORMATION: DocumentData<'personal_information'> = {
  idNumber: EID_CARD.idNumber!,
  fullName: EID_CARD.fullName!,
  birthDate: EID_CARD.birthDate!,
  sex: 'female',
  nationality: 'VN',
  hometown: EID_CARD.hometown!,
  permanentAddress: EID_CARD.permanentAddress!,
};

/** One realistic document of every type. */
export const SAMPLE_DOCUMENTS: { [D in DocType]: DocumentData<D> } = {
  personal_information: PERSONAL_INFORMATION,
  eid_card: EID_CARD,
  driving_licence: {
    idNumber: '079303001234',
    fullName: 'Nguyễn Thị Minh Khai',
    birthDate: '2003-08-15',
    licenceNumber: '790123456789',
    classes: ['A1', 'B2'],
    issueDate: '2022-01-12',
    expiryDate: '2032-01-12',
  },
  vehicle_registration: {
    idNumber: '079303001234',
    fullName: 'Nguyễn Thị Minh Khai',
    permanentAddress: 'Số 12 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
    plate: '59X3-123.45',
    brand: 'Honda',
    model: 'Vision',
    colour: 'Đỏ',
    registrationDate: '2022-02-20',
  },
  health_insurance: {
    idNumber: '079303001234',
    fullName: 'Nguyễn Thị Minh Khai',
    birthDate: '2003-08-15',
    sex: 'female',
    cardNumber: '7920123456',
    hospital: 'Bệnh viện Quận 1',
    validFrom: '2025-01-01',
    validTo: '2025-12-31',
  },
  social_insurance: {
    idNumber: '079303001234',
    fullName: 'Nguyễn Thị Minh Khai',
    birthDate: '2003-08-15',
    insuranceNumber: '7920123456',
    periods: [
      { from: '2022-07-01', to: '2023-12-31', employer: 'Công ty TNHH Sao Mai' },
      { from: '2024-01-01', employer: 'Công ty Cổ phần Phương Nam' },
    ],
  },
  health_book: {
    idNumber: '079303001234',
    fullName: 'Nguyễn Thị Minh Khai',
    birthDate: '2003-08-15',
    sex: 'female',
    bloodType: 'O+',
    allergies: ['Penicillin'],
    visits: [{ date: '2024-11-05', facility: 'Bệnh viện Chợ Rẫy', summary: 'Khám tổng quát, bình thường' }],
  },
  residence: {
    idNumber: '079303001234',
    fullName: 'Nguyễn Thị Minh Khai',
    permanentAddress: 'Số 12 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
    householdHead: 'Nguyễn Văn Hùng',
    relationToHead: 'child',
    members: [
      { fullName: 'Nguyễn Văn Hùng', relation: 'head', birthDate: '1970-02-03', idNumber: '079070004321' },
      { fullName: 'Trần Thị Lan', relation: 'wife', birthDate: '1973-11-30' },
    ],
  },
  dependant: {
    idNumber: '079322009876',
    fullName: 'Lê Minh An',
    birthDate: '2022-06-01',
    sex: 'male',
    nationality: 'VN',
    hometown: 'Xã Tân Phú Trung, Huyện Củ Chi, TP. Hồ Chí Minh',
    permanentAddress: 'Số 12 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
    holderRelation: 'mother',
  },
};

/**
 * What someone holding an issuer's private key can sign that `issueCredential` refuses to:
 * a credential re-signed under `kid` after `change` edits its claims (seconds on the wire).
 */
export async function resignCredential(
  credential: Uint8Array,
  issuerKey: CryptoKey,
  kid: string,
  change: (claims: Map<number, unknown>) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const claims = decodeCbor(decodeCoseSign1(credential)!.payload) as Map<number, unknown>;
  change(claims);
  return signCoseSign1({ payload: encodeCbor(claims), privateKey: issuerKey, kid: fromBase64Url(kid)! });
}

/** `resignCredential` edits: set iat and exp (ms, floored to seconds as on the wire). */
export const withTimes = (iat: number, exp: number) => (claims: Map<number, unknown>) => {
  claims.set(CWT_CLAIM.iat, Math.floor(iat / 1000));
  claims.set(CWT_CLAIM.exp, Math.floor(exp / 1000));
};

// ---- a small issuing world ---------------------------------------------------------------


/** Status indexes the world's status list marks. */
export const INDEX = { valid: 5, revoked: 6, suspended: 7 } as const;

export interface World {
  issuerKeys: CryptoKeyPair;
  kid: string;
  trust: TrustList;
  device: CryptoKeyPair;
  holder: Uint8Array<ArrayBuffer>;
  /** The status list (one part, part 0), verified at T0. */
  statusList: StatusList;
  /** The same as a verifier passes it to verifyPresentation. */
  status: StatusLists;
  statusBytes: Uint8Array<ArrayBuffer>;
  issue<D extends DocType>(
    overrides?: Partial<IssueCredentialOptions<D>> & { docType?: D; view?: View },
  ): Promise<Uint8Array<ArrayBuffer>>;
  present(credential: Uint8Array, now?: number, nonce?: Uint8Array): Promise<string>;
}

/** An issuer trusted from a year before T0 for ten years, one device, a status list issued at T0. */
export async function makeWorld(): Promise<World> {
  const issuerKeys = await generateKeyPair();
  const device = await generateKeyPair(false);
  const kid = await issuerKid(issuerKeys.publicKey);
  const trust = await buildTrustList([{ publicKey: issuerKeys.publicKey, notBefore: T0 - YEAR, notAfter: T0 + 10 * YEAR }]);
  const holder = await rawPublicKey(device.publicKey);
  const bits = createStatusBits(1024);
  setStatus(bits, INDEX.revoked, 1);
  setStatus(bits, INDEX.suspended, 2);
  const statusBytes = await signStatusList({
    issuerKey: issuerKeys.privateKey,
    kid,
    issuer: 'VN',
    uri: 'https://id.example.vn/status/1',
    iat: T0,
    exp: T0 + 2 * DAY,
    ttl: 3600,
    bits,
  });
  const verified = await verifyStatusList(statusBytes, trust, T0);
  if (!verified.ok) throw new Error(`status list: ${verified.error}`);
  return {
    issuerKeys,
    kid,
    trust,
    device,
    holder,
    statusList: verified.list,
    status: statusListsOf(verified.list),
    statusBytes,
    issue: (overrides = {}) =>
      issueCredential({
        issuerKey: issuerKeys.privateKey,
        kid,
        issuer: 'VN',
        iat: T0 - DAY,
        exp: T0 + 300 * DAY,
        holderPublicKey: holder,
        docType: 'eid_card',
        view: 'full',
        statusIndex: INDEX.valid,
        data: SAMPLE_DOCUMENTS[overrides.docType ?? 'eid_card'],
        ...overrides,
      } as IssueCredentialOptions),
    present: (credential, now = T0, nonce) =>
      createPresentation({ credential, devicePrivateKey: device.privateKey, now, ...(nonce ? { nonce } : {}) }),
  };
}
