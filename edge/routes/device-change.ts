/**
 * Device change. On the new phone (not signed in): start → verify (SMS code) → status / wait
 * → options → finish. On the old phone (signed in): lookup (the short code) → approve
 * (fresh passkey + device key), or cancel.
 */
import {
  DeviceChangeApproveRequest,
  DeviceChangeFinishRequest,
  DeviceChangeLookupRequest,
  DeviceChangeStartRequest,
  DeviceChangeVerifyRequest,
  RequestRef,
  type CodeSentResponse,
  type DeviceChangeLookupResponse,
  type DeviceChangeOptionsResponse,
  type DeviceChangeRequestView,
  type DeviceChangeStatus,
  type DeviceChangeVerifyResponse,
} from '../../shared/accounts';
import type { Me } from '../../shared/api';
import { describeAccount } from '../domain/accounts';
import {
  approveDeviceChange,
  cancelDeviceChange,
  createDeviceChangeOptions,
  deviceChangeStatus,
  finishDeviceChange,
  lookUpDeviceChange,
  startDeviceChange,
  startWaitingPeriod,
  verifyDeviceChange,
} from '../domain/device-change';
import { createSession } from '../domain/sessions';
import { clientKey, createRouter, depsFor } from '../http/app';
import { servicesDepsFor } from '../http/services-deps';
import { requireSession, setSessionCookie } from '../http/session';
import { readJson } from '../http/validate';
import { limitSmsChecks } from '../http/sms-checks';

export const deviceChange = createRouter()
  .post('/start', async (c) => {
    const input = await readJson(c, DeviceChangeStartRequest);
    const result: CodeSentResponse = await startDeviceChange(depsFor(c), input, clientKey(c));
    return c.json(result, 201);
  })
  .post('/verify', limitSmsChecks, async (c) => {
    const input = await readJson(c, DeviceChangeVerifyRequest);
    const result: DeviceChangeVerifyResponse = await verifyDeviceChange(servicesDepsFor(c), input);
    return c.json(result);
  })
  .post('/status', async (c) => {
    const { requestId } = await readJson(c, RequestRef);
    const result: DeviceChangeStatus = await deviceChangeStatus(depsFor(c), requestId);
    return c.json(result);
  })
  .post('/wait', async (c) => {
    const { requestId } = await readJson(c, RequestRef);
    const result: DeviceChangeStatus = await startWaitingPeriod(servicesDepsFor(c), requestId);
    return c.json(result);
  })
  .post('/options', async (c) => {
    const { requestId } = await readJson(c, RequestRef);
    const result: DeviceChangeOptionsResponse = { options: await createDeviceChangeOptions(depsFor(c), requestId) };
    return c.json(result);
  })
  .post('/finish', async (c) => {
    const input = await readJson(c, DeviceChangeFinishRequest);
    const deps = depsFor(c);
    const { account, deviceKeyId } = await finishDeviceChange(deps, input);
    // A locked account (an officer approved the change) stays locked: the phone is bound, the citizen unlocks next
    // (on this phone after a lock from the app or a computer; at the desk after an officer's lock).
    if (account.status === 'active') setSessionCookie(c, (await createSession(deps, account, deviceKeyId)).token);
    const me: Me = await describeAccount(deps, account, deviceKeyId);
    return c.json(me, 201);
  })
  .post('/lookup', requireSession, async (c) => {
    const { account, session } = c.get('session')!;
    const { code } = await readJson(c, DeviceChangeLookupRequest);
    const result: DeviceChangeLookupResponse = await lookUpDeviceChange(depsFor(c), account, session.deviceKeyId, code);
    return c.json(result);
  })
  .post('/approve', requireSession, async (c) => {
    const { account, session } = c.get('session')!;
    const input = await readJson(c, DeviceChangeApproveRequest);
    const result: DeviceChangeRequestView = await approveDeviceChange(depsFor(c), account, session.deviceKeyId, input);
    return c.json(result);
  })
  .post('/cancel', requireSession, async (c) => {
    const { account } = c.get('session')!;
    const { requestId } = await readJson(c, RequestRef);
    await cancelDeviceChange(depsFor(c), account, requestId);
    return c.body(null, 204);
  });
