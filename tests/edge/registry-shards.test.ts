/**
 * The registry split across two local D1 databases by ID-number prefix (wrangler.toml
 * SHARDS = "000-039=SHARD_0,040-999=SHARD_1"), in workerd: every record is on
 * exactly the shard its prefix names, registration and the household read through the router
 * for citizens of either shard, and a household that spans shards is put together.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getConfig } from '../../edge/config';
import { shardRouter } from '../../edge/http/app';
import { DEMO_CITIZENS } from '../../edge/registries/synthetic';
import { shardOf } from '../../edge/store/shards';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { insertRelations } from './helpers/registry';

const holdsIdNumber = async (db: D1Database, idNumber: string) =>
  (await db.prepare('SELECT count(*) AS n FROM registry_citizens WHERE id_number = ?').bind(idNumber).first<{ n: number }>())!.n;

describe('registry shards', () => {
  it('the worker is configured with two registry shards, and the main database holds no registry', async () => {
    expect(getConfig(env).shards.bindings).toEqual(['SHARD_0', 'SHARD_1']);
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'registry_%'").all();
    expect(results).toEqual([]);
  });

  it('every seeded citizen is on the shard its province prefix names, and on no other', async () => {
    const shards = shardRouter(env);
    const seen = { SHARD_0: 0, SHARD_1: 0 };
    for (const c of DEMO_CITIZENS) {
      const home = shardOf(shards.map, c.idNumber) as keyof typeof seen;
      expect(home).toBe(c.provinceCode < '040' ? 'SHARD_0' : 'SHARD_1');
      expect(await holdsIdNumber(env.SHARD_0, c.idNumber)).toBe(home === 'SHARD_0' ? 1 : 0);
      expect(await holdsIdNumber(env.SHARD_1, c.idNumber)).toBe(home === 'SHARD_1' ? 1 : 0);
      seen[home]++;
    }
    // The demo citizens sit on both shards (Hà Nội, Hải Phòng on one; Đà Nẵng, TP. HCM on the other).
    expect(seen.SHARD_0).toBeGreaterThan(0);
    expect(seen.SHARD_1).toBeGreaterThan(0);
    // Both databases really hold part of the registry, and together all of it once.
    const count = async (db: D1Database) => (await db.prepare('SELECT count(*) AS n FROM registry_citizens').first<{ n: number }>())!.n;
    const [n0, n1] = [await count(env.SHARD_0), await count(env.SHARD_1)];
    expect(n0).toBeGreaterThan(5);
    expect(n1).toBeGreaterThan(5);
  });

  for (const shard of ['SHARD_0', 'SHARD_1'] as const) {
    it(`a citizen whose record is on ${shard} registers through the API, and the household reads it back`, async () => {
      const shards = shardRouter(env);
      const citizen = await freshCitizen((c) => shardOf(shards.map, c.idNumber) === shard);
      expect(await holdsIdNumber(env[shard], citizen.idNumber)).toBe(1);
      const phone = await TestPhone.create();
      const me = await phone.register(citizen);
      expect(me.fullName).toBe(citizen.fullName);
      const home = await api<{ self: { idNumber: string; fullName: string } }>('/api/services/household', { cookie: phone.cookie });
      expect(home.status).toBe(200);
      expect(home.body.self).toEqual({ idNumber: citizen.idNumber, fullName: citizen.fullName });
    });
  }

  it('a household that spans shards: the holder on one, the dependants on both, in birth order', async () => {
    const shards = shardRouter(env);
    const holder = await freshCitizen((c) => shardOf(shards.map, c.idNumber) === 'SHARD_0' && c.birthDate < '1990-01-01');
    const near = await freshCitizen((c) => shardOf(shards.map, c.idNumber) === 'SHARD_0');
    const far = await freshCitizen((c) => shardOf(shards.map, c.idNumber) === 'SHARD_1');
    // Children born recently, one registered in a province on the other shard.
    const younger = { ...far, birthDate: '2019-03-04' };
    const older = { ...near, birthDate: '2015-07-08' };
    await env.SHARD_1.prepare('UPDATE registry_citizens SET birth_date = ? WHERE id_number = ?').bind(younger.birthDate, younger.idNumber).run();
    await env.SHARD_0.prepare('UPDATE registry_citizens SET birth_date = ? WHERE id_number = ?').bind(older.birthDate, older.idNumber).run();
    await insertRelations([
      { holder: holder.idNumber, dependant: younger.idNumber, relation: 'Mẹ' },
      { holder: holder.idNumber, dependant: older.idNumber, relation: 'Mẹ' },
    ]);
    // The relations are on the holder's shard only.
    const relationsOn = async (db: D1Database) =>
      (await db.prepare('SELECT count(*) AS n FROM registry_relations WHERE holder_id_number = ?').bind(holder.idNumber).first<{ n: number }>())!.n;
    expect(await relationsOn(env.SHARD_0)).toBe(2);
    expect(await relationsOn(env.SHARD_1)).toBe(0);

    const phone = await TestPhone.create();
    await phone.register(holder);
    const home = await api<{ dependants: Array<{ idNumber: string; fullName: string; birthDate: string; relation: string }> }>('/api/services/household', {
      cookie: phone.cookie,
    });
    expect(home.status).toBe(200);
    expect(home.body.dependants).toEqual([
      { idNumber: older.idNumber, fullName: older.fullName, birthDate: older.birthDate, relation: 'Mẹ' },
      { idNumber: younger.idNumber, fullName: younger.fullName, birthDate: younger.birthDate, relation: 'Mẹ' },
    ]);
  });

  it('a registry mismatch is refused the same way on either shard', async () => {
    for (const shard of ['SHARD_0', 'SHARD_1'] as const) {
      const shards = shardRouter(env);
      const citizen = await freshCitizen((c) => shardOf(shards.map, c.idNumber) === shard);
      const res = await api('/api/enrol/start', {
        body: { idNumber: citizen.idNumber, fullName: 'Nguyễn Văn Sai', birthDate: citizen.birthDate, phone: citizen.phone },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'registry_mismatch', message: 'The details do not match the national population registry.' });
    }
  });

  it('the worker refuses a shard map that leaves prefixes uncovered or names a missing database', () => {
    const base = { ...env, SESSION_SECRET: env.SESSION_SECRET };
    expect(() => getConfig({ ...base, SHARDS: '000-039=SHARD_0' })).toThrow(/SHARDS: shard map: prefixes 040000–999999 belong to no shard/);
    expect(() => getConfig({ ...base, SHARDS: '000-039=SHARD_0,040-999=SHARD_9' })).toThrow(/SHARD_9, which is not a D1 binding/);
  });
});
