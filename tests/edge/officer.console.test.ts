/**
 * The officer console in workerd + D1: bootstrap of the first supervisor, invitations,
 * passkey sign-in, level-2 enrolment in person (for an account and for a citizen without
 * one), attaching documents, lock and unlock, the audit view; each action audited.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { HistoryResponse } from '../../shared/accounts';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { createPresentation, decodeCredential, verifyPresentation } from '../../shared/credential';
import type { AuditResponse, CitizenRecord, Level2ApprovalResponse, OfficerListResponse, OfficerMe } from '../../shared/officer';
import {
  adultCitizen,
  insertBootstrapCode,
  invitedOfficer,
  mailTo,
  OfficerDesk,
  registeredPhone,
  smsTo,
  supervisor,
  useAsSupervisor,
  wallet,
} from './helpers/accounts';
import { api, latestSmsCode, TestPhone } from './helpers/phone';
import { verifierLists } from './helpers/status';
import { registryDb } from './helpers/registry';
import { shardDb } from './helpers/shards';

describe('officer accounts', () => {
  it('bootstraps the first supervisor with the one-time code, then signs in with the passkey', async () => {
    const desk = new OfficerDesk();
    const code = await insertBootstrapCode();
    const res = await desk.register(code.toLowerCase().replace(/(.{4})/g, '$1 '), { name: 'Nguyễn Thị Trưởng', unitCode: 'ca-001' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Nguyễn Thị Trưởng', role: 'supervisor', unitCode: 'CA-001' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-vneid_officer=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await desk.call<OfficerMe>('/api/officer/me')).body.role).toBe('supervisor');

    expect((await desk.call('/api/officer/auth/signout', {})).status).toBe(204);
    desk.cookie = '';
    const signIn = await desk.signIn();
    expect(signIn.status).toBe(200);
    expect((await desk.call<OfficerMe>('/api/officer/me')).body.officerId).toBe(res.body.officerId);
    const audit = await env.DB.prepare('SELECT action FROM audit_log WHERE actor = ? ORDER BY id').bind(`officer:${res.body.officerId}`).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(['officer.registered', 'officer.signin']);
    useAsSupervisor(desk);
  });

  it('a supervisor invites an officer, who registers with the code; the supervisor sees the list', async () => {
    const boss = await supervisor();
    const invite = await boss.call<{ inviteCode: string; officer: { status: string; role: string } }>('/api/officer/officers', { name: 'Phạm Văn Cán', role: 'officer', unitCode: '00070' });
    expect(invite.status).toBe(201);
    expect(invite.body.inviteCode).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(invite.body.officer).toMatchObject({ status: 'invited', role: 'officer' });
    const desk = new OfficerDesk();
    const res = await desk.register(invite.body.inviteCode);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Phạm Văn Cán', role: 'officer', unitCode: '00070' });
    const list = await boss.call<OfficerListResponse>('/api/officer/officers');
    expect(list.body.officers).toEqual(expect.arrayContaining([expect.objectContaining({ officerId: res.body.officerId, status: 'active' })]));
  });

  it('a supervisor disables an officer: the session ends and the passkey no longer signs in', async () => {
    const boss = await supervisor();
    const officer = await invitedOfficer();
    const res = await boss.call(`/api/officer/officers/${officer.me.officerId}/disable`, {});
    expect(res.status).toBe(200);
    expect((await officer.call('/api/officer/me')).status).toBe(401);
    expect((await officer.signIn()).body.error?.code).toBe('credential_unknown');
  });
});

/**
 * The documents of an account as stored (before any wallet sync), each view's credential
 * decoded: whose device key it is bound to, and whether a fresh presentation by that
 * phone verifies against the published trust and status lists.
 */
