/**
 * Notifications in workerd + D1: the agency webhook (HMAC per agency, replay window, one
 * notification per event), the daily cron through the worker's real `scheduled` export
 * (one greeting per day however often it runs, card-expiry warnings), and the inbox.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../edge/index';
import type { Citizen } from '../../edge/registries/population';
import { formatDay, vietnamDay } from '../../shared/services';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { registryDb } from './helpers/registry';
import { AGENCIES, agencyRequest, signedInPhone } from './helpers/services';
import { countOnShards, shardDb } from './helpers/shards';
import { shardRouter } from '../../edge/http/app';

function event(idNumber: string, overrides: Record<string, unknown> = {}) {
  return { eventId: `evt-${crypto.randomUUID()}`, procedure: 'birth_registration', status: 'completed', idNumber, reference: 'KS-2025/001234', ...overrides };
}

async function inbox(phone: TestPhone) {
  return (await api<{ notifications: Array<{ id: string; kind: string; title: string; body: string; readAt: number | null }>; unread: number }>('/api/notifications', { cookie: phone.cookie })).body;
}

describe('agency webhook: authentication', () => {
  it('accepts a correctly signed event and notifies the citizen once, however often it is delivered', async () => {
    const { phone, citizen } = await signedInPhone();
    const e = event(citizen.idNumber);
    const first = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, e);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: true, delivered: true });
    const retry = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, e);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ accepted: true, delivered: false });
    const notes = (await inbox(phone)).notifications.filter((n) => n.kind === 'procedure');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ title: 'Đăng ký khai sinh', body: 'Hồ sơ KS-2025/001234 đã hoàn thành.' });
  });

  it('bad signature: a body signed with another secret is refused (401)', async () => {
    const { citizen } = await signedInPhone();
    const res = await agencyRequest(AGENCIES.tuPhap.id, 'not-the-secret-of-tu-phap-0123456789abcdef', event(citizen.idNumber));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('unauthenticated');
  });

  it('tampered body: the signature of one body does not carry over to another', async () => {
    const { citizen } = await signedInPhone();
    const signed = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event(citizen.idNumber));
    expect(signed.status).toBe(202);
    const ts = Math.floor(Date.now() / 1000);
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(AGENCIES.tuPhap.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const original = JSON.stringify(event(citizen.idNumber, { eventId: 'evt-tamper' }));
    const sig = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${ts}.${original}`)))))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const res = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, null, { timestamp: ts, signature: sig, body: original.replace('completed', 'rejected') });
    expect(res.status).toBe(401);
  });

  it('stale timestamp: a correctly signed request older than 5 minutes is refused (replay)', async () => {
    const { citizen } = await signedInPhone();
    const old = Math.floor(Date.now() / 1000) - 301;
    const res = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event(citizen.idNumber), { timestamp: old });
    expect(res.status).toBe(401);
    const future = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event(citizen.idNumber), { timestamp: Math.floor(Date.now() / 1000) + 301 });
    expect(future.status).toBe(401);
  });

  it("unknown agency, and one agency's secret under another's id, are refused the same way", async () => {
    const { citizen } = await signedInPhone();
    const unknown = await agencyRequest('bo-ngoai-giao', AGENCIES.tuPhap.secret, event(citizen.idNumber));
    const swapped = await agencyRequest(AGENCIES.bhxh.id, AGENCIES.tuPhap.secret, event(citizen.idNumber, { procedure: 'funeral_allowance' }));
    expect(unknown.status).toBe(401);
    expect(swapped.status).toBe(401);
    expect(unknown.body.error?.message).toBe(swapped.body.error?.message);
  });

  it('an agency may only report its own procedures (403), and events are validated (400)', async () => {
    const { citizen } = await signedInPhone();
    const foreign = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event(citizen.idNumber, { procedure: 'funeral_allowance' }));
    expect(foreign.status).toBe(403);
    const invalid = await agencyRequest(AGENCIES.bhxh.id, AGENCIES.bhxh.secret, event('123', { procedure: 'child_health_insurance' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error?.message).toBe('Invalid field: idNumber.');
  });

  it('needs no browser Origin (server to server) and is not a browser API path', async () => {
    const { citizen } = await signedInPhone();
    const res = await agencyRequest(AGENCIES.bhxh.id, AGENCIES.bhxh.secret, event(citizen.idNumber, { procedure: 'child_health_insurance', status: 'received' }));
    expect(res.status).toBe(202);
  });

  it('an event for an ID number with no account is accepted and not delivered', async () => {
    const res = await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event('031162005555'));
    expect(res.body).toEqual({ accepted: true, delivered: false });
  });
});

/** A citizen whose birthday is on `day` (MM-DD of it), with a card expiring on `cardExpires`. */
async function citizenBornOn(day: string, cardExpires = '2099-12-31'): Promise<Citizen & { phone: string }> {
  const base = await freshCitizen();
  const c = { ...base, birthDate: `1980-${day.slice(5)}`, cardExpires };
  await registryDb(c.idNumber).prepare('UPDATE registry_citizens SET birth_date = ?, card_expires = ? WHERE id_number = ?').bind(c.birthDate, c.cardExpires, c.idNumber).run();
  return c;
}

