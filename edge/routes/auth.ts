/** Sign-in (usernameless passkey + device key), sign-out and the signed-in account. */
import { SignInVerifyRequest, type Me, type SignInOptionsResponse } from '../../shared/api';
import { describeAccount } from '../domain/accounts';
import { createAuthenticationOptions } from '../domain/passkeys';
import { enforceRateLimit, LIMITS } from '../domain/rate-limit';
import { createSession, endSession } from '../domain/sessions';
import { verifySignIn } from '../domain/sign-in';
import { clientKey, createRouter, depsFor } from '../http/app';
import { clearSessionCookie, requireSession, sessionToken, setSessionCookie } from '../http/session';
import { readJson } from '../http/validate';

export const auth = createRouter()
  .post('/options', async (c) => {
    const deps = depsFor(c);
    await enforceRateLimit(deps.db, `challenge:client:${clientKey(c)}`, LIMITS.challengesPerClient, deps.now);
    const result: SignInOptionsResponse = { options: await createAuthenticationOptions(deps) };
    return c.json(result);
  })
  .post('/verify', async (c) => {
    const deps = depsFor(c);
    await enforceRateLimit(deps.db, `signin:client:${clientKey(c)}`, LIMITS.signInPerClient, deps.now);
    const input = await readJson(c, SignInVerifyRequest);
    const { account, deviceKeyId } = await verifySignIn(deps, input);
    const { token } = await createSession(deps, account.id, deviceKeyId);
    setSessionCookie(c, token);
    const me: Me = await describeAccount(deps, account, deviceKeyId);
    return c.json(me);
  })
  .post('/signout', async (c) => {
    const token = sessionToken(c);
    if (token) await endSession(depsFor(c), token);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

export const me = createRouter().get('/', requireSession, async (c) => {
  const { account, session } = c.get('session')!;
  const result: Me = await describeAccount(depsFor(c), account, session.deviceKeyId);
  return c.json(result);
});
