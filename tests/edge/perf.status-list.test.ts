/**
 * The status list is fetched by every verifier, and the rows it is built from (every revoked or
 * suspended document) grow with each re-issue: serving it must not read them per request. A
 * cached list costs one small counter read; a status change makes the next request rebuild.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getStatus, parseTrustList, verifyStatusList } from '../../shared/credential';
import { app } from '../../edge/index';
import { registeredPhone, wallet } from './helpers/accounts';
import { countingDb } from './helpers/counting-db';
import { api, ORIGIN } from './helpers/phone';

const STATUS_LIST = `${ORIGIN}/.well-known/vneid/status-list`;
const NON_VALID_ROWS = /FROM documents WHERE status <> 0/;

describe('status list: database reads per request', () => {
  it('a cached list costs one counter read; after a status change the next request rebuilds it with the change', async () => {
    const { phone } = await registeredPhone();
    const doc = (await wallet(phone)).body.documents[0]!;
    const main = countingDb(env.DB);
    const countedEnv = { ...env, DB: main.db };
    const trust = (await parseTrustList(await (await app.request(`${ORIGIN}/.well-known/vneid/trust-list`, {}, env)).json()))!;
    const fetchList = async () => {
      const res = await app.request(STATUS_LIST, {}, countedEnv);
      expect(res.status).toBe(200);
      const verified = await verifyStatusList(new Uint8Array(await res.arrayBuffer()), trust, Date.now());
      if (!verified.ok) throw new Error(verified.error);
      return verified.list;
    };

    await fetchList();
    main.reset();
    await fetchList();
    expect(main.trips()).toBe(1);
    expect(main.sql().some((sql) => NON_VALID_ROWS.test(sql))).toBe(false);

    // A lock suspends the account's documents and bumps the list's version.
    expect((await api('/api/lock', { body: {}, cookie: phone.cookie })).status).toBe(204);
    main.reset();
    const list = await fetchList();
    expect(main.sql().some((sql) => NON_VALID_ROWS.test(sql))).toBe(true);
    expect(getStatus(list, doc.statusIndex)).toBe(2);
  });
});
