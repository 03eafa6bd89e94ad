/**
 * The officer console's API: registration with a one-time code, sign-in and sign-out, the
 * officer list and invitations (supervisors), the audit view (supervisors), and the actions
 * on a citizen's account. Every action is audited by the domain.
 */
import * as v from 'valibot';
import { RequestId } from '../../shared/accounts';
import {
  AttachRequest,
  CitizenIdParam,
  DeskPhoneCodeRequest,
  Level2ApprovalRequest,
  OfficerApproveDeviceRequest,
  OfficerInviteRequest,
  OfficerLockRequest,
  OfficerRegisterFinishRequest,
  OfficerRegisterOptionsRequest,
  OfficerSignInRequest,
  OfficerUnlockRequest,
  type AuditResponse,
  type CitizenRecord,
  type DeskPhoneCodeResponse,
  type OfficerInviteResponse,
  type OfficerListResponse,
  type OfficerMe,
  type OfficerRegisterOptionsResponse,
  type OfficerSignInOptionsResponse,
  type OfficerSummary,
} from '../../shared/officer';
import { officerAuditLog } from '../domain/audit';
import { AppError } from '../domain/errors';
import { approveDeviceChangeForCitizen, approveLevel2, attachForCitizen, lockForCitizen, lookUpCitizen, sendDeskPhoneCode, unlockForCitizen } from '../domain/officer-desk';
import {
  createOfficerRegistrationOptions,
  createOfficerSession,
  createOfficerSignInOptions,
  disableOfficer,
  endOfficerSession,
  finishOfficerRegistration,
  inviteOfficer,
  listOfficerAccounts,
  officerMe,
  verifyOfficerSignIn,
} from '../domain/officers';
import { enforceRateLimit, LIMITS } from '../domain/rate-limit';
import { clientKey, createRouter, depsFor, type AppContext } from '../http/app';
import { clearOfficerCookie, officerToken, requireOfficer, setOfficerCookie } from '../http/officer-session';
import { readJson, readQuery } from '../http/validate';

function param<S extends v.GenericSchema>(c: AppContext, name: string, schema: S): v.InferOutput<S> {
  const r = v.safeParse(schema, c.req.param(name));
  if (!r.success) throw new AppError('not_found', 'Not found.');
  return r.output;
}

const officerOf = (c: AppContext) => c.get('officer')!.officer;
const idNumberOf = (c: AppContext) => param(c, 'idNumber', CitizenIdParam);

async function limitAuth(c: AppContext): Promise<void> {
  const deps = depsFor(c);
  await enforceRateLimit(deps.db, `officer:auth:${clientKey(c)}`, LIMITS.officerAuthPerClient, deps.now);
}

const AuditQuery = v.object({
  officerId: v.optional(RequestId),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))),
});

export const officer = createRouter()
  // ---- registration and sign-in (no session yet) ----
  .post('/register/options', async (c) => {
    await limitAuth(c);
    const input = await readJson(c, OfficerRegisterOptionsRequest);
    const result: OfficerRegisterOptionsResponse = await createOfficerRegistrationOptions(depsFor(c), input);
    return c.json(result);
  })
  .post('/register/finish', async (c) => {
    await limitAuth(c);
    const input = await readJson(c, OfficerRegisterFinishRequest);
    const deps = depsFor(c);
    const registered = await finishOfficerRegistration(deps, input);
    setOfficerCookie(c, (await createOfficerSession(deps, registered.id)).token);
    const me: OfficerMe = officerMe(registered);
    return c.json(me, 201);
  })
  .post('/auth/options', async (c) => {
    const result: OfficerSignInOptionsResponse = { options: await createOfficerSignInOptions(depsFor(c)) };
    return c.json(result);
  })
  .post('/auth/verify', async (c) => {
    await limitAuth(c);
    const input = await readJson(c, OfficerSignInRequest);
    const deps = depsFor(c);
    const signedIn = await verifyOfficerSignIn(deps, input);
    setOfficerCookie(c, (await createOfficerSession(deps, signedIn.id)).token);
    const me: OfficerMe = officerMe(signedIn);
    return c.json(me);
  })
  .post('/auth/signout', async (c) => {
    const token = officerToken(c);
    if (token) await endOfficerSession(depsFor(c), token);
    clearOfficerCookie(c);
    return c.body(null, 204);
  })
  // ---- signed in ----
  .get('/me', requireOfficer, (c) => {
    const me: OfficerMe = officerMe(officerOf(c));
    return c.json(me);
  })
  .get('/officers', requireOfficer, async (c) => {
    const result: OfficerListResponse = { officers: await listOfficerAccounts(depsFor(c), officerOf(c)) };
    return c.json(result);
  })
  .post('/officers', requireOfficer, async (c) => {
    const input = await readJson(c, OfficerInviteRequest);
    const result: OfficerInviteResponse = await inviteOfficer(depsFor(c), officerOf(c), input);
    return c.json(result, 201);
  })
  .post('/officers/:officerId/disable', requireOfficer, async (c) => {
    const result: OfficerSummary = await disableOfficer(depsFor(c), officerOf(c), param(c, 'officerId', RequestId));
    return c.json(result);
  })
  .get('/audit', requireOfficer, async (c) => {
    const query = readQuery(c, AuditQuery);
    const result: AuditResponse = { events: await officerAuditLog(depsFor(c), officerOf(c), { officerId: query.officerId, beforeId: query.before }) };
    return c.json(result);
  })
  .get('/citizens/:idNumber', requireOfficer, async (c) => {
    const result: CitizenRecord = await lookUpCitizen(depsFor(c), officerOf(c), idNumberOf(c));
    return c.json(result);
  })
  .post('/citizens/:idNumber/level2', requireOfficer, async (c) => {
    const input = await readJson(c, Level2ApprovalRequest);
    const result: CitizenRecord = await approveLevel2(depsFor(c), officerOf(c), idNumberOf(c), input);
    return c.json(result);
  })
  .post('/citizens/:idNumber/phone-code', requireOfficer, async (c) => {
    const { phone } = await readJson(c, DeskPhoneCodeRequest);
    const result: DeskPhoneCodeResponse = await sendDeskPhoneCode(depsFor(c), officerOf(c), idNumberOf(c), phone);
    return c.json(result, 201);
  })
  .post('/citizens/:idNumber/attach', requireOfficer, async (c) => {
    const input = await readJson(c, AttachRequest);
    const result: CitizenRecord = await attachForCitizen(depsFor(c), officerOf(c), idNumberOf(c), input.docType);
    return c.json(result);
  })
  .post('/citizens/:idNumber/lock', requireOfficer, async (c) => {
    const input = await readJson(c, OfficerLockRequest);
    const result: CitizenRecord = await lockForCitizen(depsFor(c), officerOf(c), idNumberOf(c), input.reason);
    return c.json(result);
  })
  .post('/citizens/:idNumber/unlock', requireOfficer, async (c) => {
    await readJson(c, OfficerUnlockRequest);
    const result: CitizenRecord = await unlockForCitizen(depsFor(c), officerOf(c), idNumberOf(c));
    return c.json(result);
  })
  .post('/citizens/:idNumber/device-changes/:requestId/approve', requireOfficer, async (c) => {
    const input = await readJson(c, OfficerApproveDeviceRequest);
    const result: CitizenRecord = await approveDeviceChangeForCitizen(depsFor(c), officerOf(c), idNumberOf(c), {
      requestId: param(c, 'requestId', RequestId),
      code: input.code,
    });
    return c.json(result);
  });
