/** Supervisors: the officers, and invitations (the code is shown once, to hand over in person). */
import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import { FullName } from '../../shared/api';
import { OFFICER_ROLES, UnitCode, type OfficerInviteResponse, type OfficerRole, type OfficerSummary } from '../../shared/officer';
import { officerApi } from '../accounts/api';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { ErrorAlert } from '../components/Status';
import { errorText, t } from '../i18n';
import { formatWhen } from '../i18n/accounts';
import { td } from '../i18n/officer';

export function OfficersPanel() {
  const [officers, setOfficers] = useState<OfficerSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<OfficerRole>('officer');
  const [unit, setUnit] = useState('');
  const [invalid, setInvalid] = useState<{ name?: string; unit?: string }>({});
  const [invited, setInvited] = useState<OfficerInviteResponse | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => void officerApi.officers().then((r) => (r.ok ? setOfficers(r.data.officers) : setError(r.error)));
  useEffect(load, []);

  const invite = async (event: Event) => {
    event.preventDefault();
    const errors: { name?: string; unit?: string } = {};
    if (!v.safeParse(FullName, name).success) errors.name = t('field.full_name');
    if (!v.safeParse(UnitCode, unit).success) errors.unit = t('errors.validation_failed');
    setInvalid(errors);
    if (errors.name || errors.unit) return;
    setBusy(true);
    setError(null);
    const r = await officerApi.invite({ name, role, unitCode: unit });
    setBusy(false);
    if (r.ok) {
      setInvited(r.data);
      setName('');
      setUnit('');
      load();
    } else setError(r.error);
  };

  return (
    <div class="desk-grid">
      <section class="card" aria-labelledby="desk-invite">
        <h2 id="desk-invite">{td('desk.inviteTitle')}</h2>
        <form class="stack" noValidate onSubmit={(e) => void invite(e)} data-testid="desk-invite">
          <Field id="inv-name" label={td('desk.inviteName')} value={name} onValue={setName} error={invalid.name} maxLength={100} />
          <fieldset class="choices">
            <legend>{td('desk.inviteRole')}</legend>
            {OFFICER_ROLES.map((r) => (
              <label class="choice" key={r}>
                <input type="radio" name="inv-role" value={r} checked={role === r} onChange={() => setRole(r)} />
                <span>{td(`desk.role.${r}`)}</span>
              </label>
            ))}
          </fieldset>
          <Field id="inv-unit" label={td('desk.inviteUnit')} value={unit} onValue={setUnit} error={invalid.unit} maxLength={24} class="mono" />
          <ErrorAlert message={error ? errorText(error) : null} />
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {td('desk.invite')}
          </button>
        </form>
        {invited ? (
          <div class="notice" role="status" data-testid="desk-invite-code">
            <p>{td('desk.inviteCode', { time: formatWhen(invited.expiresAt) })}</p>
            <p class="invite-code">{invited.inviteCode}</p>
          </div>
        ) : null}
      </section>
      <section class="card" aria-labelledby="desk-officers">
        <h2 id="desk-officers">{td('desk.officersTitle')}</h2>
        <table class="desk-table">
          <thead>
            <tr>
              <th>{td('desk.inviteName')}</th>
              <th>{td('desk.inviteRole')}</th>
              <th>{td('desk.inviteUnit')}</th>
              <th>{td('desk.status')}</th>
            </tr>
          </thead>
          <tbody>
            {(officers ?? []).map((o) => (
              <tr key={o.officerId}>
                <td>{o.name}</td>
                <td>{td(`desk.role.${o.role}`)}</td>
                <td class="mono">{o.unitCode}</td>
                <td>{td(`desk.officerStatus.${o.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
