/**
 * The offline-verification measurement itself, in web-standard code only, so the same code
 * runs in Node (verify-worker.ts) and in Chromium (verify-page.ts): the fixture (one issuer,
 * a status list, QR texts) is made once in Node and handed to both. The host runs the rounds
 * one by one, so it can read the CPU time its runtime spent on each (the machine is shared:
 * wall-clock time also counts the other engineers' work on the same core).
 */
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import {
  createPresentation,
  issueCredential,
  parseTrustList,
  statusListsOf,
  verifyPresentation,
  verifyStatusList,
  type PresentationResult,
  type TrustList,
  type VerifyPresentationOptions,
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
  /** QRs of different holders (each a new device key and a new credential), one list per round. */
  distinct: string[][];
}

/** The kinds of round: the same basic QR again, the same full e-ID QR again, a new holder each time. */
export type RoundKind = 'warmBasic' | 'warmFull' | 'cold';

export const ROUNDS = 5;
export const WARM_PER_ROUND = 3000;
export const COLD_PER_ROUND = 800;
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

/**
 * Full `verifyPresentation` checks (format, both signatures, times, status list) one after
 * another, as the verifier screen runs them. `first` is the first check in a fresh runtime;
 * `warmUp` lets the JIT settle; each `round` checks one round's QRs of a kind: the same QR again
 * (issuer signature memoised, holder key cached: only the device signature is checked), or QRs
 * of different holders (nothing memoised but the issuer key).
 */
export class VerifyMeasurer {
  private options: VerifyPresentationOptions | null = null;

  constructor(private readonly fixture: VerifyFixture) {}

  /** Parses the lists, then times the very first check (ms). */
  async first(): Promise<number> {
    const trust = await parseTrustList(this.fixture.trust);
    if (!trust) throw new Error('fixture: trust list');
    const status = await verifyStatusList(fromBase64Url(this.fixture.statusList)!, trust, this.fixture.now);
    if (!status.ok) throw new Error(`fixture: status list ${status.error}`);
    this.options = { trust, status: statusListsOf(status.list), now: this.fixture.now };
    const started = performance.now();
    const verdict = (await verifyPresentation(this.fixture.basic, this.options)).verdict;
    const ms = performance.now() - started;
    if (verdict !== 'valid') throw new Error(`first check: ${verdict}`);
    return ms;
  }

  async warmUp(): Promise<void> {
    await this.check([...repeat(this.fixture.basic, 1500), ...repeat(this.fixture.full, 500)]);
  }

  /** One round; returns how many checks and the wall-clock ms they took. */
  async round(kind: RoundKind, index: number): Promise<{ checks: number; wallMs: number }> {
    const qrs =
      kind === 'cold' ? this.fixture.distinct[index]! : repeat(kind === 'warmBasic' ? this.fixture.basic : this.fixture.full, WARM_PER_ROUND);
    const started = performance.now();
    await this.check(qrs);
    return { checks: qrs.length, wallMs: performance.now() - started };
  }

  private async check(qrs: string[]): Promise<void> {
    if (!this.options) throw new Error('first() runs first');
    let valid = 0;
    for (const qr of qrs) if (((await verifyPresentation(qr, this.options)) as PresentationResult).verdict === 'valid') valid++;
    if (valid !== qrs.length) throw new Error(`${qrs.length - valid} not valid`);
  }
}

const repeat = (qr: string, n: number) => Array.from({ length: n }, () => qr);
