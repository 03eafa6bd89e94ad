/**
 * Idempotent submissions: the phone's outbox sends each submission with a UUID it made, and
 * may send it again (a dropped connection, a retry after the app restarts). The store keeps
 * one row per (account, key); a repeat gets the first result. A key reused for different
 * content is refused rather than silently answered with the other submission.
 */
import { sha256Base64Url } from './crypto';
import { AppError } from './errors';

/** JSON with object keys sorted, so the same content always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash a submission is remembered by, over its validated content (and its photos' hashes). */
export function requestHash(content: unknown): Promise<string> {
  return sha256Base64Url(canonicalJson(content));
}

/** The stored result for a repeated key, or an error when the key came with other content. */
export function replayOf<T extends { requestHash: string }>(stored: T, hash: string): T {
  if (stored.requestHash !== hash) {
    throw new AppError('idempotency_key_reused', 'This submission key was already used for a different submission.');
  }
  return stored;
}
