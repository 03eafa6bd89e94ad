/** Builds the citizen services' deps for a request, or for the scheduled handler. */
import type { ServicesDeps } from '../domain/services-deps';
import type { Deps } from '../domain/deps';
import type { Env } from '../env';
import { getServicesConfig } from '../services-config';
import { depsFor, depsFromEnv, type AppContext } from './app';

function withServices(env: Env, deps: Deps, waitUntil: (p: Promise<unknown>) => void): ServicesDeps {
  return {
    ...deps,
    services: getServicesConfig(env),
    photos: env.PHOTOS ?? null,
    pushFetch: (url, init) => fetch(url, init),
    background: (work) =>
      waitUntil(
        work.catch((err: unknown) => {
          // The error's name and message only: never a payload or a subscription's keys.
          console.error(JSON.stringify({ level: 'error', job: 'services-background', error: err instanceof Error ? err.name : 'unknown', message: err instanceof Error ? err.message : '' }));
        }),
      ),
  };
}

export function servicesDepsFor(c: AppContext): ServicesDeps {
  return withServices(c.env, depsFor(c), (p) => c.executionCtx.waitUntil(p));
}

export function servicesDepsFromEnv(env: Env, now: number, ctx: ExecutionContext): ServicesDeps {
  return withServices(env, depsFromEnv(env, now), (p) => ctx.waitUntil(p));
}
