/**
 * Security and public-order reports in workerd + D1 + R2: multipart with photos, validation,
 * idempotent submission (a retried upload stores one report and the same photos), anonymity
 * towards the police, and the reply reaching the citizen.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openReport, replyToReport, reportInbox } from '../../edge/domain/reports';
import { api, ORIGIN } from './helpers/phone';
import { fakeJpeg, signedInPhone, submitReport, testServicesDeps, validReport } from './helpers/services';
import { shardDb } from './helpers/shards';

describe('reports: validation', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown category', { category: 'rumours' }, 'category'],
    ['a description under 10 characters', { description: 'Trộm' }, 'description'],
    ['a description over 2000 characters', { description: 'a'.repeat(2001) }, 'description'],
    ['an unknown commune', { communeCode: '12345' }, 'communeCode'],
    ['a latitude out of range', { place: { kind: 'location', latitude: 91, longitude: 105 } }, 'place.latitude'],
    ['an unknown place kind', { place: { kind: 'gps', latitude: 21, longitude: 105 } }, 'place.kind'],
    ['anonymous not a boolean', { anonymous: 'yes' }, 'anonymous'],
  ];
  for (const [name, overrides, field] of cases) {
    it(`refuses ${name} (field ${field})`, async () => {
      const { phone } = await signedInPhone();
      const res = await submitReport(phone, crypto.randomUUID(), { ...validReport(), ...overrides });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('validation_failed');
      expect(res.body.error?.message).toBe(`Invalid field: ${field}.`);
    });
  }

  it('refuses an event in the future and one older than a year', async () => {
    const { phone } = await signedInPhone();
    for (const occurredAt of [Date.now() + 60 * 60_000, Date.now() - 400 * 86_400_000]) {
      const res = await submitReport(phone, crypto.randomUUID(), validReport({ occurredAt }));
      expect(res.body.error?.message).toBe('Invalid field: occurredAt.');
    }
  });

  it('refuses a photo that is not a JPEG, whatever its declared type', async () => {
    const { phone } = await signedInPhone();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const lying = await submitReport(phone, crypto.randomUUID(), validReport(), [{ bytes: png }]);
    expect(lying.body.error?.message).toBe('Invalid field: photo.0.');
    const declared = await submitReport(phone, crypto.randomUUID(), validReport(), [{ bytes: fakeJpeg(), type: 'image/png' }]);
    expect(declared.body.error?.message).toBe('Invalid field: photo.0.');
  });

  it('refuses a fourth photo, a photo over 1 MB, and a field it does not know', async () => {
    const { phone } = await signedInPhone();
    const four = await submitReport(phone, crypto.randomUUID(), validReport(), [1, 2, 3, 4].map((s) => ({ bytes: fakeJpeg(1000, s) })));
    expect(four.body.error?.message).toBe('Invalid field: photo.');
    const big = await submitReport(phone, crypto.randomUUID(), validReport(), [{ bytes: fakeJpeg(1024 * 1024 + 10) }]);
    expect(big.body.error?.message).toBe('Invalid field: photo.0.');
    const extra = await submitReport(phone, crypto.randomUUID(), validReport(), [], { reporterName: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.error?.code).toBe('bad_request');
  });

  it('refuses a body over the report limit with payload_too_large', async () => {
    const { phone } = await signedInPhone();
    const res = await submitReport(phone, crypto.randomUUID(), validReport(), [1, 2, 3].map((s) => ({ bytes: fakeJpeg(1024 * 1024, s) })), { pad: 'x'.repeat(200 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('payload_too_large');
  });

  it('refuses JSON where multipart is expected, and the report JSON when malformed', async () => {
    const { phone } = await signedInPhone();
    const json = await api('/api/services/reports', { body: validReport(), cookie: phone.cookie, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    expect(json.body.error?.code).toBe('bad_request');
    const broken = await submitReport(phone, crypto.randomUUID(), '{"category":');
    expect(broken.body.error?.code).toBe('bad_request');
  });
});

describe('reports: idempotent submission with photos', () => {
  it('stores the photos in R2 and the report once; the same key again answers the same report', async () => {
    const { phone, me } = await signedInPhone();
    const key = crypto.randomUUID();
    const photos = [{ bytes: fakeJpeg(40_000, 1) }, { bytes: fakeJpeg(30_000, 2) }];
    const report = validReport();
    const first = await submitReport(phone, key, report, photos);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'sent', photoCount: 2 });
    const again = await submitReport(phone, key, report, photos);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    const { n } = (await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM reports WHERE account_id = ?').bind(me.accountId).first<{ n: number }>())!;
    expect(n).toBe(1);
    const listed = await env.PHOTOS!.list({ prefix: `reports/${me.accountId}/` });
    expect(listed.objects.map((o) => o.key).sort()).toEqual([`reports/${me.accountId}/${key}/${first.body.id}/0.jpg`, `reports/${me.accountId}/${key}/${first.body.id}/1.jpg`]);

    // The author reads a photo back, byte for byte; the same key with other photos is refused.
    const res = await SELF.fetch(`${ORIGIN}/api/services/reports/${first.body.id}/photos/1`, { headers: { cookie: phone.cookie } });
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(photos[1]!.bytes);
    const otherPhotos = await submitReport(phone, key, report, [{ bytes: fakeJpeg(40_000, 9) }]);
    expect(otherPhotos.body.error?.code).toBe('idempotency_key_reused');
  });

  it("another citizen cannot read a report's photos", async () => {
    const author = await signedInPhone();
    const other = await signedInPhone();
    const r = await submitReport(author.phone, crypto.randomUUID(), validReport(), [{ bytes: fakeJpeg() }]);
    const res = await SELF.fetch(`${ORIGIN}/api/services/reports/${r.body.id}/photos/0`, { headers: { cookie: other.phone.cookie } });
    expect(res.status).toBe(404);
  });
});

describe('reports: handling and reply', () => {
  it('an anonymous report never shows its author to the police; the author still gets the reply', async () => {
    const { phone } = await signedInPhone();
    const r = await submitReport(phone, crypto.randomUUID(), validReport({ anonymous: true, communeCode: '20263', place: { kind: 'location', latitude: 16.05, longitude: 108.22, accuracy: 12 } }));
    expect(r.status).toBe(201);
    const deps = testServicesDeps();
    const scope = { officerId: 'officer-dn-1', unitCode: '20263', communes: ['20263'] };
    const inbox = await reportInbox(deps, scope, {});
    const item = inbox.items.find((i) => i.id === r.body.id)!;
    const idNumber = (await api<{ idNumber: string }>('/api/me', { cookie: phone.cookie })).body.idNumber;
    expect(JSON.stringify(item)).not.toContain(idNumber);
    const opened = await openReport(deps, scope, r.body.id);
    expect(opened.status).toBe('received');
    expect(opened.reporter).toBeNull();
    expect(JSON.stringify(opened)).not.toContain(idNumber);

    await replyToReport(deps, scope, r.body.id, 'Công an phường đã tiếp nhận và cử tổ tuần tra.');
    await expect(replyToReport(deps, scope, r.body.id, 'Trả lời lần hai')).rejects.toMatchObject({ code: 'bad_request' });
    await deps.settle();
    const mine = await api<{ reports: Array<{ id: string; status: string; reply: string }> }>('/api/services/reports', { cookie: phone.cookie });
    expect(mine.body.reports.find((x) => x.id === r.body.id)).toMatchObject({ status: 'answered', reply: 'Công an phường đã tiếp nhận và cử tổ tuần tra.' });
    const notes = await api<{ notifications: Array<{ kind: string }> }>('/api/notifications', { cookie: phone.cookie });
    expect(notes.body.notifications.filter((n) => n.kind === 'report_reply')).toHaveLength(1);
  });

  it('a named report shows the reporter, once opened, to the officer of that commune only (the inbox list names no one)', async () => {
    const { phone, citizen } = await signedInPhone();
    const r = await submitReport(phone, crypto.randomUUID(), validReport({ communeCode: '11410' }));
    const deps = testServicesDeps();
    const scope = { officerId: 'o', unitCode: '11410', communes: ['11410'] };
    const item = (await reportInbox(deps, scope, {})).items.find((i) => i.id === r.body.id)!;
    expect(item).toMatchObject({ anonymous: false });
    expect(JSON.stringify(item)).not.toContain(citizen.idNumber);
    const opened = await openReport(deps, scope, r.body.id);
    expect(opened.reporter).toMatchObject({ idNumber: citizen.idNumber, fullName: citizen.fullName });
    expect(opened.reporter!.phoneMasked).toMatch(/^\+84 \d•• ••• \d{3}$/);
    await expect(openReport(deps, { officerId: 'o2', unitCode: '11422', communes: ['11422'] }, r.body.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
