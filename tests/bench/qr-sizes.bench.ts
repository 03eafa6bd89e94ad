/**
 * QR characters and QR version for every view of every document type, on the synthetic demo
 * data exactly as the edge issues it (edge/domain/documents.ts `entitlements`, over the demo
 * citizens, their earlier ID cards and the synthetic sectoral registries), signed with a freshly generated issuer key,
 * bound to a fresh device key, with a realistic status index (123,456,789) and no nonce.
 * The version is `qrVersionFor` (ECC M, alphanumeric) and is checked against lean-qr, the
 * encoder the wallet draws with (one alphanumeric segment at M).
 */
import { correction, generate, mode } from 'lean-qr';
import type { Account } from '../../edge/store/accounts';
import { ATTACHABLE, entitlements } from '../../edge/domain/documents';
import type { Deps } from '../../edge/domain/deps';
import { syntheticSectoralRegistries } from '../../edge/registries/sectoral';
import { DEMO_CITIZENS, DEMO_RELATIONS, syntheticPreviousIdCards } from '../../edge/registries/synthetic';
import {
  createPresentation,
  DOC_TYPE_NAMES,
  DOCUMENT_TYPES,
  issueCredential,
  issuerKid,
  qrVersionFor,
  type DocType,
  type DocumentData,
  type View,
} from '../../shared/credential';
import type { BenchRow } from './row';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const YEAR = 365 * 86_400_000;
const STATUS_INDEX = 123_456_789;

/** The issue's size goals: at most so many characters, so at most that QR version at ECC M. */
function goalFor(docType: DocType, view: View): { chars: number; version: number } | undefined {
  if (view === 'basic') return { chars: 450, version: 13 };
  if (docType === 'eid_card' && view === 'full') return { chars: 600, version: 15 };
  return undefined;
}

/** One document of every type, as the edge would issue it to the demo citizens. */
async function demoDocuments(now: number): Promise<Map<DocType, DocumentData>> {
  const today = new Date(now).toISOString().slice(0, 10);
  const byId = new Map(DEMO_CITIZENS.map((c) => [c.idNumber, c]));
  const db = {
    prepare: () => ({ bind: () => ({ all: async () => ({ results: ATTACHABLE.map((doc_type) => ({ doc_type })) }) }) }),
  } as unknown as D1Database;
  const deps = {
    // The attachments are read from the account's shard: one stand-in database for all of them.
    shards: { dbFor: () => db },
    now,
    registry: {
      findCitizen: async (id: string) => byId.get(id) ?? null,
      findPreviousIdCards: async (id: string) => syntheticPreviousIdCards(byId.get(id)!),
      findDependants: async (id: string) => DEMO_RELATIONS.filter((r) => r.holder === id).map((r) => ({ citizen: byId.get(r.dependant)!, relation: r.relation })),
    },
    sectoral: syntheticSectoralRegistries(() => today),
  } as unknown as Deps;
  const out = new Map<DocType, DocumentData>();
  // Nguyễn Văn An (level 2, a child under 14, every attachable document) and, at level 1, the personal information.
  const an = DEMO_CITIZENS[0]!;
  const account = (level: 1 | 2): Account => ({ id: 'bench', idNumber: an.idNumber, level, status: 'active', lockedBy: null, phone: an.phone!, email: null, phoneOfficerId: null, phoneOfficerAt: null, createdAt: now, updatedAt: now });
  for (const e of [...(await entitlements(deps, account(2))), ...(await entitlements(deps, account(1)))]) {
    if (!out.has(e.docType)) out.set(e.docType, e.data);
  }
  return out;
}

export async function run(): Promise<BenchRow[]> {
  const now = Date.now();
  const issuer = (await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const device = (await crypto.subtle.generateKey(ECDSA, false, ['sign', 'verify'])) as CryptoKeyPair;
  const holder = new Uint8Array((await crypto.subtle.exportKey('raw', device.publicKey)) as ArrayBuffer);
  const kid = await issuerKid(issuer.publicKey);
  const documents = await demoDocuments(now);
  const rows: BenchRow[] = [];
  for (const docType of DOC_TYPE_NAMES) {
    const data = documents.get(docType);
    if (!data) throw new Error(`no demo document of type ${docType}`);
    for (const view of DOCUMENT_TYPES[docType].views as readonly View[]) {
      const credential = await issueCredential({
        issuerKey: issuer.privateKey,
        kid,
        issuer: 'VN',
        iat: now,
        exp: now + YEAR,
        holderPublicKey: holder,
        docType,
        view,
        statusIndex: STATUS_INDEX,
        data,
      });
      const text = await createPresentation({ credential, devicePrivateKey: device.privateKey, now });
      const version = qrVersionFor(text.length, 'M');
      const drawn = (generate(mode.alphaNumeric(text), { minCorrectionLevel: correction.M, maxCorrectionLevel: correction.M }).size - 17) / 4;
      if (drawn !== version) throw new Error(`${docType}/${view}: lean-qr drew version ${drawn}, qrVersionFor says ${version}`);
      const goal = goalFor(docType, view);
      rows.push({
        area: 'QR size',
        metric: `${docType} · ${view} → QR v${version} (M), ${text.slice(0, text.indexOf(':') + 1)}`,
        value: text.length,
        unit: 'chars',
        ...(goal ? { goal: `≤ ${goal.chars} (v${goal.version})`, pass: text.length <= goal.chars && version !== null && version <= goal.version } : {}),
      });
    }
  }
  return rows;
}
