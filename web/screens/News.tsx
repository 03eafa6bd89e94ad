/** News and crime-trick warnings from the police, kept on the phone (text and images) for offline reading. */
import { useEffect, useState } from 'preact/hooks';
import { formatDay, type NewsFeed, type NewsItem } from '../../shared/services';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t, type MessageKey } from '../i18n';
import { cachedOnly, CACHE_KEYS, newsImages, servicesApi, type Loaded } from '../services/api';
import { SavedCopyNote } from '../services/components';
import { useApp } from '../state';

function Article({ item, image }: { item: NewsItem; image: string | undefined }) {
  const day = new Date(item.publishedAt + 7 * 3600_000).toISOString().slice(0, 10);
  const long = item.body.length > 280;
  return (
    <li class={item.kind === 'warning' ? 'card item-card news warning' : 'card item-card news'} id={item.id} data-testid="news-item">
      <div class="item-head">
        <span class={item.kind === 'warning' ? 'status status-warning' : 'status status-news'}>{item.kind === 'warning' ? t('news.warning') : t('news.news')}</span>
        <span class="item-time">
          {t(`news.cat.${item.category}` as MessageKey)} · {formatDay(day)}
        </span>
      </div>
      <h2 class="item-title">{item.title}</h2>
      {image ? <img class="news-image" src={image} alt="" loading="lazy" /> : null}
      {long ? (
        <details>
          <summary>
            <span class="item-text">{item.body.slice(0, 240)}…</span> <span class="read-more">{t('news.readMore')}</span>
          </summary>
          <p class="item-text">{item.body}</p>
        </details>
      ) : (
        <p class="item-text">{item.body}</p>
      )}
    </li>
  );
}

export default function News() {
  const app = useApp();
  const [feed, setFeed] = useState<Loaded<NewsFeed> | null>(null);
  const [images, setImages] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    let live = true;
    const urls: string[] = [];
    void (async () => {
      const kept = await cachedOnly<NewsFeed>(CACHE_KEYS.news);
      if (kept && live) setFeed({ data: kept.data, savedAt: kept.savedAt, fresh: false });
      const fresh = app.online.value ? await servicesApi.news() : null;
      if (!live) return;
      if (fresh && (fresh.data !== null || !kept)) setFeed(fresh);
      const items = (fresh?.data ?? kept?.data)?.items ?? [];
      const map = await newsImages(items, app.online.value);
      map.forEach((u) => urls.push(u));
      if (live) setImages(map);
    })();
    return () => {
      live = false;
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [app.online.value]);

  const items = feed?.data?.items ?? [];
  return (
    <Screen title={t('news.title')}>
      {feed && feed.data !== null && !feed.fresh ? <SavedCopyNote savedAt={feed.savedAt} /> : null}
      <ErrorAlert message={feed && feed.data === null && feed.error.code !== 'network' ? errorText(feed.error) : null} />
      {feed && items.length === 0 ? <p class="empty">{t('news.empty')}</p> : null}
      <ul class="item-list" data-testid="news-list">
        {items.map((item) => (
          <Article item={item} image={images.get(item.id)} key={item.id} />
        ))}
      </ul>
    </Screen>
  );
}
