/**
 * Issuance into the wallet, end to end inside workerd + D1: sync with device-key proof,
 * credentials bound to the device, the published trust list and status list, and a
 * presentation made from an issued credential verified offline by the shared verifier.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { WalletDocument, WalletSyncResponse } from '../../shared/api';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { createPresentation, decodeCredential, parseTrustList, verifyPresentation } from '../../shared/credential';
import { DEMO_CITIZENS, syntheticPreviousIdCards } from '../../edge/registries/synthetic';
import { api, freshCitizen, ORIGIN, TestPhone } from './helpers/phone';
import { fetchStatusLists, fetchTrustList } from './helpers/status';
import { registryDb } from './helpers/registry';
import { shardDb } from './helpers/shards';

async function sync(phone: TestPhone) {
  const { body } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
  return api<WalletSyncResponse>('/api/wallet/sync', { body: { challenge: body.challenge, signature: await phone.sign('issue', body.challenge) }, cookie: phone.cookie });
}

async function verifierState(now = Date.now()) {
  const trust = await fetchTrustList();
  const { lists, responses } = await fetchStatusLists(trust, { now });
  return { trust, status: lists, headers: responses[0]!.headers };
}

async function present(phone: TestPhone, doc: WalletDocument, view: 'full' | 'basic' | 'age_over_18' = 'full', now = Date.now()) {
  return createPresentation({ credential: fromBase64Url(doc.credentials[view]!)!, devicePrivateKey: phone.device.privateKey, now });
}

async function setLevel(accountId: string, level: 1 | 2) {
  await (await shardDb(accountId)).prepare('UPDATE accounts SET level = ? WHERE id = ?').bind(level, accountId).run();
}

/**
 * Nguyễn Văn An (the demo father of Nguyễn Gia Bảo) registered once, at level 2 with a driving
 * licence attached: D1 persists across the tests of a file, and an ID number registers once.
 */
let an: Promise<{ phone: TestPhone; accountId: string }> | null = null;
function anAtLevel2() {
  an ??= (async () => {
    const phone = await TestPhone.create();
    const me = await phone.register(DEMO_CITIZENS[0]!);
    await setLevel(me.accountId, 2);
    await (await shardDb(me.accountId)).prepare("INSERT INTO attachments (account_id, doc_type, attached_by, attached_at) VALUES (?, 'driving_licence', 'officer:test', ?)")
      .bind(me.accountId, Date.now())
      .run();
    return { phone, accountId: me.accountId };
  })();
  return an;
}

