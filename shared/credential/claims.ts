/**
 * Claim keys, document types and views: the registry FORMAT.md tabulates. A document's data
 * is a CBOR map with small integer keys (one byte each); each document type says which keys
 * it has and how each value is encoded, and each view says which of them it discloses.
 */
import { utf8 } from '../bytes';
import { asBytes, asInt, asMap, asUint } from './cbor';
import { packText, unpackText } from './packed-text';

// ---- CWT and COSE labels -------------------------------------------------------------

/** CWT claim keys (RFC 8392 §4, RFC 8747 §3.1) and the private document claim. */
export const CWT_CLAIM = {
  iss: 1,
  sub: 2,
  exp: 4,
  iat: 6,
  cnf: 8,
  /** Token Status List (draft-ietf-oauth-status-list §6.2): the status list of a Status List Token. */
  statusList: 65533,
  /** Token Status List: the time to live (seconds) of a Status List Token. */
  ttl: 65534,
  /**
   * Which part of the issuer's status list a Status List Token is (FORMAT.md §9): it covers
   * indices part·2^20 … part·2^20 + 2^20 − 1. Absent: part 0. Private use (RFC 8392 §9.1).
   */
  statusPart: -65538,
  /** The part's version when the token was built: it grows with every status change in the part. Private use. */
  statusVersion: -65539,
  /** The document: `[docType, view, statusIndex, data]`. RFC 8392 §9.1: below −65536 is Private Use. */
  document: -65537,
} as const;

/** `cnf` member holding a COSE_Key (RFC 8747 §3.1). */
export const CNF_COSE_KEY = 1;
/** COSE_Key labels and values for an EC2 P-256 key (RFC 9052 §7, RFC 9053 §7.1). */
export const COSE_KEY = { kty: 1, crv: -1, x: -2, y: -3, ktyEc2: 2, crvP256: 1 } as const;

// ---- value types -----------------------------------------------------------------------

/**
 * How a value is written:
 * - `digits`: a decimal digit string as packed BCD in a bstr, two digits per byte, high nibble
 *   first; an odd count ends with the nibble 0xF. Keeps leading zeros (079203001234 → 6 bytes).
 * - `text`: NFC-normalised text, as a UTF-8 tstr or, when shorter, as packed text in a bstr
 *   (see packed-text.ts).
 * - `date`: a calendar date as the signed integer count of days since 1970-01-01 (3 bytes for
 *   1791–2149); `YYYY-MM-DD` in the API.
 * - `uint`, `bool`, `textList` (array of tstr).
 * - `enum`: a uint code with a registered name.
 * - `records`: an array of fixed-length arrays (positional; an absent optional element is null).
 */
export type ScalarType = 'digits' | 'text' | 'date' | 'uint' | 'bool' | 'textList';

export interface ScalarSpec {
  readonly type: ScalarType;
}
export interface EnumSpec {
  readonly type: 'enum';
  readonly values: { readonly [name: string]: number };
}
export type ItemSpec = (ScalarSpec | EnumSpec) & { readonly name: string; readonly optional?: boolean };
export interface RecordsSpec {
  readonly type: 'records';
  readonly item: readonly ItemSpec[];
}
export type ValueSpec = ScalarSpec | EnumSpec | RecordsSpec;
/** A field of a document's data map. `derived` fields exist only in a derived view (never in `full`). */
export type FieldSpec = ValueSpec & { readonly key: number; readonly derived?: boolean };

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ScalarValue<T> = T extends 'digits' | 'text' | 'date'
  ? string
  : T extends 'uint'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends 'textList'
        ? string[]
        : never;
/** The API value of a field spec. */
export type ValueOf<S> = S extends { type: 'enum'; values: infer V }
  ? keyof V & string
  : S extends { type: 'records'; item: infer I extends readonly ItemSpec[] }
    ? RecordOf<I>[]
    : S extends { type: infer T }
      ? ScalarValue<T>
      : never;
