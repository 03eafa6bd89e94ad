/**
 * News and crime-trick warnings: publishing (with an image in R2), the public feed, and a
 * warning pushed to every subscription in bounded pages that never send one page twice.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { continueNewsPushes, publishNews, pushWarning } from '../../edge/domain/news';
import { subscribePush } from '../../edge/domain/notifications';
import type { Officer } from '../../edge/store/officers';
import type { NewsFeed, PushMessage } from '../../shared/services';
import { api, ORIGIN } from './helpers/phone';
import { browserSubscription, decryptPushMessage, fakeJpeg, signedInPhone, testServicesDeps } from './helpers/services';
import { accountOf, onEveryShard } from './helpers/shards';

const scope = { officerId: 'officer-news-1', unitCode: '00070', communes: ['00070'] };
const supervisor: Officer = { id: 'officer-news-1', name: 'Nguyễn Thị Trưởng', role: 'supervisor', unitCode: 'CA-001', status: 'active', createdBy: 'test', createdAt: 0, updatedAt: 0 };

describe('news', () => {
  it('an article with its image appears in the public feed, newest first', async () => {
    const deps = testServicesDeps();
    const image = fakeJpeg(5000, 3);
    const older = await publishNews({ ...deps, now: Date.now() - 1000 }, scope, { kind: 'news', category: 'traffic', title: 'Phân luồng giao thông dịp lễ', body: 'Từ ngày 30/4, các phương tiện đi theo hướng dẫn của CSGT.' }, null);
    const item = await publishNews(deps, scope, { kind: 'warning', category: 'fraud', title: 'Cảnh báo giả danh công an gọi điện', body: 'Công an không làm việc qua điện thoại và không yêu cầu chuyển tiền.' }, { bytes: image });
    const feed = await api<NewsFeed>('/api/news');
    expect(feed.status).toBe(200);
    const ids = feed.body.items.map((i) => i.id);
    expect(ids.indexOf(item.id)).toBeLessThan(ids.indexOf(older.id));
    expect(feed.body.items.find((i) => i.id === item.id)).toMatchObject({ kind: 'warning', imageUrl: `/api/news/${item.id}/image` });
    const res = await SELF.fetch(`${ORIGIN}${item.imageUrl}`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(image);
  });

  it('refuses a non-JPEG image', async () => {
    const deps = testServicesDeps();
    await expect(publishNews(deps, scope, { kind: 'news', category: 'other', title: 'Tiêu đề tin', body: 'Nội dung tin tức đủ dài.' }, { bytes: new Uint8Array([1, 2, 3, 4]) })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('a warning is pushed to every subscribed browser once, in bounded pages', async () => {
    await onEveryShard('DELETE FROM push_subscriptions');
    const deps = testServicesDeps();
    const subs = [];
    for (let i = 0; i < 7; i++) {
      const { me } = await signedInPhone();
      const sub = await browserSubscription();
      await subscribePush(deps, accountOf(me), sub.json);
      subs.push(sub);
    }
    const warning = await publishNews(deps, scope, { kind: 'warning', category: 'cyber', title: 'Cảnh báo đường link giả mạo VNeID', body: 'Không bấm vào đường link lạ tự xưng là ứng dụng định danh.' }, null);
    const first = await pushWarning(deps, supervisor, warning.id);
    await deps.settle();
    expect(first.done).toBe(false); // the push runs after the response
    expect(deps.pushed).toHaveLength(7);
    // Starting again, or another worker continuing, sends nothing twice.
    await pushWarning(deps, supervisor, warning.id);
    await deps.settle();
    expect(await continueNewsPushes(deps, 100)).toBe(0);
    expect(deps.pushed).toHaveLength(7);
    expect(new Set(deps.pushed.map((p) => p.url)).size).toBe(7);
    const sub = subs[3]!;
    const message = JSON.parse(await decryptPushMessage(deps.pushed.find((p) => p.url === sub.endpoint)!.body, sub)) as PushMessage;
    expect(message.title).toContain('Cảnh báo đường link giả mạo VNeID');
    const row = await env.DB.prepare('SELECT push_state, push_sent FROM news WHERE id = ?').bind(warning.id).first<{ push_state: string; push_sent: number }>();
    expect(row).toEqual({ push_state: 'done', push_sent: 7 });
  });

  it('a budget smaller than the audience leaves the broadcast running for the next run', async () => {
    await onEveryShard('DELETE FROM push_subscriptions');
    await env.DB.prepare("UPDATE news SET push_state = 'done' WHERE push_state = 'running'").run();
    const deps = testServicesDeps();
    for (let i = 0; i < 5; i++) {
      const { me } = await signedInPhone();
      await subscribePush(deps, accountOf(me), (await browserSubscription()).json);
    }
    const warning = await publishNews(deps, scope, { kind: 'warning', category: 'fraud', title: 'Cảnh báo lừa đảo việc nhẹ lương cao', body: 'Không nộp tiền đặt cọc cho việc làm qua mạng.' }, null);
    const { startNewsPush } = await import('../../edge/store/news');
    await startNewsPush(deps.db, warning.id);
    expect(await continueNewsPushes(deps, 3)).toBe(3);
    expect((await env.DB.prepare('SELECT push_state FROM news WHERE id = ?').bind(warning.id).first<{ push_state: string }>())!.push_state).toBe('running');
    expect(await continueNewsPushes(deps, 3)).toBe(2);
    expect((await env.DB.prepare('SELECT push_state FROM news WHERE id = ?').bind(warning.id).first<{ push_state: string }>())!.push_state).toBe('done');
    expect(deps.pushed).toHaveLength(5);
  });
});
