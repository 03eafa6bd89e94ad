/**
 * Residence notification (thông báo lưu trú) in workerd + D1: validation, the people rules
 * (guest with dependants, host with guests), idempotent submission, history and status
 * through the officer's acknowledgement.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { vietnamDay } from '../../shared/services';
import { DEMO_CITIZENS } from '../../edge/registries/synthetic';
import { acknowledgeResidenceNotice, openResidenceNotice, residenceInbox } from '../../edge/domain/residence';
import { api, TestPhone } from './helpers/phone';
import { signedInPhone, submitResidence, testServicesDeps } from './helpers/services';
import { shardDb } from './helpers/shards';

const today = () => vietnamDay(Date.now());
const plusDays = (n: number) => vietnamDay(Date.now() + n * 86_400_000);

function guestNotice(overrides: Record<string, unknown> = {}) {
  return { role: 'guest', communeCode: '00070', address: 'Số 5 Phố Hàng Bạc', people: [], from: today(), to: plusDays(3), reason: 'Thăm người thân', ...overrides };
}

/** Nguyễn Văn An (demo) has a dependant under 14: registered once for this file. */
let anPhone: TestPhone | null = null;
async function an(): Promise<TestPhone> {
  if (anPhone) return anPhone;
  const phone = await TestPhone.create();
  await phone.register(DEMO_CITIZENS[0]!);
  anPhone = phone;
  return phone;
}

describe('residence notification: validation', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['unknown commune', { communeCode: '99999' }, 'communeCode'],
    ['address too short', { address: 'Số' }, 'address'],
    ['to before from', { from: plusDays(2), to: plusDays(1) }, 'to'],
    ['a stay longer than 180 days', { to: plusDays(200) }, 'to'],
    ['an impossible date', { from: '2025-02-30' }, 'from'],
    ['a malformed ID number', { people: ['12345'] }, 'people.0'],
    ['the same guest twice', { role: 'host', people: [{ idNumber: '031162005555', fullName: 'Phạm Thu Hà' }, { idNumber: '031162005555', fullName: 'Phạm Thu Hà' }] }, 'people'],
    ['a host giving a guest by ID number only', { role: 'host', people: ['031162005555'] }, 'people.0'],
    ['a guest’s name with digits', { role: 'host', people: [{ idNumber: '031162005555', fullName: 'Phạm Thu Hà 2' }] }, 'people.0.fullName'],
    ['a guest’s malformed ID number', { role: 'host', people: [{ idNumber: '03116200555', fullName: 'Phạm Thu Hà' }] }, 'people.0.idNumber'],
    ['host without guests', { role: 'host', people: [] }, 'people'],
    ['an unknown role', { role: 'owner' }, 'role'],
    ['a control character in the reason', { reason: 'ab\u0007c' }, 'reason'],
  ];
  for (const [name, overrides, field] of cases) {
    it(`refuses ${name} (validation_failed, field ${field})`, async () => {
      const { phone } = await signedInPhone();
      const res = await submitResidence(phone, crypto.randomUUID(), guestNotice(overrides));
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('validation_failed');
      expect(res.body.error?.message).toBe(`Invalid field: ${field}.`);
    });
  }

  it('refuses a missing or malformed Idempotency-Key', async () => {
    const { phone } = await signedInPhone();
    const missing = await api('/api/services/residence', { body: guestNotice(), cookie: phone.cookie });
    expect(missing.status).toBe(400);
    expect(missing.body.error?.message).toBe('Invalid header: Idempotency-Key.');
    const bad = await submitResidence(phone, 'not-a-uuid', guestNotice());
    expect(bad.body.error?.code).toBe('validation_failed');
  });

  it('refuses a stay that began more than 30 days ago', async () => {
    const { phone } = await signedInPhone();
    const res = await submitResidence(phone, crypto.randomUUID(), guestNotice({ from: plusDays(-40), to: plusDays(-35) }));
    expect(res.body.error?.message).toBe('Invalid field: from.');
  });

  it('needs a signed-in citizen', async () => {
    const res = await api('/api/services/residence', { body: guestNotice(), headers: { 'Idempotency-Key': crypto.randomUUID() } });
    expect(res.status).toBe(401);
  });
});