type RecordOf<I extends readonly ItemSpec[]> = Simplify<
  { -readonly [E in I[number] as E extends { optional: true } ? never : E['name']]: ValueOf<E> } & {
    -readonly [E in I[number] as E extends { optional: true } ? E['name'] : never]?: ValueOf<E>;
  }
>;
/** The API shape of a document's data: every field optional (views carry subsets). */
export type DataOf<F> = Simplify<{ -readonly [K in keyof F]?: ValueOf<F[K]> }>;

// ---- the registry ----------------------------------------------------------------------

/** ISO/IEC 5218 codes. */
const SEX = { type: 'enum', values: { not_known: 0, male: 1, female: 2, not_applicable: 9 } } as const;

/**
 * Family relations, as household and guardianship records know them, read "X is the <code> of
 * Y": a member's relation to the household head, the holder's to the head, the holder's to a
 * dependant. Codes rather than words, so every language renders them (FORMAT.md §7.3).
 */
const RELATION = {
  type: 'enum',
  values: { other: 0, head: 1, wife: 2, husband: 3, child: 4, father: 5, mother: 6, sibling: 7, grandparent: 8, grandchild: 9, guardian: 10 },
} as const;

/** Keys 1–7 mean the same person fields in every document type that has them. */
const PERSON = {
  idNumber: { key: 1, type: 'digits' },
  fullName: { key: 2, type: 'text' },
  birthDate: { key: 3, type: 'date' },
  sex: { key: 4, ...SEX },
  /** ISO 3166-1 alpha-2, e.g. "VN". */
  nationality: { key: 5, type: 'text' },
  hometown: { key: 6, type: 'text' },
  permanentAddress: { key: 7, type: 'text' },
} as const;

/** Key 18: age ≥ 18 at the credential's iat; only in the `age_over_18` view. */
const AGE_OVER_18 = { ageOver18: { key: 18, type: 'bool', derived: true } } as const;

/**
 * The document types. `code` is what the credential carries; `level` the account level the
 * edge requires before issuing it; `views` the views an issuer may sign.
 */
