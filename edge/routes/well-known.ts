/**
 * What verifiers download to work offline: the issuer trust list (public keys with their
 * validity windows) and the signed status list. Public, cacheable, no cookies.
 */
import { issuerTrustList } from '../domain/issuer';
import { currentStatusList, STATUS_LIST_TTL_S } from '../domain/status-list';
import { createRouter, depsFor } from '../http/app';

export const wellKnown = createRouter()
  .get('/vneid/trust-list', async (c) => {
    const deps = depsFor(c);
    // Short: a key the operator marks compromised must leave caches (and CDNs) within minutes.
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Access-Control-Allow-Origin', '*');
    return c.json(await issuerTrustList(deps.config, deps.now));
  })
  .get('/vneid/status-list', async (c) => {
    const deps = depsFor(c);
    // The list names itself by the configured issuer, never by the Host header a request carried.
    const { bytes, builtAt } = await currentStatusList(deps, `${deps.config.issuer}/.well-known/vneid/status-list`);
    c.header('Content-Type', 'application/statuslist+cwt');
    c.header('Cache-Control', `public, max-age=${Math.max(0, STATUS_LIST_TTL_S - Math.floor((deps.now - builtAt) / 1000))}`);
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(bytes);
  });
