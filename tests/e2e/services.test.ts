/**
 * Citizen services end to end in Chromium against the real edge (wrangler dev, local D1 and
 * R2), on a phone whose profile survives closing the browser:
 *  - offline, the citizen makes a residence notification and a report with a photo (resized
 *    on the phone); both wait in the outbox ("Đang chờ gửi");
 *  - the browser is closed, and opened again online: both are sent, arrive exactly once and
 *    show "Đã gửi";
 *  - an officer (officer desk /officer/services, with an officer-console session) acknowledges
 *    the notification and replies to the report; the citizen sees the status, the reply and
 *    the notifications; a published warning is readable offline;
 *  - Background Sync: with the app closed, the service worker's sync event sends the outbox;
 *  - a host declares guests by ID number and full name; a guest whose pair does not match
 *    the registry comes back refused at its row, is corrected in its form and sent once;
 *  - fault: the connection drops after the edge stored a submission; the retry does not
 *    duplicate it.
 * Screenshots at 360×740 go to test-output/screens/.
 */
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { vi as text } from '../../web/i18n/vi';
import { hasHorizontalOverflow, launchBrowser, newPhone, screenshot, waitForServiceWorker, waitOrAlert } from './helpers/browser';
import { cameraPhoto, newProfileDir, officerSession, openPersistentPhone, readOutbox, registerThroughApp, servicesCitizens } from './helpers/services';

type Citizen = ReturnType<typeof servicesCitizens>[number];
const [CITIZEN, FAULT_CITIZEN, SYNC_CITIZEN, HOST_CITIZEN] = servicesCitizens(4) as [Citizen, Citizen, Citizen, Citizen];
const COMMUNE = '00070'; // Phường Hàng Bạc, Hà Nội
const OFFICER_UNIT = COMMUNE; // the commune police of Hàng Bạc

async function shoot(page: Page, name: string): Promise<void> {
  expect(await hasHorizontalOverflow(page), `${name}: no horizontal overflow at 360 px`).toBe(false);
  await screenshot(page, name);
}

/** The citizen's records as the edge has them (same-origin calls with the page's session). */
function serverRecords(page: Page): Promise<{ notices: Array<{ id: string; status: string }>; reports: Array<{ id: string; status: string; photoCount: number; reply: string | null }> }> {
  return page.evaluate(async () => {
    const [r, p] = (await Promise.all([fetch('/api/services/residence').then((x) => x.json()), fetch('/api/services/reports').then((x) => x.json())])) as [
      { notices: Array<{ id: string; status: string }> },
      { reports: Array<{ id: string; status: string; photoCount: number; reply: string | null }> },
    ];
    return { notices: r.notices, reports: p.reports };
  });
}

/** Waits until every service screen's chunk is in the service worker's cache (the home screen prefetches them). */
async function waitForScreensCached(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const names = await caches.keys();
      const urls: string[] = [];
      for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
      return ['Residence-', 'ResidenceForm-', 'Reports-', 'ReportForm-', 'Notifications-', 'News-'].every((m) => urls.some((u) => u.includes(`/assets/${m}`)));
    },
    undefined,
    { timeout: 20_000, polling: 250 },
  );
}

