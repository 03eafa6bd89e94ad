/**
 * The officer's side of the citizen services under attack, over HTTP with real officer
 * sessions: a plain officer pushing a warning to every phone, and officers reading
 * citizens' personal data (a named reporter's ID and phone, the people of a residence
 * notification) without leaving a trace.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, ORIGIN } from './helpers/phone';
import { vietnamDay } from '../../shared/services';
import { officerCookie, signedInPhone, submitReport, submitResidence, validReport } from './helpers/services';
import { countEverywhere, shardDb } from './helpers/shards';

async function publishWarning(cookie: string): Promise<string> {
  const form = new FormData();
  form.append('news', JSON.stringify({ kind: 'warning', category: 'fraud', title: 'Cảnh báo tin nhắn giả mạo ngân hàng', body: 'Không bấm vào đường link trong tin nhắn lạ.' }));
  const res = await SELF.fetch(`${ORIGIN}/api/officer/services/news`, { method: 'POST', headers: { origin: ORIGIN, cookie }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('push a warning to everyone: supervisors only', () => {
  it('attack: a plain officer cannot push a warning to every phone (403 forbidden, nothing started, nothing audited)', async () => {
    const { cookie } = await officerCookie('00070');
    const id = await publishWarning(cookie);
    const push = await api(`/api/officer/services/news/${id}/push`, { body: {}, cookie });
    expect(push.status).toBe(403);
    expect(push.body.error?.code).toBe('forbidden');
    const row = await env.DB.prepare('SELECT push_state FROM news WHERE id = ?').bind(id).first<{ push_state: string }>();
    expect(row?.push_state).toBe('none');
    expect(await env.DB.prepare("SELECT 1 FROM audit_log WHERE action = 'news.push' AND subject = ?").bind(id).first()).toBeNull();
  });

  it('a supervisor pushes it; the audit names the supervisor and their unit', async () => {
    const { cookie } = await officerCookie('00070');
    const id = await publishWarning(cookie);
    const boss = await officerCookie('CA-001', 'supervisor');
    const push = await api(`/api/officer/services/news/${id}/push`, { body: {}, cookie: boss.cookie });
    expect(push.status).toBe(202);
    const audit = await env.DB.prepare("SELECT actor, detail FROM audit_log WHERE action = 'news.push' AND subject = ?").bind(id).first<{ actor: string; detail: string }>();
    expect(audit?.actor).toBe(`officer:${boss.officer.id}`);
    expect(JSON.parse(audit!.detail)).toMatchObject({ unit: 'CA-001' });
  });
});

type History = { events: Array<{ action: string; by: string; unitCode?: string }> };
const history = async (cookie: string) => (await api<History>('/api/me/history', { cookie })).body.events;
const auditRows = async (action: string) =>
  (await env.DB.prepare('SELECT actor, subject, detail FROM audit_log WHERE action = ? ORDER BY id').bind(action).all<{ actor: string; subject: string | null; detail: string }>()).results;

describe('officers reading personal data leave a trace', () => {
  it('attack: reading a named reporter from the inbox list without a trace — the list names no one; opening is audited with the reporter as whom', async () => {
    const { phone, me, citizen } = await signedInPhone();
    const r = await submitReport(phone, crypto.randomUUID(), validReport({ communeCode: '00082' }));
    const { cookie, officer } = await officerCookie('00082');
    const inbox = await api<{ items: Array<{ id: string }> }>('/api/officer/services/reports?status=all', { cookie });
    const line = JSON.stringify(inbox.body.items.find((i) => i.id === r.body.id));
    expect(line).toContain(r.body.id);
    expect(line).not.toContain(citizen.idNumber);
    expect(line).not.toContain(citizen.fullName);

    const opened = await api<{ reporter: { idNumber: string } | null }>(`/api/officer/services/reports/${r.body.id}`, { cookie });
    expect(opened.body.reporter?.idNumber).toBe(citizen.idNumber);
    const viewed = (await auditRows('report.viewed')).filter((a) => a.subject === me.accountId);
    expect(viewed).toHaveLength(1);
    expect(viewed[0]!.actor).toBe(`officer:${officer.id}`);
    expect(JSON.parse(viewed[0]!.detail)).toEqual({ report: r.body.id, unit: '00082' });

    const reply = await api(`/api/officer/services/reports/${r.body.id}/reply`, { body: { reply: 'Đã tiếp nhận, đang xác minh.' }, cookie });
    expect(reply.status).toBe(200);
    expect((await auditRows('report.reply')).filter((a) => a.subject === me.accountId)).toHaveLength(1);
    // The citizen sees both in their security history, by the officer's unit.
    const events = (await history(phone.cookie)).filter((e) => e.action.startsWith('report.'));
    expect(events.map((e) => [e.action, e.by, e.unitCode])).toEqual([
      ['report.reply', 'officer', '00082'],
      ['report.viewed', 'officer', '00082'],
    ]);
  });

  it('attack: linking an anonymous report to its author through the audit log — opening and replying record no citizen', async () => {
    const { phone, me } = await signedInPhone();
    const r = await submitReport(phone, crypto.randomUUID(), validReport({ communeCode: '09730', anonymous: true }));
    const { cookie } = await officerCookie('09730');
    const opened = await api<{ reporter: unknown }>(`/api/officer/services/reports/${r.body.id}`, { cookie });
    expect(opened.status).toBe(200);
    expect(opened.body.reporter).toBeNull();
    expect((await api(`/api/officer/services/reports/${r.body.id}/reply`, { body: { reply: 'Cảm ơn bạn đã báo tin.' }, cookie })).status).toBe(200);

    const anonymous = (await auditRows('report.reply.anonymous')).filter((a) => JSON.parse(a.detail).report === r.body.id);
    expect(anonymous).toHaveLength(1);
    expect(anonymous[0]!.subject).toBeNull();
    const n = await countEverywhere('SELECT count(*) AS n FROM audit_log WHERE subject = ? OR detail LIKE ?', me.accountId, `%${me.accountId}%`);
    const own = (await history(phone.cookie)).length; // the citizen's own events (registration, sign-in)
    expect(n).toBe(own);
    expect((await history(phone.cookie)).some((e) => e.action.startsWith('report.'))).toBe(false);
  });

  it('attack: reading who stays where from the residence inbox list without a trace — the list names no one; every opening is audited', async () => {
    const { phone, me, citizen } = await signedInPhone();
    const today = vietnamDay(Date.now());
    const res = await submitResidence(phone, crypto.randomUUID(), { role: 'guest', communeCode: '11680', address: 'Số 7 Phố Hàng Bạc', people: [], from: today, to: today, reason: '' });
    expect(res.status).toBe(201);
    const { cookie, officer } = await officerCookie('11680');
    const inbox = await api<{ items: Array<{ id: string; peopleCount: number }> }>('/api/officer/services/residence', { cookie });
    const item = inbox.body.items.find((i) => i.id === res.body.id)!;
    expect(item.peopleCount).toBe(1);
    expect(JSON.stringify(item)).not.toContain(citizen.idNumber);
    expect(JSON.stringify(item)).not.toContain(citizen.fullName);

    for (let i = 0; i < 2; i++) {
      const opened = await api<{ people: Array<{ idNumber: string }> }>(`/api/officer/services/residence/${res.body.id}`, { cookie });
      expect(opened.body.people[0]!.idNumber).toBe(citizen.idNumber);
    }
    const viewed = (await auditRows('residence.viewed')).filter((a) => a.subject === me.accountId);
    expect(viewed).toHaveLength(2);
    expect(viewed.every((a) => a.actor === `officer:${officer.id}` && JSON.parse(a.detail).notice === res.body.id)).toBe(true);

    await api(`/api/officer/services/residence/${res.body.id}/acknowledge`, { body: {}, cookie });
    const events = (await history(phone.cookie)).filter((e) => e.action.startsWith('residence.'));
    expect(events.map((e) => e.action)).toEqual(['residence.acknowledge', 'residence.viewed', 'residence.viewed']);
    expect(events.every((e) => e.by === 'officer' && e.unitCode === '11680')).toBe(true);
  });
});
