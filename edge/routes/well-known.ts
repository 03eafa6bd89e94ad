/**
 * What verifiers download to work offline: the issuer trust list (public keys with their
 * validity windows) and the signed status list, in parts listed by a manifest. Public,
 * cacheable, no cookies.
 */
import { API } from '../../shared/paths';
import { issuerTrustList } from '../domain/issuer';
import { AppError } from '../domain/errors';
import { currentStatusPart, STATUS_LIST_TTL_S, statusListManifest } from '../domain/status-list';
import { createRouter, depsFor } from '../http/app';

/** A part number as its URL writes it: a uint without leading zeros (one URL per part, its `sub`). */
const PART = /^(0|[1-9][0-9]{0,14})$/;

export const wellKnown = createRouter()
  .get('/vneid/trust-list', async (c) => {
    const deps = depsFor(c);
    // Short: a key the operator marks compromised must leave caches (and CDNs) within minutes.
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Access-Control-Allow-Origin', '*');
    return c.json(await issuerTrustList(deps.config, deps.now));
  })
  .get('/vneid/status-lists', async (c) => {
    const deps = depsFor(c);
    // Parts name themselves by the configured issuer, never by the Host header a request carried.
    const manifest = await statusListManifest(deps, (part) => `${deps.config.issuer}${API.statusListPart(part)}`);
    // Short: it is how a verifier learns that a part changed; its updatedAt says how old a cached copy is.
    c.header('Cache-Control', 'public, max-age=60');
    c.header('Access-Control-Allow-Origin', '*');
    return c.json(manifest);
  })
  .get('/vneid/status-list/:part', async (c) => {
    const deps = depsFor(c);
    const param = c.req.param('part');
    const part = PART.test(param) ? Number(param) : null;
    const built = part === null ? null : await currentStatusPart(deps, part, `${deps.config.issuer}${API.statusListPart(part)}`);
    if (!built) throw new AppError('not_found', 'No such status list part.');
    c.header('Content-Type', 'application/statuslist+cwt');
    c.header('Cache-Control', `public, max-age=${Math.max(0, STATUS_LIST_TTL_S - Math.floor((deps.now - built.builtAt) / 1000))}`);
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(built.bytes);
  });