export const DOCUMENT_TYPES = {
  personal_information: {
    code: 1,
    level: 1,
    views: ['full', 'basic', 'age_over_18'],
    fields: { ...PERSON, ...AGE_OVER_18 },
  },
  eid_card: {
    code: 2,
    level: 2,
    views: ['full', 'basic', 'age_over_18'],
    // The card number is the ID number (key 1).
    fields: {
      ...PERSON,
      issueDate: { key: 8, type: 'date' },
      /** Absent for cards without expiry ("không thời hạn"). */
      expiryDate: { key: 9, type: 'date' },
      ethnicity: { key: 10, type: 'text' },
      previousIds: {
        key: 11,
        type: 'records',
        item: [
          { name: 'number', type: 'digits' },
          { name: 'kind', type: 'enum', values: { CMND: 1, CCCD: 2 } },
          { name: 'issueDate', type: 'date', optional: true },
        ],
      },
      ...AGE_OVER_18,
    },
  },
  driving_licence: {
    code: 3,
    level: 2,
    views: ['full'],
    fields: {
      idNumber: PERSON.idNumber,
      fullName: PERSON.fullName,
      birthDate: PERSON.birthDate,
      licenceNumber: { key: 8, type: 'digits' },
      /** e.g. ["A1", "B2"]. */
      classes: { key: 9, type: 'textList' },
      issueDate: { key: 10, type: 'date' },
      /** Absent for classes without expiry (A1). */
      expiryDate: { key: 11, type: 'date' },
    },
  },
  vehicle_registration: {
    code: 4,
    level: 2,
    views: ['full'],
    fields: {
      idNumber: PERSON.idNumber,
      /** The registered owner. */
      fullName: PERSON.fullName,
      permanentAddress: PERSON.permanentAddress,
      plate: { key: 8, type: 'text' },
      brand: { key: 9, type: 'text' },
      model: { key: 10, type: 'text' },
      colour: { key: 11, type: 'text' },
      registrationDate: { key: 12, type: 'date' },
    },
  },
  health_insurance: {
    code: 5,
    level: 2,
    views: ['full'],
    fields: {
      idNumber: PERSON.idNumber,
      fullName: PERSON.fullName,
      birthDate: PERSON.birthDate,
      sex: PERSON.sex,
      /** BHYT card number (10 digits, or the older 15-character code). */
      cardNumber: { key: 8, type: 'text' },
      /** Hospital of first registration (nơi đăng ký KCB ban đầu). */
      hospital: { key: 9, type: 'text' },
      validFrom: { key: 10, type: 'date' },
      validTo: { key: 11, type: 'date' },
    },
  },
  social_insurance: {
    code: 6,
    level: 2,
    views: ['full'],
    fields: {
      idNumber: PERSON.idNumber,
      fullName: PERSON.fullName,
      birthDate: PERSON.birthDate,
      /** BHXH number (mã số BHXH). */
      insuranceNumber: { key: 8, type: 'digits' },
      periods: {
        key: 9,
        type: 'records',
        item: [
          { name: 'from', type: 'date' },
          /** Absent while the period is open. */
          { name: 'to', type: 'date', optional: true },
          { name: 'employer', type: 'text' },
        ],
      },
    },
  },
  health_book: {
    code: 7,
    level: 2,
    views: ['full'],
    fields: {
      idNumber: PERSON.idNumber,
      fullName: PERSON.fullName,
      birthDate: PERSON.birthDate,
      sex: PERSON.sex,
      /** e.g. "O+". */
      bloodType: { key: 8, type: 'text' },
      allergies: { key: 9, type: 'textList' },
      visits: {
        key: 10,
        type: 'records',
        item: [
          { name: 'date', type: 'date' },
          { name: 'facility', type: 'text' },
          { name: 'summary', type: 'text' },
        ],
      },
    },
  },
  residence: {
    code: 8,
    level: 2,
    views: ['full'],
    fields: {
      idNumber: PERSON.idNumber,
      fullName: PERSON.fullName,
      /** The registered residence. */
      permanentAddress: PERSON.permanentAddress,
      householdHead: { key: 8, type: 'text' },
      /** The holder's relation to the household head (`head` when the holder is the head). */
      relationToHead: { key: 9, ...RELATION },
      members: {
        key: 10,
        type: 'records',
        item: [
          { name: 'fullName', type: 'text' },
          /** The member's relation to the household head. */
          { name: 'relation', ...RELATION },
          { name: 'birthDate', type: 'date', optional: true },
          { name: 'idNumber', type: 'digits', optional: true },
        ],
      },
    },
  },
  dependant: {
    code: 9,
    level: 2,
    views: ['full', 'basic'],
    // The person fields are the child's; the holder (bound by cnf) is the parent.
    fields: {
      ...PERSON,
      /** The holder's relation to the child: `father`, `mother`, `guardian`… */
      holderRelation: { key: 8, ...RELATION },
    },
  },
} as const satisfies Record<
  string,
  { code: number; level: 1 | 2; views: readonly View[]; fields: Readonly<Record<string, FieldSpec>> }
>;

/** The views: `code` is what the credential carries. `full` is every non-derived field. */
export const VIEWS = {
  full: { code: 0, fields: null, required: [] },
  basic: { code: 1, fields: ['idNumber', 'fullName', 'birthDate', 'sex'], required: ['fullName'] },
  age_over_18: { code: 2, fields: ['ageOver18'], required: ['ageOver18'] },
} as const;

export type DocType = keyof typeof DOCUMENT_TYPES;
export type View = 'full' | 'basic' | 'age_over_18';
/** The data of a document of type `D` (every field optional: a view carries a subset). */
export type DocumentData<D extends DocType = DocType> = DataOf<(typeof DOCUMENT_TYPES)[D]['fields']>;
/** A document: its type and its data, discriminated by `docType`. */
export type TypedDocument = { [D in DocType]: { docType: D; data: DocumentData<D> } }[DocType];

export const DOC_TYPE_NAMES = Object.keys(DOCUMENT_TYPES) as DocType[];
export const VIEW_NAMES = Object.keys(VIEWS) as View[];

