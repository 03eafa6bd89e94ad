/**
 * A new residence notification. It works offline: the form is checked on the phone with the
 * edge's own schema, kept in the outbox, and sent when the network allows.
 */
import * as v from 'valibot';
import { useEffect, useState } from 'preact/hooks';
import { formatDay, ResidenceNoticeRequest, vietnamDay, type Household, type ResidenceRole } from '../../shared/services';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { t, type MessageKey } from '../i18n';
import { submit } from '../outbox/outbox';
import { navigate } from '../router';
import { servicesApi } from '../services/api';
import { CommuneSelect, useFocusFirstInvalid } from '../services/components';
import { useApp } from '../state';

type FieldName = 'communeCode' | 'address' | 'people' | 'from' | 'to' | 'reason';

const FIELD_ERRORS: Record<FieldName, MessageKey> = {
  communeCode: 'res.err.commune',
  address: 'res.err.address',
  people: 'res.err.people',
  from: 'res.err.date',
  to: 'res.err.dates',
  reason: 'res.err.reason',
};

const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export default function ResidenceForm() {
  const app = useApp();
  const me = app.me.value;
  const today = vietnamDay(Date.now());
  const [role, setRole] = useState<ResidenceRole>('guest');
  const [communeCode, setCommune] = useState('');
  const [address, setAddress] = useState('');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(addDays(today, 1));
  const [reason, setReason] = useState('');
  const [dependants, setDependants] = useState<string[]>([]);
  const [guests, setGuests] = useState<string[]>(['']);
  const [household, setHousehold] = useState<Household | null>(null);
  const [errors, setErrors] = useState<Partial<Record<FieldName, MessageKey>>>({});
  const [busy, setBusy] = useState(false);
  const focusFirstInvalid = useFocusFirstInvalid();

  useEffect(() => {
    void servicesApi.household().then((r) => r.data && setHousehold(r.data));
  }, []);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const body = {
      role,
      communeCode,
      address,
      people: role === 'guest' ? dependants : guests.map((g) => g.replace(/\s/g, '')).filter(Boolean),
      from,
      to,
      reason,
    };
    const checked = v.safeParse(ResidenceNoticeRequest, body);
    if (!checked.success) {
      const next: Partial<Record<FieldName, MessageKey>> = {};
      for (const issue of checked.issues) {
        const field = (v.getDotPath(issue) ?? '').split('.')[0] as FieldName;
        if (field in FIELD_ERRORS && !next[field]) next[field] = FIELD_ERRORS[field];
      }
      setErrors(next);
      focusFirstInvalid();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await submit('residence', checked.output);
      navigate(`/services/residence?saved=1`, { replace: true });
    } finally {
      setBusy(false);
    }
  };

  const err = (f: FieldName) => (errors[f] ? t(errors[f]!) : null);
  /** A setter that also clears the field's error: the message goes once the citizen acts on it. */
  const edit =
    <T,>(f: FieldName, set: (v: T) => void) =>
    (v: T) => {
      set(v);
      if (errors[f]) setErrors(({ [f]: _gone, ...rest }) => rest);
    };
  const toggleDependant = (id: string) => setDependants((d) => (d.includes(id) ? d.filter((x) => x !== id) : [...d, id]));

  return (
    <Screen title={t('res.formTitle')}>
      <form class="stack" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="residence-form">
        <ErrorAlert message={Object.keys(errors).length ? t('svc.fixErrors') : null} />
        <fieldset class="choices">
          <legend>{t('res.role')}</legend>
          {(['guest', 'host'] as const).map((r) => (
            <label class="choice" key={r}>
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`role-${r}`} />
              <span>{t(`res.role.${r}`)}</span>
            </label>
          ))}
        </fieldset>
        <CommuneSelect id="commune" label={t('res.commune')} hint={t('res.communeHint')} value={communeCode} onValue={edit('communeCode', setCommune)} error={err('communeCode')} />
        <Field id="address" label={t('res.address')} hint={t('res.addressHint')} value={address} onValue={edit('address', setAddress)} error={err('address')} autoComplete="street-address" maxLength={200} />
        {role === 'guest' ? (
          <fieldset class="choices">
            <legend>{t('res.people')}</legend>
            <p class="choice-fixed">{t('res.self', { name: me?.fullName ?? '' })}</p>
            {household && household.dependants.length === 0 ? <p class="hint">{t('res.noDependants')}</p> : null}
            {household?.dependants.map((d) => (
              <label class="choice" key={d.idNumber}>
                <input type="checkbox" checked={dependants.includes(d.idNumber)} onChange={() => toggleDependant(d.idNumber)} />
                <span>
                  {d.fullName} <span class="muted">· {formatDay(d.birthDate)}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : (
          <fieldset class="choices">
            <legend>{t('res.guests')}</legend>
            {guests.map((g, i) => (
              <div class="row" key={i}>
                <Field
                  id={`guest-${i}`}
                  label={t('res.guestId', { n: i + 1 })}
                  value={g}
                  onValue={(value) => setGuests((list) => list.map((x, j) => (j === i ? value : x)))}
                  inputMode="numeric"
                  maxLength={14}
                  error={i === 0 ? err('people') : null}
                />
                {guests.length > 1 ? (
                  <button type="button" class="btn-link" onClick={() => setGuests((list) => list.filter((_, j) => j !== i))}>
                    {t('res.removeGuest', { n: i + 1 })}
                  </button>
                ) : null}
              </div>
            ))}
            {guests.length < 10 ? (
              <button type="button" class="btn btn-secondary" onClick={() => setGuests((list) => [...list, ''])}>
                {t('res.addGuest')}
              </button>
            ) : null}
          </fieldset>
        )}
        <div class="two-cols">
          <Field id="from" type="date" label={t('res.from')} value={from} onValue={edit('from', setFrom)} error={err('from')} />
          <Field id="to" type="date" label={t('res.to')} value={to} onValue={edit('to', setTo)} error={err('to')} min={from} />
        </div>
        <div class={errors.reason ? 'field field-invalid' : 'field'}>
          <label for="reason">{t('res.reason')}</label>
          <p id="reason-hint" class="hint">
            {t('res.reasonHint')}
          </p>
          <textarea id="reason" name="reason" rows={2} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} aria-describedby="reason-hint" />
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="residence-submit">
          {busy ? t('svc.saving') : t('res.submit')}
        </button>
      </form>
    </Screen>
  );
}
