import type { ServicesConfig } from '../services-config';
import type { Deps } from './deps';

/**
 * What the citizen services need beyond the common deps: their settings, the photo store,
 * the way out to push services, and a way to finish work after the response (push
 * delivery), all passed in so tests can watch or replace them.
 */
export interface ServicesDeps extends Deps {
  services: ServicesConfig;
  /** R2: report photos and news images; null when the binding is missing. */
  photos: R2Bucket | null;
  /** Sends one request to a push service (fetch in production; tests may capture it). */
  pushFetch: (url: string, init: { method: 'POST'; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> }) => Promise<{ status: number }>;
  /** Runs work after the response has gone (ctx.waitUntil); failures are logged, not thrown. */
  background: (work: Promise<unknown>) => void;
}
