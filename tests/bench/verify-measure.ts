/**
 * The offline-verification measurement itself, in web-standard code only, so the same function
 * runs in Node (verify-worker.ts) and in Chromium (verify-page.ts): the fixture (one issuer,
 * a status list, QR texts) is made once in Node and handed to both.
 */
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import {
  createPresentation,
  issueCredential,
  parseTrustList,
  verifyPresentation,
  verifyStatusList,
  type PresentationResult,
  type TrustList,
} from '../../shared/credential';
import { generateKeyPair, makeWorld, rawPublicKey, SAMPLE_DOCUMENTS, T0 } from '../unit/credential/fixtures';

/** What both runtimes verify: JSON-able. */
export interface VerifyFixture {
  trust: TrustList;
  /** The signed status list token, base64url. */
  statusList: string;
  now: number;
  basic: string;
  full: string;
  /** QRs of different holders (each a new device key and a new credential), in rounds. */
  distinct: string[][];
}

export interface VerifyFigures {
  firstMs: number;
  warmSamePerSecond: number;
  warmFullPerSecond: number;
  coldDistinctPerSecond: number;
  /** QRs per round, and rounds (the figures are medians of rounds). */
  perRound: { warm: number; cold: number };
  rounds: number;
}

const ROUNDS = 5;
const WARM_PER_ROUND = 3000;
const COLD_PER_ROUND = 600;
const DAY = 86_400_000;

export async function makeFixture(): Promise<VerifyFixture> {
  const world = await makeWorld();
  const basic = await world.present(await world.issue({ view: 'basic' }));
  const full = await world.present(await world.issue({ view: 'full' }));
  const distinct: string[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const qrs: string[] = [];
    for (let i = 0; i < COLD_PER_ROUND; i++) {
      const device = await generateKeyPair();
      const credential = await issueCredential({
        issuerKey: world.issuerKeys.privateKey,
        kid: world.kid,
        issuer: 'VN',
        iat: T0 - DAY,
        exp: T0 + 364 * DAY,
        holderPublicKey: await rawPublicKey(device.publicKey),
        docType: 'eid_card',
        view: 'basic',
        statusIndex: 5,
        data: SAMPLE_DOCUMENTS.eid_card,
      });
      qrs.push(await createPresentation({ credential, devicePrivateKey: device.privateKey, now: T0 }));
    }
    distinct.push(qrs);
  }
  return { trust: world.trust, statusList: toBase64Url(world.statusBytes), now: T0, basic, full, distinct };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Full `verifyPresentation` checks (format, both signatures, times, status list) one after
 * another, as the verifier screen runs them: the first one in a fresh runtime, then the same
 * basic and full QRs again (issuer signature memoised, holder key cached: only the device
 * signature is checked), then QRs of different holders (nothing memoised but the issuer key).
 * Medians of rounds: the machine is shared.
 */
export async function measureFixture(fixture: VerifyFixture): Promise<VerifyFigures> {
  const trust = await parseTrustList(fixture.trust);
  if (!trust) throw new Error('fixture: trust list');
  const status = await verifyStatusList(fromBase64Url(fixture.statusList)!, trust, fixture.now);
  if (!status.ok) throw new Error(`fixture: status list ${status.error}`);
  const options = { trust, status: status.list, now: fixture.now };

  const first = performance.now();
  const check = (await verifyPresentation(fixture.basic, options)).verdict;
  const firstMs = performance.now() - first;
  if (check !== 'valid') throw new Error(`first check: ${check}`);

  async function rate(qrs: string[]): Promise<number> {
    const started = performance.now();
    let valid = 0;
    for (const qr of qrs) if (((await verifyPresentation(qr, options)) as PresentationResult).verdict === 'valid') valid++;
    if (valid !== qrs.length) throw new Error(`${qrs.length - valid} not valid`);
    return Math.round(qrs.length / ((performance.now() - started) / 1000));
  }
  const repeat = (qr: string, n: number) => Array.from({ length: n }, () => qr);
  await rate([...repeat(fixture.basic, 1500), ...repeat(fixture.full, 500)]); // JIT warm-up
  const rounds = async (qrs: () => string[], n: number) => {
    const rates: number[] = [];
    for (let i = 0; i < n; i++) rates.push(await rate(qrs()));
    return median(rates);
  };
  const warmSamePerSecond = await rounds(() => repeat(fixture.basic, WARM_PER_ROUND), ROUNDS);
  const warmFullPerSecond = await rounds(() => repeat(fixture.full, WARM_PER_ROUND), ROUNDS);
  let round = 0;
  const coldDistinctPerSecond = await rounds(() => fixture.distinct[round++]!, fixture.distinct.length);
  return {
    firstMs: Math.round(firstMs * 10) / 10,
    warmSamePerSecond,
    warmFullPerSecond,
    coldDistinctPerSecond,
    perRound: { warm: WARM_PER_ROUND, cold: fixture.distinct[0]!.length },
    rounds: ROUNDS,
  };
}
