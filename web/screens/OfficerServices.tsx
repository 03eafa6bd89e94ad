/**
 * The officer's desk for citizen services (part of the officer console, which signs
 * officers in): residence notifications and reports of the unit's communes (opening one
 * marks it received), acknowledging, replying, and publishing news and warnings.
 */
import { useEffect, useState } from 'preact/hooks';
import { communeLabel } from '../../shared/communes';
import type { OfficerMe } from '../../shared/officer';
import { formatDay, NEWS_CATEGORIES, type NewsCategory, type NewsItem, type NewsKind, type OfficerReport, type OfficerReportSummary, type OfficerResidenceNotice, type OfficerResidenceSummary } from '../../shared/services';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText, t, type MessageKey } from '../i18n';
import { resizePhoto } from '../outbox/photos';
import { officerApi } from '../accounts/api';
import { officerServicesApi } from '../services/api';
import { formatTime, StatusBadge } from '../services/components';

type Tab = 'residence' | 'reports' | 'news';

function SignInFirst() {
  return (
    <div class="card stack" data-testid="officer-signin-needed">
      <p>{t('off.signIn')}</p>
      <a class="btn btn-primary" href="/officer">
        {t('off.toConsole')}
      </a>
    </div>
  );
}

/** Opens an item (audited at the edge: it names people) before it can be handled. */
function OpenButton({ onOpen }: { onOpen: () => void }) {
  return (
    <div class="stack-sm">
      <button type="button" class="btn btn-secondary" onClick={onOpen} data-testid="officer-open">
        {t('off.openItem')}
      </button>
      <p class="hint">{t('off.openHint')}</p>
    </div>
  );
}

