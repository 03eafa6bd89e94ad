/**
 * Temporary lock (from the app; from any computer with ID number + SMS code) and unlock by
 * the citizen (passkey + device key of a bound phone, then an SMS code).
 */
import { AccountCodeStartRequest, CodeConfirmRequest, StepUpRequest, type CodeSentResponse, type StepUpOptionsResponse } from '../../shared/accounts';
import type { Me } from '../../shared/api';
import { describeAccount } from '../domain/accounts';
import { confirmLockByCode, confirmUnlock, createUnlockOptions, lockAccount, startLockByCode, startUnlock } from '../domain/lock';
import { createSession } from '../domain/sessions';
import { clientKey, createRouter, depsFor } from '../http/app';
import { clearSessionCookie, requireSession, setSessionCookie } from '../http/session';
import { readJson } from '../http/validate';
import { limitSmsChecks } from '../http/sms-checks';

export const lock = createRouter()
  .post('/', requireSession, async (c) => {
    const { account } = c.get('session')!;
    // From the app on a bound phone (the session is bound to its device key): a lock this phone may undo.
    await lockAccount(depsFor(c), account, { actor: `account:${account.id}`, detail: { via: 'app' } }, 'self');
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .post('/start', async (c) => {
    const input = await readJson(c, AccountCodeStartRequest);
    const result: CodeSentResponse = await startLockByCode(depsFor(c), input, clientKey(c));
    return c.json(result, 201);
  })
  .post('/confirm', limitSmsChecks, async (c) => {
    const input = await readJson(c, CodeConfirmRequest);
    await confirmLockByCode(depsFor(c), input, clientKey(c));
    return c.json({ locked: true });
  });

export const unlock = createRouter()
  .post('/options', async (c) => {
    const result: StepUpOptionsResponse = { options: await createUnlockOptions(depsFor(c)) };
    return c.json(result);
  })
  .post('/start', async (c) => {
    const input = await readJson(c, StepUpRequest);
    const result: CodeSentResponse = await startUnlock(depsFor(c), input, clientKey(c));
    return c.json(result, 201);
  })
  .post('/confirm', limitSmsChecks, async (c) => {
    const input = await readJson(c, CodeConfirmRequest);
    const deps = depsFor(c);
    const { account, deviceKeyId } = await confirmUnlock(deps, input);
    setSessionCookie(c, (await createSession(deps, account, deviceKeyId)).token);
    const me: Me = await describeAccount(deps, account, deviceKeyId);
    return c.json(me);
  });
