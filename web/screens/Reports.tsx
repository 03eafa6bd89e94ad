/** Security and public-order reports: the history, each with its status and the police's reply. */
import { communeLabel } from '../../shared/communes';
import type { Report, ReportRequest } from '../../shared/services';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText, t, type MessageKey } from '../i18n';
import type { OutboxItem } from '../outbox/db';
import { search } from '../router';
import { CACHE_KEYS, servicesApi } from '../services/api';
import { formatTime, ItemCard, OutboxState, SavedCopyNote, StatusBadge } from '../services/components';
import { useServiceList } from '../services/use-list';
import { useApp } from '../state';

function Details({ r, photos }: { r: Pick<ReportRequest, 'category' | 'description' | 'communeCode' | 'anonymous' | 'occurredAt'>; photos: number }) {
  return (
    <>
      <h2 class="item-title">{t(`rep.cat.${r.category}` as MessageKey)}</h2>
      <p class="item-meta">
        {communeLabel(r.communeCode)} · {formatTime(r.occurredAt)}
        {photos ? ` · ${t('rep.photoCount', { count: photos })}` : ''}
        {r.anonymous ? ` · ${t('rep.anonymousTag')}` : ''}
      </p>
      <p class="item-text">{r.description}</p>
    </>
  );
}

function LocalItem({ item }: { item: OutboxItem }) {
  const status = item.state === 'sent' ? 'sent' : item.state;
  return (
    <ItemCard testId="report-item" status={status}>
      <div class="item-head">
        <StatusBadge status={status} />
        <span class="item-time">{t('svc.createdOn', { time: formatTime(item.createdAt) })}</span>
      </div>
      <Details r={item.body as ReportRequest} photos={item.photos.length} />
      <OutboxState item={item} />
    </ItemCard>
  );
}

function RemoteItem({ r }: { r: Report }) {
  return (
    <ItemCard testId="report-item" status={r.status}>
      <div class="item-head">
        <StatusBadge status={r.status} />
        <span class="item-time">{t('svc.submittedOn', { time: formatTime(r.submittedAt) })}</span>
      </div>
      <Details r={r} photos={r.photoCount} />
      {r.reply ? (
        <div class="item-reply" data-testid="report-reply">
          <p class="item-reply-label">{t('rep.reply')}</p>
          <p>{r.reply}</p>
        </div>
      ) : null}
    </ItemCard>
  );
}

export default function Reports() {
  const app = useApp();
  const list = useServiceList('report', CACHE_KEYS.reports, servicesApi.reports, (r: { reports: Report[] }) => r.reports, app.online.value);
  const just = new URLSearchParams(search.value).get('saved');
  const empty = !list.loading && list.local.length === 0 && list.remote.length === 0;
  return (
    <Screen title={t('rep.title')}>
      <Notice message={just ? t('svc.savedOffline') : null} />
      <a class="btn btn-primary" href="/services/reports/new" data-testid="report-new">
        {t('rep.new')}
      </a>
      <SavedCopyNote savedAt={list.loading ? null : list.savedAt} />
      <ErrorAlert message={list.error && list.error.code !== 'network' ? errorText(list.error) : null} />
      {empty ? <p class="empty">{t('svc.empty')}</p> : null}
      <ul class="item-list" data-testid="report-list">
        {list.local.map((item) => (
          <LocalItem item={item} key={item.key} />
        ))}
        {list.remote.map((r) => (
          <RemoteItem r={r} key={r.id} />
        ))}
      </ul>
    </Screen>
  );
}
