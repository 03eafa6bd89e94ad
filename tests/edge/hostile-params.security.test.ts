/**
 * Inputs the generated hostile requests (tests/load/hostile-requests.test.ts) found answered
 * with a 500, kept here as named cases.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ORIGIN } from './helpers/phone';

describe('parameter names that are properties of every object', () => {
  it('authorize: ?valueOf=… is an ordinary unknown parameter (an error page), not a 500', async () => {
    for (const query of ['valueOf=m8', '__proto__=x', 'constructor=1&toString=2', 'hasOwnProperty=1&client_id=x']) {
      const res = await SELF.fetch(`${ORIGIN}/oidc/authorize?${query}`, { redirect: 'manual' });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('token: a form with __proto__ and valueOf fields is an OAuth error, not a 500', async () => {
    const res = await SELF.fetch(`${ORIGIN}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '198.51.100.201' },
      body: '__proto__=x&valueOf=1&grant_type=authorization_code',
    });
    expect(res.status).toBeLessThan(500);
    expect(typeof ((await res.json()) as { error: unknown }).error).toBe('string');
  });
});

describe('malformed forms', () => {
  it('demo portal login: a multipart body without a boundary is an empty form, not a 500', async () => {
    const res = await SELF.fetch(`${ORIGIN}/portal/login`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'multipart/form-data', 'cf-connecting-ip': '198.51.100.202' },
      body: '{"a":1}',
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
  });
});