function ResidenceInbox({ showAll, onAuth }: { showAll: boolean; onAuth: () => void }) {
  const [items, setItems] = useState<OfficerResidenceSummary[] | null>(null);
  const [opened, setOpened] = useState<Record<string, OfficerResidenceNotice>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const load = () =>
    void officerServicesApi.residence(showAll ? 'all' : 'open').then((r) => {
      if (r.ok) setItems(r.data.items);
      else if (r.error.code === 'unauthenticated') onAuth();
      else setError(r.error);
    });
  useEffect(load, [showAll]);

  const show = (n: OfficerResidenceNotice) => {
    setOpened((o) => ({ ...o, [n.id]: n }));
    setItems((list) => (list ?? []).map((x) => (x.id === n.id ? { ...x, status: n.status, acknowledgedAt: n.acknowledgedAt, note: n.note } : x)));
  };
  const open = async (id: string) => {
    const r = await officerServicesApi.openResidence(id);
    if (r.ok) show(r.data);
    else setError(r.error);
  };
  const acknowledge = async (id: string) => {
    const r = await officerServicesApi.acknowledge(id, notes[id] ?? '');
    if (r.ok) show(r.data);
    else setError(r.error);
  };

  return (
    <div class="stack">
      <ErrorAlert message={error ? errorText(error) : null} />
      {items && items.length === 0 ? <p class="empty">{t('off.empty')}</p> : null}
      <ul class="item-list" data-testid="officer-residence-list">
        {items?.map((n) => {
          const full = opened[n.id];
          return (
            <li class="card item-card" key={n.id} data-testid="officer-residence-item" data-status={n.status}>
              <div class="item-head">
                <StatusBadge status={n.status} />
                <span class="item-time">{formatTime(n.submittedAt)}</span>
              </div>
              <h2 class="item-title">
                {n.address}, {communeLabel(n.communeCode)}
              </h2>
              <p class="item-meta">
                {n.role === 'host' ? t('res.asHost') : t('res.asGuest')} · {formatDay(n.from)} – {formatDay(n.to)} · {t('off.peopleCount', { count: n.peopleCount })}
              </p>
              {n.reason ? <p class="item-text">{n.reason}</p> : null}
              {full ? (
                <>
                  <p class="item-people">{full.people.map((p) => `${p.fullName} (${p.idNumber})`).join(', ')}</p>
                  <p class="muted">{t('off.submittedBy', { name: full.submittedBy.fullName, id: full.submittedBy.idNumber })}</p>
                </>
              ) : null}
              {n.status === 'acknowledged' ? (
                n.note ? <p class="item-reply">{t('res.note', { note: n.note })}</p> : null
              ) : !full ? (
                <OpenButton onOpen={() => void open(n.id)} />
              ) : (
                <div class="stack-sm">
                  <Field id={`note-${n.id}`} label={t('off.note')} value={notes[n.id] ?? ''} onValue={(v) => setNotes((s) => ({ ...s, [n.id]: v }))} maxLength={500} />
                  <button type="button" class="btn btn-primary" onClick={() => void acknowledge(n.id)} data-testid="officer-acknowledge">
                    {t('off.acknowledge')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ReportInbox({ showAll, onAuth }: { showAll: boolean; onAuth: () => void }) {
  const [items, setItems] = useState<OfficerReportSummary[] | null>(null);
  const [opened, setOpened] = useState<Record<string, OfficerReport>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [replies, setReplies] = useState<Record<string, string>>({});
  useEffect(
    () =>
      void officerServicesApi.reports(showAll ? 'all' : 'open').then((r) => {
        if (r.ok) setItems(r.data.items);
        else if (r.error.code === 'unauthenticated') onAuth();
        else setError(r.error);
      }),
    [showAll],
  );

  const show = (x: OfficerReport) => {
    setOpened((o) => ({ ...o, [x.id]: x }));
    setItems((list) => (list ?? []).map((y) => (y.id === x.id ? { ...y, status: x.status, reply: x.reply, answeredAt: x.answeredAt } : y)));
  };
  const open = async (id: string) => {
    const r = await officerServicesApi.openReport(id);
    if (r.ok) show(r.data);
    else setError(r.error);
  };
  const reply = async (id: string) => {
    const r = await officerServicesApi.reply(id, replies[id] ?? '');
    if (r.ok) show(r.data);
    else setError(r.error);
  };

  return (
    <div class="stack">
      <ErrorAlert message={error ? errorText(error) : null} />
      {items && items.length === 0 ? <p class="empty">{t('off.empty')}</p> : null}
      <ul class="item-list" data-testid="officer-report-list">
        {items?.map((r) => {
          const full = opened[r.id];
          return (
            <li class="card item-card" key={r.id} data-testid="officer-report-item" data-status={r.status}>
              <div class="item-head">
                <StatusBadge status={r.status} />
                <span class="item-time">{formatTime(r.submittedAt)}</span>
              </div>
              <h2 class="item-title">{t(`rep.cat.${r.category}` as MessageKey)}</h2>
              <p class="item-meta">
                {communeLabel(r.communeCode)} · {t('off.occurredAt', { time: formatTime(r.occurredAt) })}
              </p>
              <p class="item-meta">
                {r.place.kind === 'address' ? r.place.address : t('rep.location', { lat: r.place.latitude.toFixed(5), lon: r.place.longitude.toFixed(5), acc: Math.round(r.place.accuracy ?? 0) })}
              </p>
              <p class="item-text">{r.description}</p>
              {r.photoCount ? (
                <div class="thumbs">
                  {Array.from({ length: r.photoCount }, (_, i) => (
                    <a href={`/api/officer/services/reports/${r.id}/photos/${i}`} target="_blank" rel="noopener" key={i}>
                      <img src={`/api/officer/services/reports/${r.id}/photos/${i}`} alt="" width={96} height={96} loading="lazy" />
                    </a>
                  ))}
                </div>
              ) : null}
              <p class="muted">
                {r.anonymous ? t('off.anonymous') : full?.reporter ? t('off.reporter', { name: full.reporter.fullName, phone: full.reporter.phoneMasked }) : t('off.named')}
              </p>
              {r.reply ? (
                <div class="item-reply">
                  <p class="item-reply-label">{t('rep.reply')}</p>
                  <p>{r.reply}</p>
                </div>
              ) : !full ? (
                <OpenButton onOpen={() => void open(r.id)} />
              ) : (
                <div class="stack-sm">
                  <div class="field">
                    <label for={`reply-${r.id}`}>{t('off.replyLabel')}</label>
                    <textarea id={`reply-${r.id}`} rows={3} maxLength={2000} value={replies[r.id] ?? ''} onInput={(e) => setReplies((s) => ({ ...s, [r.id]: e.currentTarget.value }))} />
                  </div>
                  <button type="button" class="btn btn-primary" onClick={() => void reply(r.id)} disabled={(replies[r.id] ?? '').trim().length < 5}>
                    {t('off.sendReply')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Publish({ onAuth, canPush }: { onAuth: () => void; canPush: boolean }) {
  const [kind, setKind] = useState<NewsKind>('warning');
  const [category, setCategory] = useState<NewsCategory>('fraud');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [image, setImage] = useState<Blob | null>(null);
  const [published, setPublished] = useState<NewsItem | null>(null);
  const [pushed, setPushed] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const publish = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await officerServicesApi.publish({ kind, category, title, body }, image);
    setBusy(false);
    if (r.ok) {
      setPublished(r.data);
      setTitle('');
      setBody('');
      setImage(null);
    } else if (r.error.code === 'unauthenticated') onAuth();
    else setError(r.error);
  };
  const push = async () => {
    if (!published) return;
    const r = await officerServicesApi.push(published.id);
    if (r.ok) setPushed(r.data.sent);
    else setError(r.error);
  };

  return (
    <form class="stack" onSubmit={(e) => void publish(e)} noValidate data-image={image ? 'ready' : 'none'}>
      <ErrorAlert message={error ? errorText(error) : null} />
      <Notice message={published ? t('off.published') : null} />
      {published?.kind === 'warning' ? (
        !canPush ? (
          <p class="hint" data-testid="push-supervisor-only">
            {t('off.pushSupervisorOnly')}
          </p>
        ) : pushed === null ? (
          <button type="button" class="btn btn-secondary" onClick={() => void push()}>
            {t('off.pushWarning')}
          </button>
        ) : (
          <p class="success">{t('off.pushed', { sent: pushed })}</p>
        )
      ) : null}
      <div class="two-cols">
        <div class="field">
          <label for="news-kind">{t('off.kind')}</label>
          <select id="news-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as NewsKind)}>
            <option value="warning">{t('news.warning')}</option>
            <option value="news">{t('news.news')}</option>
          </select>
        </div>
        <div class="field">
          <label for="news-category">{t('off.newsCategory')}</label>
          <select id="news-category" value={category} onChange={(e) => setCategory(e.currentTarget.value as NewsCategory)}>
            {NEWS_CATEGORIES.map((c) => (
              <option value={c} key={c}>
                {t(`news.cat.${c}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Field id="news-title" label={t('off.newsTitle')} value={title} onValue={setTitle} maxLength={200} />
      <div class="field">
        <label for="news-body">{t('off.newsBody')}</label>
        <textarea id="news-body" rows={6} maxLength={10000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="news-image">{t('off.image')}</label>
        <input
          id="news-image"
          type="file"
          accept="image/*"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void resizePhoto(file).then(setImage, () => setImage(null));
          }}
        />
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {t('off.publish')}
      </button>
    </form>
  );
}

export default function OfficerServices() {
  const [tab, setTab] = useState<Tab>('residence');
  const [showAll, setShowAll] = useState(false);
  const [needsAuth, setNeedsAuth] = useState(false);
  const onAuth = () => setNeedsAuth(true);
  // Pushing a warning to everyone is a supervisor's act (the edge refuses anyone else).
  const [role, setRole] = useState<OfficerMe['role'] | null>(null);
  useEffect(() => void officerApi.me().then((r) => r.ok && setRole(r.data.role)), []);
  return (
    <Screen title={t('off.title')}>
      {needsAuth ? (
        <SignInFirst />
      ) : (
        <>
          <div class="tabs" role="tablist">
            {(['residence', 'reports', 'news'] as const).map((k) => (
              <button type="button" role="tab" aria-selected={tab === k} class={tab === k ? 'tab tab-active' : 'tab'} onClick={() => setTab(k)} key={k} data-testid={`officer-tab-${k}`}>
                {t(`off.tab.${k}`)}
              </button>
            ))}
          </div>
          {tab !== 'news' ? (
            <label class="choice">
              <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} />
              <span>{t('off.showAll')}</span>
            </label>
          ) : null}
          {tab === 'residence' ? <ResidenceInbox showAll={showAll} onAuth={onAuth} /> : null}
          {tab === 'reports' ? <ReportInbox showAll={showAll} onAuth={onAuth} /> : null}
          {tab === 'news' ? <Publish onAuth={onAuth} canPush={role === 'supervisor'} /> : null}
        </>
      )}
    </Screen>
  );
}