interface DocTypeIndex {
  name: DocType;
  views: ReadonlySet<View>;
  byName: ReadonlyMap<string, FieldSpec>;
  byKey: ReadonlyMap<number, readonly [string, FieldSpec]>;
}

const DOC_BY_CODE = new Map<number, DocTypeIndex>();
const DOC_BY_NAME = new Map<string, DocTypeIndex>();
for (const name of DOC_TYPE_NAMES) {
  const spec = DOCUMENT_TYPES[name];
  const fields = Object.entries(spec.fields) as [string, FieldSpec][];
  const index: DocTypeIndex = {
    name,
    views: new Set<View>(spec.views),
    byName: new Map(fields),
    byKey: new Map(fields.map(([field, f]) => [f.key, [field, f] as const])),
  };
  DOC_BY_CODE.set(spec.code, index);
  DOC_BY_NAME.set(name, index);
}
const VIEW_BY_CODE = new Map<number, View>(VIEW_NAMES.map((v) => [VIEWS[v].code, v]));

/** Whether `view` is defined for documents of type `docType`. */
export function isViewAllowed(docType: DocType, view: View): boolean {
  return DOC_BY_NAME.get(docType)?.views.has(view) ?? false;
}

/** The field names a view of a document type discloses. */
export function viewFields(docType: DocType, view: View): string[] {
  const index = DOC_BY_NAME.get(docType);
  if (!index || !index.views.has(view)) return [];
  const names = [...index.byName.entries()];
  const listed = VIEWS[view].fields as readonly string[] | null;
  return names
    .filter(([name, spec]) => (listed ? listed.includes(name) : !spec.derived))
    .map(([name]) => name);
}

// Every decoded credential asks which fields its view allows: answered once per type and view.
const FIELD_SETS = new Map<string, ReadonlySet<string>>();

function viewFieldSet(docType: DocType, view: View): ReadonlySet<string> {
  const id = `${docType}/${view}`;
  let set = FIELD_SETS.get(id);
  if (!set) FIELD_SETS.set(id, (set = new Set(viewFields(docType, view))));
  return set;
}

export function docTypeCode(docType: DocType): number {
  return DOCUMENT_TYPES[docType].code;
}
export function docTypeFromCode(code: number): DocType | null {
  return DOC_BY_CODE.get(code)?.name ?? null;
}
export function viewCode(view: View): number {
  return VIEWS[view].code;
}
export function viewFromCode(code: number): View | null {
  return VIEW_BY_CODE.get(code) ?? null;
}

// ---- projection (issuer side) ------------------------------------------------------------

/**
 * The part of a document's data a view discloses. For `age_over_18`, `ageOver18` is taken from
 * the data when given, else computed from `birthDate` at `at` (ms): the 18th birthday has been
 * reached on the UTC calendar day of `at`. Throws when the view is not defined for the type.
 */
export function projectView<D extends DocType>(
  docType: D,
  view: View,
  data: DocumentData<D>,
  at: number,
): DocumentData<D> {
  if (!isViewAllowed(docType, view)) throw new RangeError(`view ${view} is not defined for ${docType}`);
  const source = data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of viewFields(docType, view)) {
    if (source[name] !== undefined) out[name] = source[name];
  }
  if (view === 'age_over_18' && out['ageOver18'] === undefined) {
    const birthDate = source['birthDate'];
    if (typeof birthDate !== 'string') throw new TypeError('age_over_18 needs ageOver18 or birthDate');
    out['ageOver18'] = isAtLeast18(birthDate, at);
  }
  return out as DocumentData<D>;
}

function isAtLeast18(birthDate: string, at: number): boolean {
  const days = dateToDays(birthDate);
  if (days === null) throw new TypeError(`birthDate: not a date: ${birthDate}`);
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  // Date.UTC rolls 29 February into 1 March in a common year: the legal reading too.
  return at >= Date.UTC(y + 18, m - 1, d);
}

// ---- data map codec ----------------------------------------------------------------------

/**
 * Encodes a document's data as the CBOR data map (`Map<key, value>`). Throws a TypeError on a
 * field the document type does not have, a field the view does not disclose, or a value of the
 * wrong shape: issuance must fail loudly, never sign something odd.
 */
