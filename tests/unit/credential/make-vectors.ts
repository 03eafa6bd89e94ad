/**
 * Writes shared/credential/test-vectors.json: presentations made with fixed test keys, each
 * with the `now` to verify it at and the verdict a conforming verifier must give. ECDSA
 * signatures are randomised, so a new vector's bytes differ from run to run; a vector already
 * in the file keeps its bytes (and the status list token its own) as long as the code still
 * gives it the verdict and claims it states, so that regenerating changes only what changed.
 * vectors.test.ts checks the committed file against the code.
 *
 *   npx esbuild tests/unit/credential/make-vectors.ts --bundle --platform=node --format=esm \
 *     --log-level=warning | node --input-type=module
 *
 * The private keys below are TEST KEYS, published on purpose. Never use them for anything else.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { fromBase64Url, toBase64Url } from '../../../shared/bytes';
import {
  buildTrustList,
  createPresentationBytes,
  createStatusBits,
  decodeCoseSign1,
  decompressP256,
  encodeQrText,
  issueCredential,
  issuerKid,
  projectView,
  setStatus,
  signCoseSign1,
  PART_SIZE,
  signStatusList,
  sigStructure,
  statusListsOf,
  verifyPresentation,
  verifyStatusList,
} from '../../../shared/credential';
import type { DocType, Verdict, View } from '../../../shared/credential';
import { decodeCbor, encodeCbor } from '../../../shared/credential/cbor';
import { CNF_COSE_KEY, COSE_KEY, CWT_CLAIM } from '../../../shared/credential/claims';
import { encodeBase45 } from '../../../shared/credential/base45';
import { deflate } from '../../../shared/credential/deflate';
import { DAY, ECDSA_P256, resignCredential, SAMPLE_DOCUMENTS, T0, withTimes, YEAR } from './fixtures';

const TEST_KEYS = {
  issuer: {
    kty: 'EC',
    crv: 'P-256',
    x: 'KFncLFlSjBHww8o4hxxGlbcEkZO9nUTJiZMd-ckb4fw',
    y: '4niwX-s2FVT_xHJEtmnu_u4fxDNY69dn6Q0ogPM-odc',
    d: 'J7x8udAdP5d00vhAI9sP4UU3A-NumtxAxqBSA4bJMkw',
  },
  device: {
    kty: 'EC',
    crv: 'P-256',
    x: 'A3MapylFTHZqhMgzKUYZTilG0wjjz0NtLVEkbDLiy5k',
    y: 'QmtMPH-gctWXAzc23FbYhE1zyj9iden1hIatuy013Xw',
    d: 'vsR5N72dadw5xoPnloAyGMd2f19db9CZ83xl_iuWa20',
  },
  /** In the trust list as a key that stopped signing (retiredAt = RETIRED_AT). */
  retired: {
    kty: 'EC',
    crv: 'P-256',
    x: '5vFaDPXzVVmgN-iVa2ZojkAZo8vDMt5zCveprQj8i6U',
    y: 'ox2iNOcyiLGG2esBU9NVisuz4c2PP2t3M0pMcQvShcc',
    d: 'n8maLbd84hTjgJBOr-lttpZQsIowZUzTxFZimS6PfEg',
  },
  /** Not in the trust list. */
  outsider: {
    kty: 'EC',
    crv: 'P-256',
    x: 'W5fNDtXyP4t3u4vEF9rnEvS1Ee3H_Qg15SgvsTVN5Yk',
    y: '-pFJC6y1i2PNr6_lc6QEkO8bKC7mbG8Dh8EKZbVih2U',
    d: 'Wl2LNP-v7YDzNBu3s7e_uhhBl07yLe4tVe7H3lJTtiE',
  },
} as const;

// Run from the repository root (the bundle is piped into node, so there is no module path).
const OUT = 'shared/credential/test-vectors.json';
const ISSUER = 'VN';
const INDEX = { valid: 5, revoked: 6, suspended: 7 } as const;
/**
 * Offsets in part 1 (indices 2^20 + offset), chosen so that reading part 0 at the same offset gives
 * another verdict: 5 is revoked there (valid in part 0), 6 valid (revoked in part 0).
 */
const PART_1 = { revoked: 5, valid: 6 } as const;

