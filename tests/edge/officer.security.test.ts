/**
 * Hostile cases for the officer console, one attack a test: codes reused, expired or left
 * over; an officer without the role; a citizen's session or passkey at the console; an
 * officer session at the citizen API; an idle session.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomCode, type DeviceChangeStatus } from '../../shared/accounts';
import { officer as officerRoutes } from '../../edge/routes/officer';
import { officerPortals } from '../../edge/routes/officer-portals';
import { servicesOfficer } from '../../edge/routes/services-officer';
import {
  auditActions,
  finishOnNewPhone,
  giveValidCard,
  insertBootstrapCode,
  invitedOfficer,
  level2Citizen,
  OfficerDesk,
  openDeviceChange,
  registeredPhone,
  smsTo,
  stepUp,
  supervisor,
  useAsSupervisor,
} from './helpers/accounts';
import { api, latestSmsCode, TestPhone } from './helpers/phone';
import { registryDb } from './helpers/registry';
import { shardDb } from './helpers/shards';

describe('officer codes', () => {
  it('bootstrap code used twice: the second registration is refused', async () => {
    const code = await insertBootstrapCode();
    const first = new OfficerDesk();
    expect((await first.register(code, { name: 'Đỗ Văn Một', unitCode: 'CA-079' })).status).toBe(201);
    const second = await new OfficerDesk().register(code, { name: 'Kẻ Giả Mạo', unitCode: 'CA-079' });
    expect(second.status).toBe(400);
    expect(second.body.error?.code).toBe('code_invalid');
    useAsSupervisor(first);
  });

  it('a leftover bootstrap code once a supervisor exists: refused (it makes the first supervisor only)', async () => {
    await supervisor();
    const leftover = await insertBootstrapCode();
    const res = await new OfficerDesk().register(leftover, { name: 'Người Thứ Hai', unitCode: 'CA-001' });
    expect(res.body.error?.code).toBe('code_invalid');
  });

  it('expired or unknown code: refused', async () => {
    const boss = await supervisor();
    const invite = await boss.call<{ inviteCode: string; officer: { officerId: string } }>('/api/officer/officers', { name: 'Vũ Thị Hết Hạn', role: 'officer', unitCode: '00070' });
    await env.DB.prepare('UPDATE officer_invites SET expires_at = ? WHERE officer_id = ?').bind(Date.now() - 1, invite.body.officer.officerId).run();
    expect((await new OfficerDesk().register(invite.body.inviteCode)).body.error?.code).toBe('code_expired');
    expect((await new OfficerDesk().register(randomCode(20))).body.error?.code).toBe('code_invalid');
    expect((await new OfficerDesk().register('not-a-code')).body.error?.code).toBe('validation_failed');
  });

  it('invite code used twice: refused the second time', async () => {
    const boss = await supervisor();
    const invite = await boss.call<{ inviteCode: string }>('/api/officer/officers', { name: 'Hồ Văn Mời', role: 'officer', unitCode: '00070' });
    expect((await new OfficerDesk().register(invite.body.inviteCode)).status).toBe(201);
    expect((await new OfficerDesk().register(invite.body.inviteCode)).body.error?.code).toBe('code_invalid');
  });

  it('stores codes only as hashes', async () => {
    const code = await insertBootstrapCode();
    const rows = await env.DB.prepare('SELECT code_hash FROM officer_invites').all<{ code_hash: string }>();
    expect(rows.results.some((r) => r.code_hash.includes(code))).toBe(false);
  });
});

describe('officer sign-in: the stored challenge', () => {
  it('expired challenge: an officer sign-in challenge past its lifetime is refused and gone after that one try', async () => {
    const desk = await invitedOfficer('officer');
    const options = await api<{ options: { challenge: string } }>('/api/officer/auth/options', { body: {} });
    await env.DB.prepare('UPDATE challenges SET expires_at = ? WHERE challenge = ?').bind(Date.now() - 1, options.body.options.challenge).run();
    const credential = await desk.authenticator.get(options.body.options);
    const res = await api('/api/officer/auth/verify', { body: { credential } });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('challenge_invalid');
    expect(res.body.error?.message).toMatch(/expired/);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await env.DB.prepare('SELECT 1 FROM challenges WHERE challenge = ?').bind(options.body.options.challenge).first()).toBeNull();
    // The expiry alone was refused: a fresh challenge signs in.
    expect((await desk.signIn()).status).toBe(200);
  });

  it('replayed challenge: a captured officer assertion sent again, once or 10 times at once, makes no session', async () => {
    const desk = await invitedOfficer('officer');
    const options = await api<{ options: { challenge: string } }>('/api/officer/auth/options', { body: {} });
    const credential = await desk.authenticator.get(options.body.options);
    const results = await Promise.all(Array.from({ length: 10 }, () => api('/api/officer/auth/verify', { body: { credential } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const replay = await api('/api/officer/auth/verify', { body: { credential } });
    for (const r of [...results.filter((r) => r.status !== 200), replay]) {
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('challenge_invalid');
      expect(r.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('roles', () => {
  it('officer without the role: inviting, listing, disabling officers and reading the audit log are refused', async () => {
    const officer = await invitedOfficer('officer');
    const boss = await supervisor();
    const invite = await officer.call('/api/officer/officers', { name: 'Tự Phong Chức', role: 'supervisor', unitCode: '00070' });
    expect(invite.status).toBe(403);
    expect(invite.body.error?.code).toBe('forbidden');
    expect((await officer.call('/api/officer/officers')).status).toBe(403);
    expect((await officer.call('/api/officer/audit')).status).toBe(403);
    expect((await officer.call(`/api/officer/officers/${boss.me.officerId}/disable`, {})).status).toBe(403);
    // Nothing was written for the refused invitation.
    const invited = await env.DB.prepare("SELECT count(*) AS n FROM officers WHERE name = 'Tự Phong Chức'").first('n');
    expect(invited).toBe(0);
  });

  it('an invited supervisor has the role', async () => {
    const second = await invitedOfficer('supervisor', 'CA-001');
    expect((await second.call('/api/officer/audit')).status).toBe(200);
  });

  it('a supervisor cannot disable themself', async () => {
    const boss = await supervisor();
    expect((await boss.call(`/api/officer/officers/${boss.me.officerId}/disable`, {})).body.error?.code).toBe('forbidden');
  });
});

/** The console's routes that need no officer session: registering with a code and signing in or out. */
const PUBLIC_OFFICER_ROUTES = new Set(['POST /register/options', 'POST /register/finish', 'POST /auth/options', 'POST /auth/verify', 'POST /auth/signout']);

