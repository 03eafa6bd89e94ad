/**
 * `npm start`'s seed step registers the demo portal (edge/cli/lib.mjs seedDemoPortal) in a
 * local D1 of its own (`--persist-to` a temporary directory, migrated by wrangler), read back
 * with `wrangler d1 execute --json`: the row the worker's first-request registration would
 * make, and only when the client id is free.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, seedDemoPortal } from '../../edge/cli/lib.mjs';

const origin = 'http://localhost:8799';
const sessionSecret = randomBytes(32).toString('base64url');
let persistTo: string;

async function d1<T>(sql: string): Promise<T[]> {
  const out = await run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--json', '--command', sql], { quiet: true });
  return (JSON.parse(out.slice(out.indexOf('['))) as Array<{ results: T[] }>)[0]!.results;
}

interface Row {
  client_id: string;
  name: string;
  auth_method: string;
  secret_hash: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  scopes: string;
  sector_id: string;
  status: string;
  revoked_before: number;
}

describe('seed: the demo portal', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    persistTo = mkdtempSync(join(tmpdir(), 'vneid-seed-'));
    await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { quiet: true });
  });

  afterAll(() => {
    if (persistTo) rmSync(persistTo, { recursive: true, force: true });
  });

  it('registers it when absent: confidential, its secret derived from the session secret, callback and post-logout page on the origin', async () => {
    expect(await seedDemoPortal({ origin, sessionSecret, persistTo })).toEqual({ registered: true });
    const [row] = await d1<Row>("SELECT * FROM oidc_clients WHERE client_id = 'demo-portal'");
    // The secret the worker derives (edge/demo-portal/registration.ts), kept only as its SHA-256.
    const secret = createHmac('sha256', sessionSecret).update('vneid:demo-portal:client-secret').digest('base64url');
    expect(row).toMatchObject({
      name: 'Cổng dịch vụ công (demo)',
      auth_method: 'client_secret_basic',
      secret_hash: createHash('sha256').update(secret).digest('base64url'),
      sector_id: 'demo-portal',
      status: 'active',
      revoked_before: 0,
      scopes: 'openid profile phone vn_id_number',
    });
    expect(JSON.parse(row!.redirect_uris)).toEqual([`${origin}/portal/callback`]);
    expect(JSON.parse(row!.post_logout_redirect_uris)).toEqual([`${origin}/portal/`]);
  });

  it('only when absent: a supervisor\'s disable and rotated secret survive the next start, and no second row is made', async () => {
    await d1("UPDATE oidc_clients SET status = 'disabled', secret_hash = 'rotated', revoked_before = 5 WHERE client_id = 'demo-portal'");
    expect(await seedDemoPortal({ origin, sessionSecret: randomBytes(32).toString('base64url'), persistTo })).toEqual({ registered: false });
    const rows = await d1<Row>("SELECT * FROM oidc_clients WHERE client_id = 'demo-portal'");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'disabled', secret_hash: 'rotated', revoked_before: 5 });
  });
});
