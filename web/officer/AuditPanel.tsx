/** Supervisors: the newest audit events (who, what, whom, when). */
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry } from '../../shared/officer';
import { officerApi } from '../accounts/api';
import type { ApiError } from '../api';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { formatWhen } from '../i18n/accounts';
import { td } from '../i18n/officer';

export function AuditPanel() {
  const [events, setEvents] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void officerApi.audit().then((r) => (r.ok ? setEvents(r.data.events) : setError(r.error)));
  }, []);
  return (
    <section class="card" aria-labelledby="desk-audit">
      <h2 id="desk-audit">{td('desk.auditTitle')}</h2>
      <ErrorAlert message={error ? errorText(error) : null} />
      <table class="desk-table" data-testid="desk-audit">
        <thead>
          <tr>
            <th>{td('desk.auditTime')}</th>
            <th>{td('desk.auditActor')}</th>
            <th>{td('desk.auditAction')}</th>
            <th>{td('desk.auditSubject')}</th>
            <th>{td('desk.auditDetail')}</th>
          </tr>
        </thead>
        <tbody>
          {(events ?? []).map((e) => (
            <tr key={e.id}>
              <td>{formatWhen(e.at)}</td>
              <td class="mono">{e.actor.slice(0, 20)}</td>
              <td>{e.action}</td>
              <td class="mono">{(e.subject ?? '—').slice(0, 24)}</td>
              <td class="mono">{e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}=${String(v)}`).join(', ') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