async function reminderOf(accountId: string): Promise<{ birthMd: string; cardExpires: string } | null> {
  const row = await (await shardDb(accountId)).prepare('SELECT birth_md, card_expires FROM account_reminders WHERE account_id = ?').bind(accountId).first<{ birth_md: string; card_expires: string }>();
  return row ? { birthMd: row.birth_md, cardExpires: row.card_expires } : null;
}

/** The phone's wallet sync: a device challenge, signed, then the documents (re-)issued. */
async function walletSync(phone: TestPhone) {
  const { body } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
  return api('/api/wallet/sync', { body: { challenge: body.challenge, signature: await phone.sign('issue', body.challenge) }, cookie: phone.cookie });
}

/** Runs the worker's real scheduled handler as the cron trigger would, at `scheduledTime`. */
async function runCron(scheduledTime: number): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: '0 1 * * *' });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('daily cron', () => {
  it('run twice on one day sends one birthday greeting', async () => {
    const now = Date.now();
    const day = vietnamDay(now);
    const citizen = await citizenBornOn(day);
    const phone = await TestPhone.create();
    await phone.register(citizen);
    await runCron(now);
    await runCron(now + 60_000);
    const greetings = (await inbox(phone)).notifications.filter((n) => n.kind === 'birthday');
    expect(greetings).toHaveLength(1);
    expect(greetings[0]!.title).toBe('Chúc mừng sinh nhật');
    // The next day's run greets nobody new: the birthday has passed.
    await runCron(now + 86_400_000);
    expect((await inbox(phone)).notifications.filter((n) => n.kind === 'birthday')).toHaveLength(1);
  });

  it('warns 30 days and 7 days before the chip card expires, once each', async () => {
    const now = Date.now();
    const in30 = vietnamDay(now + 30 * 86_400_000);
    const citizen = await citizenBornOn(vietnamDay(now + 100 * 86_400_000), in30);
    const phone = await TestPhone.create();
    await phone.register(citizen);
    await runCron(now);
    await runCron(now);
    let warnings = (await inbox(phone)).notifications.filter((n) => n.kind === 'card_expiry');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.body).toContain('còn 30 ngày');
    await runCron(now + 23 * 86_400_000);
    warnings = (await inbox(phone)).notifications.filter((n) => n.kind === 'card_expiry');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.body).toContain('còn 7 ngày');
  });

  it('greets a citizen born on 29 February on the 28th in a common year', async () => {
    const citizen = await citizenBornOn('2000-02-29');
    const phone = await TestPhone.create();
    await phone.register(citizen);
    await runCron(Date.UTC(2027, 1, 28, 1)); // 08:00 in Vietnam, 28 February 2027
    expect((await inbox(phone)).notifications.filter((n) => n.kind === 'birthday')).toHaveLength(1);
  });

  it('enrols every new account, also one committed after a later-stamped one (no cursor to pass it over)', async () => {
    const { me } = await signedInPhone();
    await runCron(Date.now());
    expect((await reminderOf(me.accountId))?.birthMd).toBe(me.birthDate.slice(5));
    // A registration stamped a minute ago commits only now, after the run above had seen a
    // later account: the old walk's cursor was already past its created_at.
    const late = await freshCitizen();
    const id = await shardRouter(env).newId(late.idNumber);
    const stamped = Date.now() - 60_000;
    await (await shardDb(late.idNumber)).prepare("INSERT INTO accounts (id, id_number, level, status, phone, email, created_at, updated_at) VALUES (?, ?, 1, 'active', ?, NULL, ?, ?)")
      .bind(id, late.idNumber, late.phone, stamped, stamped)
      .run();
    expect(await reminderOf(id)).toBeNull();
    await runCron(Date.now());
    expect(await reminderOf(id)).toEqual({ birthMd: late.birthDate.slice(5), cardExpires: late.cardExpires });
    const n = await countOnShards('SELECT count(*) AS n FROM reminder_queue WHERE account_id IN (?, ?)', id, me.accountId);
    expect(n).toBe(0);
  });

  it('after a card renewal in the registry and a wallet sync, warnings follow the new date and none is sent for the old one', async () => {
    const now = Date.now();
    const DAY = 86_400_000;
    const oldExpiry = vietnamDay(now + 30 * DAY);
    const newExpiry = vietnamDay(now + 45 * DAY);
    const citizen = await citizenBornOn(vietnamDay(now + 100 * DAY), oldExpiry);
    const phone = await TestPhone.create();
    const me = await phone.register(citizen);
    await runCron(now);
    const warnings = async () => (await inbox(phone)).notifications.filter((n) => n.kind === 'card_expiry');
    expect((await warnings()).map((w) => w.body)).toEqual([expect.stringContaining(`ngày ${formatDay(oldExpiry)} (còn 30 ngày)`)]);

    // The citizen renews the card at the police station; the registry has the new date.
    await registryDb(citizen.idNumber).prepare('UPDATE registry_citizens SET card_expires = ? WHERE id_number = ?').bind(newExpiry, citizen.idNumber).run();
    expect((await walletSync(phone)).status).toBe(200);
    expect((await reminderOf(me.accountId))?.cardExpires).toBe(newExpiry);

    await runCron(now + 15 * DAY); // 30 days before the new date
    await runCron(now + 23 * DAY); // 7 days before the old one: nothing
    await runCron(now + 30 * DAY); // the old date itself: nothing
    await runCron(now + 38 * DAY); // 7 days before the new date…
    await runCron(now + 38 * DAY + 3_600_000); // …twice on that day: still one
    const bodies = (await warnings()).map((w) => w.body);
    expect(bodies).toHaveLength(3);
    expect(bodies.filter((b) => b.includes(formatDay(oldExpiry)))).toHaveLength(1); // only the one sent before the renewal
    expect(bodies.filter((b) => b.includes(`ngày ${formatDay(newExpiry)} (còn 30 ngày)`))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes(`ngày ${formatDay(newExpiry)} (còn 7 ngày)`))).toHaveLength(1);
  });
});