describe('services: offline outbox, exactly once, officer handling', () => {
  const baseUrl = inject('baseUrl');
  const profile = newProfileDir();
  let context: BrowserContext;
  let page: Page;
  let broken = false;

  beforeAll(async () => {
    ({ context, page } = await openPersistentPhone(profile));
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  });

  beforeEach(({ skip, onTestFailed }) => {
    if (broken) skip();
    onTestFailed(() => {
      broken = true;
    });
  });

  it('registers, and the home screen shows the services (prefetched for offline use)', async () => {
    await registerThroughApp(page, baseUrl, CITIZEN);
    await waitForServiceWorker(page);
    await page.getByTestId('services-card').waitFor();
    await waitForScreensCached(page);
    await shoot(page, 'svc-01-home-services');
  });

  it('offline: a residence notification waits in the outbox', async () => {
    await context.setOffline(true);
    await page.goto(`${baseUrl}/services/residence/new`);
    await page.getByTestId('residence-form').waitFor();
    await page.getByTestId('offline-banner').waitFor();
    // The form is checked on the phone, with the edge's own schema.
    await page.getByTestId('residence-submit').click();
    await page.getByText(text['svc.fixErrors']).waitFor();
    await page.getByText(text['res.err.commune']).waitFor();
    await shoot(page, 'svc-02-residence-form-errors');

    await page.getByLabel(text['res.commune']).selectOption(COMMUNE);
    await page.getByLabel(text['res.address']).fill('Số 5 Phố Hàng Bạc');
    await page.getByLabel(text['res.reason']).fill('Thăm người thân');
    await shoot(page, 'svc-03-residence-form');
    await page.getByTestId('residence-submit').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/services/residence');
    await page.getByText(text['svc.savedOffline']).waitFor();
    const item = page.getByTestId('residence-item').first();
    await item.getByText(text['svc.status.pending']).waitFor();
    await item.getByText(text['svc.waitNetwork']).waitFor();
    await shoot(page, 'svc-04-residence-pending');
  });

  it('offline: a report with a photo (resized on the phone) waits in the outbox', async () => {
    await page.goto(`${baseUrl}/services/reports/new`);
    await page.getByTestId('report-form').waitFor();
    await page.getByLabel(text['rep.category']).selectOption('theft');
    await page.getByLabel(text['rep.description']).fill('Hai thanh niên đi xe máy không biển số giật túi xách của người đi bộ.');
    await page.getByLabel(text['rep.commune']).selectOption(COMMUNE);
    await page.getByLabel(text['rep.address']).fill('Đầu ngõ 10 Phố Hàng Bạc');
    const original = await cameraPhoto(page);
    await page.getByTestId('report-photo').setInputFiles({ name: 'IMG_20250507_0930.jpg', mimeType: 'image/jpeg', buffer: original });
    await page.locator('.thumbs img').first().waitFor();
    await shoot(page, 'svc-05-report-form');
    await page.getByTestId('report-submit').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/services/reports');
    await page.getByTestId('report-item').first().getByText(text['svc.status.pending']).waitFor();
    await shoot(page, 'svc-06-report-pending');

    const outbox = await readOutbox(page);
    expect(outbox.map((i) => [i.kind, i.state]).sort()).toEqual([
      ['report', 'pending'],
      ['residence', 'pending'],
    ]);
    const photo = outbox.find((i) => i.kind === 'report')!.photos[0]!;
    expect(photo.type).toBe('image/jpeg');
    expect(Math.max(photo.width, photo.height)).toBe(1280);
    expect(photo.size).toBeLessThan(original.length);
    expect(photo.size).toBeLessThanOrEqual(1024 * 1024);
  });

  it('the app is closed offline and opened again online: both arrive exactly once and show "sent"', async () => {
    await context.close();
    ({ context, page } = await openPersistentPhone(profile));
    await page.goto(`${baseUrl}/`);
    await waitOrAlert(page, page.getByTestId('account-card'));
    await page.goto(`${baseUrl}/services/residence`);
    await page.getByTestId('residence-item').first().getByText(text['svc.status.sent']).waitFor({ timeout: 30_000 });
    await shoot(page, 'svc-07-residence-sent');
    await page.goto(`${baseUrl}/services/reports`);
    await page.getByTestId('report-item').first().getByText(text['svc.status.sent']).waitFor({ timeout: 30_000 });
    await shoot(page, 'svc-08-report-sent');

    const records = await serverRecords(page);
    expect(records.notices).toHaveLength(1);
    expect(records.reports).toHaveLength(1);
    expect(records.reports[0]!.photoCount).toBe(1);
    expect((await readOutbox(page)).every((i) => i.state === 'sent')).toBe(true);
    expect(await page.getByTestId('report-item').count()).toBe(1);
  });

  it('the officer acknowledges and replies in the officer desk; the citizen sees status, reply and notifications', async () => {
    const token = await officerSession(inject('statePath'), OFFICER_UNIT);
    // The officer's desk is another browser (a persistent context has no browser to share).
    const deskBrowser = await launchBrowser();
    const officerContext = await deskBrowser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, locale: 'vi-VN' });
    try {
      // The console's cookie, as its sign-in sets it (host-only, Secure — localhost counts as secure).
      await officerContext.addCookies([{ name: '__Host-vneid_officer', value: token, domain: new URL(baseUrl).hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
      const officer = await officerContext.newPage();
      await officer.goto(`${baseUrl}/officer/services`);
      const notice = officer.getByTestId('officer-residence-item').first();
      await waitOrAlert(officer, notice);
      // The inbox list names no one: the people show when the officer opens it (audited).
      expect(await notice.getByText(CITIZEN.fullName).count()).toBe(0);
      await notice.getByTestId('officer-open').click();
      await notice.getByText(CITIZEN.fullName).first().waitFor();
      await shoot(officer, 'svc-09-officer-residence');
      await notice.getByLabel(text['off.note']).fill('Đã tiếp nhận, chúc gia đình vui vẻ.');
      await notice.getByTestId('officer-acknowledge').click();
      await officer.getByTestId('officer-residence-item').first().getByText(text['svc.status.acknowledged']).waitFor();

      await officer.getByTestId('officer-tab-reports').click();
      const report = officer.getByTestId('officer-report-item').first();
      await waitOrAlert(officer, report);
      await report.locator('img').first().waitFor();
      await expect.poll(() => report.locator('img').first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1280);
      await report.getByText(text['off.named']).waitFor();
      await report.getByTestId('officer-open').click();
      await report.getByText(CITIZEN.fullName, { exact: false }).waitFor();
      await report.getByLabel(text['off.replyLabel']).fill('Công an phường đã tiếp nhận, đang xác minh và tăng cường tuần tra khu vực.');
      await shoot(officer, 'svc-10-officer-report');
      await report.getByRole('button', { name: text['off.sendReply'] }).click();
      await officer.getByTestId('officer-report-item').first().getByText(text['svc.status.answered']).waitFor();

      // A warning with an image, for the citizens' feed.
      await officer.getByTestId('officer-tab-news').click();
      await officer.getByLabel(text['off.newsTitle']).fill('Cảnh báo giả danh công an gọi điện yêu cầu chuyển tiền');
      await officer.getByLabel(text['off.newsBody']).fill('Công an không làm việc qua điện thoại và không bao giờ yêu cầu chuyển tiền vào tài khoản lạ. Khi nhận cuộc gọi như vậy, hãy báo ngay cho Công an phường.');
      await officer.getByLabel(text['off.image']).setInputFiles({ name: 'canh-bao.jpg', mimeType: 'image/jpeg', buffer: await cameraPhoto(officer) });
      await officer.locator('form[data-image="ready"]').waitFor(); // resized on the desk before publishing
      await officer.getByRole('button', { name: text['off.publish'] }).click();
      await officer.getByText(text['off.published']).waitFor();
      // A plain officer cannot push it to everyone: the console says a supervisor does.
      await officer.getByTestId('push-supervisor-only').waitFor();
      expect(await officer.getByRole('button', { name: text['off.pushWarning'] }).count()).toBe(0);
    } finally {
      await deskBrowser.close();
    }

    await page.goto(`${baseUrl}/services/residence`);
    const ack = page.getByTestId('residence-item').first();
    await ack.getByText(text['svc.status.acknowledged']).waitFor();
    await ack.getByText('Đã tiếp nhận, chúc gia đình vui vẻ.', { exact: false }).waitFor();
    await shoot(page, 'svc-11-residence-acknowledged');
    await page.goto(`${baseUrl}/services/reports`);
    await page.getByTestId('report-reply').getByText('tăng cường tuần tra', { exact: false }).waitFor();
    await shoot(page, 'svc-12-report-answered');
    await page.goto(`${baseUrl}/notifications`);
    await page.locator('[data-testid="notification"][data-kind="residence_ack"]').waitFor();
    await page.locator('[data-testid="notification"][data-kind="report_reply"]').waitFor();
    await shoot(page, 'svc-13-notifications');
  });

  it('the news feed is kept for offline reading, images included', async () => {
    await page.goto(`${baseUrl}/news`);
    const warning = page.getByTestId('news-item').first();
    await warning.getByText('Cảnh báo giả danh công an', { exact: false }).waitFor();
    await warning.locator('img.news-image').waitFor();
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('offline-banner').waitFor();
      await page.getByTestId('news-item').first().locator('img.news-image').waitFor();
      await expect.poll(() => page.getByTestId('news-item').first().locator('img.news-image').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      await page.getByTestId('saved-copy').waitFor();
      await shoot(page, 'svc-14-news-offline');
      // The notifications are readable offline too.
      await page.goto(`${baseUrl}/notifications`);
      await page.locator('[data-testid="notification"][data-kind="report_reply"]').waitFor();
    } finally {
      await context.setOffline(false);
    }
  });
});

describe('services: a host declares guests by ID number and full name', () => {
  const baseUrl = inject('baseUrl');

  it('offline: rows are checked on the phone; online: a guest whose details do not match comes back refused at its row, is corrected and sent once', async () => {
    const browser = await launchBrowser();
    try {
      const { context, page } = await newPhone(browser);
      await registerThroughApp(page, baseUrl, HOST_CITIZEN);
      await waitForServiceWorker(page);
      await waitForScreensCached(page);
      await context.setOffline(true);
      await page.goto(`${baseUrl}/services/residence/new`);
      await page.getByTestId('role-host').check();
      await page.getByLabel(text['res.commune']).selectOption(COMMUNE);
      await page.getByLabel(text['res.address']).fill('Số 15 Phố Hàng Bạc');
      const id = (n: number) => page.getByLabel(text['res.guestId'].replace('{n}', String(n)), { exact: true });
      const name = (n: number) => page.getByLabel(text['res.guestName'].replace('{n}', String(n)), { exact: true });

      // On the phone, with the edge's schema: each error at its row's field.
      await id(1).fill('03116200555');
      await page.getByTestId('residence-submit').click();
      await page.getByText(text['res.err.guestId']).waitFor();
      await page.getByText(text['res.err.guestName']).waitFor();
      expect(await id(1).getAttribute('aria-invalid')).toBe('true');
      expect(await name(1).getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('guest-0-id');
      await shoot(page, 'svc-16-residence-host-errors');

      await id(1).fill('031162005555');
      await name(1).fill('Phạm Thu Hà');
      await page.getByRole('button', { name: text['res.addGuest'] }).click();
      await id(2).fill('048204000777');
      await name(2).fill('Lê Minh Khanh'); // not the name on this guest's card
      await shoot(page, 'svc-17-residence-host-form');
      await page.getByTestId('residence-submit').click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/services/residence');
      await page.getByTestId('residence-item').first().getByText(text['svc.status.pending']).waitFor();

      // Online: the edge refuses it, pointing at guest 2 only.
      await context.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      const item = page.getByTestId('residence-item').first();
      await item.getByText(text['svc.status.rejected']).waitFor({ timeout: 30_000 });
      await item.getByText(text['res.err.guestMismatchRow'].replace('{n}', '2')).waitFor();
      await shoot(page, 'svc-18-residence-host-refused');

      // Corrected in its form: row 2 marked (both fields, one message), the rest as typed.
      await item.getByTestId('outbox-fix').click();
      await page.getByTestId('guest-mismatch').waitFor();
      expect(await id(2).getAttribute('aria-invalid')).toBe('true');
      expect(await name(2).getAttribute('aria-invalid')).toBe('true');
      expect(await id(1).getAttribute('aria-invalid')).toBeNull();
      expect(await name(1).inputValue()).toBe('Phạm Thu Hà');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('guest-1-id');
      await shoot(page, 'svc-19-residence-host-fix');
      await name(2).fill('Lê Minh Khang');
      expect(await page.getByTestId('guest-mismatch').count()).toBe(0);
      await page.getByTestId('residence-submit').click();

      await expect.poll(() => new URL(page.url()).pathname).toBe('/services/residence');
      await page.getByTestId('residence-item').first().getByText(text['svc.status.sent']).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('residence-item').count()).toBe(1);
      await shoot(page, 'svc-20-residence-host-sent');
      const records = await page.evaluate(async () => ((await (await fetch('/api/services/residence')).json()) as { notices: Array<{ role: string; people: unknown }> }).notices);
      expect(records).toEqual([
        expect.objectContaining({
          role: 'host',
          people: [
            { idNumber: '031162005555', fullName: 'Phạm Thu Hà' },
            { idNumber: '048204000777', fullName: 'Lê Minh Khang' },
          ],
        }),
      ]);
      expect((await readOutbox(page)).map((i) => i.state)).toEqual(['sent']);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});

describe('services: Background Sync', () => {
  const baseUrl = inject('baseUrl');

  it('the service worker sends the outbox when its sync event fires, with the app closed', async () => {
    const browser = await launchBrowser();
    try {
      const { context, page } = await newPhone(browser);
      await registerThroughApp(page, baseUrl, SYNC_CITIZEN);
      await waitForServiceWorker(page);
      await waitForScreensCached(page);
      await context.setOffline(true);
      await page.goto(`${baseUrl}/services/residence/new`);
      await page.getByLabel(text['res.commune']).selectOption(COMMUNE);
      await page.getByLabel(text['res.address']).fill('Số 40 Phố Hàng Bạc');
      await page.getByTestId('residence-submit').click();
      await page.getByTestId('residence-item').first().getByText(text['svc.status.pending']).waitFor();

      // The app is closed (the tab leaves it), then the network comes back.
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      const registrationId = await new Promise<string>((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const mine = registrations.find((r) => r.scopeURL.startsWith(baseUrl) && !r.isDeleted);
          if (mine) resolve(mine.registrationId);
        });
      });
      await page.goto('about:blank');
      await context.setOffline(false);
      const session = (await context.cookies(baseUrl)).find((c) => c.name === '__Host-vneid_session')!;
      const stored = async () => {
        const res = await fetch(`${baseUrl}/api/services/residence`, { headers: { cookie: `${session.name}=${session.value}` } });
        return ((await res.json()) as { notices: unknown[] }).notices.length;
      };
      // Chrome fires the registered sync itself when it sees the connection come back; if it
      // has not within a few seconds, DevTools fires it. Either way no page of the app is open:
      // only the service worker can send it.
      const deadline = Date.now() + 5000;
      while ((await stored()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const byBrowser = (await stored()) === 1;
      if (!byBrowser) await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: baseUrl, registrationId, tag: 'vneid-outbox', lastChance: false });
      console.info(`outbox sync event fired by ${byBrowser ? 'Chromium on reconnecting' : 'DevTools'}`);
      await expect.poll(stored, { timeout: 15_000 }).toBe(1);

      // Opened again: the list shows it sent, once.
      await page.goto(`${baseUrl}/services/residence`);
      await page.getByTestId('residence-item').first().getByText(text['svc.status.sent']).waitFor();
      expect(await page.getByTestId('residence-item').count()).toBe(1);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});

describe('services: the connection drops after the edge stored a submission', () => {
  const baseUrl = inject('baseUrl');

  it('the retry carries the same key and the edge answers with the first result: nothing is stored twice', async () => {
    const browser = await launchBrowser();
    try {
      const { context, page } = await newPhone(browser);
      await registerThroughApp(page, baseUrl, FAULT_CITIZEN);

      // The next submission reaches the edge (route.fetch), then the connection drops before
      // the answer comes back (route.abort). context.route also sees the service worker's requests.
      const seen: Array<{ path: string; key: string | null; status: number; replayed: string | null; dropped: boolean }> = [];
      let dropNext = false;
      await context.route('**/api/services/**', async (route) => {
        const request = route.request();
        if (request.method() !== 'POST') return route.continue();
        const response = await route.fetch();
        const drop = dropNext;
        dropNext = false;
        seen.push({ path: new URL(request.url()).pathname, key: request.headers()['idempotency-key'] ?? null, status: response.status(), replayed: response.headers()['idempotent-replayed'] ?? null, dropped: drop });
        return drop ? route.abort('connectionreset') : route.fulfill({ response });
      });
      const online = () => page.evaluate(() => window.dispatchEvent(new Event('online')));

      dropNext = true;
      await page.goto(`${baseUrl}/services/residence/new`);
      await page.getByLabel(text['res.commune']).selectOption(COMMUNE);
      await page.getByLabel(text['res.address']).fill('Số 20 Phố Hàng Bạc');
      await page.getByTestId('residence-submit').click();
      await expect.poll(() => seen.length).toBeGreaterThanOrEqual(1);
      // The phone did not get the answer: for it the notification is still to be sent, and it
      // is sent again (by the service worker's sync or the app's "online" trigger, whichever first).
      const stateOf = async (kind: string) => (await readOutbox(page)).find((i) => i.kind === kind)?.state;
      // The list shows it once: the edge's record (it did arrive), not a second "waiting" copy.
      await page.getByTestId('residence-item').first().waitFor();
      await shoot(page, 'svc-15-fault-after-drop');
      await online();
      await expect.poll(() => stateOf('residence'), { timeout: 30_000 }).toBe('sent');
      await page.goto(`${baseUrl}/services/residence`);
      await page.getByTestId('residence-item').first().getByText(text['svc.status.sent']).waitFor();
      expect(await page.getByTestId('residence-item').count()).toBe(1);

      dropNext = true;
      await page.goto(`${baseUrl}/services/reports/new`);
      await page.getByLabel(text['rep.description']).fill('Tụ tập đông người gây ồn ào sau 23 giờ mỗi đêm.');
      await page.getByLabel(text['rep.commune']).selectOption(COMMUNE);
      await page.getByLabel(text['rep.address']).fill('Số 30 Phố Hàng Bạc');
      await page.getByTestId('report-photo').setInputFiles({ name: 'a.jpg', mimeType: 'image/jpeg', buffer: await cameraPhoto(page) });
      await page.locator('.thumbs img').first().waitFor();
      await page.getByTestId('report-submit').click();
      await expect.poll(() => seen.filter((s) => s.path.endsWith('/reports')).length).toBeGreaterThanOrEqual(1);
      await online();
      await expect.poll(() => stateOf('report'), { timeout: 30_000 }).toBe('sent');
      await page.goto(`${baseUrl}/services/reports`);
      await page.getByTestId('report-item').first().getByText(text['svc.status.sent']).waitFor();
      expect(await page.getByTestId('report-item').count()).toBe(1);

      for (const path of ['/api/services/residence', '/api/services/reports']) {
        const sends = seen.filter((s) => s.path === path);
        // Sent at least twice, always with one key; the first stored it, the others were answered with it.
        expect(sends.length).toBeGreaterThanOrEqual(2);
        expect(new Set(sends.map((s) => s.key)).size).toBe(1);
        expect(sends.every((s) => s.status === 201)).toBe(true);
        expect(sends[0]).toMatchObject({ dropped: true, replayed: null });
        expect(sends.slice(1).every((s) => s.replayed === 'true')).toBe(true);
      }
      const records = await serverRecords(page);
      expect(records.notices).toHaveLength(1);
      expect(records.reports).toHaveLength(1);
      expect(records.reports[0]!.photoCount).toBe(1);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
