/**
 * The daily cron's notifications (utility 5): birthday greetings and the chip ID card's
 * expiry warning, then the pushes still waiting. Idempotent per day: every notification has
 * the dedupe key (kind, account, day), so a second run on the same day, or a run retried
 * after a failure, sends nothing twice.
 *
 * The day's birthdays and expiries are index look-ups in account_reminders. A new account
 * queues itself in the transaction that creates it (a trigger, migration 0011) and the cron
 * gives it its first row, one registry read each; after that the row follows the registry
 * whenever the account's record is read anyway (a wallet sync, a re-issue, a level change:
 * documents.ts), so a renewed card is warned about by its new date. No job scans the accounts.
 * Each shard holds its accounts' rows and runs the same statements; the run goes shard by shard.
 */
import { formatDay, vietnamDay } from '../../shared/services';
import { insertNotificationsFrom } from '../store/notifications';
import { birthdaySelect, cardExpirySelect, dequeueAccountsStatement, insertReminderStatement, listQueuedAccounts } from '../store/reminders';
import type { ShardDb } from '../store/shards';
import { continueNewsPushes } from './news';
import { deliverPendingPushes } from './notifications';
import type { ServicesDeps } from './services-deps';

/** Accounts enrolled into reminders per run (pages of 50, one bound parameter each); the rest wait for the next run. */
const ENROL_PAGES = 100;
const PAGE = 50;
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

/** Gives the accounts of a shard queued since the last run their first reminder row, from the registry. */
export async function enrolNewAccounts(deps: ServicesDeps, db: ShardDb): Promise<number> {
  let enrolled = 0;
  for (let page = 0; page < ENROL_PAGES; page++) {
    const queued = await listQueuedAccounts(db, PAGE);
    if (queued.length === 0) break;
    const statements: D1PreparedStatement[] = [];
    for (const a of queued) {
      const citizen = a.idNumber ? await deps.registry.findCitizen(a.idNumber) : null;
      if (citizen) statements.push(insertReminderStatement(db, { accountId: a.accountId, birthMd: citizen.birthDate.slice(5), cardExpires: citizen.cardExpires }, deps.now));
    }
    // The rows and the dequeue commit together: a run that stops half-way loses nothing.
    await db.batch([...statements, dequeueAccountsStatement(db, queued.map((a) => a.accountId))]);
    enrolled += statements.length;
    if (queued.length < PAGE) break;
  }
  return enrolled;
}

/** Runs the day's jobs for the Vietnamese calendar day of `deps.now`. */
export async function runDailyJobs(deps: ServicesDeps): Promise<DailyRun> {
  const day = vietnamDay(deps.now);
  const run: DailyRun = { day, enrolled: 0, birthdays: 0, cardWarnings: 0, pushed: 0 };
  for (const { db } of deps.shards.all) {
    const one = await runShardDay(deps, db, day);
    run.enrolled += one.enrolled;
    run.birthdays += one.birthdays;
    run.cardWarnings += one.cardWarnings;
  }
  await continueNewsPushes(deps, PUSH_BUDGET);
  run.pushed = await deliverPendingPushes(deps, PUSH_BUDGET);
  return run;
}

/** One shard's part of the day: its new accounts' reminder rows, then its birthdays and card warnings. */
async function runShardDay(deps: ServicesDeps, db: ShardDb, day: string): Promise<Pick<DailyRun, 'enrolled' | 'birthdays' | 'cardWarnings'>> {
  const enrolled = await enrolNewAccounts(deps, db);

  // Born on 29 February: greeted on the 28th in common years.
  const md = day.slice(5);
  const monthDays = md === '02-28' && !isLeapYear(Number(day.slice(0, 4))) ? ['02-28', '02-29'] : [md];
  const birthdays = await insertNotificationsFrom(db, birthdaySelect(monthDays, day), {
    kind: 'birthday',
    title: 'Chúc mừng sinh nhật',
    body: 'Ứng dụng Định danh điện tử chúc bạn một ngày sinh nhật vui vẻ, mạnh khỏe và hạnh phúc!',
    link: '/notifications',
    createdAt: deps.now,
  });

  let cardWarnings = 0;
  for (const days of CARD_WARNING_DAYS) {
    const expiry = addDays(day, days);
    cardWarnings += await insertNotificationsFrom(db, cardExpirySelect(expiry, days), {
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

  return { enrolled, birthdays, cardWarnings };
}