async function keyPair(jwk: JsonWebKey): Promise<CryptoKeyPair> {
  const { d: _d, ...publicJwk } = jwk;
  return {
    privateKey: await crypto.subtle.importKey('jwk', jwk, ECDSA_P256, true, ['sign']),
    publicKey: await crypto.subtle.importKey('jwk', publicJwk, ECDSA_P256, true, ['verify']),
  };
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

const issuer = await keyPair(TEST_KEYS.issuer);
const device = await keyPair(TEST_KEYS.device);
const outsider = await keyPair(TEST_KEYS.outsider);
const retired = await keyPair(TEST_KEYS.retired);
const kid = await issuerKid(issuer.publicKey);
const retiredKid = await issuerKid(retired.publicKey);
const devicePublicRaw = new Uint8Array((await crypto.subtle.exportKey('raw', device.publicKey)) as ArrayBuffer);
/** The retired key stopped signing 60 days before T0; it stays listed for one credential lifetime (366 days) after. */
const RETIRED_AT = T0 - 60 * DAY;
const trust = await buildTrustList(
  [
    { publicKey: issuer.publicKey, notBefore: T0 - 2 * YEAR, notAfter: T0 + 10 * YEAR },
    { publicKey: retired.publicKey, notBefore: T0 - 3 * YEAR, notAfter: RETIRED_AT + 366 * DAY, retiredAt: RETIRED_AT },
  ],
  T0 - DAY,
);

if (!existsSync('shared/credential/FORMAT.md')) throw new Error('run from the repository root');
/** The file as committed: its vectors and status list token are kept while they still hold. */
const committed = existsSync(OUT)
  ? (JSON.parse(readFileSync(OUT, 'utf8')) as { statusList?: { token?: string }; statusListParts?: Array<{ token?: string }>; vectors?: Vector[] })
  : {};

/** Part 0, written before the list had parts: no part claim, so part 0 by the rule of §9.1. */
const bits = createStatusBits(64);
setStatus(bits, INDEX.revoked, 1);
setStatus(bits, INDEX.suspended, 2);
const STATUS_LIST = { issuer: ISSUER, uri: 'https://id.example.vn/status/1', iat: T0 - 3_600_000, exp: T0 + 2 * DAY, ttl: 3600 };
/** Part 1: indices 2^20 … 2^21 − 1, with its part and version claims. */
const bitsPart1 = createStatusBits(64);
setStatus(bitsPart1, PART_1.revoked, 1);
const STATUS_LIST_PART_1 = { ...STATUS_LIST, uri: 'https://id.example.vn/.well-known/vneid/status-list/1', part: 1, version: 4 };

/** A committed status list token, if it still verifies and says exactly what a new one would. */
async function committedStatusToken(
  committedToken: string | undefined,
  spec: typeof STATUS_LIST & { part?: number; version?: number },
  entries: Uint8Array,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const token = committedToken ? fromBase64Url(committedToken) : null;
  if (!token) return null;
  const result = await verifyStatusList(token, trust, T0);
  if (!result.ok) return null;
  const { list } = result;
  const same =
    list.issuer === spec.issuer && list.uri === spec.uri && list.kid === kid && list.issuedAt === spec.iat &&
    list.expiresAt === spec.exp && list.ttl === spec.ttl && list.part === (spec.part ?? 0) && list.version === (spec.version ?? null) &&
    isDeepStrictEqual([...list.bits], [...entries]);
  return same ? token : null;
}

async function statusToken(committedToken: string | undefined, spec: typeof STATUS_LIST & { part?: number; version?: number }, entries: Uint8Array<ArrayBuffer>) {
  const token = (await committedStatusToken(committedToken, spec, entries)) ?? (await signStatusList({ issuerKey: issuer.privateKey, kid, ...spec, bits: entries }));
  const verified = await verifyStatusList(token, trust, T0);
  if (!verified.ok) throw new Error(`status list: ${verified.error}`);
  return { token, list: verified.list };
}

const statusPart0 = await statusToken(committed.statusList?.token, STATUS_LIST, bits);
const statusPart1 = await statusToken(committed.statusListParts?.[0]?.token, STATUS_LIST_PART_1, bitsPart1);
/** What a verifier holds: both parts. */
const statusLists = statusListsOf([statusPart0.list, statusPart1.list]);

interface CredentialSpec {
  docType?: DocType;
  view?: View;
  iat?: number;
  exp?: number;
  statusIndex?: number;
  signer?: CryptoKeyPair;
}

async function credential(spec: CredentialSpec = {}): Promise<Uint8Array<ArrayBuffer>> {
  const signer = spec.signer ?? issuer;
  return issueCredential({
    issuerKey: signer.privateKey,
    kid: await issuerKid(signer.publicKey),
    issuer: ISSUER,
    iat: spec.iat ?? T0 - 30 * DAY,
    exp: spec.exp ?? T0 + 300 * DAY,
    holderPublicKey: devicePublicRaw,
    docType: spec.docType ?? 'eid_card',
    view: spec.view ?? 'full',
    statusIndex: spec.statusIndex ?? INDEX.valid,
    data: SAMPLE_DOCUMENTS[spec.docType ?? 'eid_card'],
  });
}

interface Vector {
  name: string;
  description: string;
  qr: string;
  now: number;
  nowIso: string;
  nonce?: string;
  useStatusList: boolean;
  expected: { verdict: Verdict; docType?: DocType; view?: View; claims?: unknown };
  presentationHex?: string;
  credentialHex?: string;
}

const vectors: Vector[] = [];

async function add(
  name: string,
  description: string,
  made: { credential?: Uint8Array; presentation?: Uint8Array<ArrayBuffer>; qr?: string; compression?: 'never' | 'always' },
  now: number,
  expected: Verdict,
  extra: { nonce?: Uint8Array; useStatusList?: boolean; docType?: DocType; view?: View; iat?: number } = {},
): Promise<void> {
  const qr = made.qr ?? (await encodeQrText(made.presentation!, made.compression ?? 'never'));
  const vector: Vector = {
    name,
    description,
    qr,
    now,
    nowIso: new Date(now).toISOString(),
    useStatusList: extra.useStatusList ?? true,
    expected: { verdict: expected },
  };
  if (extra.nonce) vector.nonce = toBase64Url(extra.nonce);
  if (expected === 'valid') {
    const docType = extra.docType ?? 'eid_card';
    const view = extra.view ?? 'full';
    vector.expected = { verdict: 'valid', docType, view, claims: projectView(docType, view, SAMPLE_DOCUMENTS[docType], extra.iat ?? T0 - 30 * DAY) };
  }
  if (made.presentation) vector.presentationHex = hex(made.presentation);
  if (made.credential) vector.credentialHex = hex(made.credential);
  const check = (text: string) =>
    verifyPresentation(text, {
      trust,
      status: vector.useStatusList ? statusLists : null,
      now,
      ...(extra.nonce ? { nonce: extra.nonce } : {}),
    });
  // A committed vector keeps its bytes while the code gives it what this vector states.
  const old = committed.vectors?.find((v) => v.name === name);
  if (old && old.now === now && old.nonce === vector.nonce && old.useStatusList === vector.useStatusList) {
    const result = await check(old.qr);
    const claims = result.verdict === 'valid' ? result.claims : undefined;
    if (result.verdict === expected && isDeepStrictEqual(claims, vector.expected.claims)) {
      vector.qr = old.qr;
      delete vector.presentationHex;
      delete vector.credentialHex;
      if (old.presentationHex) vector.presentationHex = old.presentationHex;
      if (old.credentialHex) vector.credentialHex = old.credentialHex;
      vectors.push(vector);
      return;
    }
  }
  // Refuse to write a vector the code disagrees with.
  const result = await check(qr);
  if (result.verdict !== expected) throw new Error(`${name}: expected ${expected}, got ${result.verdict} (${'reason' in result ? result.reason : ''})`);
  vectors.push(vector);
}

const present = (cred: Uint8Array, now: number, nonce?: Uint8Array) =>
  createPresentationBytes({ credential: cred, devicePrivateKey: device.privateKey, now, ...(nonce ? { nonce } : {}) });

// ---- valid ----
for (const view of ['full', 'basic', 'age_over_18'] as const) {
  const cred = await credential({ view });
  await add(`valid_eid_card_${view}`, `e-ID card, ${view} view, presented 10 s before now.`, { credential: cred, presentation: await present(cred, T0 - 10_000) }, T0, 'valid', { view });
}
{
  const cred = await credential({ docType: 'driving_licence' });
  await add('valid_driving_licence', 'Driving licence, full view.', { credential: cred, presentation: await present(cred, T0) }, T0, 'valid', { docType: 'driving_licence' });
}
{
  const cred = await credential({ view: 'basic' });
  const presentation = await present(cred, T0);
  await add('valid_compressed', 'The same kind of presentation under the VN1Z: prefix (zlib).', { credential: cred, presentation, compression: 'always' }, T0, 'valid', { view: 'basic' });
}
{
  const cred = await credential({ view: 'basic' });
  const nonce = new Uint8Array([0x4e, 0x4f, 0x4e, 0x43, 0x45, 0x30, 0x30, 0x31]);
  await add('valid_with_nonce', 'Presentation carrying the verifier nonce "NONCE001" (base64url in `nonce`).', { credential: cred, presentation: await present(cred, T0, nonce) }, T0, 'valid', { view: 'basic', nonce });
}

// ---- refused ----
{
  // The holder edits their own credential (date of birth 2003 → 1993: "over 30") and signs the
  // presentation with their genuine device key: only the issuer signature catches it.
  const cred = await credential({ view: 'basic' });
  const cose = decodeCoseSign1(cred)!;
  const claims = decodeCbor(cose.payload) as Map<number, unknown>;
  const doc = claims.get(CWT_CLAIM.document) as [number, number, number, Map<number, unknown>];
  doc[3].set(3, (doc[3].get(3) as number) - 3653);
  const forged = encodeCbor([cose.protectedBytes, new Map(), encodeCbor(claims), cose.signature]);
  await add('tampered_credential', 'The holder changed the date of birth in the credential and re-signed the presentation with the genuine device key.', { credential: forged, presentation: await present(forged, T0) }, T0, 'tampered');
}
{
  const cred = await credential({ view: 'basic' });
  const presentation = await present(cred, T0);
  presentation[presentation.length - 1]! ^= 0x01;
  await add('tampered_device_signature', 'Last byte of the device signature flipped.', { credential: cred, presentation }, T0, 'tampered');
}
{
  const cred = await credential({ view: 'basic', iat: T0 - 300 * DAY, exp: T0 - DAY });
  await add('expired', 'Credential exp one day before now.', { credential: cred, presentation: await present(cred, T0) }, T0, 'expired');
}
{
  const cred = await credential({ view: 'basic', iat: T0 + DAY });
  await add('not_yet_valid', 'Credential iat one day after now.', { credential: cred, presentation: await present(cred, T0) }, T0, 'not_yet_valid');
}
{
  const cred = await credential({ view: 'basic', signer: outsider });
  await add('unknown_issuer', 'Signed by a key whose kid is not in the trust list.', { credential: cred, presentation: await present(cred, T0) }, T0, 'unknown_issuer');
}
{
  // Someone with a key of their own writes the genuine issuer's kid in the header.
  const genuine = await credential({ view: 'basic' });
  const cred = await resignCredential(genuine, outsider.privateKey, kid, () => undefined);
  await add('tampered_outsider_under_genuine_kid', 'Signed by a key outside the trust list, with the genuine issuer kid in its protected header: the kid finds the genuine key, whose signature check fails.', { credential: cred, presentation: await present(cred, T0) }, T0, 'tampered');
}
{
  const cred = await credential({ view: 'basic', signer: retired, iat: RETIRED_AT - 30 * DAY, exp: RETIRED_AT + 300 * DAY });
  await add('valid_retired_key', `Signed by the retired key (trust list entry ${retiredKid}) 30 days before its retiredAt: still valid until its exp.`, { credential: cred, presentation: await present(cred, T0) }, T0, 'valid', { view: 'basic', iat: RETIRED_AT - 30 * DAY });
}
{
  const cred = await credential({ view: 'basic', signer: retired, iat: T0 - 10 * DAY });
  await add('unknown_issuer_retired_key_after_retirement', 'Signed by the retired key with an iat 50 days after its retiredAt (what a thief of the old key would date it).', { credential: cred, presentation: await present(cred, T0) }, T0, 'unknown_issuer');
}
{
  // The thief back-dates iat to just before retiredAt and picks an exp years away.
  const genuine = await credential({ view: 'basic', signer: retired, iat: RETIRED_AT - 30 * DAY, exp: RETIRED_AT + 300 * DAY });
  const cred = await resignCredential(genuine, retired.privateKey, retiredKid, withTimes(RETIRED_AT - 1000, T0 + 5 * YEAR));
  await add('unknown_issuer_retired_key_backdated', 'Signed by the retired key with an iat one second before its retiredAt and an exp five years after now: a lifetime beyond the 366-day maximum.', { credential: cred, presentation: await present(cred, T0) }, T0, 'unknown_issuer');
}
{
  const genuine = await credential({ view: 'basic' });
  const cred = await resignCredential(genuine, issuer.privateKey, kid, withTimes(T0 - 30 * DAY, T0 - 30 * DAY + 366 * DAY + 1000));
  await add('unknown_issuer_lifetime_beyond_maximum', 'Signed by the current issuer key with exp − iat = 366 days + 1 second (31,622,401 s): longer than any credential may live.', { credential: cred, presentation: await present(cred, T0) }, T0, 'unknown_issuer');
}
{
  const cred = await credential({ view: 'basic', statusIndex: INDEX.revoked });
  await add('revoked', `Status list entry ${INDEX.revoked} is 1 (revoked).`, { credential: cred, presentation: await present(cred, T0) }, T0, 'revoked');
}
{
  const cred = await credential({ view: 'basic', statusIndex: INDEX.suspended });
  await add('suspended', `Status list entry ${INDEX.suspended} is 2 (suspended).`, { credential: cred, presentation: await present(cred, T0) }, T0, 'suspended');
}
{
  const cred = await credential({ view: 'basic' });
  await add('stale', 'Presented 151 s before now: older than freshness (120 s) + skew (30 s), e.g. a screenshot.', { credential: cred, presentation: await present(cred, T0 - 151_000) }, T0, 'stale');
}
{
  const cred = await credential({ view: 'basic' });
  await add('future', 'Presented 60 s after now (beyond the 30 s skew).', { credential: cred, presentation: await present(cred, T0 + 60_000) }, T0, 'future');
}
{
  const cred = await credential({ view: 'basic' });
  const nonce = new Uint8Array([0x4e, 0x4f, 0x4e, 0x43, 0x45, 0x30, 0x30, 0x32]);
  await add('nonce_mismatch', 'The verifier showed nonce "NONCE002"; the presentation carries none.', { credential: cred, presentation: await present(cred, T0) }, T0, 'nonce_mismatch', { nonce });
}
{
  const cred = await credential({ view: 'basic' });
  await add('status_unavailable', 'Verified without a status list (`useStatusList` false).', { credential: cred, presentation: await present(cred, T0) }, T0, 'status_unavailable', { useStatusList: false });
}
{
  const cred = await credential({ view: 'basic', statusIndex: PART_SIZE + PART_1.valid });
  await add('valid_status_part_1', `Status index 2^20 + ${PART_1.valid} = ${PART_SIZE + PART_1.valid}: entry ${PART_1.valid} of part 1 is 0 (valid). Entry ${PART_1.valid} of part 0 is revoked: a verifier that reads part 0 says revoked.`, { credential: cred, presentation: await present(cred, T0) }, T0, 'valid', { view: 'basic' });
}
{
  const cred = await credential({ view: 'basic', statusIndex: PART_SIZE + PART_1.revoked });
  await add('revoked_status_part_1', `Status index 2^20 + ${PART_1.revoked} = ${PART_SIZE + PART_1.revoked}: entry ${PART_1.revoked} of part 1 is 1 (revoked), entry ${PART_1.revoked} of part 0 is valid.`, { credential: cred, presentation: await present(cred, T0) }, T0, 'revoked');
}
{
  const cred = await credential({ view: 'basic', statusIndex: 2 * PART_SIZE + INDEX.valid });
  await add('status_unavailable_part_2', `Status index 2·2^20 + ${INDEX.valid} = ${2 * PART_SIZE + INDEX.valid} is in part 2, which the verifier does not hold.`, { credential: cred, presentation: await present(cred, T0) }, T0, 'status_unavailable');
}
await add('wrong_format_prefix', 'Not VN1 text.', { qr: 'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N' }, T0, 'wrong_format');
await add('wrong_format_base45', 'VN1 prefix, invalid Base45 (a triple above 65535).', { qr: 'VN1:GGW' }, T0, 'wrong_format');

// ---- wrong_format: one rule broken, everything else genuine ----
// Each is signed by the genuine issuer and device keys, so a verifier that skipped the rule
// would answer valid (or, for the cnf one, fail later for another reason).

/** Signs `payload` under an arbitrary protected header (signCoseSign1 writes only the profile's). */
async function signUnderHeader(protectedBytes: Uint8Array<ArrayBuffer>, payload: Uint8Array<ArrayBuffer>, key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, sigStructure(protectedBytes, payload)));
  return encodeCbor([protectedBytes, new Map(), payload, signature]);
}
/** A presentation whose payload bytes are written by hand, signed by the genuine device key. */
const presentPayload = (payload: number[]) => signCoseSign1({ payload: new Uint8Array(payload), privateKey: device.privateKey });
const bstrHead = (n: number) => (n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff]);
const uint32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const issuerKidBytes = fromBase64Url(kid)!;
{
  const cred = await credential({ view: 'basic' });
  // {1: -7, 3: 61 (content type application/cwt), 4: kid}: label 3 is outside the profile.
  const header = encodeCbor(new Map<number, unknown>([[1, -7], [3, 61], [4, issuerKidBytes]]));
  const extra = await signUnderHeader(header, decodeCoseSign1(cred)!.payload, issuer.privateKey);
  await add('wrong_format_protected_header_label', 'The credential\'s protected header carries label 3 (content type 61, application/cwt) besides alg and kid; signed by the genuine issuer key over that header. Only labels 1, 4 and 16 are allowed (§3).', { credential: extra, presentation: await present(extra, T0) }, T0, 'wrong_format');
}
{
  const cred = await credential({ view: 'basic' });
  const time = Math.floor(T0 / 1000);
  const payload = [0xa2, 0x01, ...bstrHead(cred.length), ...cred, 0x02, 0xc1, 0x1a, ...uint32(time)];
  await add('wrong_format_tag_in_payload', 'The presentation time is tagged as an epoch date-time (tag 1, c1 1a …); signed by the genuine device key. The format uses no tags (§2).', { credential: cred, presentation: await presentPayload(payload) }, T0, 'wrong_format');
}
{
  const cred = await credential({ view: 'basic' });
  const tagged = new Uint8Array([0xd2, ...(await present(cred, T0))]);
  await add('wrong_format_tagged_envelope', 'A genuine presentation carried as a tagged COSE_Sign1 (tag 18, d2 84 …), as RFC 9052 libraries write by default; the signatures are untouched. The envelope is untagged (§3).', { credential: cred, presentation: tagged }, T0, 'wrong_format');
}
{
  // The first x (counting up from zero) with no point on P-256.
  const x = new Uint8Array(32);
  while (decompressP256(x, false)) x[31]!++;
  const genuine = await credential({ view: 'basic' });
  const cred = await resignCredential(genuine, issuer.privateKey, kid, (claims) => {
    claims.set(CWT_CLAIM.cnf, new Map([[CNF_COSE_KEY, new Map<number, unknown>([[COSE_KEY.kty, COSE_KEY.ktyEc2], [COSE_KEY.crv, COSE_KEY.crvP256], [COSE_KEY.x, x], [COSE_KEY.y, false]])]]));
  });
  await add('wrong_format_cnf_not_on_curve', `Signed by the genuine issuer key, with a cnf whose x (${hex(x)}) is not the x of any P-256 point (§6, §11 step 5; the issuer signature verifies first).`, { credential: cred, presentation: await present(cred, T0) }, T0, 'wrong_format');
}
{
  const genuine = await credential({ view: 'basic' });
  const cred = await resignCredential(genuine, issuer.privateKey, kid, (claims) => {
    (claims.get(CWT_CLAIM.document) as [number, number, number, Map<number, unknown>])[3].set(5, 'VN');
  });
  await add('wrong_format_claim_outside_view', 'A basic-view e-ID credential, signed by the genuine issuer key, that also carries nationality (key 5), a field outside the basic view (§7.2).', { credential: cred, presentation: await present(cred, T0) }, T0, 'wrong_format');
}
{
  const cred = await credential({ view: 'basic' });
  const time = Math.floor(T0 / 1000);
  const payload = [0xa2, 0x02, 0x1a, ...uint32(time), 0x01, ...bstrHead(cred.length), ...cred];
  await add('wrong_format_unsorted_keys', 'The presentation payload map written with key 2 (time) before key 1 (credential); signed by the genuine device key. Map keys are sorted bytewise (§2).', { credential: cred, presentation: await presentPayload(payload) }, T0, 'wrong_format');
}
{
  const cred = await credential({ view: 'basic' });
  const float = new Uint8Array(9);
  float[0] = 0xfb;
  new DataView(float.buffer).setFloat64(1, Math.floor(T0 / 1000));
  const payload = [0xa2, 0x01, ...bstrHead(cred.length), ...cred, 0x02, ...float];
  await add('wrong_format_float_time', 'The presentation time written as an integral float64 (fb …); signed by the genuine device key. The format has no floats (§2, §5).', { credential: cred, presentation: await presentPayload(payload) }, T0, 'wrong_format');
}
{
  // The document array [2, 1, 5, …] after its claim key -65537: statusIndex 5 written as 18 05.
  const genuine = await credential({ view: 'basic' });
  const claims = decodeCoseSign1(genuine)!.payload;
  const at = Buffer.from(claims).indexOf(Buffer.from([0x3a, 0x00, 0x01, 0x00, 0x00, 0x84, 0x02, 0x01, INDEX.valid]));
  if (at < 0) throw new Error('document array not found');
  const longer = new Uint8Array([...claims.subarray(0, at + 8), 0x18, ...claims.subarray(at + 8)]);
  const cred = await signCoseSign1({ payload: longer, privateKey: issuer.privateKey, kid: issuerKidBytes });
  await add('wrong_format_non_shortest_integer', `The credential's statusIndex ${INDEX.valid} written in a two-byte head (18 0${INDEX.valid}) instead of one byte; signed by the genuine issuer key. Integers take their shortest form (§2).`, { credential: cred, presentation: await present(cred, T0) }, T0, 'wrong_format');
}
{
  const cred = await credential({ view: 'basic' });
  const presentation = await present(cred, T0);
  const z = await deflate(presentation);
  const qr = 'VN1Z:' + encodeBase45(new Uint8Array([...z, 0x00, 0x00]));
  await add('wrong_format_zlib_trailing_data', 'A genuine presentation under VN1Z: whose zlib stream is followed by two zero bytes (Node\'s DecompressionStream ignores them). zlib data with anything after its Adler-32 is refused (§4).', { credential: cred, qr }, T0, 'wrong_format');
}

