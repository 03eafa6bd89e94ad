/**
 * The officer's side over HTTP, with a real officer session (the officer console's cookie):
 * the inbox is the officer unit's communes only, acknowledging and replying reach the
 * citizen, publishing news with an image, and the guards (no citizen cookie, no CSRF).
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { vietnamDay } from '../../shared/services';
import { api, ORIGIN } from './helpers/phone';
import { fakeJpeg, officerCookie as signedInOfficer, signedInPhone, submitReport, submitResidence, validReport } from './helpers/services';
import { shardDb } from './helpers/shards';

async function officerCookie(unitCode: string, role: 'officer' | 'supervisor' = 'officer'): Promise<string> {
  return (await signedInOfficer(unitCode, role)).cookie;
}

const notice = (communeCode: string) => ({
  role: 'guest',
  communeCode,
  address: 'Số 12 Phố Hàng Bạc',
  people: [],
  from: vietnamDay(Date.now()),
  to: vietnamDay(Date.now() + 2 * 86_400_000),
  reason: 'Công tác',
});

describe('officer services over HTTP', () => {
  it('the inbox holds the communes of the officer’s unit; acknowledging reaches the citizen', async () => {
    const { phone, me } = await signedInPhone();
    const mine = await submitResidence(phone, crypto.randomUUID(), notice('00091'));
    const elsewhere = await submitResidence(phone, crypto.randomUUID(), notice('26758'));
    const cookie = await officerCookie('00091');
    const inbox = await api<{ items: Array<{ id: string; status: string; peopleCount: number }> }>('/api/officer/services/residence', { cookie });
    expect(inbox.status).toBe(200);
    const ids = inbox.body.items.map((i) => i.id);
    expect(ids).toContain(mine.body.id);
    expect(ids).not.toContain(elsewhere.body.id);
    expect((await api(`/api/officer/services/residence/${elsewhere.body.id}`, { cookie })).status).toBe(404);

    const opened = await api<{ status: string }>(`/api/officer/services/residence/${mine.body.id}`, { cookie });
    expect(opened.body.status).toBe('received');
    const ack = await api<{ status: string }>(`/api/officer/services/residence/${mine.body.id}/acknowledge`, { body: { note: 'Đã xác nhận' }, cookie });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    const history = await api<{ notices: Array<{ id: string; status: string }> }>('/api/services/residence', { cookie: phone.cookie });
    expect(history.body.notices.find((n) => n.id === mine.body.id)?.status).toBe('acknowledged');
    // Whom: the citizen's account (it shows in their history); which notice: the detail.
    const audit = await (await shardDb(me.accountId)).prepare("SELECT actor, detail FROM audit_log WHERE action = 'residence.acknowledge' AND subject = ?").bind(me.accountId).first<{ actor: string; detail: string }>();
    expect(audit?.actor).toMatch(/^officer:officer-/);
    expect(JSON.parse(audit!.detail)).toEqual({ notice: mine.body.id, unit: '00091' });
  });

  it('a province unit ("CA-" + province code) sees every commune of its province', async () => {
    const { phone } = await signedInPhone();
    const a = await submitResidence(phone, crypto.randomUUID(), notice('27004'));
    const cookie = await officerCookie('CA-079');
    const inbox = await api<{ items: Array<{ id: string }> }>('/api/officer/services/residence?commune=27004', { cookie });
    expect(inbox.body.items.map((i) => i.id)).toContain(a.body.id);
  });

  it('reports: the officer reads, views a photo, replies; the citizen sees the reply', async () => {
    const { phone } = await signedInPhone();
    const photo = fakeJpeg(9000, 5);
    const r = await submitReport(phone, crypto.randomUUID(), validReport({ communeCode: '31120' }), [{ bytes: photo }]);
    const cookie = await officerCookie('31120');
    const inbox = await api<{ items: Array<{ id: string; photoCount: number }> }>('/api/officer/services/reports', { cookie });
    expect(inbox.body.items.find((i) => i.id === r.body.id)?.photoCount).toBe(1);
    const img = await SELF.fetch(`${ORIGIN}/api/officer/services/reports/${r.body.id}/photos/0`, { headers: { cookie } });
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(photo);
    const replied = await api<{ status: string; reply: string }>(`/api/officer/services/reports/${r.body.id}/reply`, { body: { reply: 'Đã xử lý, cảm ơn bạn.' }, cookie });
    expect(replied.body).toMatchObject({ status: 'answered', reply: 'Đã xử lý, cảm ơn bạn.' });
    const mine = await api<{ reports: Array<{ id: string; reply: string | null }> }>('/api/services/reports', { cookie: phone.cookie });
    expect(mine.body.reports.find((x) => x.id === r.body.id)?.reply).toBe('Đã xử lý, cảm ơn bạn.');
  });

  it('publishes news with an image (multipart); a supervisor pushes the warning', async () => {
    const cookie = await officerCookie('00070');
    const form = new FormData();
    form.append('news', JSON.stringify({ kind: 'warning', category: 'fraud', title: 'Cảnh báo cuộc gọi giả danh', body: 'Không cung cấp mã OTP cho bất kỳ ai.' }));
    form.append('image', new File([fakeJpeg(3000, 8)], 'a.jpg', { type: 'image/jpeg' }));
    const res = await SELF.fetch(`${ORIGIN}/api/officer/services/news`, { method: 'POST', headers: { origin: ORIGIN, cookie }, body: form });
    expect(res.status).toBe(201);
    const item = (await res.json()) as { id: string; imageUrl: string };
    expect(item.imageUrl).toBe(`/api/news/${item.id}/image`);
    const supervisor = await officerCookie('CA-001', 'supervisor');
    const push = await api<{ done: boolean }>(`/api/officer/services/news/${item.id}/push`, { body: {}, cookie: supervisor });
    expect(push.status).toBe(202);
  });

  it('guards: a citizen session is not an officer session, and a cross-site POST is refused', async () => {
    const { phone } = await signedInPhone();
    expect((await api('/api/officer/services/residence', { cookie: phone.cookie })).status).toBe(401);
    const cookie = await officerCookie('00070');
    const csrf = await api('/api/officer/services/residence/AAAAAAAAAAAAAAAAAAAAAA/acknowledge', { body: {}, cookie, headers: { origin: 'https://evil.example' } });
    expect(csrf.status).toBe(403);
    expect(csrf.body.error?.code).toBe('csrf_rejected');
  });

  it('a citizen submission from another site is refused by the CSRF guard', async () => {
    const { phone } = await signedInPhone();
    const res = await api('/api/services/residence', { body: notice('00070'), cookie: phone.cookie, headers: { origin: 'https://evil.example', 'Idempotency-Key': crypto.randomUUID() } });
    expect(res.status).toBe(403);
  });
});
