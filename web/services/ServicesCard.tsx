/**
 * The services on the home screen: residence notification, reports, notifications, news,
 * with what is waiting to be sent. It also warms the service worker's cache with the
 * services' screens while online, so they open when the phone is offline later.
 */
import { useEffect, useState } from 'preact/hooks';
import type { NotificationsResponse } from '../../shared/services';
import { t, type MessageKey } from '../i18n';
import { pendingCount, sendPending } from '../outbox/outbox';
import { useApp } from '../state';
import { cachedOnly, CACHE_KEYS } from './api';
import './services.css';

/** The lazy screens a citizen may need offline (the route table loads the same modules). */
export function prefetchServiceScreens(): void {
  void Promise.all([
    import('../screens/Residence'),
    import('../screens/ResidenceForm'),
    import('../screens/Reports'),
    import('../screens/ReportForm'),
    import('../screens/Notifications'),
    import('../screens/News'),
  ]).catch(() => undefined);
}

const LINKS: ReadonlyArray<{ href: string; title: MessageKey; hint: MessageKey; id: string }> = [
  { href: '/services/residence', title: 'svc.residence', hint: 'svc.residenceHint', id: 'residence' },
  { href: '/services/reports', title: 'svc.reports', hint: 'svc.reportsHint', id: 'reports' },
  { href: '/notifications', title: 'svc.notifications', hint: 'svc.notificationsHint', id: 'notifications' },
  { href: '/news', title: 'svc.news', hint: 'svc.newsHint', id: 'news' },
];

export function ServicesCard() {
  const app = useApp();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    void cachedOnly<NotificationsResponse>(CACHE_KEYS.notifications).then((c) => setUnread(c?.data.unread ?? 0));
    // Back on the home screen (after signing in again, say): send what is waiting.
    if (pendingCount.value > 0) void sendPending();
    if (app.online.value) {
      const idle = (window as Window & { requestIdleCallback?: (cb: () => void) => number }).requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1500));
      idle(prefetchServiceScreens);
    }
  }, [app.online.value]);
  const pending = pendingCount.value;
  return (
    <section class="card" aria-labelledby="services-heading" data-testid="services-card">
      <h2 id="services-heading">{t('svc.title')}</h2>
      {pending > 0 ? (
        <p class="notice" data-testid="pending-count">
          {t('svc.pending', { count: pending })}
        </p>
      ) : null}
      <ul class="service-links">
        {LINKS.map((l) => (
          <li key={l.href}>
            <a href={l.href} data-testid={`service-${l.id}`}>
              <span class="service-title">
                {t(l.title)}
                {l.id === 'notifications' && unread > 0 ? <span class="count-badge">{t('svc.unread', { count: unread })}</span> : null}
              </span>
              <span class="service-hint">{t(l.hint)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