export function encodeDocumentData(docType: DocType, view: View, data: Record<string, unknown>): Map<number, unknown> {
  const index = DOC_BY_NAME.get(docType);
  if (!index || !index.views.has(view)) throw new RangeError(`view ${view} is not defined for ${docType}`);
  const allowed = viewFieldSet(docType, view);
  const out = new Map<number, unknown>();
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const spec = index.byName.get(name);
    if (!spec) throw new TypeError(`${docType}: unknown field ${name}`);
    if (!allowed.has(name)) throw new TypeError(`${docType}/${view}: field ${name} is not in the view`);
    out.set(spec.key, encodeValue(spec, value, name));
  }
  for (const name of VIEWS[view].required) {
    if (allowed.has(name) && !out.has(index.byName.get(name)!.key)) throw new TypeError(`${docType}/${view}: ${name} is required`);
  }
  return out;
}

/**
 * Decodes a signed data map into named fields; null when a known key holds a value of the wrong
 * shape, a known field is outside the declared view, or a field the view requires is missing.
 * Unknown keys are ignored (a later revision may add fields). Never throws.
 */
export function decodeDocumentData(docType: DocType, view: View, value: unknown): Record<string, unknown> | null {
  const map = asMap(value);
  const index = DOC_BY_NAME.get(docType);
  if (!map || !index || !index.views.has(view)) return null;
  const allowed = viewFieldSet(docType, view);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of map) {
    if (typeof key !== 'number') return null;
    const entry = index.byKey.get(key);
    if (!entry) continue;
    const [name, spec] = entry;
    if (!allowed.has(name)) return null;
    const decoded = decodeValue(spec, raw);
    if (decoded === INVALID) return null;
    out[name] = decoded;
  }
  for (const name of VIEWS[view].required) {
    if (allowed.has(name) && out[name] === undefined) return null;
  }
  return out;
}

const INVALID = Symbol('invalid');

function encodeValue(spec: ValueSpec, value: unknown, name: string): unknown {
  const fail = (): never => {
    throw new TypeError(`${name}: invalid ${spec.type}: ${JSON.stringify(value)}`);
  };
  switch (spec.type) {
    case 'digits':
      return (typeof value === 'string' && encodeDigits(value)) || fail();
    case 'text':
      return typeof value === 'string' && !LONE_SURROGATE.test(value) ? encodeText(value) : fail();
    case 'date': {
      const days = typeof value === 'string' ? dateToDays(value) : null;
      return days ?? fail();
    }
    case 'uint':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail();
    case 'bool':
      return typeof value === 'boolean' ? value : fail();
    case 'textList':
      return Array.isArray(value) && value.every((s) => typeof s === 'string' && !LONE_SURROGATE.test(s))
        ? value.map((s: string) => encodeText(s))
        : fail();
    case 'enum': {
      const code = typeof value === 'string' && Object.hasOwn(spec.values, value) ? spec.values[value] : undefined;
      return code ?? fail();
    }
    case 'records': {
      if (!Array.isArray(value)) return fail();
      return value.map((record: unknown) => {
        if (typeof record !== 'object' || record === null) return fail();
        const fields = record as Record<string, unknown>;
        for (const key of Object.keys(fields)) {
          if (fields[key] !== undefined && !spec.item.some((item) => item.name === key)) {
            throw new TypeError(`${name}: unknown element ${key}`);
          }
        }
        return spec.item.map((item) => {
          const element = fields[item.name];
          if (element === undefined || element === null) return item.optional ? null : fail();
          return encodeValue(item, element, `${name}.${item.name}`);
        });
      });
    }
  }
}

