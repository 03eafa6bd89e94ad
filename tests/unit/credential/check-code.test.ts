/**
 * The check code (FORMAT.md §5.1): six digits a verifier shows and the holder types, carried
 * as the presentation's nonce. A relayed screenshot made before the code existed is refused.
 */
import { describe, expect, it } from 'vitest';
import { checkCodeNonce, isCheckCode, newCheckCode, qrVersionFor, verifyPresentation } from '../../../shared/credential';
import { makeWorld, T0 } from './fixtures';

describe('check code', () => {
  it('is six ASCII digits, and its nonce is their UTF-8 bytes', () => {
    expect(isCheckCode('482915')).toBe(true);
    for (const bad of ['48291', '4829155', '48291a', ' 482915', '٤٨٢٩١٥', '']) expect(isCheckCode(bad)).toBe(false);
    expect([...checkCodeNonce('482915')]).toEqual([0x34, 0x38, 0x32, 0x39, 0x31, 0x35]);
    expect(() => checkCodeNonce('12345')).toThrow(RangeError);
  });

  it('new codes are six digits, every digit about equally likely (no modulo bias)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 2000; i++) {
      const code = newCheckCode();
      expect(isCheckCode(code)).toBe(true);
      for (const d of code) counts[Number(d)]!++;
    }
    // 12,000 digits: each near 1,200; a biased generator (bytes mod 10) would favour 0–5 by ≈ 2 %, well inside this band, so check the band and the spread.
    for (const c of counts) expect(c).toBeGreaterThan(1000);
    for (const c of counts) expect(c).toBeLessThan(1400);
    // Bytes of 250 and above are dropped, not folded into 0–5.
    expect(newCheckCode((b) => b.fill(255).fill(7, 8))).toBe('777777');
  });

  it('a presentation carrying the code verifies; one without it, or with another, is nonce_mismatch', async () => {
    const world = await makeWorld();
    const credential = await world.issue({ view: 'basic' });
    const code = newCheckCode();
    const options = { trust: world.trust, status: world.status, now: T0, nonce: checkCodeNonce(code) };
    const withCode = await world.present(credential, T0, checkCodeNonce(code));
    expect((await verifyPresentation(withCode, options)).verdict).toBe('valid');
    // A screenshot taken before the verifier showed its code: fresh, genuine, and refused.
    expect((await verifyPresentation(await world.present(credential, T0), options)).verdict).toBe('nonce_mismatch');
    const other = code === '000000' ? '000001' : '000000';
    expect((await verifyPresentation(await world.present(credential, T0, checkCodeNonce(other)), options)).verdict).toBe('nonce_mismatch');
    // The code costs a few QR characters and keeps the basic view within its version.
    expect(withCode.length - (await world.present(credential, T0)).length).toBeLessThanOrEqual(12);
    expect(qrVersionFor(withCode.length, 'M')).toBeLessThanOrEqual(13);
  });
});
