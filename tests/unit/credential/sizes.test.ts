/**
 * The QR size goals: basic view ≤ 450 characters (QR version 13-M), full e-ID card ≤ 600
 * (version 15-M), with realistic Vietnamese data and a status index in the hundreds of millions.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qrVersionFor } from '../../../shared/credential';
import type { DocType, View } from '../../../shared/credential';
import { run as runQrSizes } from '../../bench/qr-sizes.bench';
import { makeWorld, T0 } from './fixtures';

const world = await makeWorld();
const size = async (view: View, nonce?: Uint8Array) =>
  (await world.present(await world.issue({ view, statusIndex: 123_456_789 }), T0, nonce)).length;

describe('QR size', () => {
  it('basic view fits version 13-M (≤ 450 characters)', async () => {
    const chars = await size('basic');
    expect(chars).toBeLessThanOrEqual(450);
    expect(qrVersionFor(chars, 'M')).toBeLessThanOrEqual(13);
  });

  it('age_over_18 view is the smallest', async () => {
    expect(await size('age_over_18')).toBeLessThan(await size('basic'));
  });

  it('full e-ID card (long name, address, hometown, two earlier cards) fits version 15-M (≤ 600)', async () => {
    const chars = await size('full');
    expect(chars).toBeLessThanOrEqual(600);
    expect(qrVersionFor(chars, 'M')).toBeLessThanOrEqual(15);
  });

  it('FORMAT.md §13 gives exactly what the QR size bench measures (every view of every type, as the edge issues them)', async () => {
    const spec = readFileSync(new URL('../../../shared/credential/FORMAT.md', import.meta.url), 'utf8');
    const section = spec.slice(spec.indexOf('## 13. Sizes'), spec.indexOf('## 14.'));
    const LABEL: Record<DocType, string> = {
      personal_information: 'personal information',
      eid_card: 'e-ID card',
      driving_licence: 'driving licence',
      vehicle_registration: 'vehicle registration',
      health_insurance: 'health insurance (BHYT)',
      social_insurance: 'social insurance (BHXH)',
      health_book: 'health book',
      residence: 'residence',
      dependant: 'dependant',
    };
    const documented = [...section.matchAll(/^\| (.+), `(\w+)` \| (\d+) \| (\d+) \|$/gm)].map((m) => `${m[1]} ${m[2]}: ${m[3]} v${m[4]}`);
    const measured = (await runQrSizes()).map((row) => {
      const m = /^(\w+) · (\w+) → QR v(\d+)/.exec(row.metric)!;
      return `${LABEL[m[1] as DocType]} ${m[2]}: ${row.value} v${m[3]}`;
    });
    expect(documented).toEqual(measured);
  });

  it('a 16-byte verifier nonce costs 27 characters', async () => {
    expect((await size('basic', new Uint8Array(16))) - (await size('basic'))).toBe(27);
  });
});
