/** Sign-in (usernameless passkey + device key), sign-out and the signed-in account. */
import { SignInVerifyRequest, type Me, type SignInOptionsResponse } from '../../shared/api';
import { describeAccount } from '../domain/accounts';
import { endSession } from '../domain/sessions';
import { countSignInAttempt, createSignInOptions, signIn } from '../domain/sign-in';
import { clientKey, createRouter, depsFor } from '../http/app';
import { clearSessionCookie, requireSession, sessionToken, setSessionCookie } from '../http/session';
import { readJson } from '../http/validate';

export const auth = createRouter()
  .post('/options', async (c) => {
    const result: SignInOptionsResponse = { options: await createSignInOptions(depsFor(c)) };
    return c.json(result);
  })
  .post('/verify', async (c) => {
    const deps = depsFor(c);
    let input;
    try {
      input = await readJson(c, SignInVerifyRequest);
    } catch (err) {
      // Malformed attempts count against the client's limit too.
      await countSignInAttempt(deps, clientKey(c));
      throw err;
    }
    const { token, me } = await signIn(deps, input, clientKey(c));
    setSessionCookie(c, token);
    return c.json(me satisfies Me);
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
