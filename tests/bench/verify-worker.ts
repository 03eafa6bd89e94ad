/**
 * The body of verify-rate.bench.ts, run in a child process pinned to one core. Not a bench
 * file itself (no `.bench.ts`): `measure()` returns the figures as JSON-able numbers.
 */
import { createPresentation, issueCredential, verifyPresentation, type PresentationResult } from '../../shared/credential';
import { generateKeyPair, makeWorld, rawPublicKey, SAMPLE_DOCUMENTS, T0 } from '../unit/credential/fixtures';

export interface VerifyFigures {
  firstMs: number;
  warmSamePerSecond: number;
  warmFullPerSecond: number;
  coldDistinctPerSecond: number;
  distinct: number;
}

const DISTINCT = 1950;

export async function measure(): Promise<VerifyFigures> {
  const world = await makeWorld();
  const options = { trust: world.trust, status: world.status, now: T0 };
  const basic = await world.present(await world.issue({ view: 'basic' }));
  const full = await world.present(await world.issue({ view: 'full' }));

  const first = performance.now();
  const check = (await verifyPresentation(basic, options)).verdict;
  const firstMs = performance.now() - first;
  if (check !== 'valid') throw new Error(`first check: ${check}`);

  // Different holders: every credential and holder key is new to the verifier (nothing memoised).
  const distinct: string[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const device = await generateKeyPair();
    const credential = await issueCredential({
      issuerKey: world.issuerKeys.privateKey,
      kid: world.kid,
      issuer: 'VN',
      iat: T0 - 86_400_000,
      exp: T0 + 365 * 86_400_000,
      holderPublicKey: await rawPublicKey(device.publicKey),
      docType: 'eid_card',
      view: 'basic',
      statusIndex: 5,
      data: SAMPLE_DOCUMENTS.eid_card,
    });
    distinct.push(await createPresentation({ credential, devicePrivateKey: device.privateKey, now: T0 }));
  }

  /** Checks one after another (a verifier checks one QR at a time); returns checks per second. */
  async function rate(qrs: string[]): Promise<number> {
    const started = performance.now();
    let valid = 0;
    for (const qr of qrs) if (((await verifyPresentation(qr, options)) as PresentationResult).verdict === 'valid') valid++;
    if (valid !== qrs.length) throw new Error(`${qrs.length - valid} not valid`);
    return Math.round(qrs.length / ((performance.now() - started) / 1000));
  }
  const repeat = (qr: string, n: number) => Array.from({ length: n }, () => qr);
  /** The machine is shared: the best of three rounds is the figure least disturbed by other work. */
  const best = async (qrs: string[]) => Math.max(await rate(qrs), await rate(qrs), await rate(qrs));
  await rate([...repeat(basic, 1500), ...repeat(full, 500)]); // JIT warm-up
  const warmSamePerSecond = await best(repeat(basic, 3000));
  const warmFullPerSecond = await best(repeat(full, 3000));
  // Each round of different holders is cold for the holder keys only if the cache cannot hold them all: three separate sets.
  const coldDistinctPerSecond = Math.max(await rate(distinct.slice(0, 650)), await rate(distinct.slice(650, 1300)), await rate(distinct.slice(1300)));
  return { firstMs: Math.round(firstMs * 10) / 10, warmSamePerSecond, warmFullPerSecond, coldDistinctPerSecond, distinct: DISTINCT };
}
