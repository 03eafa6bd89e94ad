/**
 * The daily cron's notifications (utility 5): birthday greetings and the chip ID card's
 * expiry warning, then the pushes still waiting. Idempotent per day: every notification has
 * the dedupe key (kind, account, day), so a second run on the same day, or a run retried
 * after a failure, sends nothing twice.
 *
 * The day's birthdays and expiries are index look-ups in account_reminders, which the cron
 * fills by walking new accounts in creation order (a cursor), one registry read per new
 * account: no job ever scans all the accounts.
 */
import { formatDay, vietnamDay } from '../../shared/services';
import { insertNotificationsFrom } from '../store/notifications';
import { birthdaySelect, cardExpirySelect, listAccountsAfter, readJobState, upsertReminderStatement, writeJobStateStatement, type AccountCursor } from '../store/reminders';
import { continueNewsPushes } from './news';
import { deliverPendingPushes } from './notifications';
import type { ServicesDeps } from './services-deps';

const CURSOR = 'reminders.cursor';
/** Accounts enrolled into reminders per run (pages of 100); the rest wait for the next run. */
const ENROL_PAGES = 50;
const PAGE = 100;
/** Warnings before the card expires, in days (and on the day itself). */
export const CARD_WARNING_DAYS = [30, 7, 0] as const;
/** Pushes sent per run beyond those sent at once. */
const PUSH_BUDGET = 500;

export interface DailyRun {
  day: string;
  enrolled: number;
  birthdays: number;
  cardWarnings: number;
  pushed: number;
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Copies birthday and card expiry of accounts created since the last run from the registry. */
export async function enrolNewAccounts(deps: ServicesDeps): Promise<number> {
  const stored = await readJobState(deps.db, CURSOR);
  let cursor: AccountCursor = stored ? (JSON.parse(stored) as AccountCursor) : { createdAt: 0, id: '' };
  let enrolled = 0;
  for (let page = 0; page < ENROL_PAGES; page++) {
    const accounts = await listAccountsAfter(deps.db, cursor, PAGE);
    if (accounts.length === 0) break;
    const statements: D1PreparedStatement[] = [];
    for (const a of accounts) {
      const citizen = await deps.registry.findCitizen(a.idNumber);
      if (citizen) statements.push(upsertReminderStatement(deps.db, { accountId: a.id, birthMd: citizen.birthDate.slice(5), cardExpires: citizen.cardExpires }, deps.now));
    }
    const last = accounts[accounts.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
    // The reminders and the cursor move together: a run that stops half-way repeats nothing.
    await deps.db.batch([...statements, writeJobStateStatement(deps.db, CURSOR, JSON.stringify(cursor))]);
    enrolled += statements.length;
    if (accounts.length < PAGE) break;
  }
  return enrolled;
}

/** Runs the day's jobs for the Vietnamese calendar day of `deps.now`. */
export async function runDailyJobs(deps: ServicesDeps): Promise<DailyRun> {
  const day = vietnamDay(deps.now);
  const enrolled = await enrolNewAccounts(deps);

  // Born on 29 February: greeted on the 28th in common years.
  const md = day.slice(5);
  const monthDays = md === '02-28' && !isLeapYear(Number(day.slice(0, 4))) ? ['02-28', '02-29'] : [md];
  const birthdays = await insertNotificationsFrom(deps.db, birthdaySelect(monthDays, day), {
    kind: 'birthday',
    title: 'Chúc mừng sinh nhật',
    body: 'Ứng dụng Định danh điện tử chúc bạn một ngày sinh nhật vui vẻ, mạnh khỏe và hạnh phúc!',
    link: '/notifications',
    createdAt: deps.now,
  });

  let cardWarnings = 0;
  for (const days of CARD_WARNING_DAYS) {
    const expiry = addDays(day, days);
    cardWarnings += await insertNotificationsFrom(deps.db, cardExpirySelect(expiry, days), {
      kind: 'card_expiry',
      title: days === 0 ? 'Thẻ căn cước hết hạn hôm nay' : 'Thẻ căn cước sắp hết hạn',
      body:
        days === 0
          ? `Thẻ căn cước của bạn hết hạn hôm nay (${formatDay(expiry)}). Hãy đến cơ quan Công an để làm thủ tục cấp đổi.`
          : `Thẻ căn cước của bạn sẽ hết hạn ngày ${formatDay(expiry)} (còn ${days} ngày). Hãy đến cơ quan Công an để làm thủ tục cấp đổi.`,
      link: '/notifications',
      createdAt: deps.now,
    });
  }

  await continueNewsPushes(deps, PUSH_BUDGET);
  const pushed = await deliverPendingPushes(deps, PUSH_BUDGET);
  return { day, enrolled, birthdays, cardWarnings, pushed };
}
