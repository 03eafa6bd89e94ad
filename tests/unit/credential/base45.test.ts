import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { decodeBase45, encodeBase45 } from '../../../shared/credential/base45';

describe('Base45 (RFC 9285)', () => {
  // RFC 9285 §4.3 and §4.4 examples.
  const vectors: [string, string][] = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ];

  it.each(vectors)('encodes %j as %j', (text, encoded) => {
    expect(encodeBase45(utf8(text))).toBe(encoded);
  });

  it.each(vectors)('decodes %j back from %j', (text, encoded) => {
    expect(decodeBase45(encoded)).toEqual(utf8(text));
  });

  it('encodes the edges of the value ranges', () => {
    expect(encodeBase45(new Uint8Array([]))).toBe('');
    expect(encodeBase45(new Uint8Array([0]))).toBe('00');
    expect(encodeBase45(new Uint8Array([255]))).toBe('U5'); // 255 = 30 + 5·45
    expect(encodeBase45(new Uint8Array([255, 255]))).toBe('FGW'); // 65535 = 15 + 21·45 + 32·45²
    expect(decodeBase45('FGW')).toEqual(new Uint8Array([255, 255]));
  });

  it('refuses what RFC 9285 §6 says to refuse', () => {
    expect(decodeBase45('GGW')).toBeNull(); // 65536: a triple above 0xFFFF
    expect(decodeBase45(':::')).toBeNull(); // 44 + 44·45 + 44·2025 = 91124
    expect(decodeBase45('V5')).toBeNull(); // 256: a final pair above 0xFF
    expect(decodeBase45('A')).toBeNull(); // length 3k+1
    expect(decodeBase45('BB8A')).toBeNull();
    expect(decodeBase45('bb8')).toBeNull(); // lowercase is not in the alphabet
    expect(decodeBase45('BB#')).toBeNull();
    expect(decodeBase45('BBé')).toBeNull();
    expect(decodeBase45('BB\u{1F600}')).toBeNull();
  });

  it('round-trips any bytes and writes only the QR alphanumeric set', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase45(bytes);
        expect(text).toMatch(/^[0-9A-Z $%*+\-./:]*$/);
        expect(text.length).toBe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2);
        expect(decodeBase45(text)).toEqual(bytes);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const bytes = decodeBase45(text);
        if (bytes) expect(encodeBase45(bytes)).toBe(text);
      }),
    );
  });
});
