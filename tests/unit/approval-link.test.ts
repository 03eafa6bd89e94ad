/** The device-change QR: a link to this app's approval screen; the scanner accepts nothing else. */
import { describe, expect, it } from 'vitest';
import { approvalLink, codeFromQuery, codeFromScan } from '../../web/accounts/approval-link';

const ORIGIN = 'https://id.example.vn';

describe('device-change approval link', () => {
  it('round trip: the link the new phone draws gives back its code', () => {
    const link = approvalLink(ORIGIN, 'K7M2-9XQD');
    expect(link).toBe('https://id.example.vn/device-change/approve?code=K7M2-9XQD');
    expect(codeFromScan(link, ORIGIN)).toBe('K7M2-9XQD');
  });

  it('reads a typed-looking code in the query as Crockford base32 does (case, O for 0, no dash)', () => {
    expect(codeFromQuery('?code=k7m29xqd')).toBe('K7M2-9XQD');
    expect(codeFromQuery('?code=O0O0-1111')).toBe('0000-1111');
  });

  it('refuses a code of the wrong shape', () => {
    for (const bad of ['?code=K7M2-9XQ', '?code=K7M2-9XQDZ', '?code=K7M2-9XQU', '?code=', '?other=K7M29XQD', '']) {
      expect(codeFromQuery(bad), bad).toBeNull();
    }
  });

  it('refuses a QR from another origin, another screen or with credentials in it (a planted code)', () => {
    for (const bad of [
      'https://evil.example/device-change/approve?code=K7M2-9XQD',
      'http://id.example.vn/device-change/approve?code=K7M2-9XQD',
      'https://id.example.vn.evil.example/device-change/approve?code=K7M2-9XQD',
      'https://id.example.vn:8443/device-change/approve?code=K7M2-9XQD',
      'https://id.example.vn/device-change/approve/../lock?code=K7M2-9XQD',
      'https://id.example.vn/lock?code=K7M2-9XQD',
      'https://user:pw@id.example.vn/device-change/approve?code=K7M2-9XQD',
      'https://id.example.vn/device-change/approve?code=K7M2-9XQD#x',
      'VNEID-DC:K7M29XQD',
      'K7M2-9XQD',
      'javascript:alert(1)',
      '',
    ]) {
      expect(codeFromScan(bad, ORIGIN), bad).toBeNull();
    }
  });
});