describe('residence notification: people', () => {
  it('a guest declares themself and their dependant; the names come from the registry', async () => {
    const phone = await an();
    const household = await api<{ self: { idNumber: string }; dependants: Array<{ idNumber: string; fullName: string; relation: string }> }>('/api/services/household', { cookie: phone.cookie });
    expect(household.body.dependants).toEqual([expect.objectContaining({ idNumber: '001216008888', fullName: 'Nguyễn Gia Bảo', relation: 'Cha' })]);
    const res = await submitResidence(phone, crypto.randomUUID(), guestNotice({ people: ['001216008888'] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'sent',
      people: [
        { idNumber: '001090012345', fullName: 'Nguyễn Văn An' },
        { idNumber: '001216008888', fullName: 'Nguyễn Gia Bảo' },
      ],
    });
  });

  it("a guest cannot declare another adult (not their dependant)", async () => {
    const phone = await an();
    const res = await submitResidence(phone, crypto.randomUUID(), guestNotice({ people: ['031162005555'] }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe('Invalid field: people.0.');
  });

  it('a host declares guests by ID number and full name as on the card (any case and spacing); the answer holds only what the host typed', async () => {
    const { phone } = await signedInPhone();
    const ok = await submitResidence(phone, crypto.randomUUID(), guestNotice({ role: 'host', people: [{ idNumber: '031162005555', fullName: 'Phạm Thu Hà' }, { idNumber: '048204000777', fullName: ' lê  minh KHANG ' }] }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ role: 'host', people: [{ idNumber: '031162005555', fullName: 'Phạm Thu Hà' }, { idNumber: '048204000777', fullName: 'lê minh KHANG' }] });
  });
});
describe('residence notification: idempotent submission', () => {
  it('the same key twice stores one notification and answers the same id and status (201 both times)', async () => {
    const { phone, me } = await signedInPhone();
    const key = crypto.randomUUID();
    const first = await submitResidence(phone, key, guestNotice());
    const second = await submitResidence(phone, key, guestNotice());
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    const { n } = (await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM residence_notices WHERE account_id = ?').bind(me.accountId).first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it('two submissions racing with one key store one row', async () => {
    const { phone, me } = await signedInPhone();
    const key = crypto.randomUUID();
    const results = await Promise.all([submitResidence(phone, key, guestNotice()), submitResidence(phone, key, guestNotice()), submitResidence(phone, key, guestNotice())]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.every((r) => r.status === 201)).toBe(true);
    const { n } = (await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM residence_notices WHERE account_id = ?').bind(me.accountId).first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it('a key reused for different content is refused (idempotency_key_reused, 409)', async () => {
    const { phone } = await signedInPhone();
    const key = crypto.randomUUID();
    expect((await submitResidence(phone, key, guestNotice())).status).toBe(201);
    const other = await submitResidence(phone, key, guestNotice({ address: 'Số 99 Phố Hàng Bạc' }));
    expect(other.status).toBe(409);
    expect(other.body.error?.code).toBe('idempotency_key_reused');
  });

  it("a key is scoped to its account: another citizen's same key makes their own notification", async () => {
    const a = await signedInPhone();
    const b = await signedInPhone();
    const key = crypto.randomUUID();
    const ra = await submitResidence(a.phone, key, guestNotice());
    const rb = await submitResidence(b.phone, key, guestNotice());
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.body.id).not.toBe(ra.body.id);
  });

  it('replays do not count against the rate limit; new submissions do (20 an hour)', async () => {
    const { phone } = await signedInPhone();
    const key = crypto.randomUUID();
    for (let i = 0; i < 25; i++) expect((await submitResidence(phone, key, guestNotice())).status).toBe(201);
    let last = 0;
    // The first submission counted once; 19 more reach the limit.
    for (let i = 0; i < 19; i++) last = (await submitResidence(phone, crypto.randomUUID(), guestNotice({ reason: `Lần ${i}` }))).status;
    expect(last).toBe(201);
    const over = await submitResidence(phone, crypto.randomUUID(), guestNotice({ reason: 'Quá giới hạn' }));
    expect(over.status).toBe(429);
    expect(over.body.error?.code).toBe('rate_limited');
  });
});

describe('residence notification: history and status', () => {
  it('sent → received (officer opens) → acknowledged; the citizen sees each status and is notified once', async () => {
    const { phone } = await signedInPhone();
    const res = await submitResidence(phone, crypto.randomUUID(), guestNotice({ communeCode: '26740', address: 'Số 45 Đường Lê Lợi' }));
    const id = res.body.id;
    const history = async () => (await api<{ notices: Array<{ id: string; status: string; note: string | null }> }>('/api/services/residence', { cookie: phone.cookie })).body.notices;
    expect((await history()).find((n) => n.id === id)?.status).toBe('sent');

    const deps = testServicesDeps();
    const scope = { officerId: 'officer-test-1', unitCode: '26740', communes: ['26740'] };
    const inbox = await residenceInbox(deps, scope, {});
    expect(inbox.items.map((n) => n.id)).toContain(id);
    // An officer of another commune does not see it, and cannot open it.
    const other = { officerId: 'officer-test-2', unitCode: '00070', communes: ['00070'] };
    expect((await residenceInbox(deps, other, {})).items.map((n) => n.id)).not.toContain(id);
    await expect(openResidenceNotice(deps, other, id)).rejects.toMatchObject({ code: 'not_found' });

    const opened = await openResidenceNotice(deps, scope, id);
    expect(opened.status).toBe('received');
    expect(opened.submittedBy.idNumber).toMatch(/^\d{12}$/);
    expect((await history()).find((n) => n.id === id)?.status).toBe('received');

    await acknowledgeResidenceNotice(deps, scope, id, 'Đã tiếp nhận');
    await acknowledgeResidenceNotice(deps, scope, id, 'Đã tiếp nhận'); // a second click
    await deps.settle();
    const after = (await history()).find((n) => n.id === id);
    expect(after).toMatchObject({ status: 'acknowledged', note: 'Đã tiếp nhận' });
    const inboxAfter = await api<{ notifications: Array<{ kind: string; body: string }>; unread: number }>('/api/notifications', { cookie: phone.cookie });
    const acks = inboxAfter.body.notifications.filter((n) => n.kind === 'residence_ack');
    expect(acks).toHaveLength(1);
    expect(acks[0]!.body).toContain('Phường Bến Nghé');
    // Acknowledged ones leave the open inbox.
    expect((await residenceInbox(deps, scope, {})).items.map((n) => n.id)).not.toContain(id);
    expect((await residenceInbox(deps, scope, { status: 'all' })).items.map((n) => n.id)).toContain(id);
  });
});