describe('notification inbox', () => {
  it('lists newest first with the unread count; marking read by id and all', async () => {
    const { phone, citizen } = await signedInPhone();
    for (const status of ['received', 'processing', 'completed']) {
      await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event(citizen.idNumber, { status, procedure: 'death_registration' }));
    }
    let box = await inbox(phone);
    expect(box.unread).toBe(3);
    expect(box.notifications[0]!.body).toContain('đã hoàn thành');
    const read = await api('/api/notifications/read', { body: { ids: [box.notifications[0]!.id] }, cookie: phone.cookie });
    expect(read.status).toBe(204);
    expect((await inbox(phone)).unread).toBe(2);
    await api('/api/notifications/read', { body: { all: true }, cookie: phone.cookie });
    box = await inbox(phone);
    expect(box.unread).toBe(0);
    expect(box.notifications.every((n) => n.readAt !== null)).toBe(true);
  });

  it("marking another citizen's notification read does nothing to it", async () => {
    const a = await signedInPhone();
    const b = await signedInPhone();
    await agencyRequest(AGENCIES.tuPhap.id, AGENCIES.tuPhap.secret, event(a.citizen.idNumber));
    const id = (await inbox(a.phone)).notifications[0]!.id;
    await api('/api/notifications/read', { body: { ids: [id] }, cookie: b.phone.cookie });
    expect((await inbox(a.phone)).unread).toBe(1);
  });
});
