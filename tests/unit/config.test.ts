/**
 * The worker's configuration is refused at start-up (the first request) when it would weaken
 * a protection: here, a device-change waiting period shorter than a day in production.
 */
import { describe, expect, it } from 'vitest';
import { getConfig } from '../../edge/config';
import type { Env } from '../../edge/env';
import { newIssuerKey } from '../../edge/cli/lib.mjs';

async function env(vars: Record<string, string>): Promise<Env> {
  return {
    SESSION_SECRET: 'x'.repeat(32),
    ISSUER_KEYS: JSON.stringify([await newIssuerKey(Date.now() - 60_000)]),
    OIDC_SIGNING_KEYS: JSON.stringify([{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1' }]),
    OIDC_PAIRWISE_SECRET: 'p'.repeat(32),
    SHARD_KEY_SECRET: 's'.repeat(32),
    SHARDS: '0-9=SHARD_0',
    SHARD_0: { prepare: () => undefined }, // a D1 binding as far as the shard map checks
    ...vars,
  } as unknown as Env;
}

describe('DEVICE_CHANGE_WAIT_HOURS', () => {
  it('below 24 with ENVIRONMENT=production: refused at start-up, naming the setting', async () => {
    for (const hours of ['0', '1', '23', '23.5']) {
      const e = await env({ ENVIRONMENT: 'production', DEVICE_CHANGE_WAIT_HOURS: hours });
      expect(() => getConfig(e), hours).toThrow(/DEVICE_CHANGE_WAIT_HOURS: at least 24 with ENVIRONMENT=production/);
    }
  });

  it('24 or more in production, and any value from 0 in development or tests, are accepted', async () => {
    expect(getConfig(await env({ ENVIRONMENT: 'production' })).deviceChangeWaitHours).toBe(24); // the default
    expect(getConfig(await env({ ENVIRONMENT: 'production', DEVICE_CHANGE_WAIT_HOURS: '48' })).deviceChangeWaitHours).toBe(48);
    expect(getConfig(await env({ ENVIRONMENT: 'development', DEVICE_CHANGE_WAIT_HOURS: '0' })).deviceChangeWaitHours).toBe(0);
    expect(getConfig(await env({ ENVIRONMENT: 'test', DEVICE_CHANGE_WAIT_HOURS: '1' })).deviceChangeWaitHours).toBe(1);
  });
});
