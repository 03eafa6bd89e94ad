/**
 * The SMS gateway port. Development and tests use the D1 outbox (read back through
 * /api/dev/sms); production plugs in the operator's gateway.
 */
import type { MainDb } from '../store/shards';
import { insertOutboxMessage } from '../store/sms';

export interface SmsSender {
  send(phone: string, body: string, now: number): Promise<void>;
}

export function outboxSmsSender(db: MainDb): SmsSender {
  return { send: (phone, body, now) => insertOutboxMessage(db, phone, body, now) };
}

/** Stands in for the operator's gateway until one is configured: it refuses loudly, never silently drops a code. */
export const unconfiguredSmsGateway: SmsSender = {
  send: async () => {
    throw new Error('SMS gateway not configured: set SMS_MODE=outbox for development or wire a gateway adapter');
  },
};
