/** Phone-number change: fresh passkey + device key, then the SMS code sent to the new number. */
import { CodeConfirmRequest, PhoneChangeStartRequest, type CodeSentResponse, type StepUpOptionsResponse } from '../../shared/accounts';
import type { Me } from '../../shared/api';
import { describeAccount } from '../domain/accounts';
import { confirmPhoneChange, createPhoneChangeOptions, startPhoneChange } from '../domain/phone-change';
import { createRouter, depsFor } from '../http/app';
import { requireSession } from '../http/session';
import { readJson } from '../http/validate';
import { limitSmsChecks } from '../http/sms-checks';

export const phone = createRouter()
  .use('*', requireSession)
  .post('/options', async (c) => {
    const { account, session } = c.get('session')!;
    const result: StepUpOptionsResponse = { options: await createPhoneChangeOptions(depsFor(c), account, session.deviceKeyId) };
    return c.json(result);
  })
  .post('/start', async (c) => {
    const { account, session } = c.get('session')!;
    const input = await readJson(c, PhoneChangeStartRequest);
    const result: CodeSentResponse = await startPhoneChange(depsFor(c), account, session.deviceKeyId, input);
    return c.json(result, 201);
  })
  .post('/confirm', limitSmsChecks, async (c) => {
    const { account, session } = c.get('session')!;
    const input = await readJson(c, CodeConfirmRequest);
    const deps = depsFor(c);
    const updated = await confirmPhoneChange(deps, account, input);
    const me: Me = await describeAccount(deps, updated, session.deviceKeyId);
    return c.json(me);
  });
