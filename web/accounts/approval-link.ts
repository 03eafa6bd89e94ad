/**
 * The link a new phone shows as a QR for its device-change request: an address of this
 * app that opens the approval screen with the code filled in. The old phone reads it with
 * the app's scanner or with its own camera app; the short code beside it can be typed.
 */
import * as v from 'valibot';
import { ApprovalCode, formatCode } from '../../shared/accounts';

/** The approval screen (signed in on the old phone). */
export const APPROVE_PATH = '/device-change/approve';

/** "https://id.example.vn/device-change/approve?code=K7M2-9XQD" */
export function approvalLink(origin: string, code: string): string {
  const url = new URL(APPROVE_PATH, origin);
  url.searchParams.set('code', code);
  return url.href;
}

/** The code from a `?code=` query, formatted "K7M2-9XQD", or null unless it has the right shape. */
export function codeFromQuery(search: string): string | null {
  const raw = new URLSearchParams(search).get('code');
  if (raw === null) return null;
  const parsed = v.safeParse(ApprovalCode, raw);
  return parsed.success ? formatCode(parsed.output) : null;
}

/**
 * The approval code in a scanned text, or null. Only a link to this very app's approval
 * screen counts: a QR that points elsewhere (another site, another screen, credentials in
 * the address) is not an approval request, whatever code it carries.
 */
export function codeFromScan(text: string, origin: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.origin !== origin || url.pathname !== APPROVE_PATH || url.username || url.password || url.hash) return null;
  return codeFromQuery(url.search);
}
