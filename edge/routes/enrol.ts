/** Level-1 online registration: match the registry → SMS code → passkey + device key. */
import * as v from 'valibot';
import { AccountCodeStartRequest, ActivationVerifyRequest } from '../../shared/accounts';
import { EnrolFinishRequest, EnrolStartRequest, EnrolVerifyRequest, type EnrolStartResponse, type EnrolVerifyResponse, type Me } from '../../shared/api';
import { describeAccount } from '../domain/accounts';
import { finishEnrolment, renewEnrolmentOptions, startApprovedEnrolment, startEnrolment, verifyApprovedEnrolment, verifyEnrolmentPhone } from '../domain/enrolment';
import { createSession } from '../domain/sessions';
import { clientKey, createRouter, depsFor } from '../http/app';
import { setSessionCookie } from '../http/session';
import { readJson } from '../http/validate';
import { limitSmsChecks } from '../http/sms-checks';

export const enrol = createRouter()
  .post('/start', async (c) => {
    const input = await readJson(c, EnrolStartRequest);
    const result: EnrolStartResponse = await startEnrolment(depsFor(c), input, clientKey(c));
    return c.json(result, 201);
  })
  // Level 2: activate what an officer approved in person (then /verify and /finish as for level 1).
  .post('/approved', async (c) => {
    const input = await readJson(c, AccountCodeStartRequest);
    const result: EnrolStartResponse = await startApprovedEnrolment(depsFor(c), input, clientKey(c));
    return c.json(result, 201);
  })
  // Level 2, step 2: the SMS code and the activation code handed over at the desk.
  .post('/approved/verify', limitSmsChecks, async (c) => {
    const input = await readJson(c, ActivationVerifyRequest);
    const result: EnrolVerifyResponse = await verifyApprovedEnrolment(depsFor(c), input);
    return c.json(result);
  })
  .post('/verify', limitSmsChecks, async (c) => {
    const input = await readJson(c, EnrolVerifyRequest);
    const result: EnrolVerifyResponse = await verifyEnrolmentPhone(depsFor(c), input);
    return c.json(result);
  })
  .post('/options', async (c) => {
    const { enrolmentId } = await readJson(c, v.pick(EnrolFinishRequest, ['enrolmentId']));
    const result: EnrolVerifyResponse = await renewEnrolmentOptions(depsFor(c), enrolmentId);
    return c.json(result);
  })
  .post('/finish', async (c) => {
    const input = await readJson(c, EnrolFinishRequest);
    const deps = depsFor(c);
    const { account, deviceKeyId } = await finishEnrolment(deps, input);
    const { token } = await createSession(deps, account, deviceKeyId);
    setSessionCookie(c, token);
    const me: Me = await describeAccount(deps, account, deviceKeyId);
    return c.json(me, 201);
  });
