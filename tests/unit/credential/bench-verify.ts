/**
 * QR sizes and verification throughput. Not a test: run it (pinned to one core) with
 *
 *   npx esbuild tests/unit/credential/bench-verify.ts --bundle --platform=node --format=esm \
 *     --log-level=warning | taskset -c 0 node --input-type=module
 */
import {
  createPresentation,
  DOC_TYPE_NAMES,
  DOCUMENT_TYPES,
  issueCredential,
  qrVersionFor,
  verifyPresentation,
} from '../../../shared/credential';
import type { View } from '../../../shared/credential';
import { generateKeyPair, makeWorld, rawPublicKey, SAMPLE_DOCUMENTS, T0 } from './fixtures';

const world = await makeWorld();

console.log('QR sizes (characters, QR version at ECC M, alphanumeric; status index 123,456,789, no nonce):');
for (const docType of DOC_TYPE_NAMES) {
  for (const view of DOCUMENT_TYPES[docType].views as readonly View[]) {
    const qr = await world.present(await world.issue({ docType, view, statusIndex: 123_456_789 }));
    console.log(`  ${docType.padEnd(22)} ${view.padEnd(12)} ${String(qr.length).padStart(4)} chars  v${qrVersionFor(qr.length, 'M')}  ${qr.slice(0, 5)}`);
  }
}

const options = { trust: world.trust, status: world.status, now: T0 };

async function measure(label: string, qrs: string[], concurrency: number): Promise<void> {
  let next = 0;
  let valid = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < qrs.length) {
        const qr = qrs[next++]!;
        if ((await verifyPresentation(qr, options)).verdict === 'valid') valid++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (valid !== qrs.length) throw new Error(`${label}: ${qrs.length - valid} not valid`);
  console.log(
    `  ${label.padEnd(52)} ${String(Math.round(qrs.length / seconds)).padStart(6)} /s` +
      `  (${(((used.user + used.system) / 1e6 / seconds) * 100).toFixed(0)}% CPU of wall time)`,
  );
}

// The same QR over and over (a scanner reading a held-up phone): holder key cached.
const basic = await world.present(await world.issue({ view: 'basic' }));
const full = await world.present(await world.issue({ view: 'full' }));
// A queue of different citizens: every holder key is new (cache misses, square root and import).
const distinct: string[] = [];
for (let i = 0; i < 3000; i++) {
  const device = await generateKeyPair();
  const credential = await issueCredential({
    issuerKey: world.issuerKeys.privateKey,
    kid: world.kid,
    issuer: 'VN',
    iat: T0 - 86_400_000,
    exp: T0 + 86_400_000 * 365,
    holderPublicKey: await rawPublicKey(device.publicKey),
    docType: 'eid_card',
    view: 'basic',
    statusIndex: 5,
    data: SAMPLE_DOCUMENTS.eid_card,
  });
  distinct.push(await createPresentation({ credential, devicePrivateKey: device.privateKey, now: T0 }));
}

console.log('verifyPresentation, every check (status list included), one process:');
console.log('  (same QR: issuer signature memoised and holder key cached; different holders: nothing cached but the issuer key)');
for (let round = 0; round < 2; round++) {
  // Round 0 warms the JIT; round 1 is reported.
  const report = round === 1;
  const repeat = (qr: string, n: number) => Array.from({ length: n }, () => qr);
  if (!report) {
    await measure('warm-up', [...repeat(basic, 2000), ...distinct.slice(0, 600)], 8);
    continue;
  }
  await measure('same basic QR, sequential', repeat(basic, 8000), 1);
  await measure('same basic QR, 16 in flight', repeat(basic, 8000), 16);
  await measure('same full e-ID QR, 16 in flight', repeat(full, 8000), 16);
  await measure('3000 different holders, sequential', distinct, 1);
  await measure('3000 different holders, 16 in flight', distinct, 16);
}
