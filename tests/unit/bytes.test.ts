import { describe, expect, it } from 'vitest';
import { fromBase64Url, timingSafeEqual, toBase64Url, utf8 } from '../../shared/bytes';

describe('base64url (RFC 4648 §5)', () => {
  it('round-trips every length 0..64', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
  });
  it('matches the RFC 4648 test vectors (unpadded, url alphabet)', () => {
    expect(toBase64Url(utf8('foobar'))).toBe('Zm9vYmFy');
    expect(toBase64Url(utf8('fo'))).toBe('Zm8');
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });
  it('refuses malformed text instead of throwing', () => {
    expect(fromBase64Url('a+b/')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull();
  });
  it('compares in constant time and by value', () => {
    expect(timingSafeEqual(utf8('abc'), utf8('abc'))).toBe(true);
    expect(timingSafeEqual(utf8('abc'), utf8('abd'))).toBe(false);
    expect(timingSafeEqual(utf8('abc'), utf8('ab'))).toBe(false);
  });
});
