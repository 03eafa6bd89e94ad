/** The citizen's own security history: sign-ins, device changes, locks, phone changes, officers' actions. */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEvent } from '../../shared/accounts';
import type { CitizenAuditAction } from '../../shared/audit';
import { accountsApi } from '../accounts/api';
import '../accounts/accounts.css';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading } from '../components/Status';
import { errorText } from '../i18n';
import { formatWhen, ta, type AccountsMessageKey } from '../i18n/accounts';
import { accountsVi } from '../i18n/accounts-vi';

/** Every action the edge can write for a citizen has a label: the compiler checks this key type. */
function historyLabelKey(action: CitizenAuditAction): AccountsMessageKey {
  return `hist.action.${action}`;
}

function actionLabel(action: string): string {
  // An edge newer than this cached app may send an action it does not know yet.
  return `hist.action.${action}` in accountsVi ? ta(historyLabelKey(action as CitizenAuditAction)) : ta('hist.other', { action });
}

function byLabel(e: HistoryEvent): string {
  if (e.by === 'officer') return ta('hist.by.officer', { unit: e.unitCode ?? '' });
  return ta(`hist.by.${e.by}`);
}

export default function SecurityHistory() {
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void accountsApi.history().then((r) => (r.ok ? setEvents(r.data.events) : setError(r.error)));
  }, []);
  return (
    <Screen title={ta('hist.title')}>
      <p>{ta('hist.lead')}</p>
      <ErrorAlert message={error ? errorText(error) : null} />
      {events === null && error === null ? <Loading /> : null}
      {events && events.length === 0 ? <p class="empty">{ta('hist.empty')}</p> : null}
      {events && events.length > 0 ? (
        <section class="card">
          <ul class="event-list" data-testid="history">
            {events.map((e) => (
              <li key={e.id} data-testid="history-event" data-action={e.action}>
                <p class="row-title">{actionLabel(e.action)}</p>
                <p class="hint">
                  {formatWhen(e.at)} · {byLabel(e)}
                  {e.label ? ` · ${e.label}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <a class="tap" href="/settings">
        {ta('common.back')}
      </a>
    </Screen>
  );
}
