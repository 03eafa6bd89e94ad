/**
 * The status list is fetched by every verifier, and the rows it is built from (every revoked or
 * suspended document) grow with each re-issue: serving it must not read them per request. The
 * manifest costs one round trip; a cached part costs one small read (the allocation counter and
 * its version); a status change makes the next request rebuild that part, reading its own rows
 * (documents live on the account shards: that part's range on each of them).
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getStatus, parseTrustList, statusPartOf, verifyStatusList } from '../../shared/credential';
import { API } from '../../shared/paths';
import { app } from '../../edge/index';
import { registeredPhone, wallet } from './helpers/accounts';
import { countingDb } from './helpers/counting-db';
import { api, ORIGIN } from './helpers/phone';

const NON_VALID_ROWS = /FROM documents WHERE status <> 0 AND status_index >= \? AND status_index < \?/;

describe('status list parts: database reads per request', () => {
  it('the manifest is one round trip; a cached part one read; after a status change the next request rebuilds that part from its own rows', async () => {
    const { phone } = await registeredPhone();
    const doc = (await wallet(phone)).body.documents[0]!;
    const { part, offset } = statusPartOf(doc.statusIndex);
    // Every database counts: the main one (counter, versions) and both shards (documents).
    const [db, s0, s1] = [countingDb(env.DB), countingDb(env.SHARD_0), countingDb(env.SHARD_1)];
    const main = { trips: () => db.trips() + s0.trips() + s1.trips(), reset: () => [db, s0, s1].forEach((c) => c.reset()), sql: () => [...db.sql(), ...s0.sql(), ...s1.sql()] };
    const countedEnv = { ...env, DB: db.db, SHARD_0: s0.db, SHARD_1: s1.db };
    const trust = (await parseTrustList(await (await app.request(`${ORIGIN}${API.trustList}`, {}, env)).json()))!;
    const fetchPart = async () => {
      const res = await app.request(`${ORIGIN}${API.statusListPart(part)}`, {}, countedEnv);
      expect(res.status).toBe(200);
      const verified = await verifyStatusList(new Uint8Array(await res.arrayBuffer()), trust, Date.now());
      if (!verified.ok) throw new Error(verified.error);
      return verified.list;
    };

    main.reset();
    expect((await app.request(`${ORIGIN}${API.statusLists}`, {}, countedEnv)).status).toBe(200);
    expect(main.trips()).toBe(1);

    await fetchPart();
    main.reset();
    await fetchPart();
    expect(main.trips()).toBe(1);
    expect(main.sql().some((sql) => NON_VALID_ROWS.test(sql))).toBe(false);

    // A lock suspends the account's documents and bumps their part's version.
    expect((await api('/api/lock', { body: {}, cookie: phone.cookie })).status).toBe(204);
    main.reset();
    const list = await fetchPart();
    // The version, then the part's non-valid rows on each of the 2 shards.
    expect(main.trips()).toBe(1 + 2);
    expect(main.sql().filter((sql) => NON_VALID_ROWS.test(sql))).toHaveLength(2);
    expect(getStatus(list, offset)).toBe(2);
  });
});