const devicePublicJwk = { kty: 'EC', crv: 'P-256', x: TEST_KEYS.device.x, y: TEST_KEYS.device.y };
const file = {
  format: 'VN1',
  description:
    'Test vectors for the VNeID credential QR (shared/credential/FORMAT.md). Verify each `qr` at `now` with the trust list, ' +
    'the status list tokens (when `useStatusList`: `statusList`, part 0, and each of `statusListParts`) and `nonce` (when present); ' +
    'the verdict must equal `expected.verdict`, and for ' +
    'valid vectors the disclosed claims must equal `expected.claims`. Signatures are ECDSA and differ between generations.',
  generatedBy: 'tests/unit/credential/make-vectors.ts',
  verifierOptions: { freshnessSeconds: 120, skewSeconds: 30, statusMaxAgeSeconds: 86_400 },
  issuer: { iss: ISSUER, kid, publicJwk: trust.keys[0]!.jwk },
  retiredIssuer: { kid: retiredKid, publicJwk: trust.keys[1]!.jwk, retiredAt: RETIRED_AT },
  device: { publicKeyRaw: toBase64Url(devicePublicRaw), publicKeyRawHex: hex(devicePublicRaw), publicJwk: devicePublicJwk },
  trustList: trust,
  statusList: {
    token: toBase64Url(statusPart0.token),
    verifyAt: T0,
    entries: { [INDEX.valid]: 'valid', [INDEX.revoked]: 'revoked', [INDEX.suspended]: 'suspended' },
  },
  statusListParts: [
    {
      part: 1,
      token: toBase64Url(statusPart1.token),
      verifyAt: T0,
      entries: { [PART_SIZE + PART_1.revoked]: 'revoked', [PART_SIZE + PART_1.valid]: 'valid' },
    },
  ],
  vectors,
};
writeFileSync(OUT, JSON.stringify(file, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors to ${OUT}`);