async function storedDocuments(accountId: string, phone: TestPhone) {
  const { results } = await (await shardDb(accountId)).prepare(
    'SELECT d.id, d.doc_type, d.device_key_id, c.view, c.bytes FROM documents d JOIN credentials c ON c.document_id = d.id WHERE d.account_id = ? AND d.superseded_at IS NULL ORDER BY d.doc_type, c.view',
  )
    .bind(accountId)
    .all<{ id: string; doc_type: string; device_key_id: string; view: string; bytes: ArrayBuffer }>();
  const { trust, status } = await verifierLists();
  return Promise.all(
    results.map(async (r) => {
      const bytes = new Uint8Array(r.bytes);
      const presentation = await createPresentation({ credential: bytes, devicePrivateKey: phone.device.privateKey, now: Date.now() });
      return {
        id: r.id,
        docType: r.doc_type,
        deviceKeyId: r.device_key_id,
        view: r.view,
        holder: toBase64Url(decodeCredential(bytes)!.holderPublicKey),
        verdict: (await verifyPresentation(presentation, { trust, status, now: Date.now() })).verdict,
      };
    }),
  );
}

describe('level-2 enrolment in person', () => {
  it('the approval issues the level-2 documents at once, signed and bound to the phone, before any wallet sync; the sync returns those very ones', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const { phone, me } = await registeredPhone(citizen);
    expect(await storedDocuments(me.accountId, phone)).toEqual([]); // level 1, never synced

    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone })).status).toBe(200);
    const issued = await storedDocuments(me.accountId, phone);
    expect([...new Set(issued.map((d) => d.docType))]).toEqual(expect.arrayContaining(['eid_card', 'residence']));
    expect(issued.map((d) => d.docType)).not.toContain('personal_information');
    for (const d of issued) {
      expect(d).toMatchObject({ deviceKeyId: phone.deviceKeyId, holder: toBase64Url(phone.devicePublicKey), verdict: 'valid' });
    }

    // An attachment is issued the same way, at once.
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/attach`, { docType: 'driving_licence', originalsChecked: true });
    const withLicence = await storedDocuments(me.accountId, phone);
    expect(withLicence.find((d) => d.docType === 'driving_licence')).toMatchObject({ deviceKeyId: phone.deviceKeyId, verdict: 'valid' });

    // Delivery still needs the device proof; what it delivers is what was issued (nothing re-signed).
    const synced = await wallet(phone);
    expect(synced.status).toBe(200);
    expect(synced.body.documents.map((d) => d.id).sort()).toEqual([...new Set(withLicence.map((d) => d.id))].sort());
    const other = await TestPhone.create();
    const { body: challenge } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
    const forged = await api('/api/wallet/sync', { body: { challenge: challenge.challenge, signature: await other.sign('issue', challenge.challenge) }, cookie: phone.cookie });
    expect(forged.body.error?.code).toBe('device_proof_invalid');
  });

  it('raises an existing account to level 2 with phone and e-mail; the e-ID card and an attached driving licence reach the wallet', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const { phone, me } = await registeredPhone(citizen);

    const found = await officer.call(`/api/officer/citizens/${citizen.idNumber}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      idNumber: citizen.idNumber,
      fullName: citizen.fullName,
      cardValid: true,
      account: { accountId: me.accountId, level: 1, status: 'active', activeDevices: 1 },
      attachable: expect.arrayContaining([{ docType: 'driving_licence', available: true, attached: false }]),
    });

    const approved = await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone, email: 'Citizen@Example.vn' });
    expect(approved.status).toBe(200);
    expect(approved.body.account).toMatchObject({ level: 2, email: 'citizen@example.vn' });
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(/nang len muc 2 tai 00070/);
    expect((await mailTo('citizen@example.vn')).at(-1)?.subject).toMatch(/mức 2/);

    const attached = await officer.call<CitizenRecord>(`/api/officer/citizens/${citizen.idNumber}/attach`, { docType: 'driving_licence', originalsChecked: true });
    expect(attached.status).toBe(200);
    expect(attached.body.attachable).toEqual(expect.arrayContaining([{ docType: 'driving_licence', available: true, attached: true }]));

    const docs = (await wallet(phone)).body.documents.map((d) => d.docType);
    expect(docs).toEqual(expect.arrayContaining(['eid_card', 'residence', 'driving_licence']));
    expect(docs).not.toContain('personal_information');

    const history = await api<HistoryResponse>('/api/me/history', { cookie: phone.cookie });
    expect(history.body.events.filter((e) => e.by === 'officer').map((e) => [e.action, e.unitCode])).toEqual([
      ['officer.attached', '00070'],
      ['officer.level2', '00070'],
      ['officer.viewed', '00070'],
    ]);
  });

  it('approves a citizen without an account (an activation code shown once, 7 days); the citizen activates on the phone with ID number, phone, SMS code and that code', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}`)).body).toMatchObject({ account: null });
    const approved = await officer.call<Level2ApprovalResponse>(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone, email: '' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ account: null, level2Approval: { phone: citizen.phone, email: null } });
    expect(approved.body.activation?.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(approved.body.activation!.expiresAt - Date.now()).toBeGreaterThan(7 * 24 * 60 * 60_000 - 60_000);
    expect(approved.body.level2Approval!.expiresAt).toBe(approved.body.activation!.expiresAt);
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(/Kich hoat tai khoan muc 2.*ma kich hoat/);
    // Shown once: the record read again does not carry it.
    expect(JSON.stringify((await officer.call(`/api/officer/citizens/${citizen.idNumber}`)).body)).not.toContain(approved.body.activation!.code);

    const phone = await TestPhone.create();
    const start = await api<{ enrolmentId: string; phoneMasked: string }>('/api/enrol/approved', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    expect(start.status).toBe(201);
    const code = await latestSmsCode(citizen.phone);
    const verify = await api<{ options: { challenge: string; user: { id: string } } }>('/api/enrol/approved/verify', {
      body: { enrolmentId: start.body.enrolmentId, code, activationCode: approved.body.activation!.code.toLowerCase() },
    });
    expect(verify.status).toBe(200);
    const finished = await phone.finishRegistration(start.body.enrolmentId, verify.body.options);
    expect(finished.status).toBe(201);
    expect(finished.body).toMatchObject({ level: 2, idNumber: citizen.idNumber });
    // Issued at activation, bound to the new phone's key, before the wallet asks.
    const issued = await storedDocuments(finished.body.accountId, phone);
    expect(issued.find((d) => d.docType === 'eid_card')).toMatchObject({ deviceKeyId: phone.deviceKeyId, holder: toBase64Url(phone.devicePublicKey), verdict: 'valid' });
    const synced = (await wallet(phone)).body.documents;
    expect(synced.map((d) => d.docType)).toContain('eid_card');
    expect(synced.map((d) => d.id).sort()).toEqual([...new Set(issued.map((d) => d.id))].sort());

    // What the officer did before the account existed is in the citizen's history too.
    const history = await api<HistoryResponse>('/api/me/history', { cookie: phone.cookie });
    expect(history.body.events.map((e) => [e.action, e.by, e.unitCode ?? null])).toEqual([
      ['account.activated', 'you', null],
      ['enrol.approved', 'system', null],
      ['officer.viewed', 'officer', '00070'],
      ['officer.level2', 'officer', '00070'],
      ['officer.viewed', 'officer', '00070'],
    ]);

    const after = await officer.call(`/api/officer/citizens/${citizen.idNumber}`);
    expect(after.body).toMatchObject({ account: { level: 2 }, level2Approval: null });
    // The approval is used: a second activation gets nothing.
    const again = await api<{ enrolmentId: string }>('/api/enrol/approved', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    expect(again.status).toBe(201);
    const reused = await api('/api/enrol/approved/verify', {
      body: { enrolmentId: again.body.enrolmentId, code: await latestSmsCode(citizen.phone), activationCode: approved.body.activation!.code },
    });
    expect(reused.body.error?.code).toBe('code_invalid');
  });

  it('activation without an approval gets the same answer and no SMS (it does not tell who was approved)', async () => {
    const citizen = await adultCitizen();
    const res = await api<{ enrolmentId: string; phoneMasked: string; codeExpiresAt: number }>('/api/enrol/approved', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['codeExpiresAt', 'enrolmentId', 'phoneMasked']);
    expect(await smsTo(citizen.phone)).toEqual([]);
    expect((await api('/api/enrol/approved/verify', { body: { enrolmentId: res.body.enrolmentId, code: '123456', activationCode: 'K7M2-9XQD' } })).body.error?.code).toBe('code_invalid');
  });
});

describe('lock and unlock by an officer, and the audit view', () => {
  it('locks (sessions end, sign-in refused) and unlocks after checking the card', async () => {
    const officer = await invitedOfficer();
    const { phone, me, citizen } = await registeredPhone();
    const locked = await officer.call(`/api/officer/citizens/${citizen.idNumber}/lock`, { reason: 'Mất điện thoại, công dân trình báo' });
    expect(locked.body.account?.status).toBe('locked');
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);
    expect((await phone.signIn()).body.error?.code).toBe('account_locked');

    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/unlock`, {})).body.error?.code).toBe('validation_failed');
    const unlocked = await officer.call(`/api/officer/citizens/${citizen.idNumber}/unlock`, { cardChecked: true });
    expect(unlocked.body.account?.status).toBe('active');
    expect((await phone.signIn()).status).toBe(200);

    const boss = await supervisor();
    const audit = await boss.call<AuditResponse>(`/api/officer/audit?officerId=${officer.me.officerId}`);
    expect(audit.status).toBe(200);
    expect(audit.body.events.map((e) => [e.action, e.subject])).toEqual(
      expect.arrayContaining([
        ['account.locked', me.accountId],
        ['account.unlocked', me.accountId],
      ]),
    );
    expect(audit.body.events.every((e) => e.actor === `officer:${officer.me.officerId}`)).toBe(true);
    const all = await boss.call<AuditResponse>('/api/officer/audit');
    expect(all.body.events.length).toBeGreaterThan(0);
    const unlock = audit.body.events.find((e) => e.action === 'account.unlocked');
    expect(unlock?.detail).toMatchObject({ unit: '00070', cardChecked: true });
  });

  it('a citizen sees the officer lock in their history, by unit', async () => {
    const officer = await invitedOfficer();
    const { phone, citizen } = await registeredPhone();
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/lock`, {});
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/unlock`, { cardChecked: true });
    expect((await phone.signIn()).status).toBe(200);
    const history = await api<HistoryResponse>('/api/me/history', { cookie: phone.cookie });
    expect(history.body.events.slice(0, 3).map((e) => [e.action, e.by, e.unitCode ?? null])).toEqual([
      ['signin', 'you', null],
      ['account.unlocked', 'officer', '00070'],
      ['account.locked', 'officer', '00070'],
    ]);
  });
});

