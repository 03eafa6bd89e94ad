/**
 * Notices to the citizen about security events on the account: an SMS to the phone on the
 * account and, when there is one, an e-mail. They never carry a code; they say what
 * happened, when, and what to do if it was not the citizen.
 */
import type { Deps } from './deps';

/** "10:42 12/03/2026" in Vietnam time (UTC+7, no daylight saving). */
export function vnTime(ms: number): string {
  const d = new Date(ms + 7 * 60 * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())} ${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/**
 * Sends one notice. SMS text stays in unaccented ASCII (one 160-character segment where it
 * can); the e-mail says the same in full Vietnamese. A failing e-mail never undoes the event.
 */
export async function notify(
  deps: Deps,
  to: { phone: string; email: string | null },
  notice: { sms: string; subject: string; body: string },
): Promise<void> {
  await deps.sms.send(to.phone, notice.sms, deps.now);
  if (to.email) {
    try {
      await deps.mail.send(to.email, notice.subject, notice.body, deps.now);
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', message: 'notice e-mail failed', error: err instanceof Error ? err.message : String(err) }));
    }
  }
}

/** Where a citizen can lock the account from any computer (the first configured origin). */
export function lockUrl(deps: Deps): string {
  return `${deps.config.origins[0] ?? ''}/lock`;
}
