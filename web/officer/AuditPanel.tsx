/**
 * Supervisors: the audit log, newest first — who (the officer's name and unit, or which kind
 * of actor), what (a label per action), whom, when, and the details in words. Filtered by
 * officer; older events a page at a time (the API's `before`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry, OfficerSummary } from '../../shared/officer';
import { officerApi } from '../accounts/api';
import type { ApiError } from '../api';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { formatWhen } from '../i18n/accounts';
import { td, type OfficerMessageKey } from '../i18n/officer';
import { officerVi } from '../i18n/officer-vi';

/** The API's page size: a shorter page is the last one. */
const PAGE = 100;

const isKey = (key: string): key is OfficerMessageKey => key in officerVi;
const short = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

export function actionLabel(action: string): string {
  const key = `desk.action.${action}`;
  return isKey(key) ? td(key) : td('desk.action.other', { action });
}

type Officers = Map<string, OfficerSummary>;

function Actor({ e, officers }: { e: AuditEntry; officers: Officers }) {
  const [kind, id = ''] = e.actor.split(/:(.*)/s);
  const unit = typeof e.detail?.unit === 'string' ? e.detail.unit : '';
  if (kind === 'officer') {
    const o = officers.get(id);
    return o ? (
      <>
        <strong>{o.name}</strong>
        <br />
        <span class="hint mono">{o.unitCode}</span>
      </>
    ) : (
      <>{td('desk.actor.officer', { unit: unit || short(id) })}</>
    );
  }
  if (kind === 'account') return <>{td('desk.actor.citizen', { id: short(id) })}</>;
  if (kind === 'device') return <>{td('desk.actor.newDevice')}</>;
  if (kind === 'client') return <>{td('desk.actor.sms')}</>;
  return <>{td('desk.actor.system')}</>;
}

/** Whom an event concerns, in words; subjects that are records (a report, a grant) stay ids. */
function subjectText(e: AuditEntry, officers: Officers): string {
  const s = e.subject;
  if (!s) return '—';
  if (s.startsWith('officer:')) {
    const o = officers.get(s.slice(8));
    return td('desk.subject.officer', { name: o ? o.name : short(s.slice(8)) });
  }
  if (s.startsWith('portal:')) return td('desk.subject.portal', { clientId: s.slice(7) });
  if (s.startsWith('citizen:')) return td('desk.subject.citizen', { idNumber: s.slice(8) });
  if (/^news\.|^sso\.replay$/.test(e.action)) return short(s);
  // Residence and report rows name the citizen and keep the record in the detail; older ones named the record.
  if (/^(residence|report)\./.test(e.action) && !e.detail?.notice && !e.detail?.report) return short(s);
  return td('desk.subject.account', { id: short(s) });
}

/** A detail's value in words: yes/no, document and role names; ids shortened. */
function valueText(key: string, value: string | number | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? td('desk.detail.yes') : td('desk.detail.no');
  const text = String(value);
  if (key === 'docType' && isKey(`desk.doc.${text}`)) return td(`desk.doc.${text}` as OfficerMessageKey);
  if (key === 'role' && isKey(`desk.role.${text}`)) return td(`desk.role.${text}` as OfficerMessageKey);
  if (key === 'authMethod' && isKey(`desk.portalAuth.${text}`)) return td(`desk.portalAuth.${text}` as OfficerMessageKey);
  if (key === 'via' && isKey(`desk.via.${text}`)) return td(`desk.via.${text}` as OfficerMessageKey);
  if (key === 'readyAt' && typeof value === 'number') return formatWhen(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Keys not worth a line: the unit is in the actor column; ids of keys and grants say nothing to a reader. */
const HIDDEN = new Set(['unit', 'grantId', 'deviceKeyId', 'approvedBy', 'backupEligible']);

export function detailText(detail: AuditEntry['detail']): string {
  if (!detail) return '';
  return Object.entries(detail)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, val]) => {
      const key = `desk.detail.${k}`;
      return `${isKey(key) ? td(key) : k}: ${valueText(k, val)}`;
    })
    .join(' · ');
}

export function AuditPanel() {
  const [officers, setOfficers] = useState<Officers>(new Map());
  const [officerId, setOfficerId] = useState('');
  const [events, setEvents] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const load = async (filter: string, before?: number) => {
    setBusy(true);
    setError(null);
    const r = await officerApi.audit({ ...(filter ? { officerId: filter } : {}), ...(before !== undefined ? { before } : {}) });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setEvents((list) => (before !== undefined ? [...(list ?? []), ...r.data.events] : r.data.events));
    setMore(r.data.events.length === PAGE);
  };

  useEffect(() => {
    void officerApi.officers().then((r) => r.ok && setOfficers(new Map(r.data.officers.map((o) => [o.officerId, o]))));
    void load('');
  }, []);

  const choose = (id: string) => {
    setOfficerId(id);
    setEvents(null);
    void load(id);
  };

  return (
    <section class="card" aria-labelledby="desk-audit">
      <h2 id="desk-audit">{td('desk.auditTitle')}</h2>
      <div class="field audit-filter">
        <label for="audit-officer">{td('desk.auditFilter')}</label>
        <select id="audit-officer" value={officerId} onChange={(e) => choose(e.currentTarget.value)} data-testid="audit-officer">
          <option value="">{td('desk.auditFilterAll')}</option>
          {[...officers.values()].map((o) => (
            <option key={o.officerId} value={o.officerId}>
              {o.name} · {o.unitCode} · {td(`desk.role.${o.role}`)}
            </option>
          ))}
        </select>
      </div>
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
            <tr key={e.id} data-action={e.action}>
              <td class="audit-time">{formatWhen(e.at)}</td>
              <td>
                <Actor e={e} officers={officers} />
              </td>
              <td>{actionLabel(e.action)}</td>
              <td class="mono">{subjectText(e, officers)}</td>
              <td>{detailText(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events !== null && events.length === 0 ? <p class="empty">{td('desk.auditEmpty')}</p> : null}
      {more ? (
        <button type="button" class="btn btn-secondary audit-more" disabled={busy} onClick={() => void load(officerId, events?.at(-1)?.id)} data-testid="audit-older">
          {busy ? td('desk.working') : td('desk.auditOlder')}
        </button>
      ) : events !== null && events.length > 0 ? (
        <p class="hint">{td('desk.auditEnd')}</p>
      ) : null}
    </section>
  );
}
