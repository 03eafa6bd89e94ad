/**
 * The status list in parts (FORMAT.md §9) against one list of every index, in Node with the
 * shared code the edge and the verifier run (Compression Streams, WebCrypto). A part is 2^20
 * entries with 1 % (then 0.1 %) of them not valid at random (nine in ten revoked, one in ten
 * suspended: a seeded generator, so every run draws the same). Timed as the edge works: from the
 * rows it reads (index, status) to the signed token (array, entries set, deflate, ES256), median of
 * rounds; a verifier's side: verify one part (signature, inflate). Then the national projection:
 * 200 M entries (68 M accounts, several documents each, re-issued over the years) → parts, what a
 * verifier downloads for all of them, and the same entries as one list, built once (slow).
 */
import {
  buildTrustList,
  createStatusBits,
  encodeStatusList,
  issuerKid,
  PART_SIZE,
  setStatus,
  signCoseSign1,
  signStatusList,
  STATUS_LIST_TYP,
  verifyStatusList,
  type StatusValue,
} from '../../shared/credential';
import { fromBase64Url } from '../../shared/bytes';
import { encodeCbor } from '../../shared/credential/cbor';
import { CWT_CLAIM } from '../../shared/credential/claims';
import { median } from '../load/helpers/closed-loop';
import type { BenchRow } from './row';

const NATIONAL_ENTRIES = 200_000_000;
const RATES = [0.01, 0.001] as const;
const ROUNDS = 7;
const T0 = Date.UTC(2026, 0, 1);
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** mulberry32: a small seeded generator, so that every run draws the same entries. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The non-valid rows of `size` entries at `rate`, as the edge reads them: indices and statuses. */
function nonValidRows(size: number, rate: number, seed: number): { index: Float64Array; status: Uint8Array } {
  const random = seeded(seed);
  const index: number[] = [];
  const status: number[] = [];
  for (let i = 0; i < size; i++) {
    if (random() < rate) {
      index.push(i);
      status.push(random() < 0.9 ? 1 : 2);
    }
  }
  return { index: Float64Array.from(index), status: Uint8Array.from(status) };
}

/** The packed array with the rows set, as edge/domain/status-list.ts builds a part. */
function fill(size: number, rows: { index: Float64Array; status: Uint8Array }): Uint8Array<ArrayBuffer> {
  const bits = createStatusBits(size);
  for (let i = 0; i < rows.index.length; i++) setStatus(bits, rows.index[i]!, rows.status[i] as StatusValue);
  return bits;
}

const mb = (bytes: number) => bytes / 1_000_000;

export async function run(): Promise<BenchRow[]> {
  const keys = (await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const kid = await issuerKid(keys.publicKey);
  const trust = await buildTrustList([{ publicKey: keys.publicKey, notBefore: T0 - 86_400_000, notAfter: T0 + 365 * 86_400_000 }]);
  const parts = Math.ceil(NATIONAL_ENTRIES / PART_SIZE);
  const rows: BenchRow[] = [];
  const area = 'Status list, one part (2^20 entries)';
  const national = `Status list, national (${(NATIONAL_ENTRIES / 1e6).toFixed(0)} M entries)`;
  rows.push({ area: national, metric: 'parts of 2^20 entries', value: parts, unit: 'parts' });

  for (const rate of RATES) {
    const label = `${rate * 100} % not valid`;
    const partRows = nonValidRows(PART_SIZE, rate, 7);
    const sign = () =>
      signStatusList({ issuerKey: keys.privateKey, kid, issuer: 'VN', uri: 'https://id.example.vn/.well-known/vneid/status-list/0', iat: T0, exp: T0 + 86_400_000, ttl: 300, part: 0, version: 1, bits: fill(PART_SIZE, partRows) });
    const token = await sign(); // warm-up, and the size
    const build: number[] = [];
    const verify: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let started = performance.now();
      await sign();
      build.push(performance.now() - started);
      started = performance.now();
      const verified = await verifyStatusList(token, trust, T0);
      verify.push(performance.now() - started);
      if (!verified.ok) throw new Error(`part: ${verified.error}`);
    }
    rows.push(
      { area, metric: `${label}: signed token (what a verifier downloads per part)`, value: token.length / 1000, unit: 'KB' },
      { area, metric: `${label}: non-valid rows the edge reads to rebuild it`, value: partRows.index.length, unit: 'rows' },
      { area, metric: `${label}: build from the rows + deflate + sign (edge, one status change), median of ${ROUNDS}`, value: median(build), unit: 'ms' },
      { area, metric: `${label}: verify (signature + inflate, verifier), median of ${ROUNDS}`, value: median(verify), unit: 'ms' },
      { area: national, metric: `${label}: all ${parts} parts, a verifier's first download`, value: mb(token.length * parts), unit: 'MB' },
    );

    // The same entries in one list: one 50 MB array, deflated and signed once per status change.
    const allRows = nonValidRows(NATIONAL_ENTRIES, rate, 11);
    const started = performance.now();
    const claims = new Map<number, unknown>([
      [CWT_CLAIM.iss, 'VN'],
      [CWT_CLAIM.sub, 'https://id.example.vn/.well-known/vneid/status-list'],
      [CWT_CLAIM.iat, Math.floor(T0 / 1000)],
      [CWT_CLAIM.statusList, await encodeStatusList(fill(NATIONAL_ENTRIES, allRows))],
    ]);
    const single = await signCoseSign1({ payload: encodeCbor(claims), privateKey: keys.privateKey, kid: fromBase64Url(kid)!, typ: STATUS_LIST_TYP });
    const singleMs = performance.now() - started;
    rows.push(
      { area: national, metric: `${label}: the same entries as one list, signed token`, value: mb(single.length), unit: 'MB' },
      { area: national, metric: `${label}: one list, non-valid rows the edge reads to rebuild it`, value: allRows.index.length, unit: 'rows' },
      { area: national, metric: `${label}: one list, build + deflate + sign per status change (one round)`, value: singleMs, unit: 'ms' },
    );
  }
  rows.push({ area: national, metric: 'a verifier holding every part, inflated (2 bits an entry)', value: mb(NATIONAL_ENTRIES / 4), unit: 'MB' });
  return rows;
}
