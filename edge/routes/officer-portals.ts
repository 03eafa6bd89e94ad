/**
 * The officer console's portal registry (`/api/officer/portals`): supervisors list, register,
 * update, disable, enable and rotate the secret of the OpenID Connect clients. The officer
 * session guards every route (CSRF is the app-wide /api guard); the role is the domain's check.
 */
import * as v from 'valibot';
import { PortalClientId, PortalListQuery, PortalRegisterRequest, PortalUpdateRequest, type PortalListResponse, type PortalSecretResponse, type PortalSummary } from '../../shared/portals';
import { AppError } from '../domain/errors';
import { listPortals, registerPortal, rotatePortalSecret, setPortalStatus, updatePortal } from '../domain/portals';
import { createRouter, depsFor, type AppContext } from '../http/app';
import { requireOfficer } from '../http/officer-session';
import { readJson, readQuery } from '../http/validate';

const officerOf = (c: AppContext) => c.get('officer')!.officer;

function clientIdOf(c: AppContext): string {
  const r = v.safeParse(PortalClientId, c.req.param('clientId'));
  if (!r.success) throw new AppError('not_found', 'No portal is registered with this client id.');
  return r.output;
}

export const officerPortals = createRouter()
  .use('*', requireOfficer)
  .get('/', async (c) => {
    const query = readQuery(c, PortalListQuery);
    const result: PortalListResponse = await listPortals(depsFor(c), officerOf(c), query);
    return c.json(result);
  })
  .post('/', async (c) => {
    const input = await readJson(c, PortalRegisterRequest);
    const result: PortalSecretResponse = await registerPortal(depsFor(c), officerOf(c), input);
    return c.json(result, 201);
  })
  .post('/:clientId', async (c) => {
    const clientId = clientIdOf(c);
    const input = await readJson(c, PortalUpdateRequest);
    const result: PortalSecretResponse = await updatePortal(depsFor(c), officerOf(c), clientId, input);
    return c.json(result);
  })
  .post('/:clientId/disable', async (c) => {
    const result: PortalSummary = await setPortalStatus(depsFor(c), officerOf(c), clientIdOf(c), 'disabled');
    return c.json(result);
  })
  .post('/:clientId/enable', async (c) => {
    const result: PortalSummary = await setPortalStatus(depsFor(c), officerOf(c), clientIdOf(c), 'active');
    return c.json(result);
  })
  .post('/:clientId/rotate-secret', async (c) => {
    const result: PortalSecretResponse = await rotatePortalSecret(depsFor(c), officerOf(c), clientIdOf(c));
    return c.json(result);
  });
