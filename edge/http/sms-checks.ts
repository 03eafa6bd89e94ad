/** The per-client limit on the endpoints that compare an SMS code (each phone has its own, in the code check). */
import type { MiddlewareHandler } from 'hono';
import { countSmsCheck } from '../domain/sms-codes';
import { clientKey, depsFor, type AppEnv } from './app';

export const limitSmsChecks: MiddlewareHandler<AppEnv> = async (c, next) => {
  await countSmsCheck(depsFor(c), clientKey(c));
  await next();
};
