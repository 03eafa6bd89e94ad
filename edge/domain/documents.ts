/**
 * Documents: what an account is entitled to (from the registries, by level), issuing them
 * as credentials signed by the issuer and bound to the device key, and keeping them current.
 * A document is re-issued when its registry data changes, when the device key changes, or
 * when it nears expiry; the old version is revoked in the status list.
 *
 * Level 1 gets the personal-information document from the population registry only.
 * Level 2 gets the e-ID card (with the history of earlier ID cards), residence information,
 * dependants under 14, and whatever an officer attached after checking the originals.
 */
import { decodeCoseSign1, DOCUMENT_TYPES, issueCredential, type DocType, type DocumentData, type View } from '../../shared/credential';
import { toBase64Url } from '../../shared/bytes';
import type { WalletDocument } from '../../shared/api';
import { readAccount, type Account } from '../store/accounts';
import { listDeviceKeys, readDeviceKey } from '../store/device-keys';
import {
  allocateStatusIndices,
  insertAttachment,
  insertCredentialStatement,
  insertDocumentStatement,
  listAttachments,
  listCredentials,
  listCurrentDocuments,
  revokeDocumentsOfDeviceStatements,
  setAccountDocumentsStatusStatements,
  supersedeDocumentsStatements,
  type DocumentRow,
} from '../store/documents';
import { readReminder, upsertReminderStatement } from '../store/reminders';
import type { ShardDb } from '../store/shards';
import type { Citizen } from '../registries/population';
import type { SectoralRegistries } from '../registries/sectoral';
import { newId, sha256Base64Url } from './crypto';
import type { Deps } from './deps';
import { AppError } from './errors';
import { activeIssuerKey, issuerKeyNotAfter, MAX_CREDENTIAL_LIFETIME_MS, signingIssuerKey, trustedIssuerKids } from './issuer';
import { publishStatusChanges } from './status-list';

const DAY = 24 * 60 * 60_000;
/** Credentials are re-issued when fewer than this many days remain. */
const RENEW_BEFORE_MS = 30 * DAY;
/** Children under this age are dependants a parent holds (seeds: "trẻ em dưới 14 tuổi"). */
const DEPENDANT_MAX_AGE = 14;

/** Document types an officer may attach to a level-2 account on request. */
export const ATTACHABLE: readonly DocType[] = ['driving_licence', 'vehicle_registration', 'health_insurance', 'social_insurance', 'health_book'];