describe('wallet issuance', () => {
  it('issues the level-1 personal-information document in three views, bound to the device key', async () => {
    const citizen = await freshCitizen();
    const phone = await TestPhone.create();
    await phone.register(citizen);
    const res = await sync(phone);
    expect(res.status).toBe(200);
    expect(res.body.documents.map((d) => d.docType)).toEqual(['personal_information']);
    const doc = res.body.documents[0]!;
    expect(Object.keys(doc.credentials).sort()).toEqual(['age_over_18', 'basic', 'full']);
    const decoded = decodeCredential(fromBase64Url(doc.credentials.full!)!);
    expect(decoded).toMatchObject({ docType: 'personal_information', view: 'full', statusIndex: doc.statusIndex });
    expect(toBase64Url(decoded!.holderPublicKey)).toBe(toBase64Url(phone.devicePublicKey));
    expect(decoded!.data).toMatchObject({ idNumber: citizen.idNumber, fullName: citizen.fullName, birthDate: citizen.birthDate });

    const { trust, status } = await verifierState();
    const result = await verifyPresentation(await present(phone, doc, 'basic'), { trust, status, now: Date.now() });
    expect(result.verdict).toBe('valid');
    expect(result.verdict === 'valid' && result.claims).toEqual({
      idNumber: citizen.idNumber,
      fullName: citizen.fullName,
      birthDate: citizen.birthDate,
      sex: citizen.sex === 'F' ? 'female' : 'male',
    });
  });

  it('keeps unchanged documents on a second sync, and re-issues when the level changes (old version revoked)', async () => {
    // A citizen whose chip card is still valid: an expired card gives personal information instead.
    const citizen = await freshCitizen((c) => c.cardExpires > new Date().toISOString().slice(0, 10));
    const phone = await TestPhone.create();
    const me = await phone.register(citizen);
    const first = (await sync(phone)).body.documents;
    const again = (await sync(phone)).body.documents;
    expect(again.map((d) => d.id)).toEqual(first.map((d) => d.id));

    await setLevel(me.accountId, 2);
    const level2 = (await sync(phone)).body.documents;
    expect(level2.map((d) => d.docType).sort()).toEqual(['eid_card', 'residence']);
    const card = level2.find((d) => d.docType === 'eid_card')!;
    expect(decodeCredential(fromBase64Url(card.credentials.full!)!)!.data).toMatchObject({ issueDate: citizen.cardIssued, ethnicity: citizen.ethnicity });

    // The level-1 document is revoked: a verifier with a fresh status list says so.
    const { trust, status } = await verifierState();
    const old = await verifyPresentation(await present(phone, first[0]!), { trust, status, now: Date.now() });
    expect(old.verdict).toBe('revoked');
    expect((await verifyPresentation(await present(phone, card), { trust, status, now: Date.now() })).verdict).toBe('valid');
  });

  it('re-issues a document when its registry data changes (a new address): a new version, the old one revoked', async () => {
    const citizen = await freshCitizen();
    const phone = await TestPhone.create();
    await phone.register(citizen);
    const first = (await sync(phone)).body.documents[0]!;
    expect(decodeCredential(fromBase64Url(first.credentials.full!)!)!.data).toMatchObject({ permanentAddress: citizen.address });
    const before = await present(phone, first);

    // The population registry records a move, on the shard that holds the citizen.
    const moved = 'Số 8 Ngõ 45 Phố Huế, Phường Phạm Đình Hổ, Quận Hai Bà Trưng, Hà Nội';
    const changed = await registryDb(citizen.idNumber).prepare('UPDATE registry_citizens SET address = ? WHERE id_number = ?').bind(moved, citizen.idNumber).run();
    expect(changed.meta.changes).toBe(1);

    const next = (await sync(phone)).body.documents;
    expect(next).toHaveLength(1);
    const reissued = next[0]!;
    expect(reissued.id).not.toBe(first.id);
    expect(reissued.statusIndex).not.toBe(first.statusIndex);
    for (const view of ['full', 'basic', 'age_over_18'] as const) {
      expect(reissued.credentials[view]).toBeDefined();
      expect(decodeCredential(fromBase64Url(reissued.credentials[view]!)!)!.statusIndex).toBe(reissued.statusIndex);
    }
    expect(decodeCredential(fromBase64Url(reissued.credentials.full!)!)!.data).toMatchObject({ permanentAddress: moved });

    // A verifier with a fresh status list: the old version (every view) is revoked, the new one valid.
    const { trust, status } = await verifierState();
    expect((await verifyPresentation(before, { trust, status, now: Date.now() })).verdict).toBe('revoked');
    expect((await verifyPresentation(await present(phone, first, 'basic'), { trust, status, now: Date.now() })).verdict).toBe('revoked');
    const after = await verifyPresentation(await present(phone, reissued), { trust, status, now: Date.now() });
    expect(after.verdict).toBe('valid');
    expect(after.verdict === 'valid' && after.claims).toMatchObject({ permanentAddress: moved });
    // Nothing else changed: the next sync keeps the new version.
    expect((await sync(phone)).body.documents.map((d) => d.id)).toEqual([reissued.id]);
  });

  it('issues a parent the dependant document of a child under 14, and attached documents after an officer attaches them', async () => {
    const an = DEMO_CITIZENS[0]!;
    const { phone } = await anAtLevel2();
    const docs = (await sync(phone)).body.documents;
    expect(docs.map((d) => `${d.docType}:${d.subject}`).sort()).toEqual([
      'dependant:001216008888',
      'driving_licence:001090012345',
      'eid_card:001090012345',
      'residence:001090012345',
    ]);
    const child = decodeCredential(fromBase64Url(docs.find((d) => d.docType === 'dependant')!.credentials.basic!)!)!;
    expect(child.data).toMatchObject({ fullName: 'Nguyễn Gia Bảo', idNumber: '001216008888' });
    const licence = decodeCredential(fromBase64Url(docs.find((d) => d.docType === 'driving_licence')!.credentials.full!)!)!;
    expect(licence.data).toMatchObject({ fullName: an.fullName, classes: expect.arrayContaining(['A1']) });
    // The residence document lists the child as a household member.
    const residence = decodeCredential(fromBase64Url(docs.find((d) => d.docType === 'residence')!.credentials.full!)!)!;
    expect(residence.data).toMatchObject({ relationToHead: 'head', members: [expect.objectContaining({ fullName: 'Nguyễn Gia Bảo', relation: 'child' })] });
    // The registry's word ("Cha") travels as a code, which each language renders.
    const childFull = decodeCredential(fromBase64Url(docs.find((d) => d.docType === 'dependant')!.credentials.full!)!)!;
    expect(childFull.data).toMatchObject({ holderRelation: 'father' });
  });

  it('issues Nguyễn Văn An\'s e-ID card with exactly the earlier ID cards the registry holds for him: his CMND, then the CCCD his chip card replaced', async () => {
    const { phone } = await anAtLevel2();
    const history = [
      { number: '013125697', kind: 'CMND', issueDate: '2006-08-15' },
      { number: '001090012345', kind: 'CCCD', issueDate: '2017-09-15' },
    ];
    // The registry shard holds these rows; the issuer reads them through the registry adapter.
    const { results } = await registryDb('001090012345')
      .prepare('SELECT card_number AS number, kind, issue_date AS issueDate FROM registry_id_cards WHERE id_number = ? ORDER BY seq')
      .bind('001090012345')
      .all();
    expect(results).toEqual(history);
    const card = (await sync(phone)).body.documents.find((d) => d.docType === 'eid_card')!;
    expect(decodeCredential(fromBase64Url(card.credentials.full!)!)!.data).toMatchObject({ previousIds: history });
    // Only the full view carries them: basic shares ID number, name, date of birth and sex.
    expect(decodeCredential(fromBase64Url(card.credentials.basic!)!)!.data).not.toHaveProperty('previousIds');
    const { trust, status } = await verifierState();
    const shown = await verifyPresentation(await present(phone, card, 'full'), { trust, status, now: Date.now() });
    expect(shown.verdict).toBe('valid');
    expect(shown.verdict === 'valid' && (shown.claims as { previousIds?: unknown }).previousIds).toEqual(history);
  });

  it('any citizen\'s e-ID card lists what the registry holds: a CMND and an earlier CCCD for one, nothing for one who had no earlier card', async () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const kinds of [['CMND', 'CCCD'], []]) {
      const citizen = await freshCitizen((c) => c.cardExpires > today && syntheticPreviousIdCards(c).map((k) => k.kind).join() === kinds.join());
      const { results } = await registryDb(citizen.idNumber)
        .prepare('SELECT card_number AS number, kind, issue_date AS issueDate FROM registry_id_cards WHERE id_number = ? ORDER BY seq')
        .bind(citizen.idNumber)
        .all();
      expect(results.map((r) => r.kind)).toEqual(kinds);
      const phone = await TestPhone.create();
      const me = await phone.register(citizen);
      await setLevel(me.accountId, 2);
      const card = (await sync(phone)).body.documents.find((d) => d.docType === 'eid_card')!;
      expect((decodeCredential(fromBase64Url(card.credentials.full!)!)!.data as { previousIds?: unknown[] }).previousIds ?? []).toEqual(results);
    }
  });

  it('a parent presents the child\'s dependant document (basic view) with the parent\'s own device key: valid, with the child\'s claims; the same credential shown with another phone\'s key is refused', async () => {
    const { phone } = await anAtLevel2();
    const bao = DEMO_CITIZENS[4]!;
    const dependant = (await sync(phone)).body.documents.find((d) => d.docType === 'dependant')!;
    expect(dependant.subject).toBe(bao.idNumber);
    const { trust, status } = await verifierState();
    const result = await verifyPresentation(await present(phone, dependant, 'basic'), { trust, status, now: Date.now() });
    expect(result.verdict).toBe('valid');
    if (result.verdict !== 'valid') return;
    expect(result.docType).toBe('dependant');
    expect(result.view).toBe('basic');
    expect(result.claims).toEqual({ idNumber: bao.idNumber, fullName: bao.fullName, birthDate: bao.birthDate, sex: 'male' });
    // Bound to the parent's phone: the child has no device of its own.
    expect(toBase64Url(result.holderPublicKey)).toBe(toBase64Url(phone.devicePublicKey));

    // Attack: the credential taken from that QR, presented from another phone (its own device key).
    const other = await TestPhone.create();
    const copied = await createPresentation({ credential: fromBase64Url(dependant.credentials.basic!)!, devicePrivateKey: other.device.privateKey, now: Date.now() });
    expect((await verifyPresentation(copied, { trust, status, now: Date.now() })).verdict).toBe('tampered');
  });

  it('suspends documents in the published status list (verifier sees "suspended")', async () => {
    const phone = await TestPhone.create();
    const me = await phone.register(await freshCitizen());
    const doc = (await sync(phone)).body.documents[0]!;
    // The rows on the account's shard, then their parts' versions in the main database (as publishStatusChanges does).
    const shard = await shardDb(me.accountId);
    const { results: parts } = await shard.prepare('SELECT DISTINCT status_index >> 20 AS part FROM documents WHERE account_id = ?').bind(me.accountId).all<{ part: number }>();
    await shard.prepare('UPDATE documents SET status = 2 WHERE account_id = ?').bind(me.accountId).run();
    await env.DB.batch(parts.map((p) => env.DB.prepare('INSERT INTO status_parts (part, version) VALUES (?, 1) ON CONFLICT (part) DO UPDATE SET version = version + 1').bind(p.part)));
    const { trust, status, headers } = await verifierState();
    expect(headers.get('content-type')).toBe('application/statuslist+cwt');
    expect(headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect((await verifyPresentation(await present(phone, doc), { trust, status, now: Date.now() })).verdict).toBe('suspended');
  });

  it('refuses issuance without a signed-in session', async () => {
    const res = await api('/api/wallet/challenge', { body: {} });
    expect(res.status).toBe(401);
  });

  it('refuses issuance without proof of the device key (another key\'s signature)', async () => {
    const phone = await TestPhone.create();
    await phone.register(await freshCitizen());
    const other = await TestPhone.create();
    const { body } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
    const res = await api('/api/wallet/sync', { body: { challenge: body.challenge, signature: await other.sign('issue', body.challenge) }, cookie: phone.cookie });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('device_proof_invalid');
  });

  it('refuses a replayed issuance challenge', async () => {
    const phone = await TestPhone.create();
    await phone.register(await freshCitizen());
    const { body } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
    const signature = await phone.sign('issue', body.challenge);
    expect((await api('/api/wallet/sync', { body: { challenge: body.challenge, signature }, cookie: phone.cookie })).status).toBe(200);
    const replay = await api('/api/wallet/sync', { body: { challenge: body.challenge, signature }, cookie: phone.cookie });
    expect(replay.body.error?.code).toBe('challenge_invalid');
  });

  it('publishes a trust list a verifier accepts, with the active key', async () => {
    const res = await SELF.fetch(`${ORIGIN}/.well-known/vneid/trust-list`);
    expect(res.headers.get('cache-control')).toMatch(/public/);
    const list = await parseTrustList(await res.json());
    expect(list?.keys).toHaveLength(1);
    expect(list?.keys[0]?.jwk).not.toHaveProperty('d');
  });
});