describe('refusals at the desk', () => {
  it('level 2 needs a card in force and the card-check box; attaching needs level 2 and the originals box', async () => {
    const officer = await invitedOfficer();
    const { citizen } = await registeredPhone();
    await registryDb(citizen.idNumber).prepare("UPDATE registry_citizens SET card_expires = '2020-01-01' WHERE id_number = ?").bind(citizen.idNumber).run();
    const expired = await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone });
    expect(expired.status).toBe(409);
    expect(expired.body.error?.code).toBe('card_expired');
    await registryDb(citizen.idNumber).prepare("UPDATE registry_citizens SET card_expires = '2040-01-01' WHERE id_number = ?").bind(citizen.idNumber).run();
    const unchecked = await officer.call(`/api/officer/citizens/${citizen.idNumber}/level2`, { phone: citizen.phone });
    expect(unchecked.body.error?.code).toBe('validation_failed');
    const level1Attach = await officer.call(`/api/officer/citizens/${citizen.idNumber}/attach`, { docType: 'health_insurance', originalsChecked: true });
    expect(level1Attach.body.error?.code).toBe('forbidden');
    const noOriginals = await officer.call(`/api/officer/citizens/${citizen.idNumber}/attach`, { docType: 'health_insurance' });
    expect(noOriginals.body.error?.code).toBe('validation_failed');
    const unknown = await officer.call('/api/officer/citizens/999999999999');
    expect(unknown.status).toBe(404);
  });
});