function decodeValue(spec: ValueSpec, value: unknown): unknown {
  switch (spec.type) {
    case 'digits': {
      const bytes = asBytes(value);
      return (bytes && decodeDigits(bytes)) ?? INVALID;
    }
    case 'text':
      return decodeText(value) ?? INVALID;
    case 'date': {
      const days = asInt(value);
      return (days !== null && daysToDate(days)) || INVALID;
    }
    case 'uint':
      return asUint(value) ?? INVALID;
    case 'bool':
      return typeof value === 'boolean' ? value : INVALID;
    case 'textList': {
      if (!Array.isArray(value)) return INVALID;
      const out: string[] = [];
      for (const item of value) {
        const text = decodeText(item);
        if (text === null) return INVALID;
        out.push(text);
      }
      return out;
    }
    case 'enum': {
      const code = asUint(value);
      const name = Object.entries(spec.values).find(([, c]) => c === code)?.[0];
      return name ?? INVALID;
    }
    case 'records': {
      if (!Array.isArray(value)) return INVALID;
      const out: Record<string, unknown>[] = [];
      for (const record of value) {
        if (!Array.isArray(record) || record.length !== spec.item.length) return INVALID;
        const fields: Record<string, unknown> = {};
        for (let i = 0; i < spec.item.length; i++) {
          const item = spec.item[i]!;
          const element: unknown = record[i];
          if (element === null) {
            if (!item.optional) return INVALID;
            continue;
          }
          const decoded = decodeValue(item, element);
          if (decoded === INVALID) return INVALID;
          fields[item.name] = decoded;
        }
        out.push(fields);
      }
      return out;
    }
  }
}

// ---- text, digits and dates

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** NFC text as a tstr, or as packed text (bstr) when that is strictly shorter. */
function encodeText(value: string): string | Uint8Array<ArrayBuffer> {
  const text = value.normalize('NFC');
  const packed = packText(text);
  // Both headers are the same size below 24 bytes and 1 byte apart at worst beyond: compare bodies.
  return packed.length < utf8(text).length && unpackText(packed) === text ? packed : text;
}

/** A text value: a tstr as is, a bstr unpacked; null for anything else. */
function decodeText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const bytes = asBytes(value);
  return bytes ? unpackText(bytes) : null;
}

// ---- digits and dates ----------------------------------------------------------------------

const MAX_DIGITS = 40;

/** Packs a decimal digit string as BCD (odd length: final nibble 0xF); null when not digits. */
export function encodeDigits(digits: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9]+$/.test(digits) || digits.length > MAX_DIGITS) return null;
  const out = new Uint8Array(Math.ceil(digits.length / 2));
  for (let i = 0; i < out.length; i++) {
    const hi = digits.charCodeAt(2 * i) - 48;
    const lo = 2 * i + 1 < digits.length ? digits.charCodeAt(2 * i + 1) - 48 : 0xf;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Unpacks BCD digits; null unless every nibble is 0–9 but for a final 0xF pad. */
export function decodeDigits(bytes: Uint8Array): string | null {
  if (bytes.length === 0 || bytes.length > MAX_DIGITS / 2) return null;
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const hi = bytes[i]! >> 4;
    const lo = bytes[i]! & 0xf;
    if (hi > 9) return null;
    out += String.fromCharCode(48 + hi);
    if (lo === 0xf && i === bytes.length - 1) break;
    if (lo > 9) return null;
    out += String.fromCharCode(48 + lo);
  }
  return out;
}

const DAY_MS = 86_400_000;
// 0001-01-01 .. 9999-12-31, so that every day count maps to a four-digit year.
const MIN_DAYS = -719_162;
const MAX_DAYS = 2_932_896;

/** `YYYY-MM-DD` → days since 1970-01-01; null when it is not a real calendar date. */
export function dateToDays(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const days = Math.round(d.getTime() / DAY_MS);
  return daysToDate(days) === date ? days : null;
}

/** Days since 1970-01-01 → `YYYY-MM-DD`; null outside years 0001–9999. */
export function daysToDate(days: number): string | null {
  if (!Number.isSafeInteger(days) || days < MIN_DAYS || days > MAX_DAYS) return null;
  const d = new Date(days * DAY_MS);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  const mo = String(d.getUTCMonth() + 1).padStart(2, '0');
  const da = String(d.getUTCDate()).padStart(2, '0');
  return `${y}-${mo}-${da}`;
}