/**
 * Every route the officer console serves, read from the routers themselves (a route added
 * later is covered without editing this list), with its parameters filled in.
 */
function consoleRoutes(idNumber: string): Array<{ method: string; path: string }> {
  const fill = (path: string) =>
    path.replace(/:(\w+)(\{[^}]*\})?/g, (_m, name: string) => (name === 'idNumber' ? idNumber : name === 'n' ? '0' : 'AAAAAAAAAAAAAAAAAAAAAA'));
  const listed = [
    ...officerRoutes.routes.map((r) => ({ ...r, base: '/api/officer' })),
    ...servicesOfficer.routes.map((r) => ({ ...r, base: '/api/officer/services' })),
    ...officerPortals.routes.map((r) => ({ ...r, base: '/api/officer/portals' })),
  ].filter((r) => r.method !== 'ALL' && !(r.base === '/api/officer' && PUBLIC_OFFICER_ROUTES.has(`${r.method} ${r.path}`)));
  // A router's '/' is its base itself (Hono serves /api/officer/portals, not /api/officer/portals/).
  const full = (base: string, path: string) => (path === '/' ? base : `${base}${fill(path)}`);
  return [...new Map(listed.map((r) => [`${r.method} ${r.base}${r.path}`, { method: r.method, path: full(r.base, r.path) }])).values()];
}

