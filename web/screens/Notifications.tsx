/**
 * The notification inbox (procedures, card expiry, birthdays, replies, acknowledgements),
 * readable offline from the kept copy, and the switch for Web Push on this phone.
 */
import { useEffect, useState } from 'preact/hooks';
import { fromBase64Url } from '../../shared/bytes';
import type { AppNotification, NotificationsResponse } from '../../shared/services';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { servicesApi, type Loaded } from '../services/api';
import { formatTime, SavedCopyNote } from '../services/components';
import { useApp } from '../state';

type PushState = 'unsupported' | 'denied' | 'off' | 'on' | 'working';

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function PushSwitch() {
  const [state, setState] = useState<PushState>(pushSupported() ? (Notification.permission === 'denied' ? 'denied' : 'off') : 'unsupported');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (state === 'unsupported' || state === 'denied') return;
    void currentSubscription().then((s) => s && setState('on'), () => undefined);
  }, []);

  const enable = async () => {
    setState('working');
    setError(null);
    try {
      if ((await Notification.requestPermission()) !== 'granted') {
        setState('denied');
        return;
      }
      const key = await servicesApi.pushKey();
      if (!key.ok) throw new Error(errorText(key.error));
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(key.data.publicKey)! });
      const saved = await servicesApi.subscribe(subscription.toJSON());
      if (!saved.ok) {
        await subscription.unsubscribe();
        throw new Error(errorText(saved.error));
      }
      setState('on');
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : t('notif.pushUnsupported'));
      setState('off');
    }
  };

  const disable = async () => {
    setState('working');
    const subscription = await currentSubscription().catch(() => null);
    if (subscription) {
      await servicesApi.unsubscribe(subscription.endpoint);
      await subscription.unsubscribe().catch(() => false);
    }
    setState('off');
  };

  return (
    <section class="card stack" aria-labelledby="push-heading">
      <h2 id="push-heading">{t('notif.push')}</h2>
      {state === 'unsupported' ? <p class="muted">{t('notif.pushUnsupported')}</p> : null}
      {state === 'denied' ? <p class="muted">{t('notif.pushDenied')}</p> : null}
      {state === 'off' || state === 'working' ? (
        <>
          <p>{t('notif.pushOff')}</p>
          <button type="button" class="btn btn-secondary" onClick={() => void enable()} disabled={state === 'working'}>
            {t('notif.enable')}
          </button>
        </>
      ) : null}
      {state === 'on' ? (
        <>
          <p class="success">{t('notif.pushOn')}</p>
          <button type="button" class="btn-link" onClick={() => void disable()}>
            {t('notif.disable')}
          </button>
        </>
      ) : null}
      <ErrorAlert message={error} />
    </section>
  );
}

export default function Notifications() {
  const app = useApp();
  const [loaded, setLoaded] = useState<Loaded<NotificationsResponse> | null>(null);
  const [readNow, setReadNow] = useState(false);

  useEffect(() => {
    let live = true;
    void servicesApi.notifications().then((r) => {
      if (!live) return;
      setLoaded(r);
      // Seen means read; this visit still shows which ones were new.
      if (r.data && r.data.unread > 0 && 'fresh' in r && r.fresh) void servicesApi.markRead({ all: true });
    });
    return () => {
      live = false;
    };
  }, [app.online.value]);

  const list: AppNotification[] = loaded?.data?.notifications ?? [];
  const markAll = async () => {
    const r = await servicesApi.markRead({ all: true });
    if (r.ok) setReadNow(true);
  };

  return (
    <Screen title={t('notif.title')}>
      {loaded && 'fresh' in loaded && !loaded.fresh ? <SavedCopyNote savedAt={loaded.savedAt} /> : null}
      <ErrorAlert message={loaded && loaded.data === null && loaded.error.code !== 'network' ? errorText(loaded.error) : null} />
      {loaded && list.length === 0 ? <p class="empty">{t('notif.empty')}</p> : null}
      <ul class="item-list" data-testid="notification-list">
        {list.map((n) => {
          const unread = n.readAt === null && !readNow;
          return (
            <li class={unread ? 'card item-card notification unread' : 'card item-card notification'} key={n.id} data-testid="notification" data-kind={n.kind}>
              <div class="item-head">
                {unread ? <span class="dot" aria-label={t('notif.unread')} /> : null}
                <span class="item-time">{formatTime(n.createdAt)}</span>
              </div>
              <h2 class="item-title">{n.title}</h2>
              <p class="item-text">{n.body}</p>
              {n.link && n.link !== '/notifications' ? (
                <a href={n.link} class={n.kind === 'security' ? 'btn btn-secondary' : undefined} data-testid="notification-link">
                  {n.kind === 'security' ? t('notif.review') : t('off.open')}
                </a>
              ) : null}
            </li>
          );
        })}
      </ul>
      {list.some((n) => n.readAt === null) && !readNow && app.online.value ? (
        <button type="button" class="btn-link" onClick={() => void markAll()}>
          {t('notif.markAll')}
        </button>
      ) : null}
      <PushSwitch />
    </Screen>
  );
}
