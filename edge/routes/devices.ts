/** Settings → devices: the account's devices and passkeys, open device changes, and "sign out everywhere". */
import type { DeviceListResponse } from '../../shared/accounts';
import { openDeviceChanges } from '../domain/device-change';
import { listAccountDevices } from '../domain/devices';
import { endAllSessions } from '../domain/sessions';
import { createRouter, depsFor } from '../http/app';
import { clearSessionCookie, requireSession } from '../http/session';

export const devices = createRouter()
  .use('*', requireSession)
  .get('/', async (c) => {
    const { account, session } = c.get('session')!;
    const deps = depsFor(c);
    const result: DeviceListResponse = {
      devices: await listAccountDevices(deps, account, session.deviceKeyId),
      pendingChanges: await openDeviceChanges(deps, account),
    };
    return c.json(result);
  })
  .post('/signout-all', async (c) => {
    const { account } = c.get('session')!;
    const deps = depsFor(c);
    await endAllSessions(deps, account);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
