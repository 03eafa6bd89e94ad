import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { DEMO_CITIZENS } from '../../edge/registries/synthetic';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { shardDb } from './helpers/shards';

describe('level-1 registration, sign-in and sessions (workerd + D1)', () => {
  it('registers a citizen whose details match the registry, then signs in and out', async () => {
    const an = await freshCitizen();
    const phone = await TestPhone.create();
    const me = await phone.register(an);
    expect(me).toMatchObject({ idNumber: an.idNumber, fullName: an.fullName, level: 1, status: 'active', deviceKeyId: phone.deviceKeyId });
    expect(phone.cookie).toMatch(/^__Host-vneid_session=[A-Za-z0-9_-]{48}$/);

    // The SMS flow: one code message, then an approval message.
    const sms = await env.DB.prepare('SELECT body FROM sms_outbox WHERE phone = ? ORDER BY id').bind(an.phone).all<{ body: string }>();
    expect(sms.results.map((r) => r.body)).toEqual([expect.stringMatching(/Ma xac thuc.*\d{6}/), expect.stringMatching(/phe duyet/)]);
    // The code is stored only as a hash.
    const stored = await env.DB.prepare('SELECT code_hash FROM sms_codes WHERE phone = ?').bind(an.phone).first<{ code_hash: string }>();
    expect(stored?.code_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await api('/api/me', { cookie: phone.cookie })).body).toMatchObject({ fullName: an.fullName, level: 1 });

    const out = await api('/api/auth/signout', { body: {}, cookie: phone.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/__Host-vneid_session=;.*Max-Age=0/i);
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);

    const signedIn = await phone.signIn();
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ idNumber: an.idNumber, deviceKeyId: phone.deviceKeyId });
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);

    // The counter moved forward and the audit log has the events.
    const pk = await (await shardDb(me.accountId)).prepare('SELECT counter FROM passkeys WHERE account_id = ?').bind(me.accountId).first<{ counter: number }>();
    expect(pk?.counter).toBe(1);
    const audit = await (await shardDb(me.accountId)).prepare('SELECT action FROM audit_log WHERE subject = ? ORDER BY id').bind(me.accountId).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(['enrol.approved', 'account.activated', 'signin']);
  });

  it('sets the session cookie HttpOnly, Secure, SameSite=Strict and keeps only its hash', async () => {
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(await freshCitizen());
    const res = await phone.finishRegistration(enrolmentId, options);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const token = phone.cookie.split('=')[1]!;
    const rows = await (await shardDb(res.body.accountId)).prepare('SELECT token_hash FROM sessions WHERE account_id = ?').bind(res.body.accountId).all<{ token_hash: string }>();
    expect(rows.results.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.results).toHaveLength(1);
  });

  it('accepts names in any case and spacing, and phone numbers in national form', async () => {
    const an = DEMO_CITIZENS[0]!; // Nguyễn Văn An, +84912345678
    const res = await api('/api/enrol/start', {
      body: { idNumber: an.idNumber, fullName: '  nguyễn   VĂN an ', birthDate: an.birthDate, phone: '0912 345 678' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ phoneMasked: '+84 9•• ••• 678' });
  });

  it('serves the security headers and JSON errors on every API response', async () => {
    const res = await api('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('not_found');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('shows the development SMS outbox for a phone number', async () => {
    const an = await freshCitizen();
    await api('/api/enrol/start', { body: { idNumber: an.idNumber, fullName: an.fullName, birthDate: an.birthDate, phone: an.phone } });
    const res = await api<{ messages: Array<{ body: string }> }>(`/api/dev/sms?phone=${encodeURIComponent(an.phone!)}`);
    expect(res.status).toBe(200);
    expect(res.body.messages[0]?.body).toMatch(/\d{6}/);
  });
});