describe('officer without a role, and no officer at all, on each route', () => {
  it("a citizen's session on every officer route: 401, whether sent as the citizen cookie or planted in the officer cookie", async () => {
    const { phone, citizen } = await registeredPhone();
    const token = phone.cookie.split('=')[1]!;
    const routes = consoleRoutes(citizen.idNumber);
    expect(routes.length).toBeGreaterThanOrEqual(26);
    // The portal registry's router and the desk's phone code are in the sweep too.
    const listed = routes.map((r) => `${r.method} ${r.path}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /api/officer/portals',
        'POST /api/officer/portals',
        `POST /api/officer/portals/${'A'.repeat(22)}/rotate-secret`,
        `POST /api/officer/citizens/${citizen.idNumber}/phone-code`,
      ]),
    );
    for (const { method, path } of routes) {
      for (const cookie of [phone.cookie, `__Host-vneid_officer=${token}`, '']) {
        const res = await api(path, { method, ...(method === 'POST' ? { body: {} } : {}), cookie });
        expect(res.status, `${method} ${path} with ${cookie.split('=')[0] || 'no cookie'}`).toBe(401);
        expect(res.body.error?.code).toBe('unauthenticated');
      }
    }
    // Nothing was done on the citizen's account by any of them.
    const { results } = await (await shardDb(citizen.idNumber)).prepare("SELECT action FROM audit_log WHERE actor LIKE 'officer:%' AND subject IN (SELECT id FROM accounts WHERE id_number = ?)").bind(citizen.idNumber).all();
    expect(results).toEqual([]);
  });

  it('a plain officer on every supervisor route: 403 forbidden, and a supervisor passes the same requests', async () => {
    const officer = await invitedOfficer('officer');
    const boss = await supervisor();
    const victim = await invitedOfficer('officer');
    const supervisorOnly: Array<[string, unknown?]> = [
      ['/api/officer/officers'],
      ['/api/officer/officers', { name: 'Ngô Văn Mời', role: 'supervisor', unitCode: '00070' }],
      [`/api/officer/officers/${victim.me.officerId}/disable`, {}],
      ['/api/officer/audit'],
      [`/api/officer/audit?officerId=${victim.me.officerId}`],
    ];
    for (const [path, body] of supervisorOnly) {
      const res = await officer.call(path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error?.code).toBe('forbidden');
    }
    expect((await victim.call('/api/officer/me')).status).toBe(200); // not disabled by the refused request
    for (const [path, body] of supervisorOnly) expect((await boss.call(path, body)).status, `supervisor: ${path}`).toBeLessThan(300);
  });
});

describe('sessions and passkeys are kept apart', () => {
  it("a citizen's session does not open the console, and an officer's does not open the citizen API", async () => {
    const { phone, citizen } = await registeredPhone();
    const officer = await invitedOfficer();
    expect((await api(`/api/officer/citizens/${citizen.idNumber}`, { cookie: phone.cookie })).status).toBe(401);
    expect((await api('/api/me', { cookie: officer.cookie })).status).toBe(401);
  });

  it("a citizen's passkey does not sign in at the console", async () => {
    const { phone } = await registeredPhone();
    const options = await api<{ options: { challenge: string } }>('/api/officer/auth/options', { body: {} });
    const credential = await phone.authenticator.get(options.body.options);
    const res = await api('/api/officer/auth/verify', { body: { credential } });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('credential_unknown');
  });

  it("an officer's sign-in challenge is not a citizen's: the purposes are kept apart", async () => {
    const officer = await invitedOfficer();
    const citizenOptions = await api<{ options: { challenge: string } }>('/api/auth/options', { body: {} });
    const credential = await officer.authenticator.get(citizenOptions.body.options);
    expect((await api('/api/officer/auth/verify', { body: { credential } })).body.error?.code).toBe('challenge_invalid');
  });

  it('an officer passkey without user verification is refused', async () => {
    const officer = await invitedOfficer();
    const options = await api<{ options: { challenge: string } }>('/api/officer/auth/options', { body: {} });
    const credential = await officer.authenticator.get(options.body.options, { userVerified: false });
    expect((await api('/api/officer/auth/verify', { body: { credential } })).body.error?.code).toBe('user_verification_required');
  });

  it('an idle officer session expires', async () => {
    const officer = await invitedOfficer();
    await env.DB.prepare('UPDATE officer_sessions SET expires_at = ? WHERE officer_id = ?').bind(Date.now() - 1, officer.me.officerId).run();
    const res = await officer.call('/api/officer/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toMatch(/__Host-vneid_officer=;/);
  });

  it('a cross-site request to the console is refused (CSRF)', async () => {
    const officer = await invitedOfficer();
    const res = await api('/api/officer/officers', { body: {}, cookie: officer.cookie, headers: { origin: 'https://evil.example' } });
    expect(res.body.error?.code).toBe('csrf_rejected');
  });

  it('insider officer: re-recording a level-2 phone number (confirmed by the code sent to it) tells the old number, and names the unit', async () => {
    const officer = await invitedOfficer();
    const { citizen } = await registeredPhone();
    await registryDb(citizen.idNumber).prepare("UPDATE registry_citizens SET card_expires = '2040-01-01' WHERE id_number = ?").bind(citizen.idNumber).run();
    const newPhone = `+8497${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/phone-code`, { phone: newPhone })).status).toBe(201);
    const res = await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: newPhone, phoneCode: await latestSmsCode(newPhone) });
    expect(res.status).toBe(200);
    const old = await env.DB.prepare('SELECT body FROM sms_outbox WHERE phone = ? ORDER BY id DESC LIMIT 1').bind(citizen.phone).first<{ body: string }>();
    expect(old?.body).toMatch(new RegExp(`da duoc can bo 00070 doi sang \\+84 9•• ••• ${newPhone.slice(-3)}`));
  });

  it('every officer look-up is audited with who, what, whom', async () => {
    const officer = await invitedOfficer();
    const { me, citizen } = await registeredPhone();
    await officer.call(`/api/officer/citizens/${citizen.idNumber}`);
    const row = await env.DB.prepare("SELECT actor, subject, detail FROM audit_log WHERE action = 'officer.viewed' ORDER BY id DESC LIMIT 1").first<{ actor: string; subject: string; detail: string }>();
    expect(row).toMatchObject({ actor: `officer:${officer.me.officerId}`, subject: me.accountId });
    expect(JSON.parse(row!.detail)).toEqual({ unit: '00070' });
  });
});

describe('insider officer at the desk: phone, e-mail, four eyes', () => {
  const randomPhone = () => `+8497${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const accountRow = async (id: string) => (await shardDb(id)).prepare('SELECT phone, email, phone_officer_id FROM accounts WHERE id = ?').bind(id).first<{ phone: string; email: string | null; phone_officer_id: string | null }>();

  /** The desk's phone change done right: the code sent to the new number, read out, typed with the approval. */
  async function recordNewPhone(officer: OfficerDesk, citizen: { idNumber: string }, to: string) {
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/phone-code`, { phone: to })).status).toBe(201);
    const res = await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: to, phoneCode: await latestSmsCode(to) });
    expect(res.status).toBe(200);
  }

  it('an empty e-mail field (or none) keeps the stored e-mail: a form left blank does not cut the citizen off from notices', async () => {
    const officer = await invitedOfficer();
    const { me, citizen } = await level2Citizen(officer);
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone, email: 'cong.dan@example.vn' });
    expect((await accountRow(me.accountId))?.email).toBe('cong.dan@example.vn');
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone, email: '' })).status).toBe(200);
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone })).body.account?.email).toBe('cong.dan@example.vn');
    expect((await accountRow(me.accountId))?.email).toBe('cong.dan@example.vn');
  });

  it("an officer's own number without the SMS code sent to it is refused: no code, a wrong code, or a code sent to another number; the account keeps its phone", async () => {
    const officer = await invitedOfficer();
    const { me, citizen } = await level2Citizen(officer);
    const insiderPhone = randomPhone();
    const level2 = (body: Record<string, unknown>) => officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: insiderPhone, ...body });

    const noCode = await level2({});
    expect(noCode.status).toBe(400);
    expect(noCode.body.error?.code).toBe('phone_unconfirmed');
    const noneSent = await level2({ phoneCode: '123456' });
    expect(noneSent.body.error?.code).toBe('code_invalid');

    // A code to the insider's number, but not the one that arrived.
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/phone-code`, { phone: insiderPhone })).status).toBe(201);
    const real = await latestSmsCode(insiderPhone);
    expect((await level2({ phoneCode: real === '000000' ? '111111' : '000000' })).body.error?.code).toBe('code_invalid');

    // A code sent to a number the officer does hold, typed for another number.
    const heldPhone = randomPhone();
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/phone-code`, { phone: heldPhone });
    const crossed = await level2({ phoneCode: await latestSmsCode(heldPhone) });
    expect(crossed.body.error?.code).toBe('phone_unconfirmed');

    // A code another officer had sent to that number is not this officer's either.
    const colleague = await invitedOfficer();
    await colleague.call(`/api/officer/citizens/${citizen.idNumber}/phone-code`, { phone: insiderPhone });
    expect((await level2({ phoneCode: await latestSmsCode(insiderPhone) })).body.error?.code).toBe('phone_unconfirmed');

    expect(await accountRow(me.accountId)).toMatchObject({ phone: citizen.phone, phone_officer_id: null });
    // The message that carried the code says it is read out at the desk only.
    expect((await smsTo(insiderPhone)).at(-1)).toMatch(/tai tru so Cong an/);
  });

  it("the desk's new number cancels open device changes: a SIM swapper's waiting request does not complete", async () => {
    const officer = await invitedOfficer();
    const { me, citizen } = await registeredPhone();
    await giveValidCard(citizen.idNumber);
    const swapper = await TestPhone.create();
    const opened = await openDeviceChange(swapper, citizen, 'Swapper');
    expect((await api<DeviceChangeStatus>('/api/device-change/wait', { body: { requestId: opened.requestId } })).body.state).toBe('waiting');
    await recordNewPhone(officer, citizen, randomPhone());
    await (await shardDb(opened.requestId)).prepare('UPDATE device_changes SET ready_at = ? WHERE id = ?').bind(Date.now() - 1, opened.requestId).run();
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('cancelled');
    expect((await finishOnNewPhone(swapper, opened.requestId)).body.error?.code).toBe('request_invalid');
    expect(await auditActions(me.accountId)).toContain('officer.level2');
  });

  it('four eyes: the officer who changed the phone cannot approve a device change for 30 days (another officer must); after that, can', async () => {
    const insider = await invitedOfficer();
    const { me, citizen } = await level2Citizen(insider);
    const insiderPhone = randomPhone();
    await recordNewPhone(insider, citizen, insiderPhone);
    expect((await accountRow(me.accountId))?.phone_officer_id).toBe(insider.me.officerId);

    // The SMS code of the device change now goes to the number the insider recorded.
    const opened = await openDeviceChange(await TestPhone.create(), { ...citizen, phone: insiderPhone });
    const path = `/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`;
    const refused = await insider.call(path, { code: opened.approvalCode, cardChecked: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('second_officer_required');
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('pending');
    expect(await (await shardDb(me.accountId)).prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'device.change.approved' AND subject = ?").bind(me.accountId).first('n')).toBe(0);

    const second = await invitedOfficer();
    expect((await second.call(path, { code: opened.approvalCode, cardChecked: true })).status).toBe(200);

    // Thirty days on, the same officer may approve again.
    await (await shardDb(me.accountId)).prepare('UPDATE accounts SET phone_officer_at = ? WHERE id = ?').bind(Date.now() - 30 * 24 * 60 * 60_000 - 1000, me.accountId).run();
    const later = await openDeviceChange(await TestPhone.create(), { ...citizen, phone: insiderPhone });
    expect((await insider.call(`/api/officer/citizens/${citizen.idNumber}/device-changes/${later.requestId}/approve`, { code: later.approvalCode, cardChecked: true })).status).toBe(200);
  });

  it("four eyes ends when the citizen changes the number: the officer who recorded the old one may approve again", async () => {
    const insider = await invitedOfficer();
    const { phone, me, citizen } = await level2Citizen(insider);
    await recordNewPhone(insider, citizen, randomPhone());
    const own = randomPhone();
    const proof = await stepUp(phone, '/api/phone/options', 'change-phone', phone.cookie);
    const start = await api<{ requestId: string }>('/api/phone/start', { body: { phone: own, ...proof }, cookie: phone.cookie });
    expect((await api('/api/phone/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(own) }, cookie: phone.cookie })).status).toBe(200);
    expect((await accountRow(me.accountId))?.phone_officer_id).toBeNull();
    const opened = await openDeviceChange(await TestPhone.create(), { ...citizen, phone: own });
    expect((await insider.call(`/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`, { code: opened.approvalCode, cardChecked: true })).status).toBe(200);
  });
});
