/**
 * The QR size goals: basic view ≤ 450 characters (QR version 13-M), full e-ID card ≤ 600
 * (version 15-M), with realistic Vietnamese data and a status index in the hundreds of millions.
 */
import { describe, expect, it } from 'vitest';
import { qrVersionFor } from '../../../shared/credential';
import type { View } from '../../../shared/credential';
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

  it('matches the table in FORMAT.md §13', async () => {
    expect(await size('age_over_18')).toBe(373);
    expect(await size('basic')).toBe(405);
    expect(await size('full')).toBe(535);
  });

  it('a 16-byte verifier nonce costs 27 characters', async () => {
    expect((await size('basic', new Uint8Array(16))) - (await size('basic'))).toBe(27);
  });
});
