/**
 * Development only: the SMS outbox, so a person (or a test) can read the codes the
 * system "sent". Served only when SMS_MODE=outbox and ENVIRONMENT is not production.
 */
import * as v from 'valibot';
import { Phone, type DevSmsMessage } from '../../shared/api';
import { getConfig } from '../config';
import { AppError } from '../domain/errors';
import { createRouter, mainDb } from '../http/app';
import { readQuery } from '../http/validate';
import { Email } from '../../shared/accounts';
import { listMailOutbox } from '../store/mail';
import { listOutbox } from '../store/sms';

export const dev = createRouter()
  .use('*', async (c, next) => {
    if (!getConfig(c.env).devOutbox) throw new AppError('not_found', 'Not found.');
    await next();
  })
  .get('/sms', async (c) => {
    const { phone } = readQuery(c, v.object({ phone: v.optional(Phone) }));
    const messages: DevSmsMessage[] = await listOutbox(mainDb(c.env), phone ?? null, 20);
    return c.json({ messages });
  })
  .get('/mail', async (c) => {
    const { to } = readQuery(c, v.object({ to: v.optional(Email) }));
    return c.json({ messages: await listMailOutbox(mainDb(c.env), to ?? null, 20) });
  });
