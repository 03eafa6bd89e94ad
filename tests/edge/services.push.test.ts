/**
 * Web Push on WebCrypto in workerd. A push service cannot be reached from here, so the
 * encryption is checked the way a browser would read it: the RFC 8291 Appendix A vector
 * byte for byte, then round trips decrypted with the subscription's private key, the VAPID
 * token verified with the published key, and a notification pushed end to end (captured at
 * the edge's way out) and decrypted.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, utf8 } from '../../shared/bytes';
import type { PushMessage } from '../../shared/services';
import { notify, subscribePush, vapidKeys } from '../../edge/domain/notifications';
import { buildPushRequest, encryptPushMessage, generateVapidKeys, p256Jwk, vapidAuthorization } from '../../edge/domain/web-push';
import { isPushServiceEndpoint, PUSH_SERVICE_HOSTS } from '../../edge/services-config';
import { api } from './helpers/phone';
import { browserSubscription, decryptPushMessage, importEcdhPrivate, signedInPhone, testServicesDeps } from './helpers/services';
import { accountOf, shardDb } from './helpers/shards';

// RFC 8291, Appendix A.
const RFC8291 = {
  plaintext: 'V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  message:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};
const b = (s: string) => fromBase64Url(s)!;

describe('Web Push message encryption (RFC 8291, aes128gcm)', () => {
  it('reproduces the RFC 8291 Appendix A message byte for byte', async () => {
    const sender: CryptoKeyPair = {
      privateKey: await importEcdhPrivate(RFC8291.asPrivate, RFC8291.asPublic),
      publicKey: await crypto.subtle.importKey('raw', b(RFC8291.asPublic), { name: 'ECDH', namedCurve: 'P-256' }, true, []),
    };
    const body = await encryptPushMessage({ plaintext: b(RFC8291.plaintext), uaPublic: b(RFC8291.uaPublic), authSecret: b(RFC8291.auth), salt: b(RFC8291.salt), sender });
    expect(toBase64Url(body)).toBe(RFC8291.message);
  });

  it('decrypts the RFC 8291 message with the user agent private key', async () => {
    const ua = { privateKey: await importEcdhPrivate(RFC8291.uaPrivate, RFC8291.uaPublic), publicKey: b(RFC8291.uaPublic), auth: b(RFC8291.auth) };
    expect(await decryptPushMessage(b(RFC8291.message), ua)).toBe('When I grow up, I want to be a watermelon');
  });

  it('round trip: a fresh message for a fresh subscription decrypts with its private key; a changed byte does not', async () => {
    const sub = await browserSubscription();
    const text = JSON.stringify({ title: 'Thông báo lưu trú đã được xác nhận', body: 'Công an phường Hàng Bạc đã xác nhận.' });
    const body = await encryptPushMessage({ plaintext: utf8(text), uaPublic: sub.publicKey, authSecret: sub.auth });
    expect(body.slice(16, 20)).toEqual(new Uint8Array([0, 0, 0x10, 0])); // rs = 4096
    expect(body[20]).toBe(65);
    expect(await decryptPushMessage(body, sub)).toBe(text);
    const tampered = body.slice();
    tampered[tampered.length - 5]! ^= 1;
    await expect(decryptPushMessage(tampered, sub)).rejects.toThrow();
    // Two encryptions of one message differ (fresh salt and sender key each time).
    const again = await encryptPushMessage({ plaintext: utf8(text), uaPublic: sub.publicKey, authSecret: sub.auth });
    expect(toBase64Url(again)).not.toBe(toBase64Url(body));
  });
});

describe('VAPID (RFC 8292)', () => {
  it('signs an ES256 JWT for the push service origin that verifies with the public key in k=', async () => {
    const keys = await generateVapidKeys();
    const now = Date.UTC(2025, 5, 1);
    const header = await vapidAuthorization({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def', subject: 'mailto:ops@example.vn', keys, now });
    const m = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header)!;
    expect(m).not.toBeNull();
    const [, h, c, s, k] = m as unknown as [string, string, string, string, string];
    expect(JSON.parse(new TextDecoder().decode(b(h)))).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(JSON.parse(new TextDecoder().decode(b(c)))).toEqual({ aud: 'https://fcm.googleapis.com', exp: now / 1000 + 12 * 3600, sub: 'mailto:ops@example.vn' });
    expect(k).toBe(keys.publicKey);
    const pub = await crypto.subtle.importKey('jwk', p256Jwk(b(k)), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, b(s), utf8(`${h}.${c}`))).toBe(true);
  });

  it('builds the push request RFC 8030 asks for', async () => {
    const sub = await browserSubscription();
    const request = await buildPushRequest({ target: { endpoint: sub.endpoint, p256dh: sub.json.keys.p256dh, auth: sub.json.keys.auth }, payload: '{"title":"x"}', keys: await generateVapidKeys(), subject: 'mailto:a@b.vn', now: Date.now(), ttlSeconds: 60, topic: 'abc' });
    expect(request.headers).toMatchObject({ 'Content-Encoding': 'aes128gcm', 'Content-Type': 'application/octet-stream', TTL: '60', Topic: 'abc' });
    expect(await decryptPushMessage(request.body, sub)).toBe('{"title":"x"}');
  });
});

describe('push delivery', () => {
  it('a notification reaches the subscribed browser encrypted for it, and the edge keeps one VAPID key', async () => {
    const { phone, me } = await signedInPhone();
    const sub = await browserSubscription();
    const key = await api<{ publicKey: string }>('/api/notifications/push-key', { cookie: phone.cookie });
    expect(key.body.publicKey).toMatch(/^[\w-]{87}$/);
    expect((await api('/api/notifications/subscriptions', { body: sub.json, cookie: phone.cookie })).status).toBe(204);

    const deps = testServicesDeps();
    expect((await vapidKeys(deps)).publicKey).toBe(key.body.publicKey);
    await notify(deps, await shardDb(me.accountId), { accountId: me.accountId, kind: 'report_reply', dedupeKey: `test:${crypto.randomUUID()}`, title: 'Phản ánh của bạn đã được trả lời', body: 'Đã cử tổ tuần tra.', link: '/services/reports' });
    await deps.settle();
    expect(deps.pushed).toHaveLength(1);
    const [sent] = deps.pushed;
    expect(sent!.url).toBe(sub.endpoint);
    expect(sent!.headers.Authorization).toContain(`k=${key.body.publicKey}`);
    const message = JSON.parse(await decryptPushMessage(sent!.body, sub)) as PushMessage;
    expect(message).toMatchObject({ title: 'Phản ánh của bạn đã được trả lời', body: 'Đã cử tổ tuần tra.', url: '/services/reports' });
  });

  it('refuses a subscription endpoint that is not a known push service (no requests to hosts of the caller’s choosing)', async () => {
    const { phone } = await signedInPhone();
    const sub = await browserSubscription('https://attacker.example/collect');
    const res = await api('/api/notifications/subscriptions', { body: sub.json, cookie: phone.cookie });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe('Invalid field: endpoint.');
    for (const bad of ['http://fcm.googleapis.com/x', 'https://fcm.googleapis.com:8443/x', 'https://evil.push.services.mozilla.com.attacker.example/x', 'https://push.apple.com.evil/x']) {
      expect(isPushServiceEndpoint(bad, PUSH_SERVICE_HOSTS)).toBe(false);
    }
    expect(isPushServiceEndpoint('https://updates.push.services.mozilla.com/wpush/v2/abc', PUSH_SERVICE_HOSTS)).toBe(true);
    expect(isPushServiceEndpoint('https://web.push.apple.com/QGx', PUSH_SERVICE_HOSTS)).toBe(true);
  });

  it('a subscription the push service reports gone (410) is deleted', async () => {
    const { me } = await signedInPhone();
    const sub = await browserSubscription();
    const deps = testServicesDeps();
    await subscribePush(deps, accountOf(me), sub.json);
    const gone = { ...deps, pushFetch: async () => ({ status: 410 }) };
    await notify(gone, await shardDb(me.accountId), { accountId: me.accountId, kind: 'procedure', dedupeKey: `test:${crypto.randomUUID()}`, title: 't', body: 'b', link: null });
    await deps.settle();
    const { results } = await (await shardDb(me.accountId)).prepare('SELECT endpoint FROM push_subscriptions WHERE account_id = ?').bind(me.accountId).all();
    expect(results).toHaveLength(0);
  });
});
