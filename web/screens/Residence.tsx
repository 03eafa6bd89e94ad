/** Residence notifications: the history with each one's status, including those still waiting on the phone. */
import { communeLabel } from '../../shared/communes';
import { formatDay, type ResidenceNotice, type ResidenceNoticeRequest } from '../../shared/services';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import type { OutboxItem } from '../outbox/db';
import { search } from '../router';
import { CACHE_KEYS, servicesApi } from '../services/api';
import { formatTime, ItemCard, mismatchedGuest, OutboxState, SavedCopyNote, StatusBadge } from '../services/components';
import { useServiceList } from '../services/use-list';
import { useApp } from '../state';

function Details({ n }: { n: Pick<ResidenceNoticeRequest, 'role' | 'communeCode' | 'address' | 'from' | 'to'> & { names?: string[] } }) {
  return (
    <>
      <h2 class="item-title">
        {n.address}, {communeLabel(n.communeCode)}
      </h2>
      <p class="item-meta">
        {n.role === 'host' ? t('res.asHost') : t('res.asGuest')} · {formatDay(n.from)} – {formatDay(n.to)}
      </p>
      {n.names?.length ? <p class="item-people">{n.names.join(', ')}</p> : null}
    </>
  );
}

function LocalItem({ item }: { item: OutboxItem }) {
  const body = item.body as ResidenceNoticeRequest;
  const status = item.state === 'sent' ? 'sent' : item.state;
  // A host's guests are shown as typed; an older item may hold bare ID numbers.
  const names = body.role === 'host' ? (body.people as unknown[]).flatMap((p) => (typeof p === 'object' && p && 'fullName' in p ? [String(p.fullName)] : [])) : [];
  const row = mismatchedGuest(item.error);
  return (
    <ItemCard testId="residence-item" status={status}>
      <div class="item-head">
        <StatusBadge status={status} />
        <span class="item-time">{t('svc.createdOn', { time: formatTime(item.createdAt) })}</span>
      </div>
      <Details n={{ ...body, names }} />
      <OutboxState item={item} message={row !== null ? t('res.err.guestMismatchRow', { n: row + 1 }) : undefined} fixHref={`/services/residence/new?edit=${item.key}`} />
    </ItemCard>
  );
}

function RemoteItem({ n }: { n: ResidenceNotice }) {
  return (
    <ItemCard testId="residence-item" status={n.status}>
      <div class="item-head">
        <StatusBadge status={n.status} />
        <span class="item-time">{t('svc.submittedOn', { time: formatTime(n.submittedAt) })}</span>
      </div>
      <Details n={{ ...n, names: n.people.map((p) => p.fullName) }} />
      {n.note ? <p class="item-reply">{t('res.note', { note: n.note })}</p> : null}
    </ItemCard>
  );
}

export default function Residence() {
  const app = useApp();
  const list = useServiceList('residence', CACHE_KEYS.residence, servicesApi.residence, (r: { notices: ResidenceNotice[] }) => r.notices, app.online.value);
  const just = new URLSearchParams(search.value).get('saved');
  const empty = !list.loading && list.local.length === 0 && list.remote.length === 0;
  return (
    <Screen title={t('res.title')}>
      <Notice message={just ? t('svc.savedOffline') : null} />
      <a class="btn btn-primary" href="/services/residence/new" data-testid="residence-new">
        {t('res.new')}
      </a>
      <SavedCopyNote savedAt={list.loading ? null : list.savedAt} />
      <ErrorAlert message={list.error && list.error.code !== 'network' ? errorText(list.error) : null} />
      {empty ? <p class="empty">{t('svc.empty')}</p> : null}
      <ul class="item-list" data-testid="residence-list">
        {list.local.map((item) => (
          <LocalItem item={item} key={item.key} />
        ))}
        {list.remote.map((n) => (
          <RemoteItem n={n} key={n.id} />
        ))}
      </ul>
    </Screen>
  );
}