interface Entitlement {
  docType: DocType;
  subject: string;
  data: DocumentData;
  /** When the document itself stops being valid (card expiry…), if it does. */
  validUntil: number | null;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const endOfDay = (iso: string) => Date.parse(`${iso}T23:59:59Z`);
const ageOn = (birth: string, day: string) => Number(day.slice(0, 4)) - Number(birth.slice(0, 4)) - (day.slice(5) < birth.slice(5) ? 1 : 0);
/** Cards issued to people over 60 carry no expiry; the registry writes 2099-12-31. */
const NO_EXPIRY = '2099-12-31';

function person(c: Citizen) {
  return {
    idNumber: c.idNumber,
    fullName: c.fullName,
    birthDate: c.birthDate,
    sex: (c.sex === 'F' ? 'female' : 'male') as 'female' | 'male',
    nationality: 'VN',
    hometown: c.hometown,
    permanentAddress: c.address,
  };
}

type Relation = NonNullable<DocumentData<'dependant'>['holderRelation']>;

/** The registry's word for a holder's relation to a dependant, as the credential's code. */
function holderRelation(word: string): Relation {
  switch (word.normalize('NFC').trim().toLowerCase()) {
    case 'cha':
    case 'bố':
      return 'father';
    case 'mẹ':
      return 'mother';
    case 'người giám hộ':
      return 'guardian';
    default:
      return 'other';
  }
}

/** The sectoral registry's record of one attachable document for a citizen, or null when it holds none. */
export async function sectoral(registries: SectoralRegistries, docType: DocType, c: Citizen): Promise<DocumentData | null> {
  switch (docType) {
    case 'driving_licence':
      return registries.drivingLicence(c);
    case 'vehicle_registration':
      return registries.vehicleRegistration(c);
    case 'health_insurance':
      return registries.healthInsurance(c);
    case 'social_insurance':
      return registries.socialInsurance(c);
    case 'health_book':
      return registries.healthBook(c);
    default:
      return null;
  }
}

/** What an account is entitled to now, read from the registries (the citizen's record given when already read). */
export async function entitlements(deps: Deps, account: Account, record?: Citizen): Promise<Entitlement[]> {
  const citizen = record ?? (await deps.registry.findCitizen(account.idNumber));
  if (!citizen) throw new AppError('not_found', 'The registry has no record for this account.');
  const today = isoDay(deps.now);
  const cardValid = citizen.cardExpires >= today;
  if (account.level === 1 || !cardValid) {
    // Level 1, or a level-2 citizen whose chip card has expired: the registry's personal information.
    const base: Entitlement[] = [{ docType: 'personal_information', subject: citizen.idNumber, data: person(citizen), validUntil: null }];
    if (account.level === 1) return base;
    return [...base, ...(await level2Extras(deps, account, citizen, today))];
  }
  const [previousIds, extras] = await Promise.all([deps.registry.findPreviousIdCards(citizen.idNumber), level2Extras(deps, account, citizen, today)]);
  const card: Entitlement = {
    docType: 'eid_card',
    subject: citizen.idNumber,
    data: {
      ...person(citizen),
      issueDate: citizen.cardIssued,
      ...(citizen.cardExpires !== NO_EXPIRY ? { expiryDate: citizen.cardExpires } : {}),
      ethnicity: citizen.ethnicity,
      // The registry's history of earlier ID cards, as it records them (oldest first).
      previousIds: previousIds.map((p) => ({ number: p.number, kind: p.kind, ...(p.issueDate !== null ? { issueDate: p.issueDate } : {}) })),
    },
    validUntil: citizen.cardExpires !== NO_EXPIRY ? endOfDay(citizen.cardExpires) : null,
  };
  return [card, ...extras];
}

async function level2Extras(deps: Deps, account: Account, citizen: Citizen, today: string): Promise<Entitlement[]> {
  const out: Entitlement[] = [];
  const dependants = (await deps.registry.findDependants(citizen.idNumber)).filter((d) => ageOn(d.citizen.birthDate, today) < DEPENDANT_MAX_AGE);
  out.push({
    docType: 'residence',
    subject: citizen.idNumber,
    data: {
      idNumber: citizen.idNumber,
      fullName: citizen.fullName,
      permanentAddress: citizen.address,
      householdHead: citizen.fullName,
      // The holder heads the household the wallet shows; a parent's dependants are the head's
      // children, a guardian's are other members.
      relationToHead: 'head',
      members: dependants.map((d) => {
        const relation = holderRelation(d.relation);
        return {
          fullName: d.citizen.fullName,
          relation: relation === 'father' || relation === 'mother' ? ('child' as const) : ('other' as const),
          birthDate: d.citizen.birthDate,
          idNumber: d.citizen.idNumber,
        };
      }),
    },
    validUntil: null,
  });
  for (const d of dependants) {
    // The child's document is valid until the child turns 14.
    const until = `${Number(d.citizen.birthDate.slice(0, 4)) + DEPENDANT_MAX_AGE}${d.citizen.birthDate.slice(4)}`.replace(/-02-29$/, '-02-28');
    out.push({ docType: 'dependant', subject: d.citizen.idNumber, data: { ...person(d.citizen), holderRelation: holderRelation(d.relation) }, validUntil: Date.parse(`${until}T00:00:00Z`) });
  }
  for (const docType of await listAttachments(deps.shards.dbFor(account.idNumber), account.id)) {
    if (!ATTACHABLE.includes(docType as DocType)) continue;
    const data = await sectoral(deps.sectoral, docType as DocType, citizen);
    if (!data) continue;
    const expiry = (data as { expiryDate?: string; validTo?: string }).expiryDate ?? (data as { validTo?: string }).validTo;
    out.push({ docType: docType as DocType, subject: citizen.idNumber, data, validUntil: expiry ? endOfDay(expiry) : null });
  }
  return out;
}

/**
 * Brings the account's documents up to date for its device key and returns them with their
 * credentials. Unchanged documents are returned as stored; changed, re-bound or nearly
 * expired ones are re-issued, and so are those signed by a key verifiers no longer trust (a
 * key marked compromised); documents no longer due are revoked.
 */
export function syncDocuments(deps: Deps, account: Account, deviceKeyId: string): Promise<WalletDocument[]> {
  return syncAttempt(deps, account, deviceKeyId, true);
}

/** The unique index that keeps one current version of a document (migration 0009) refused this one. */
function isCurrentDocumentConflict(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed: documents\.account_id/.test(err.message);
}

async function syncAttempt(deps: Deps, account: Account, deviceKeyId: string, mayRetry: boolean): Promise<WalletDocument[]> {
  const db = deps.shards.dbFor(account.idNumber);
  const device = await readDeviceKey(db, deviceKeyId);
  if (!device || device.revokedAt !== null || device.accountId !== account.id) {
    throw new AppError('device_unknown', 'This device is not bound to the account.');
  }
  const citizen = await deps.registry.findCitizen(account.idNumber);
  if (!citizen) throw new AppError('not_found', 'The registry has no record for this account.');
  const wanted = await entitlements(deps, account, citizen);
  const current = await listCurrentDocuments(db, account.id);
  const [stored, trustedKids, signer, reminder] = await Promise.all([
    listCredentials(db, current.map((d) => d.id)),
    trustedIssuerKids(deps.config),
    signingIssuerKey(deps.config, deps.now),
    readReminder(db, account.id),
  ]);
  // No credential outlives the key that signs it (FORMAT.md §12): past its notAfter verifiers drop
  // the key. Without a key that can sign, current documents are still returned; issuing is refused below.
  const keyNotAfter = signer ? issuerKeyNotAfter(signer) : Infinity;
  // The daily cron's copy of the birthday and card expiry follows the registry read here: a
  // renewed card is then warned about by its new date, and no longer by the old one.
  const fresh = { accountId: account.id, birthMd: citizen.birthDate.slice(5), cardExpires: citizen.cardExpires };
  const reminderUpdate = reminder?.birthMd === fresh.birthMd && reminder.cardExpires === fresh.cardExpires ? null : upsertReminderStatement(db, fresh, deps.now);
  const byKey = new Map(current.map((d) => [`${d.docType}:${d.subject}`, d]));
  const keep: DocumentRow[] = [];
  const issue: Array<Entitlement & { dataHash: string; expiresAt: number; replaces?: DocumentRow }> = [];
  for (const e of wanted) {
    const key = `${e.docType}:${e.subject}`;
    const existing = byKey.get(key);
    byKey.delete(key);
    const dataHash = await sha256Base64Url(JSON.stringify(e.data));
    const expiresAt = Math.min(e.validUntil ?? Infinity, deps.now + MAX_CREDENTIAL_LIFETIME_MS - DAY, keyNotAfter);
    if (expiresAt <= deps.now) {
      if (existing) issue.push({ ...e, dataHash, expiresAt: 0, replaces: existing }); // revoke only
      continue;
    }
    const fresh =
      existing &&
      existing.dataHash === dataHash &&
      existing.deviceKeyId === deviceKeyId &&
      existing.status === 0 &&
      signedByTrustedKeys(stored.get(existing.id), trustedKids) &&
      (existing.expiresAt - deps.now > RENEW_BEFORE_MS || existing.expiresAt >= expiresAt);
    if (fresh) keep.push(existing);
    else issue.push({ ...e, dataHash, expiresAt, replaces: existing });
  }
  const retired = [...byKey.values()]; // no longer due: revoke
  const toIssue = issue.filter((i) => i.expiresAt > 0);
  if (toIssue.length === 0 && retired.length === 0 && issue.length === 0) {
    if (reminderUpdate) await reminderUpdate.run();
    return present(keep, stored);
  }

  const key = signer ?? (await activeIssuerKey(deps.config, deps.now)); // throws: no key can sign
  // Status indices come from the issuer's one counter (main database): unique across every shard.
  const firstIndex = toIssue.length ? await allocateStatusIndices(deps.db, toIssue.length) : 0;
  // The old versions are revoked, and their status-list parts marked for a new version, first.
  const superseded = [...retired, ...issue.flatMap((i) => (i.replaces ? [i.replaces] : []))].map((old) => old.id);
  const statements: D1PreparedStatement[] = supersedeDocumentsStatements(db, superseded, deps.now);
  const issued: DocumentRow[] = [];
  const issuedCredentials = new Map<string, Map<string, Uint8Array>>();
  for (const [n, e] of toIssue.entries()) {
    const row: DocumentRow = {
      id: newId(),
      accountId: account.id,
      docType: e.docType,
      subject: e.subject,
      data: e.data as Record<string, unknown>,
      dataHash: e.dataHash,
      deviceKeyId,
      statusIndex: firstIndex + n,
      status: 0,
      issuedAt: deps.now,
      expiresAt: e.expiresAt,
      supersededAt: null,
    };
    statements.push(insertDocumentStatement(db, row));
    const views = new Map<string, Uint8Array>();
    issuedCredentials.set(row.id, views);
    for (const view of DOCUMENT_TYPES[e.docType].views as readonly View[]) {
      const bytes = await issueCredential({
        issuerKey: key.privateKey,
        kid: key.kid,
        issuer: deps.config.issuerCode,
        iat: deps.now,
        exp: e.expiresAt,
        holderPublicKey: device.publicKey,
        docType: e.docType,
        view,
        statusIndex: row.statusIndex,
        data: e.data,
      });
      statements.push(insertCredentialStatement(db, row.id, view, bytes));
      views.set(view, bytes);
    }
    issued.push(row);
  }
  if (reminderUpdate) statements.push(reminderUpdate);
  // One transaction: old versions are revoked exactly when the new ones exist.
  try {
    await db.batch(statements);
  } catch (err) {
    // Another sync of this account (the phone twice at once, or an officer's approval) issued
    // the same document after this one read the current versions: the whole batch rolled
    // back, and the other's version stands. Read again, once, and keep it.
    if (mayRetry && isCurrentDocumentConflict(err)) return syncAttempt(deps, account, deviceKeyId, false);
    throw err;
  }
  if (superseded.length) await publishStatusChanges(deps, db);
  if (issued.length) await settleAfterIssue(deps, db, account.id, deviceKeyId);
  return present([...keep, ...issued], new Map([...stored, ...issuedCredentials]));
}

/** Whether every stored view of a document is signed by a key verifiers still trust. */
function signedByTrustedKeys(views: Map<string, Uint8Array> | undefined, trusted: ReadonlySet<string>): boolean {
  if (!views || views.size === 0) return false;
  for (const bytes of views.values()) {
    const kid = decodeCoseSign1(bytes)?.kid;
    if (!kid || !trusted.has(toBase64Url(kid))) return false;
  }
  return true;
}

/**
 * A lock or a device change that committed while this sync was issuing must not leave
 * valid credentials behind: look again once the new versions exist, and suspend (locked
 * account) or revoke (revoked device key) what was just issued.
 */
async function settleAfterIssue(deps: Deps, db: ShardDb, accountId: string, deviceKeyId: string): Promise<void> {
  const [account, device] = await Promise.all([readAccount(db, accountId), readDeviceKey(db, deviceKeyId)]);
  if (!device || device.revokedAt !== null) {
    await db.batch(revokeDocumentsOfDeviceStatements(db, accountId, deviceKeyId, deps.now));
  } else if (!account || account.status !== 'active') {
    await db.batch(setAccountDocumentsStatusStatements(db, accountId, 0, 2, deps.now));
  } else return;
  await publishStatusChanges(deps, db);
}

function present(docs: DocumentRow[], credentials: Map<string, Map<string, Uint8Array>>): WalletDocument[] {
  return docs.map((d) => ({
    id: d.id,
    docType: d.docType as DocType,
    subject: d.subject,
    issuedAt: d.issuedAt,
    expiresAt: d.expiresAt,
    statusIndex: d.statusIndex,
    credentials: Object.fromEntries([...(credentials.get(d.id) ?? new Map()).entries()].map(([view, bytes]) => [view, toBase64Url(bytes)])),
  }));
}

/**
 * Issues what the account is entitled to now for the device key bound to it, without
 * waiting for the wallet's next sync: used where an officer's act entitles the citizen to
 * more (level-2 approval, an attached document) and at a level-2 activation. The
 * credentials are bound to that device key and reach the phone at its next sync, which
 * proves possession of the key; the sync then finds them current and returns them as they
 * are. Returns the documents, or null when there is no bound device yet (a citizen who
 * activates later is issued at activation) or issuing failed: the act that called it has
 * committed already, and the next sync issues them anyway.
 */
export async function issueToBoundDevice(deps: Deps, of: Pick<Account, 'id' | 'idNumber'>): Promise<WalletDocument[] | null> {
  try {
    const db = deps.shards.dbFor(of.idNumber);
    const [account, keys] = await Promise.all([readAccount(db, of.id), listDeviceKeys(db, of.id)]);
    // One phone, one account: at most one key is in force (a device change revokes the others in its transaction).
    const bound = keys.filter((k) => k.revokedAt === null).at(-1);
    if (!account || !bound) return null;
    return await syncDocuments(deps, account, bound.keyId);
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', message: 'issuing to the bound device failed; the next wallet sync retries', error: err instanceof Error ? err.message : String(err) }));
    return null;
  }
}

/** An officer attaches a document type to a level-2 account after checking the originals. */
export async function attachDocument(deps: Deps, account: Account, docType: DocType, officer: string): Promise<boolean> {
  if (account.level !== 2) throw new AppError('forbidden', 'Documents can be attached to level-2 accounts only.');
  if (!ATTACHABLE.includes(docType)) throw new AppError('validation_failed', 'This document type cannot be attached.');
  return insertAttachment(deps.shards.dbFor(account.idNumber), account.id, docType, officer, deps.now);
}
