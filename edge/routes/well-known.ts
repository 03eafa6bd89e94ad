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
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('Access-Control-Allow-Origin', '*');
    return c.json(await issuerTrustList(deps.config, deps.now));
  })
  .get('/vneid/status-list', async (c) => {
    const deps = depsFor(c);
    const url = new URL(c.req.url);
    const { bytes, builtAt } = await currentStatusList(deps, `${url.origin}${url.pathname}`);
    c.header('Content-Type', 'application/statuslist+cwt');
    c.header('Cache-Control', `public, max-age=${Math.max(0, STATUS_LIST_TTL_S - Math.floor((deps.now - builtAt) / 1000))}`);
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(bytes);
  });
