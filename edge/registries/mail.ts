/**
 * The e-mail port, for notices (a device change was asked for, the account was locked…).
 * Nothing secret is ever e-mailed. Development and tests write to the D1 outbox (read back
 * through /api/dev/mail); production plugs in the operator's mail service.
 */
import type { MainDb } from '../store/shards';
import { insertMailMessage } from '../store/mail';

export interface MailSender {
  send(to: string, subject: string, body: string, now: number): Promise<void>;
}

export function outboxMailSender(db: MainDb): MailSender {
  return { send: (to, subject, body, now) => insertMailMessage(db, to, subject, body, now) };
}

/**
 * Until a mail service is wired, notices go by SMS only: e-mail is the second channel, and a
 * missing one must not block a lock or a device change. It is logged, never silent.
 */
export const unconfiguredMailGateway: MailSender = {
  send: async (_to, subject) => {
    console.warn(JSON.stringify({ level: 'warn', message: 'mail gateway not configured: notice not e-mailed', subject }));
  },
};
